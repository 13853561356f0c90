/*
 * A 32-bit boot loader's tables in legacy 32-bit paging (CR4.PAE clear, CR4.PSE set), static
 * data (i386, built by gcc -m32): one page directory and one page table of 1024 4-byte
 * entries, identity-mapping low memory with 4K pages, the loader with a 4M page, and a
 * read-only window onto memory above 4 GiB through a PSE-36 4M page (physical-address bits
 * 39:32 in bits 20:13 of the entry). Caching comes from PAT/PCD/PWT under the power-on
 * IA32_PAT (WB, WT, UC-, UC, WB, WT, UC-, UC).
 * 32-bit paging has no NX bit: every present page is executable, so the one writable page
 * is the one W+X page.
 */
#include <stdint.h>

#define P     (1U << 0)
#define RW    (1U << 1)
#define US    (1U << 2)
#define PWT   (1U << 3)
#define PCD   (1U << 4)
#define A     (1U << 5)
#define D     (1U << 6)
#define PS    (1U << 7)                /* in a PDE: a 4M page */
#define PAT4K (1U << 7)                /* in a PTE: the PAT bit */
#define G     (1U << 8)
#define PAT4M (1U << 12)               /* in a 4M PDE: the PAT bit */
#define HIGH(pa39_32) ((uint32_t)(pa39_32) << 13)   /* PSE-36: PA bits 39:32 of a 4M page */

#define TABLE(t, flags) ((uint32_t)(t) + (flags))   /* tables are page-aligned: + is | */

extern uint32_t legacy_pt0[1024];

/* CR3 holds bits 31:12 of the page directory. RW and US are set in table entries so that
   the page-table entries decide. */
__attribute__((aligned(4096))) uint32_t legacy_pd[1024] = {
    [0] = TABLE(legacy_pt0, P | RW | US),
    [1] = 0x00400000 | P | PS | G | A,                         /* 4M-8M: loader image, RO (4M page) */
    [2] = 0x00800000 | P | US | PS | A | PWT,                  /* 8M-12M: user RO, write-through */
    [0x3f8] = 0xfe000000 | HIGH(0x1) | P | PS | PCD | PWT | PAT4M,  /* VA 0xfe000000 -> PA 0x1fe000000: RO, UC */
};

__attribute__((aligned(4096))) uint32_t legacy_pt0[1024] = {
    [0] = 0x0000 | P,                                          /* real-mode IVT, BDA */
    [1] = 0x1000 | P | G | A,                                  /* loader text */
    [2] = 0x2000 | P | G | A,
    [3] = 0x3000 | P | RW | G | A | D,                         /* its data: W+X (no NX) */
    [4] = 0x4000 | P | PCD,                                    /* UC- (index 2) */
    [184] = 0xb8000 | P | PCD | PWT | PAT4K,                   /* VGA text, read back: UC (index 7) */
};

void _start(void)
{
    for (;;) __asm__ volatile("hlt");
}
