package org.domus.dom0less;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.domus.fdt.Property;
import org.domus.image.Arch;

/** A domain's kernel command line by Xen's precedence (booting.txt), and the rewrite an x86 guest needs. */
final class CommandLines {
    /** {@code console=ttyAMA0} with any options after a comma; the PL011's name on Arm. */
    private static final Pattern PL011_CONSOLE = Pattern.compile("(^|\\s)console=ttyAMA0(?=[,\\s]|$)");

    private CommandLines() {
    }

    /**
     * A domU's: the {@code bootargs} of its own modules only (never /chosen's). Domus takes the kernel module's,
     * else the first module's that has one. Xen takes the first in tree order whatever its kind, so a ramdisk
     * listed before the kernel with other bootargs is worth a warning. Xen also files bootargs under the full node
     * name and looks them up by the name without unit address: "domU1@1" would boot with none under Xen.
     */
    static String domU(Located domain, List<BootModule> modules, BootModule kernel, Problems problems) {
        BootModule xens = modules.stream().filter(m -> m.bootargs() != null).findFirst().orElse(null);
        BootModule ours = kernel != null && kernel.bootargs() != null ? kernel : xens;
        if (ours == null) {
            return "";
        }
        if (xens != ours && !Objects.equals(xens.bootargs(), ours.bootargs())) {
            problems.add(Rule.BOOTARGS_ORDER, domain.path(), "bootargs on %s and on the kernel %s differ: Domus uses "
                    + "the kernel's, Xen the first in tree order", xens.path(), ours.path());
        }
        if (!domain.node().unitAddress().isEmpty()) {
            problems.add(Rule.DOMAIN_UNIT_ADDRESS, domain.path(), "Xen files module bootargs under \"%s\" but looks "
                    + "them up as \"%s\", so under Xen this domain boots with no command line; Domus uses them",
                    domain.name(), domain.node().baseName());
        }
        return ours.bootargs();
    }

    /**
     * Dom0's, as booting.txt orders it: the dom0 kernel module's {@code bootargs}, else /chosen
     * {@code xen,dom0-bootargs}, else /chosen {@code bootargs} (only when there is no xen,dom0-bootargs).
     * Xen's code (write_properties in domain_build.c) lets xen,dom0-bootargs override the module's, so a
     * difference between the two is reported.
     */
    static String dom0(Located chosen, BootModule kernel, Problems problems) {
        var node = chosen.node();
        String module = kernel != null && kernel.bootargs() != null && !kernel.bootargs().isEmpty()
                ? kernel.bootargs() : null;
        String dom0Args = node.property("xen,dom0-bootargs").map(Property::string).orElse(null);
        if (module != null) {
            if (dom0Args != null && !dom0Args.equals(module)) {
                problems.add(Rule.DOM0_BOOTARGS, chosen.path(), "the dom0 kernel module's bootargs and "
                        + "xen,dom0-bootargs differ: Domus uses the module's (booting.txt), Xen's code the other");
            }
            return module;
        }
        if (dom0Args != null) {
            return dom0Args;
        }
        return node.property("bootargs").map(Property::string).orElse("");
    }

    /**
     * On x86 the guest's vpl011 is a 16550 UART at COM1, which Linux calls ttyS0; a command line written for Arm
     * names the PL011 (ttyAMA0), which x86 Linux does not have.
     */
    static String forArch(String cmdline, Arch arch, String path, Problems problems) {
        if (arch != Arch.X86_64) {
            return cmdline;
        }
        Matcher m = PL011_CONSOLE.matcher(cmdline);
        if (!m.find()) {
            return cmdline;
        }
        problems.add(Rule.CONSOLE_REWRITE, path, "console=ttyAMA0 rewritten to console=ttyS0: the kernel is x86_64, "
                + "whose vpl011 is a 16550 UART at COM1");
        return m.replaceAll("$1console=ttyS0");
    }
}
