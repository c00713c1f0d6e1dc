/* A freestanding test kernel for the EL2 program: entered at EL1 like Linux, it drives the hypercall channel,
 * takes upcalls, and overflows the list registers; see testkernel.c and El2ChannelTest. This entry code and
 * testkernel.ld are also the hypervisor module's hostile guest's (hypervisor/src/test/el2/hostile.c) and
 * El2Bench's guest (bench/src/main/el2guest/benchkernel.c): whatever C file is built with them provides main(dtb),
 * secondary_main and irq. */
    .section .text.head, "ax"
    .global _start
_start:
    b       entry
    .long   0
    .quad   0                          /* text_offset */
    .quad   kernel_end - _start        /* image_size */
    .quad   0xa
    .quad   0, 0, 0
    .ascii  "ARM\x64"
    .long   0

    .text
entry:
    ldr     x1, =stack_top
    mov     sp, x1
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  adr     x1, vectors
    msr     vbar_el1, x1
    isb
    bl      main
3:  wfi
    b       3b

/* PSCI CPU_ON's entry for vCPU 1 (through the EL2 program): its own stack and vectors, then secondary_main. */
    .global secondary_entry
secondary_entry:
    ldr     x1, =stack2_top
    mov     sp, x1
    adr     x1, vectors
    msr     vbar_el1, x1
    isb
    bl      secondary_main
4:  wfi
    b       4b

/* x0 = xen_hvc(op, a0, a1, a2, a3, a4): Xen's calling convention, number in x16. */
    .global xen_hvc
xen_hvc:
    mov     x16, x0
    mov     x0, x1
    mov     x1, x2
    mov     x2, x3
    mov     x3, x4
    mov     x4, x5
    hvc     #0xea1
    ret

    .global smc0
smc0:
    smc     #0
    ret

/* x0 = smc3(fid, a1, a2, a3): an SMCCC call with three arguments (PSCI CPU_ON) */
    .global smc3
smc3:
    smc     #0
    ret

.macro bad
    .balign 0x80
    b       .
.endm
    .balign 0x800
vectors:
    bad
    bad
    bad
    bad
    bad                                /* current EL, SP_ELx: synchronous */
    .balign 0x80                       /* IRQ */
    b       irq_entry
    bad
    bad
    bad
    bad
    bad
    bad
    bad
    bad
    bad
    bad

irq_entry:
    sub     sp, sp, #176
    stp     x0, x1, [sp]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x30, [sp, #144]
    bl      irq
    ldp     x0, x1, [sp]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x30, [sp, #144]
    add     sp, sp, #176
    eret
