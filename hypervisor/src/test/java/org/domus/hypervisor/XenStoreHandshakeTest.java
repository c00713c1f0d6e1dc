package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.domus.dom0less.Plan;
import org.domus.engine.DomainHandle;
import org.domus.engine.ExitReason;
import org.domus.testsupport.Await;
import org.domus.testsupport.EndToEnd;
import org.domus.xenstore.XenstoreClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's PV flow with Debian's unmodified kernel: an enhanced domain gets its store event channel and
 * STORE_PFN = ~0, runs, and its xenbus waits; init-dom0less gives it its page, connects its ring to xenstored as
 * domain 1 and notifies it, and its kernel then talks on the ring (it writes control/feature-poweroff); from then on
 * reboot and shutdown are asked through control/shutdown, as xl asks, and the kernel acts on them itself, while a
 * plain domain beside it keeps running.
 */
@EndToEnd
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class XenStoreHandshakeTest {
    private static final Duration BOOT = Duration.ofSeconds(180);
    private static final String FEATURE = "/local/domain/1/control/feature-poweroff";

    @Test
    void initDom0lessConnectsTheGuestAndXlsShutdownPathWorks(@TempDir Path dir) throws Exception {
        Plan plan = TestSystem.plan(dir, TestSystem.xenAndPlain(2, "console=hvc0 quiet domus.name=xenguest domus.action=loop",
                "console=ttyAMA0 quiet domus.name=plain domus.action=loop"));
        ConsoleCapture console = new ConsoleCapture();
        try (SystemStore store = SystemStore.start(dir.resolve("x.xenstored"));
             Hypervisor hv = Hypervisor.boot(plan, "qemu", dir.resolve("run"), new ConsoleMux(console.printStream()),
                     ExitPolicies.XL_DEFAULTS, store);
             XenstoreClient xs = XenstoreClient.connect(store.socket())) {
            Domain guest = hv.domain("xenguest");
            Domain plain = hv.domain("plain");
            console.await(l -> l.startsWith("(d1) DOMUS-TICK xenguest "), 3, BOOT);
            // its kernel runs and waits for its store: no ring yet, and it cannot talk (what it writes first, the
            // node init-dom0less wrote for it, is emptied to see its value come back from the guest; emptied, not
            // removed: control/ is read-only to the guest, as Xen's toolstack leaves it, so only the node init-dom0less
            // made writable for it can take the guest's write)
            assertThat(xs.read("/local/domain/1/store/ring-ref")).isEmpty();
            assertThat(xs.getPerms(FEATURE)).first().isEqualTo("n1");
            xs.write(FEATURE, "");
            assertThat(guest.xen().storeTalking()).isFalse();

            StoreInitReport report = store.initDom0less(hv.domains());
            assertThat(report.domains().getFirst().outcome()).contains("its ring connected to xenstored");
            assertThat(awaitValue(xs, FEATURE, "1")).as("written by the guest's kernel on its ring").contains("1");
            assertThat(guest.xen().storeTalking()).isTrue();
            assertThat(xs.read("/local/domain/1/store/ring-ref")).contains(Long.toString(guest.xen().layout().storePfn()));

            // reboot, as xl reboot: the kernel reboots itself through Xen, and the new guest gets its page at once
            DomainHandle first = guest.reboot(Duration.ofSeconds(120), false);
            assertThat(guest.awaitAfter(first, BOOT)).isTrue();
            assertThat(guest.state()).isEqualTo(DomainState.RUNNING);
            assertThat(guest.lastExit()).isInstanceOf(ExitReason.Reboot.class);
            Await.until(() -> guest.xen().storeTalking(), BOOT, "the rebooted guest talking on its ring without a new init-dom0less");

            // shutdown, as xl shutdown: the kernel powers off through Xen, long before the timeout
            guest.shutdown(Duration.ofSeconds(120));
            assertThat(guest.awaitFinal(BOOT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(guest.lastExit()).isInstanceOf(ExitReason.PowerOff.class);
            assertThat(plain.state()).isEqualTo(DomainState.RUNNING);
            int ticks = console.await(l -> l.startsWith("(d2) DOMUS-TICK plain "), 1, BOOT).size();
            console.await(l -> l.startsWith("(d2) DOMUS-TICK plain "), ticks + 3, BOOT);
        }
        assertThat(console.await(l -> l.equals("(domus) d1 xenguest: reboot: control/shutdown = reboot (reset if still running in 120 s)"), 1, BOOT)).hasSize(1);
        assertThat(console.await(l -> l.equals("(domus) d1 xenguest: shutdown: control/shutdown = poweroff (destroyed if still running in 120 s)"), 1, BOOT)).hasSize(1);
        assertThat(console.await(l -> l.equals("(domus) d1 xenguest: the guest asked Xen to stop: reboot"), 1, BOOT)).hasSize(1);
        assertThat(console.await(l -> l.equals("(domus) d1 xenguest: the guest asked Xen to stop: poweroff"), 1, BOOT)).hasSize(1);
    }

    /** The store's value at {@code path} once it is {@code expected} (the guest writes it when its xenbus comes up). */
    private static Optional<String> awaitValue(XenstoreClient xs, String path, String expected) {
        return Await.until(() -> {
            try {
                return xs.read(path);
            } catch (Exception e) {
                throw new AssertionError("reading " + path, e);
            }
        }, Optional.of(expected)::equals, BOOT, path + " = " + expected);
    }
}
