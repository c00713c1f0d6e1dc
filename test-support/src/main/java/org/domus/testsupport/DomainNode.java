package org.domus.testsupport;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code xen,domain} node of a test system's tree: its name, memory, vCPUs, whether it is a Xen guest
 * ({@code xen,enhanced}) and has a vpl011, its partial device tree, kernel (with its command line), ramdisk, and
 * any other child nodes (event channels…) as DTS text. Made by {@link #enhanced} or {@link #plain} and changed by
 * the {@code with…} methods; {@link TestTree} puts it under /chosen.
 *
 * @param dtb      the partial device tree module, or null for none
 * @param bootargs the kernel's command line, or null for none
 * @param ramdisk  the ramdisk module, or null for none
 * @param children further child nodes, DTS text each, put after the modules
 */
public record DomainNode(String name, int memoryMib, int cpus, boolean enhanced, boolean vpl011, BootModule dtb,
        BootModule kernel, String bootargs, BootModule ramdisk, List<String> children) {
    /** The guest payload's kernel and initramfs as the test systems copy them next to the tree. */
    public static final String KERNEL = "Image";
    public static final String RAMDISK = "initramfs.cpio.gz";

    public DomainNode {
        children = List.copyOf(children);
    }

    /**
     * A Xen guest ({@code xen,enhanced}, no vpl011: its console is hvc0) of 128 MiB and one vCPU booting the payload
     * with {@code bootargs}.
     */
    public static DomainNode enhanced(String name, String bootargs) {
        return new DomainNode(name, 128, 1, true, false, null, BootModule.file(KERNEL), bootargs, BootModule.file(RAMDISK),
                List.of());
    }

    /** A domain that is no Xen guest, its console a vpl011, of 128 MiB and one vCPU booting the payload with {@code bootargs}. */
    public static DomainNode plain(String name, String bootargs) {
        return enhanced(name, bootargs).withEnhanced(false).withVpl011(true);
    }

    public DomainNode withCpus(int n) {
        return new DomainNode(name, memoryMib, n, enhanced, vpl011, dtb, kernel, bootargs, ramdisk, children);
    }

    public DomainNode withEnhanced(boolean on) {
        return new DomainNode(name, memoryMib, cpus, on, vpl011, dtb, kernel, bootargs, ramdisk, children);
    }

    public DomainNode withVpl011(boolean on) {
        return new DomainNode(name, memoryMib, cpus, enhanced, on, dtb, kernel, bootargs, ramdisk, children);
    }

    public DomainNode withDtb(BootModule partial) {
        return new DomainNode(name, memoryMib, cpus, enhanced, vpl011, partial, kernel, bootargs, ramdisk, children);
    }

    public DomainNode withKernel(BootModule k) {
        return new DomainNode(name, memoryMib, cpus, enhanced, vpl011, dtb, k, bootargs, ramdisk, children);
    }

    public DomainNode withRamdisk(BootModule r) {
        return new DomainNode(name, memoryMib, cpus, enhanced, vpl011, dtb, kernel, bootargs, r, children);
    }

    public DomainNode withChild(String node) {
        List<String> all = new ArrayList<>(children);
        all.add(node);
        return new DomainNode(name, memoryMib, cpus, enhanced, vpl011, dtb, kernel, bootargs, ramdisk, all);
    }

    /** The node's DTS text, unindented. */
    public String source() {
        StringBuilder s = new StringBuilder(name).append(" {\n");
        // a module given by address has its reg read with its parent's cells: the domain node's, as the seed writes them
        if (kernel instanceof BootModule.Loaded || ramdisk instanceof BootModule.Loaded || dtb instanceof BootModule.Loaded) {
            s.append("\t#address-cells = <1>;\n\t#size-cells = <1>;\n");
        }
        s.append("\tcompatible = \"xen,domain\";\n");
        s.append("\tmemory = <0 0x%x>;\n".formatted(memoryMib * 1024L));
        s.append("\tcpus = <%d>;\n".formatted(cpus));
        if (enhanced) {
            s.append("\txen,enhanced = \"enabled\";\n");
        }
        if (vpl011) {
            s.append("\tvpl011;\n");
        }
        if (dtb != null) {
            s.append(TestTree.indent(dtb.node("dtb", "\"multiboot,device-tree\", \"multiboot,module\"", null), 1));
        }
        s.append(TestTree.indent(kernel.node("kernel", "\"multiboot,kernel\", \"multiboot,module\"", bootargs), 1));
        if (ramdisk != null) {
            s.append(TestTree.indent(ramdisk.node("ramdisk", "\"multiboot,ramdisk\", \"multiboot,module\"", null), 1));
        }
        for (String child : children) {
            s.append(TestTree.indent(child, 1));
        }
        return s.append("};\n").toString();
    }
}
