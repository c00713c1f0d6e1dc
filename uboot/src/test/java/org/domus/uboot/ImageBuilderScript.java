package org.domus.uboot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A boot script as ImageBuilder's {@code scripts/uboot-script-gen} writes one for Xen and dom0less domUs without a
 * dom0 ({@code LOAD_CMD=tftpb}): each file loaded at the next 2 MiB boundary from 0xE00000, the host tree last,
 * then {@code fdt addr}, {@code fdt resize 1024}, the /chosen nodes built with {@code fdt mknod} and {@code fdt set}
 * (cells as {@code printf "0x%X "} writes them, so {@code <0x0 0xE00000 0x0 0x30000B >}; memory in KiB, decimal),
 * and {@code booti XEN - FDT}. With {@code dynamic} it is the {@code -s} form, where U-Boot computes every address
 * and size itself with {@code setexpr} and {@code ${filesize}}.
 */
final class ImageBuilderScript {
    private static final long OFFSET = 2 << 20;

    /** One domU: its kernel and ramdisk files (in the tftp root), memory in MiB, vCPUs, command line. */
    record DomU(String kernel, String ramdisk, int memoryMib, int vcpus, String cmdline) {
    }

    private ImageBuilderScript() {
    }

    static String generate(Path root, String xen, String dtb, List<DomU> domUs, boolean dynamic) throws IOException {
        StringBuilder s = new StringBuilder();
        long memaddr = 0xE00000;
        if (dynamic) {
            s.append("setenv memaddr 0x%X\n".formatted(memaddr));
        }
        long xenAddr = memaddr;
        memaddr = load(s, root, xen, "host_xen", memaddr, dynamic);
        long[][] mods = new long[domUs.size()][4];
        for (int i = 0; i < domUs.size(); i++) {
            mods[i][0] = memaddr;
            mods[i][1] = Files.size(root.resolve(domUs.get(i).kernel()));
            memaddr = load(s, root, domUs.get(i).kernel(), "domU%d_kernel".formatted(i), memaddr, dynamic);
            mods[i][2] = memaddr;
            mods[i][3] = Files.size(root.resolve(domUs.get(i).ramdisk()));
            memaddr = load(s, root, domUs.get(i).ramdisk(), "domU%d_ramdisk".formatted(i), memaddr, dynamic);
        }
        long dtbAddr = memaddr;
        load(s, root, dtb, "host_fdt", memaddr, dynamic);
        s.append(dynamic ? "fdt addr ${host_fdt_addr}\n" : "fdt addr 0x%X\n".formatted(dtbAddr));
        s.append("fdt resize 1024\n");
        s.append("fdt set /chosen \\#address-cells <0x2>\n");
        s.append("fdt set /chosen \\#size-cells <0x2>\n");
        s.append("fdt set /chosen xen,xen-bootargs \"console=dtuart dtuart=serial0 bootscrub=0 vwfi=native sched=null\"\n");
        for (int i = 0; i < domUs.size(); i++) {
            DomU d = domUs.get(i);
            String p = "/chosen/domU" + i;
            s.append("fdt mknod /chosen domU%d\n".formatted(i));
            s.append("fdt set %s compatible \"xen,domain\"\n".formatted(p));
            s.append("fdt set %s \\#address-cells <0x2>\n".formatted(p));
            s.append("fdt set %s \\#size-cells <0x2>\n".formatted(p));
            s.append("fdt set %s memory <0 %d>\n".formatted(p, d.memoryMib() * 1024));
            s.append("fdt set %s cpus <%d>\n".formatted(p, d.vcpus()));
            s.append("fdt set %s vpl011 <0x1>\n".formatted(p));
            module(s, p, "kernel", "domU%d_kernel".formatted(i), mods[i][0], mods[i][1], dynamic);
            s.append("fdt set %s/module@%X bootargs \"%s\"\n".formatted(p, mods[i][0], d.cmdline()));
            module(s, p, "ramdisk", "domU%d_ramdisk".formatted(i), mods[i][2], mods[i][3], dynamic);
        }
        s.append("setenv fdt_high 0xffffffffffffffff\n");
        s.append(dynamic ? "booti ${host_xen_addr} - ${host_fdt_addr}\n" : "booti 0x%X - 0x%X\n".formatted(xenAddr, dtbAddr));
        return s.toString();
    }

    private static void module(StringBuilder s, String path, String kind, String var, long addr, long size, boolean dynamic) {
        String node = "%s/module@%X".formatted(path, addr);
        s.append("fdt mknod %s module@%X\n".formatted(path, addr));
        s.append("fdt set %s compatible \"multiboot,%s\" \"multiboot,module\"\n".formatted(node, kind));
        if (dynamic) {
            s.append("setexpr addr_hi ${%s_addr} / 0x100000000\n".formatted(var));
            s.append("setexpr addr_lo ${%s_addr} \\& 0xFFFFFFFF\n".formatted(var));
            s.append("setexpr size_hi ${%s_size} / 0x100000000\n".formatted(var));
            s.append("setexpr size_lo ${%s_size} \\& 0xFFFFFFFF\n".formatted(var));
            s.append("fdt set %s reg <0x${addr_hi} 0x${addr_lo} 0x${size_hi} 0x${size_lo}>\n".formatted(node));
        } else {
            s.append("fdt set %s reg <0x%X 0x%X 0x%X 0x%X >\n".formatted(node, addr >>> 32, addr & 0xffffffffL,
                    size >>> 32, size & 0xffffffffL));
        }
    }

    private static long load(StringBuilder s, Path root, String file, String var, long memaddr, boolean dynamic) throws IOException {
        if (dynamic) {
            s.append("tftpb ${memaddr} %s\n".formatted(file));
            s.append("setenv %s_addr ${memaddr}\n".formatted(var));
            s.append("setenv %s_size ${filesize}\n".formatted(var));
            s.append("setexpr memaddr ${memaddr} \\+ ${filesize}\n");
            s.append("setexpr memaddr ${memaddr} \\+ 0x1FFFFF\n");
            s.append("setexpr memaddr ${memaddr} \\& 0xFFFFFFFFFFE00000\n");
        } else {
            s.append("tftpb 0x%X %s\n".formatted(memaddr, file));
        }
        long size = Files.size(root.resolve(file));
        return (memaddr + size + OFFSET - 1) & ~(OFFSET - 1);
    }
}
