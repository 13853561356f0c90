/* arm64 stage-1 descriptor bits (Arm ARM D8.3), as firmware writes them by hand. */
#ifndef DESCRIPTORS_H
#define DESCRIPTORS_H
#include <stdint.h>

#define VALID      (1UL << 0)
#define TABLE      (1UL << 1)          /* a table at L0-L2, a page at L3 */
#define ATTR(i)    ((uint64_t)(i) << 2) /* AttrIndx */
#define AP_USER    (1UL << 6)          /* AP[1] */
#define AP_RO      (1UL << 7)          /* AP[2] */
#define SH_ISH     (3UL << 8)
#define AF         (1UL << 10)
#define PXN        (1UL << 53)
#define XN         (1UL << 54)         /* UXN in EL1&0, XN at EL2 and EL3 */

/* Hierarchical attributes of a table descriptor (D8.4.2) */
#define PXN_TABLE    (1UL << 59)       /* two VA ranges only */
#define UXN_TABLE    (1UL << 60)       /* XNTable at EL2 and EL3 */
#define AP_TABLE_NOEL0 (1UL << 61)     /* APTable[0]: two VA ranges only */
#define AP_TABLE_RO  (1UL << 62)       /* APTable[1] */

/* MAIR attribute bytes */
#define MAIR_DEVICE_nGnRnE 0x00UL
#define MAIR_DEVICE_nGnRE  0x04UL
#define MAIR_NORMAL_WB     0xffUL
#define MAIR_NORMAL_NC     0x44UL

#define PAGE(pa, attrs)  ((uint64_t)(pa) | VALID | TABLE | (attrs))
#define BLOCK(pa, attrs) ((uint64_t)(pa) | VALID | (attrs))
/* A table descriptor: tables are page-aligned, so + TABLE|VALID is | 3 (an address
   constant plus an integer is a valid static initializer; | is not). */
#define NEXT(table)      ((uint64_t)(table) + (VALID | TABLE))

#endif
