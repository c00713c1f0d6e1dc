package org.domus.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.domus.fdt.Fdt;
import org.domus.fdt.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest tree edit on QEMU's own virt tree (dumped by QEMU), checked by reading it back and by dtc. */
class GuestTreeTest {
    static final long MiB = 1 << 20;

    @Test
    void addsTheHypervisorNodeAndReservesTheXenRegion(@TempDir Path dir) throws Exception {
        Path dtb = dir.resolve("virt.dtb");
        run(dir, "qemu-system-aarch64", "-M", "virt,virtualization=on,gic-version=3,dumpdtb=" + dtb,
                "-cpu", "cortex-a57", "-m", "512", "-smp", "2", "-display", "none");
        XenDomain d = new XenSystem().create(new XenDomainConfig(1, 2, 0x4000_0000L, 512 * MiB, true), r -> { });
        byte[] edited = d.guest().guestTree().apply(Files.readAllBytes(dtb));

        Fdt fdt = Fdt.fromDtb(edited);
        Node hv = fdt.node("/hypervisor").orElseThrow();
        assertThat(hv.property("compatible").orElseThrow().strings()).containsExactly("xen,xen-4.17", "xen,xen");
        XenLayout l = d.layout();
        assertThat(l.grantBase()).isEqualTo(0x4000_0000L + 511 * MiB);
        assertThat(hv.property("reg").orElseThrow().cells())
                .containsExactly((int) (l.grantBase() >>> 32), (int) l.grantBase(), 0, (int) l.grantSize());
        assertThat(hv.property("interrupts").orElseThrow().cells()).containsExactly(1, 15, 0xf08);
        Node reserved = fdt.node("/reserved-memory/xen-pv@5ff00000").orElseThrow();
        assertThat(reserved.property("no-map")).isPresent();
        assertThat(reserved.property("reg").orElseThrow().cells()).containsExactly(0, 0x5ff0_0000, 0, 0x0010_0000);
        assertThat(l.consolePfn()).isEqualTo(0x5ff80L);
        assertThat(l.storePfn()).isEqualTo(0x5ff81L);

        // dtc reads it without complaint, and editing twice changes nothing more
        Path out = dir.resolve("edited.dtb");
        Files.write(out, edited);
        String dts = run(dir, "dtc", "-q", "-I", "dtb", "-O", "dts", out.toString());
        assertThat(dts).contains("hypervisor {").contains("xen-pv@5ff00000 {").contains("no-map;");
        assertThat(d.guestTree().apply(edited)).isEqualTo(edited);
    }

    private static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + output).isZero();
        return output;
    }
}
