/*
 * A 32-bit boot loader's PAE tables, static data (i386, built by gcc -m32): a 4-entry PDPT,
 * page directories with 2M pages and one page table, identity-mapping low memory and an
 * uncached MMIO window. Caching comes from PAT/PCD/PWT under the power-on IA32_PAT (WB, WT,
 * UC-, UC, WB, WT, UC-, UC). One 4K page is writable and executable.
 * Entries are written as two 32-bit halves so a table's address (a 32-bit link-time
 * constant) can initialize the low half.
 */
#include <stdint.h>

typedef struct { uint32_t lo, hi; } pae_entry;

#define P    (1U << 0)
#define RW   (1U << 1)
#define US   (1U << 2)
#define PWT  (1U << 3)
#define PCD  (1U << 4)
#define A    (1U << 5)
#define D    (1U << 6)
#define PS   (1U << 7)                 /* in a PDE: a 2M page */
#define PAT4K (1U << 7)                /* in a PTE: the PAT bit */
#define G    (1U << 8)
#define PAT2M (1U << 12)               /* in a 2M PDE: the PAT bit */
#define XD   (1U << 31)                /* bit 63: in the high half */

#define E(lo, hi) { (lo), (hi) }
#define TABLE(t, flags) { (uint32_t)(t) + (flags), 0 }   /* tables are page-aligned: + is | */

extern pae_entry pae_pd0[512], pae_pd3[512], pae_pt0[512];

/* A PDPTE holds only P, PWT, PCD and the address (RW and US are reserved there); CR3 needs
   only 32-byte alignment. */
__attribute__((aligned(32))) pae_entry pae_pdpt[4] = {
    [0] = TABLE(pae_pd0, P),
    [3] = TABLE(pae_pd3, P),
};

__attribute__((aligned(4096))) pae_entry pae_pd0[512] = {
    [0] = TABLE(pae_pt0, P | RW),
    [1] = E(0x200000 | P | RW | PS | G | A | D, XD),              /* 2M-4M: RW, NX */
    [2] = E(0x400000 | P | PS | G | A, 0),                        /* 4M-6M: RO, executable */
    [3] = E(0x600000 | P | RW | US | PS | A | D | PWT, XD),       /* 6M-8M: user RW, write-through */
};

__attribute__((aligned(4096))) pae_entry pae_pd3[512] = {
    [500] = E(0xfe800000 | P | RW | PS | PCD | PWT | PAT2M, XD),  /* MMIO at 3.9G: UC (PAT index 7) */
};

__attribute__((aligned(4096))) pae_entry pae_pt0[512] = {
    [0] = E(0x0000 | P | RW, XD),                                 /* real-mode IVT, BDA */
    [1] = E(0x1000 | P | G | A, 0),                               /* loader text */
    [2] = E(0x2000 | P | G | A, 0),
    [3] = E(0x3000 | P | RW | G | A | D, 0),                      /* W+X: the page it patches */
    [4] = E(0x4000 | P | RW | PCD, XD),                           /* UC- (index 2) */
    [184] = E(0xb8000 | P | RW | PCD | PWT | PAT4K, XD),          /* VGA text: UC (index 7) */
};

void _start(void)
{
    for (;;) __asm__ volatile("hlt");
}
