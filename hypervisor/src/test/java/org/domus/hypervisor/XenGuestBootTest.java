package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.domus.dom0less.Plan;
import org.domus.engine.ExitReason;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code xen,enhanced} domain is a real Xen guest: Debian's unmodified Arm64 kernel (KASLR on) finds Xen under it
 * (the EL2 program forwarding its hypercalls to the xen module), prints its log and its init's lines on the PV
 * console (hvc0), reads "xen" in /sys/hypervisor/type, and powers off by asking Xen (SCHEDOP_shutdown); a plain
 * domain of the same system sees none of it.
 */
@EndToEnd
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class XenGuestBootTest {
    private static final Duration BOOT = Duration.ofSeconds(180);

    @ParameterizedTest(name = "{0} vCPUs")
    @ValueSource(ints = {1, 2, 4})
    void anEnhancedDomainIsAXenGuestOnItsPvConsoleAndAPlainOneIsNot(int vcpus, @TempDir Path dir) throws Exception {
        Plan plan = TestSystem.plan(dir, TestSystem.xenAndPlain(vcpus, "console=hvc0 domus.name=xenguest domus.action=xen",
                "console=ttyAMA0 quiet domus.name=plain domus.action=xen"));
        ConsoleCapture console = new ConsoleCapture();
        try (Hypervisor hv = Hypervisor.boot(plan, "qemu", dir.resolve("run"), new ConsoleMux(console.printStream()),
                ExitPolicies.XL_DEFAULTS)) {
            assertThat(hv.awaitAll()).isZero();
            Domain xen = hv.domains().get(0);
            assertThat(xen.xen()).isNotNull();
            assertThat(xen.lastExit()).isInstanceOf(ExitReason.PowerOff.class);
            assertThat(xen.xen().internalErrors()).as("host-side errors in the xen module").isZero();
            assertThat(hv.domains().get(1).xen()).isNull();
        }
        assertThat(console.await(l -> l.equals("(d1) DOMUS-HYPERVISOR xenguest type=xen"), 1, BOOT)).hasSize(1);
        assertThat(console.await(l -> l.equals("(d2) DOMUS-HYPERVISOR plain type=none"), 1, BOOT)).hasSize(1);
        // the kernel's own log, on hvc0 (console=hvc0): it found Xen and brought up every vCPU under it
        assertThat(console.await(l -> l.startsWith("(d1) ") && l.endsWith("Xen 4.17 support found"), 1, BOOT)).hasSize(1);
        assertThat(console.await(l -> l.startsWith("(d1) DOMUS-READY xenguest cpus=" + vcpus + " "), 1, BOOT)).hasSize(1);
        assertThat(console.await(l -> l.equals("(domus) d1 xenguest: the guest asked Xen to stop: poweroff"), 1, BOOT)).hasSize(1);
        assertThat(Files.readString(dir.resolve("run/d1-xenguest/console.log"))).contains("DOMUS-HYPERVISOR xenguest type=xen");
    }
}
