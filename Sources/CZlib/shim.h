#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
/* The system zlib (Debian/Ubuntu: zlib1g-dev): inflates the gzip'd kernel configuration a
   CONFIG_IKCONFIG kernel carries between its IKCFG_ST and IKCFG_ED markers. */
#include <zlib.h>
#endif
