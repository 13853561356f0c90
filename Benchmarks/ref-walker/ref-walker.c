/*
 * ref-walker: the reference the benchmark sets ptdump beside. It does the same walk as
 * ptdump reading the entries only: maps an ELF core (a QEMU/kdump dump or a ptdump compact
 * image), finds each table through the PT_LOAD segments, walks from the root depth first and
 * counts runs of equal attributes the way the kernel's note_page does (a change of level or of
 * the entry's bits outside the output address starts a new one). A table reached again (a
 * shared table, KASAN's early shadow) is walked once, as ptdump's memoisation allows; nothing
 * is printed but the counts.
 *
 *   usage: ref-walker FILE x86_64|arm64|riscv64 ROOT_PA LEVELS PAGE_SIZE
 */
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct seg { uint64_t pa, size, off; };
static struct seg *segs;
static size_t nsegs;
static const uint8_t *file;
static size_t file_size;

enum arch { X86, ARM64, RISCV };
static enum arch arch;
static int levels;
static uint64_t page_size, entries, addr_mask;
static uint64_t tables, leaves, runs, last_attr = ~0ULL;
static int last_level = -1;

/* Visited tables: open addressing, grown at half full. */
static uint64_t *seen;
static size_t seen_cap, seen_n;

static int visit_once(uint64_t pa)
{
    if (seen_n * 2 >= seen_cap) {
        size_t old = seen_cap;
        uint64_t *o = seen;
        seen_cap = old ? old * 2 : 4096;
        seen = calloc(seen_cap, sizeof *seen);
        if (!seen) { perror("calloc"); exit(2); }
        seen_n = 0;
        for (size_t i = 0; i < old; i++)
            if (o[i]) {
                size_t h = (o[i] * 0x9e3779b97f4a7c15ULL) >> 20 & (seen_cap - 1);
                while (seen[h]) h = (h + 1) & (seen_cap - 1);
                seen[h] = o[i];
                seen_n++;
            }
        free(o);
    }
    uint64_t key = pa | 1;
    size_t h = (key * 0x9e3779b97f4a7c15ULL) >> 20 & (seen_cap - 1);
    while (seen[h]) {
        if (seen[h] == key) return 0;
        h = (h + 1) & (seen_cap - 1);
    }
    seen[h] = key;
    seen_n++;
    return 1;
}

/* The table at pa, or NULL when the image does not hold all of it. */
static const uint64_t *table_at(uint64_t pa)
{
    size_t lo = 0, hi = nsegs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (segs[mid].pa + segs[mid].size <= pa) lo = mid + 1; else hi = mid;
    }
    if (lo == nsegs || pa < segs[lo].pa || pa + page_size > segs[lo].pa + segs[lo].size) return NULL;
    uint64_t off = segs[lo].off + (pa - segs[lo].pa);
    return off + page_size <= file_size ? (const uint64_t *)(file + off) : NULL;
}

static void note(int level, uint64_t attr)
{
    if (level != last_level || attr != last_attr) runs++;
    last_level = level;
    last_attr = attr;
}

static void walk(uint64_t pa, int level)
{
    const uint64_t *t = table_at(pa);
    if (!t) { note(level, 0); return; }
    tables++;
    int bottom = level == levels - 1;
    for (uint64_t i = 0; i < entries; i++) {
        uint64_t e = t[i];
        int leaf, present;
        switch (arch) {
        case X86:   present = e & 1; leaf = bottom || (level > 0 && (e & 0x80)); break;
        case ARM64: present = e & 1; leaf = bottom || (e & 3) == 1; break;
        default:    present = e & 1; leaf = bottom || (e & 0xe); break;
        }
        if (!present) { note(level, 0); continue; }
        if (leaf) {
            leaves++;
            note(level, e & ~addr_mask);
            continue;
        }
        uint64_t next = arch == RISCV ? (e >> 10) << 12 : e & addr_mask;
        if (visit_once(next)) walk(next, level + 1);
        else note(level + 1, 1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: ref-walker FILE x86_64|arm64|riscv64 ROOT_PA LEVELS PAGE_SIZE\n");
        return 2;
    }
    arch = !strcmp(argv[2], "x86_64") ? X86 : !strcmp(argv[2], "arm64") ? ARM64 : RISCV;
    uint64_t root = strtoull(argv[3], NULL, 0);
    levels = atoi(argv[4]);
    page_size = strtoull(argv[5], NULL, 0);
    entries = page_size / 8;
    addr_mask = arch == RISCV ? 0x003ffffffffffc00ULL : (0x0000ffffffffffffULL & ~(page_size - 1));

    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) { perror(argv[1]); return 2; }
    file_size = st.st_size;
    file = mmap(NULL, file_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (file == MAP_FAILED || file_size < sizeof(Elf64_Ehdr)) { fprintf(stderr, "%s: cannot map\n", argv[1]); return 2; }
    const Elf64_Ehdr *eh = (const void *)file;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > file_size) {
        fprintf(stderr, "%s: not an ELF64 core\n", argv[1]);
        return 2;
    }
    const Elf64_Phdr *ph = (const void *)(file + eh->e_phoff);
    segs = calloc(eh->e_phnum + 1, sizeof *segs);
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_filesz)
            segs[nsegs++] = (struct seg){ ph[i].p_paddr, ph[i].p_filesz, ph[i].p_offset };
    /* Sorted by physical address for the binary search (insertion sort: few segments). */
    for (size_t i = 1; i < nsegs; i++)
        for (size_t j = i; j > 0 && segs[j - 1].pa > segs[j].pa; j--) {
            struct seg s = segs[j]; segs[j] = segs[j - 1]; segs[j - 1] = s;
        }

    visit_once(root);
    walk(root, 0);
    printf("tables %llu leaves %llu runs %llu\n", (unsigned long long)tables, (unsigned long long)leaves,
           (unsigned long long)runs);
    return 0;
}
