/* Entry point shared by the images: load MAIR, TCR and TTBR0 of the image's exception level
   from its constants and turn the MMU on, or (STAGE2) load VTCR_EL2 and VTTBR_EL2.
   (Never run by the tests: the tables are what they read.) */
#ifndef EL
#define EL 1
#endif
#define CAT(a, b) a##b
#define XCAT(a, b) CAT(a, b)
#define REG(name) XCAT(name, XCAT(_el, EL))

    .section .text.start, "ax"
    .global _start
_start:
#ifdef STAGE2
    ldr     x0, =vtcr_el2
    ldr     x0, [x0]
    msr     vtcr_el2, x0
    ldr     x0, =vttbr_el2
    msr     vttbr_el2, x0
    isb
1:  wfe
    b       1b
#else
    ldr     x0, =REG(mair)
    ldr     x0, [x0]
    msr     REG(mair), x0
    ldr     x0, =REG(tcr)
    ldr     x0, [x0]
    msr     REG(tcr), x0
    ldr     x0, =REG(ttbr0)
    msr     REG(ttbr0), x0
    isb
    mrs     x0, REG(sctlr)
    orr     x0, x0, #1
    msr     REG(sctlr), x0
    isb
1:  wfe
    b       1b
#endif
