/*
 * The capture guest's /init: a static program, so no user space has to exist for the
 * architecture (no busybox needed).
 *
 * It mounts proc, sysfs, devtmpfs and debugfs, silences printk on the console, and prints
 * between "@@PTDUMP BEGIN name" / "@@PTDUMP END name" lines on the console:
 *   release      uname -r
 *   cmdline      /proc/cmdline
 *   wx           the dmesg lines that carry the kernel's W^X verdict
 *   dmesg        the whole kernel log, without <level> prefixes
 *   vmcoreinfo   /sys/kernel/vmcoreinfo (PA and size of the note)
 *   ptdump.1     the kernel's debugfs page-table text
 *   ptdump.2     the same file three seconds later (read again until two reads agree)
 * then "@@PTDUMP READY" and sleeps forever. After READY it makes no system call but pause(),
 * so the tables the host then dumps are the tables the text describes; the host compares the
 * two reads to be sure nothing moved while they were taken.
 *
 * Build: <cross-prefix>gcc -static -O2 -o init init.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Where each architecture's kernel puts its page-table text (first existing one wins). */
static const char *const ptdump_paths[] = {
	"/sys/kernel/debug/page_tables/kernel",   /* x86 */
	"/sys/kernel/debug/kernel_page_tables",   /* arm64, riscv64, s390 */
	NULL,
};

static void section(const char *name, const char *buf, size_t len)
{
	printf("@@PTDUMP BEGIN %s\n", name);
	fflush(stdout);
	if (len)
		fwrite(buf, 1, len, stdout);
	if (len && buf[len - 1] != '\n')
		putchar('\n');
	printf("@@PTDUMP END %s\n", name);
	fflush(stdout);
}

/* Reads a whole (possibly unsized, like debugfs) file; NULL when it cannot be opened. */
static char *read_all(const char *path, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	ssize_t r;
	int fd = open(path, O_RDONLY);

	*len = 0;
	if (fd < 0 || !buf) {
		free(buf);
		return NULL;
	}
	while ((r = read(fd, buf + n, cap - n)) > 0) {
		n += (size_t)r;
		if (n == cap) {
			char *bigger = realloc(buf, cap * 2);
			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
	}
	close(fd);
	*len = n;
	return buf;
}

static void file_section(const char *name, const char *path)
{
	size_t len;
	char *buf = read_all(path, &len);

	if (!buf) {
		printf("@@PTDUMP MISSING %s %s\n", name, path);
		fflush(stdout);
		return;
	}
	section(name, buf, len);
	free(buf);
}

static void log_sections(void)
{
	int size = klogctl(10, NULL, 0);     /* SYSLOG_ACTION_SIZE_BUFFER */
	char *log = malloc(size > 0 ? (size_t)size : 1);
	char *all = malloc(size > 0 ? (size_t)size : 1);
	char *wx = malloc(size > 0 ? (size_t)size : 1);
	size_t al = 0, wl = 0;
	int n = log ? klogctl(3, log, size) : 0;   /* SYSLOG_ACTION_READ_ALL */
	char *p = log;

	while (n > 0 && p < log + n) {
		char *end = memchr(p, '\n', (size_t)(log + n - p));
		char *start = p;
		size_t l;

		if (!end)
			end = log + n - 1;
		if (*start == '<') {
			char *gt = memchr(start, '>', (size_t)(end - start));
			if (gt)
				start = gt + 1;
		}
		l = (size_t)(end + 1 - start);
		memcpy(all + al, start, l);
		al += l;
		if (memmem(start, l, "W+X", 3))
			memcpy(wx + wl, start, l), wl += l;
		p = end + 1;
	}
	section("dmesg", all, al);
	section("wx", wx, wl);
	free(log);
	free(all);
	free(wx);
}

int main(void)
{
	struct utsname u;
	const char *const *path;
	int fd;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	klogctl(8, NULL, 1);                 /* console loglevel 1: no printk between our lines */

	if (uname(&u) == 0)
		section("release", u.release, strlen(u.release));
	file_section("cmdline", "/proc/cmdline");
	log_sections();
	file_section("vmcoreinfo", "/sys/kernel/vmcoreinfo");
	for (path = ptdump_paths; *path; path++)
		if (access(*path, R_OK) == 0)
			break;
	if (*path) {
		/* Kernel threads may still map a stack or two in the first seconds: read until two
		 * reads three seconds apart agree (at most ten times), then print that pair. */
		size_t plen, clen;
		char *prev = read_all(*path, &plen), *cur = NULL;
		int tries;

		for (tries = 0; tries < 10; tries++) {
			sleep(3);
			cur = read_all(*path, &clen);
			if (!prev || !cur || (plen == clen && memcmp(prev, cur, clen) == 0))
				break;
			free(prev);
			prev = cur, plen = clen;
			cur = NULL;
		}
		section("ptdump.1", prev ? prev : "", prev ? plen : 0);
		section("ptdump.2", cur ? cur : "", cur ? clen : 0);
	} else {
		printf("@@PTDUMP MISSING ptdump.1 (no debugfs page-table file)\n");
	}
	printf("@@PTDUMP READY\n");
	fflush(stdout);
	for (;;)
		pause();
}
