package org.domus.dom0less;

/**
 * What a {@code multiboot,module} node is, from its compatible list as Xen's fdt_node_to_kind() reads it.
 * {@code legacy} marks the old dom0-only spellings ("xen,linux-zimage", "xen,linux-initrd").
 */
record ModuleKind(Kind kind, boolean legacy) {
    enum Kind {
        KERNEL, RAMDISK, DEVICE_TREE, XSM_POLICY, MICROCODE, UNKNOWN
    }

    /** Whether a node is a boot module at all: compatible with "multiboot,module" or "xen,multiboot-module". */
    static boolean isModule(Located at) {
        return at.compatibleWith("multiboot,module") || at.compatibleWith("xen,multiboot-module");
    }

    static ModuleKind of(Located at) {
        if (at.compatibleWith("multiboot,kernel")) {
            return new ModuleKind(Kind.KERNEL, false);
        }
        if (at.compatibleWith("xen,linux-zimage")) {
            return new ModuleKind(Kind.KERNEL, true);
        }
        if (at.compatibleWith("multiboot,ramdisk")) {
            return new ModuleKind(Kind.RAMDISK, false);
        }
        if (at.compatibleWith("xen,linux-initrd")) {
            return new ModuleKind(Kind.RAMDISK, true);
        }
        if (at.compatibleWith("xen,xsm-policy")) {
            return new ModuleKind(Kind.XSM_POLICY, false);
        }
        if (at.compatibleWith("multiboot,device-tree")) {
            return new ModuleKind(Kind.DEVICE_TREE, false);
        }
        if (at.compatibleWith("multiboot,microcode")) {
            return new ModuleKind(Kind.MICROCODE, false);
        }
        return new ModuleKind(Kind.UNKNOWN, false);
    }

    /** The model's kind, or null for kinds no domain boots with. */
    BootModule.Kind bootKind() {
        return switch (kind) {
            case KERNEL -> BootModule.Kind.KERNEL;
            case RAMDISK -> BootModule.Kind.RAMDISK;
            case DEVICE_TREE -> BootModule.Kind.DEVICE_TREE;
            default -> null;
        };
    }
}
