#ifndef CDECOMPRESS_SHIM_H
#define CDECOMPRESS_SHIM_H
/* The decompressors of makedumpfile's page formats: zlib through libdeflate, LZO1X, snappy and
   zstd (Debian: libdeflate-dev; liblzo2-dev, libsnappy-dev, libzstd-dev, which libkdumpfile-dev
   already depends on, since libkdumpfile links the same three). ptdump decompresses the pages it
   reads itself, so a flattened dump can be read in place (libkdumpfile 0.5.1 reads files only
   through their own descriptors). libdeflate inflates a whole buffer in one call, checks the
   zlib wrapper's Adler-32, and does both about twice as fast as zlib's streaming inflate: a
   QEMU arm64 dump's 64 KiB blocks made zlib the largest cost of reading one. */
#include <libdeflate.h>
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zstd.h>

/* lzo_init() is a macro Swift cannot call. */
static inline int ptdump_lzo_init(void) { return lzo_init(); }
#endif
