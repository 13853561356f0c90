# ptdump — build, test, demo and install.
#
#   make demo     install build dependencies if missing, build, print a sample's page tables
#   make test     install build dependencies if missing, unit/golden tests, CLI tests
#   make install  binary and man pages under $(PREFIX) (default /usr/local; DESTDIR honoured)
#   make bench    time and measure ptdump on the oracle dumps (Benchmarks/bench.sh)
#   make clean    remove the build directory
#
# BUILD_DIR selects SwiftPM's scratch directory (default .build).

SWIFT     ?= swift
BUILD_DIR ?= .build
PREFIX    ?= /usr/local
DESTDIR   ?=
BIN       := $(BUILD_DIR)/release/ptdump
SWIFTPM   := --scratch-path $(BUILD_DIR)

# apt-get needs root; use sudo when not root.
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEPS      := libelf-dev pkg-config

# Prerequisites run in the order written (deps before build).
.NOTPARALLEL:
.PHONY: all deps build demo test install uninstall bench clean

all: build

deps:
	@dpkg -s $(DEPS) >/dev/null 2>&1 || { $(SUDO) apt-get update && $(SUDO) apt-get install -y $(DEPS); }

build:
	$(SWIFT) build -c release $(SWIFTPM)

demo: deps build
	$(BIN) samples/x86_64-4level/image.ptd

test: deps
	$(SWIFT) test --disable-xctest $(SWIFTPM)
	$(SWIFT) build -c release $(SWIFTPM)
	bash tests/cli.sh $(BIN)

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/ptdump
	install -m 644 man/ptdump.1 $(DESTDIR)$(PREFIX)/share/man/man1/ptdump.1
	install -m 644 man/ptdump-image.5 $(DESTDIR)$(PREFIX)/share/man/man5/ptdump-image.5

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/ptdump $(DESTDIR)$(PREFIX)/share/man/man1/ptdump.1 \
	      $(DESTDIR)$(PREFIX)/share/man/man5/ptdump-image.5

bench: build
	PTDUMP=$(BIN) bash Benchmarks/bench.sh

clean:
	rm -rf $(BUILD_DIR)
