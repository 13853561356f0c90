/*
 * A hypervisor's stage-2 tables for one guest, static data: VTTBR_EL2, 4K granule, 40-bit IPA
 * (VTCR_EL2.T0SZ = 24, SL0 = 1: the walk starts at L1 with two concatenated L1 tables,
 * 1024 entries covering 1 TiB). Guest RAM at IPA 0x40000000 is backed by host memory at
 * 0x880000000; a device is passed through at IPA 0x8000000000 (in the second L1 table).
 * One guest page is writable and executable in stage 2.
 */
#include "descriptors.h"

/* Stage-2 leaf attributes (Arm ARM D8.3.2; KVM_PTE_LEAF_ATTR_*). */
#define MEMATTR(m)   ((uint64_t)(m) << 2)   /* MemAttr[3:0], HCR_EL2.FWB clear */
#define S2_DEVICE    MEMATTR(0x1)           /* Device-nGnRE */
#define S2_NORMAL    MEMATTR(0xf)           /* Normal, outer and inner Write-Back */
#define S2_NORMAL_MIX MEMATTR(0x7)          /* Normal, outer Non-cacheable, inner Write-Back */
#define S2AP_R       (1UL << 6)
#define S2AP_W       (1UL << 7)
#define S2_XN(x)     ((uint64_t)(x) << 53)  /* 0 exec at EL1 and EL0, 1 EL0 only, 2 none, 3 EL1 only */

#define GUEST_RAM 0x880000000UL             /* host PA behind IPA 0x40000000 */
#define RAM    (S2_NORMAL | SH_ISH | AF)
#define P(i, attrs) PAGE(GUEST_RAM + (i) * 4096UL, attrs)

extern uint64_t s2_l2_low[512], s2_l2_ram[512], s2_l3_ram[512];

/* Two concatenated L1 tables: 8 KiB, aligned to their size. */
__attribute__((aligned(8192), section(".tables"))) uint64_t vttbr_el2[1024] = {
    [0] = NEXT(s2_l2_low),                                            /* IPA 0-1G: devices */
    [1] = NEXT(s2_l2_ram),                                            /* IPA 1G-2G: RAM */
    [512] = BLOCK(0x10000000000UL, S2_DEVICE | S2AP_R | S2AP_W | AF | S2_XN(2)),  /* passthrough BAR */
    [513] = BLOCK(0x20040000000UL, S2_NORMAL_MIX | SH_ISH | S2AP_R | AF | S2_XN(3)), /* shared firmware, EL1 exec */
};

__attribute__((aligned(4096), section(".tables"))) uint64_t s2_l2_low[512] = {
    [64] = BLOCK(0x08000000UL, S2_DEVICE | S2AP_R | S2AP_W | AF | S2_XN(2)),   /* GIC distributor */
};

__attribute__((aligned(4096), section(".tables"))) uint64_t s2_l2_ram[512] = {
    [0] = NEXT(s2_l3_ram),
    [1] = BLOCK(GUEST_RAM + 0x200000UL, RAM | S2AP_R | S2AP_W | S2_XN(2)),
    [2] = BLOCK(GUEST_RAM + 0x400000UL, RAM | S2AP_R | S2AP_W | S2_XN(2)),
    [3] = BLOCK(GUEST_RAM + 0x600000UL, RAM | S2AP_R | S2_XN(1)),               /* EL0-executable only */
};

__attribute__((aligned(4096), section(".tables"))) uint64_t s2_l3_ram[512] = {
    [0] = P(0, RAM | S2AP_R),                                          /* guest kernel text */
    [1] = P(1, RAM | S2AP_R),
    [2] = P(2, RAM | S2AP_R | S2AP_W | S2_XN(2)),                      /* guest data */
    [3] = P(3, RAM | S2AP_R | S2AP_W | S2_XN(2)),
    [4] = P(4, RAM | S2AP_R | S2AP_W),                                 /* W+X in stage 2 */
};

/* T0SZ 24, SL0 1 (start at L1), IRGN0/ORGN0 WB, SH0 inner, TG0 4K, PS 40 bits, RES1 bit 31. */
const uint64_t vtcr_el2 = 24 | 1UL << 6 | 1UL << 8 | 1UL << 10 | 3UL << 12 | 2UL << 16 | 1UL << 31;
