#ifndef CLIBKDUMPFILE_SHIM_H
#define CLIBKDUMPFILE_SHIM_H
/* libkdumpfile (Debian/Ubuntu: libkdumpfile-dev, Fedora: libkdumpfile-devel): reads
   makedumpfile's kdump-compressed and diskdump files page by page. */
#include <libkdumpfile/kdumpfile.h>
#endif
