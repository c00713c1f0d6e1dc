/*
 * Domus's EL2 program: the entry, the exception vectors and the register frame. QEMU's direct kernel boot enters
 * this file's Arm64 Image header at EL2 with x0 = the guest's DTB; secondary vCPUs enter at el2_secondary, where
 * the rewritten PSCI CPU_ON sends them. Everything else is in el2.c.
 */
#define FRAME 256                      /* x0..x30 and one spare slot, 16-byte aligned */

    .section .text.head, "ax"
    .global _start
_start:
    b       primary                    /* code0: the Image header's first word is a branch */
    .long   0                          /* code1 */
    .quad   0                          /* text_offset: QEMU then loads us at RAM base + 2 MiB, where we are linked */
    .quad   el2_end - _start           /* image_size: code, data, channel pages and stacks, so QEMU keeps them clear */
    .quad   0xa                        /* flags: little-endian, 4 KiB pages, placement anywhere */
    .quad   0, 0, 0
    .ascii  "ARM\x64"                  /* the magic that makes QEMU treat us as an Arm64 Image */
    .long   0
    /* Offset 0x40: parameters Domus patches into its copy of this program before QEMU loads it. */
    .global guest_entry
guest_entry:
    .quad   0                          /* where the guest kernel was placed; entered at EL1 with x0 = DTB */

    .text
primary:
    mov     x20, x0                    /* the DTB, for the guest */
    ldr     x1, =__bss_start           /* QEMU loads only the file's bytes: clear what follows them */
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:
    bl      cpu_index
    mov     x19, x0
    bl      set_stack
    mov     x0, x19
    bl      el2_cpu_setup
    mov     x0, x19
    bl      el2_primary_init
    ldr     x0, guest_entry
    mov     x1, x20
    b       enter_el1

    /* PSCI CPU_ON as rewritten by el2.c: QEMU starts the vCPU here at EL2 with x0 = its index. */
    .global el2_secondary
el2_secondary:
    mov     x19, x0
    bl      set_stack
    mov     x0, x19
    bl      el2_cpu_setup
    mov     x0, x19
    b       el2_secondary_enter        /* C: looks up the guest's own entry and context, then enter_el1 */

/* x0 = vCPU index from MPIDR_EL1 (QEMU's virt with GICv3 puts 16 CPUs per Aff1 cluster). */
cpu_index:
    mrs     x1, mpidr_el1
    and     x0, x1, #0xff
    ubfx    x1, x1, #8, #8
    add     x0, x0, x1, lsl #4
    ret

/* SP_EL2 = the top of vCPU x19's stack (the index is checked in C before any secondary gets here). */
set_stack:
    ldr     x1, =stacks
    add     x1, x1, x19, lsl #12
    add     x1, x1, #0x1000
    mov     sp, x1
    ret

/* Enters the guest at EL1 at x0 with its first argument x1, every other register zero, as booting.txt asks. */
    .global enter_el1
enter_el1:
    msr     elr_el2, x0                /* ERET goes to the guest's entry */
    mov     x0, #0x3c5                 /* SPSR: EL1h with D, A, I and F masked, as Linux expects to be entered */
    msr     spsr_el2, x0
    mov     x0, x1
    mov     x1, #0
    mov     x2, #0
    mov     x3, #0
    mov     x19, #0
    mov     x20, #0
    isb
    eret

/* Issues SMC #0 with x0..x17 from the array at x0 and stores x0..x17 back (SMCCC 1.2 may return in all of them). */
    .global smc_call
smc_call:
    stp     x29, x30, [sp, #-32]!
    str     x0, [sp, #16]
    mov     x18, x0
    ldp     x16, x17, [x18, #128]
    ldp     x14, x15, [x18, #112]
    ldp     x12, x13, [x18, #96]
    ldp     x10, x11, [x18, #80]
    ldp     x8, x9, [x18, #64]
    ldp     x6, x7, [x18, #48]
    ldp     x4, x5, [x18, #32]
    ldp     x2, x3, [x18, #16]
    ldp     x0, x1, [x18, #0]
    smc     #0
    ldr     x18, [sp, #16]
    stp     x0, x1, [x18, #0]
    stp     x2, x3, [x18, #16]
    stp     x4, x5, [x18, #32]
    stp     x6, x7, [x18, #48]
    stp     x8, x9, [x18, #64]
    stp     x10, x11, [x18, #80]
    stp     x12, x13, [x18, #96]
    stp     x14, x15, [x18, #112]
    stp     x16, x17, [x18, #128]
    ldp     x29, x30, [sp], #32
    ret

/*
 * Vectors. Each slot is 0x80 bytes: it only saves x0/x1 and branches to the common entry with the kind in x0
 * (an inline save overflows into the next slot).
 */
.macro slot kind
    .balign 0x80
    sub     sp, sp, #FRAME
    stp     x0, x1, [sp]
    mov     x0, #\kind
    b       trap_entry
.endm

    .balign 0x800
    .global el2_vectors
el2_vectors:
    slot 4                             /* current EL with SP_EL0: never used */
    slot 4
    slot 4
    slot 4
    slot 4                             /* current EL with SP_EL2: a fault in this program */
    slot 4
    slot 4
    slot 4
    slot 0                             /* lower EL, AArch64: synchronous (HVC, SMC, trapped sysreg) */
    slot 1                             /* IRQ */
    slot 2                             /* FIQ */
    slot 3                             /* SError */
    slot 5                             /* lower EL, AArch32: not supported */
    slot 5
    slot 5
    slot 5

trap_entry:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    mov     x1, sp
    bl      el2_trap
    ldp     x0, x1, [sp]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    add     sp, sp, #FRAME
    eret
