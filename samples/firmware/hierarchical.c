/*
 * An EL1 image whose table descriptors restrict what their leaves say (hierarchical
 * permissions, Arm ARM D8.4.2): TTBR0_EL1, 4K granule, 39-bit VA (starting at L1), the same
 * RAM and Device map as ttbr0-el1.c, plus two aliases of one L2 table whose 2M blocks are
 * all writable and executable:
 *   - 0x80000000: the L1 entry sets PXNTable and UXNTable: nothing below executes;
 *   - 0xc0000000: the L1 entry sets APTable[1] (no writes): nothing below is writable.
 * Neither alias is W+X, whatever the blocks say; the trampoline page still is. With
 * TCR_EL1.HPD0 set the table bits would be ignored and both aliases would be W+X.
 * MAIR_EL1: Attr0 Device-nGnRnE, Attr1 Device-nGnRE, Attr2 Normal WB, Attr3 Normal NC.
 */
#include "descriptors.h"

#define RAM 0x40000000UL
#define NORMAL (ATTR(2) | SH_ISH | AF)
#define DEVICE (ATTR(0) | AF | PXN | XN)
#define P(i, attrs) PAGE(RAM + (i) * 4096UL, attrs)

extern uint64_t ttbr0_el1_l2[512], ttbr0_el1_l3[512], rwx_l2[512];

/* L1: 512 x 1 GiB. */
__attribute__((aligned(4096), section(".tables"))) uint64_t ttbr0_el1[512] = {
    [0] = BLOCK(0x00000000UL, DEVICE),               /* GIC, UART, virtio-mmio */
    [1] = NEXT(ttbr0_el1_l2),                        /* RAM */
    [2] = NEXT(rwx_l2) + (PXN_TABLE | UXN_TABLE),    /* execute-never alias */
    [3] = NEXT(rwx_l2) + AP_TABLE_RO,                /* read-only alias */
};

/* L2 for 0x40000000-0x7fffffff: 512 x 2 MiB. */
__attribute__((aligned(4096), section(".tables"))) uint64_t ttbr0_el1_l2[512] = {
    [0] = NEXT(ttbr0_el1_l3),
    [1] = BLOCK(RAM + 0x200000UL, NORMAL | PXN | XN),   /* heap */
};

/* L3 for 0x40000000-0x401fffff: the image itself, page by page (see firmware.ld). */
__attribute__((aligned(4096), section(".tables"))) uint64_t ttbr0_el1_l3[512] = {
    [0] = P(0, NORMAL | AP_RO | XN),                 /* .text: read-only, EL1-executable */
    [1] = P(1, NORMAL | AP_RO | PXN | XN),           /* .rodata */
    [2] = P(2, NORMAL | PXN | XN),                   /* .data: the tables */
    [3] = P(3, NORMAL | PXN | XN),
    [4] = P(4, NORMAL | PXN | XN),
    [5] = P(5, NORMAL | PXN | XN),
    [6] = P(6, NORMAL | XN),                         /* .trampoline: writable and executable */
};

/* 8 MiB of RAM from 0x48000000 in 2M blocks, writable and executable at EL1 and EL0 as the
   blocks say: what each alias allows is up to its L1 entry. */
__attribute__((aligned(4096), section(".tables"))) uint64_t rwx_l2[512] = {
    [0] = BLOCK(0x48000000UL, NORMAL),
    [1] = BLOCK(0x48200000UL, NORMAL),
    [2] = BLOCK(0x48400000UL, NORMAL),
    [3] = BLOCK(0x48600000UL, NORMAL),
};

/* Code patched at run time: the one W+X page. */
__attribute__((section(".trampoline"), used)) uint32_t trampoline[4] = { 0xd503201f, 0xd503201f, 0xd503201f, 0xd65f03c0 };

/* What _start loads into the system registers. */
const uint64_t mair_el1 = MAIR_DEVICE_nGnRnE | MAIR_DEVICE_nGnRE << 8 | MAIR_NORMAL_WB << 16 | MAIR_NORMAL_NC << 24;
const uint64_t tcr_el1 = 25 | 1UL << 23;            /* T0SZ = 25, TG0 = 4K, EPD1; HPD0 clear */
