/*
 * A bare-metal EL2 (non-VHE) image: TTBR0_EL2, 4K granule, 32-bit VA (T0SZ = 32, a 4-entry
 * L1 table). At EL2 bit 54 is XN, the only execute-never bit; bit 53 (PXN in EL1&0) is RES0
 * and means nothing, so the page below with only bit 53 set is writable and executable.
 * MAIR_EL2: Attr0 Device-nGnRnE, Attr1 Normal WB.
 */
#include "descriptors.h"

#define RAM 0x40000000UL
#define NORMAL (ATTR(1) | SH_ISH | AF)
#define P(i, attrs) PAGE(RAM + (i) * 4096UL, attrs)

extern uint64_t ttbr0_el2_l2[512], ttbr0_el2_l3[512];

/* L1: 4 x 1 GiB. */
__attribute__((aligned(4096), section(".tables"))) uint64_t ttbr0_el2[4] = {
    [0] = BLOCK(0x00000000UL, ATTR(0) | AF | XN),    /* devices */
    [1] = NEXT(ttbr0_el2_l2),
};

__attribute__((aligned(4096), section(".tables"))) uint64_t ttbr0_el2_l2[512] = {
    [0] = NEXT(ttbr0_el2_l3),
    [1] = BLOCK(RAM + 0x200000UL, NORMAL | XN),      /* guest memory pool: RW, XN */
};

__attribute__((aligned(4096), section(".tables"))) uint64_t ttbr0_el2_l3[512] = {
    [0] = P(0, NORMAL | AP_RO | PXN),                /* .text: executable (bit 53 means nothing here) */
    [1] = P(1, NORMAL | AP_RO | XN),                 /* .rodata */
    [2] = P(2, NORMAL | XN),                         /* .data: the tables */
    [3] = P(3, NORMAL | XN),
    [4] = P(4, NORMAL | XN),
    [6] = P(6, NORMAL | PXN),                        /* .trampoline: W+X, bit 53 is not execute-never at EL2 */
};

__attribute__((section(".trampoline"), used)) uint32_t trampoline[4] = { 0xd503201f, 0xd503201f, 0xd503201f, 0xd65f03c0 };

const uint64_t mair_el2 = MAIR_DEVICE_nGnRnE | MAIR_NORMAL_WB << 8;
const uint64_t tcr_el2 = 32 | 1UL << 31 | 1UL << 23; /* T0SZ = 32, TG0 = 4K, RES1 bits */
