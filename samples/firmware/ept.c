/*
 * A hypervisor's EPT tables for one guest, static data (x86_64, built by the host gcc):
 * 4-level EPT (PML4 -> PDPT -> PD -> PT), guest RAM at GPA 0 backed by host memory at
 * 0x100000000, a framebuffer mapped write-combining and an MMIO gigabyte uncached.
 * Two guest pages are writable and executable: one by supervisor execute (bit 2), one by
 * MBEC's user execute (bit 10).
 */
#include <stdint.h>

#define EPT_R      (1UL << 0)
#define EPT_W      (1UL << 1)
#define EPT_X      (1UL << 2)                 /* supervisor execute with MBEC */
#define EPT_MT(t)  ((uint64_t)(t) << 3)       /* 0 UC, 1 WC, 4 WT, 5 WP, 6 WB */
#define EPT_IPAT   (1UL << 6)
#define EPT_LARGE  (1UL << 7)
#define EPT_A      (1UL << 8)
#define EPT_D      (1UL << 9)
#define EPT_UX     (1UL << 10)                /* user execute (MBEC) */
#define TABLE(t)   ((uint64_t)(t) + (EPT_R | EPT_W | EPT_X))   /* page-aligned: + is | */

#define HOST_RAM 0x100000000UL
#define WB       EPT_MT(6)
#define PG(i, attrs) (HOST_RAM + (i) * 4096UL + (attrs))

extern uint64_t ept_pdpt[512], ept_pd0[512], ept_pd2[512], ept_pt0[512];

__attribute__((aligned(4096))) uint64_t ept_pml4[512] = { [0] = TABLE(ept_pdpt) };

__attribute__((aligned(4096))) uint64_t ept_pdpt[512] = {
    [0] = TABLE(ept_pd0),
    [2] = TABLE(ept_pd2),
    [3] = 0xfc0000000UL | EPT_R | EPT_W | EPT_MT(0) | EPT_IPAT | EPT_LARGE,   /* 1G MMIO, uncached */
};

__attribute__((aligned(4096))) uint64_t ept_pd0[512] = {
    [0] = TABLE(ept_pt0),
    [1] = HOST_RAM + 0x200000UL + (EPT_R | EPT_W | WB | EPT_LARGE | EPT_A | EPT_D),
    [2] = HOST_RAM + 0x400000UL + (EPT_R | EPT_W | WB | EPT_LARGE | EPT_A),
};

__attribute__((aligned(4096))) uint64_t ept_pd2[512] = {
    [0] = 0xe0000000UL | EPT_R | EPT_W | EPT_MT(1) | EPT_IPAT | EPT_LARGE,    /* framebuffer, WC */
};

__attribute__((aligned(4096))) uint64_t ept_pt0[512] = {
    [0] = PG(0, EPT_R | EPT_W | WB | EPT_A | EPT_D),                         /* low memory */
    [1] = PG(1, EPT_R | EPT_W | WB | EPT_A | EPT_D),
    [2] = PG(2, EPT_R | EPT_W | WB | EPT_A),
    [3] = PG(3, EPT_R | EPT_W | WB),
    [16] = PG(16, EPT_R | EPT_X | WB | EPT_A),                               /* guest kernel text */
    [17] = PG(17, EPT_R | EPT_X | WB | EPT_A),
    [18] = PG(18, EPT_R | EPT_W | EPT_X | WB | EPT_A | EPT_D),               /* W+X */
    [19] = PG(19, EPT_R | EPT_W | EPT_UX | WB),                              /* W+UX (MBEC) */
    [32] = PG(32, EPT_R | EPT_MT(4)),                                        /* write-through */
    [33] = PG(33, EPT_R | EPT_MT(5)),                                        /* write-protected */
};

void _start(void) { for (;;) __asm__ volatile("hlt"); }
