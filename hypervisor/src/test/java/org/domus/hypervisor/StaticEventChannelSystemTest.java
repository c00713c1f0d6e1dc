package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.domus.dom0less.Plan;
import org.domus.engine.EngineException;
import org.domus.engine.ExitReason;
import org.domus.testsupport.BootModule;
import org.domus.testsupport.DomainNode;
import org.domus.testsupport.TestTree;
import org.domus.xen.XenDomain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Xen guests joined by a static event channel ({@code xen,evtchn-v1}: d1's port 10 and d2's port 20), bound by
 * Domus at build as Xen binds it: each guest's userspace finds its port bound to the other's before doing anything
 * (EVTCHNOP_status), d1 notifies it (EVTCHNOP_send) and d2's kernel delivers each notification to its userspace
 * through /dev/xen/evtchn, the port unmasked between two as Linux's driver wants. The guests are Debian's
 * unmodified kernel with its own xen-evtchn and xen-privcmd modules and the payload's domus-evtchn program.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class StaticEventChannelSystemTest {
    private static final Duration BOOT = Duration.ofSeconds(240);
    private static final Duration EVENT = Duration.ofSeconds(30);

    @Test
    void oneGuestNotifiesAndTheOtherReceivesEveryNotificationOnTheChannel(@TempDir Path dir) throws Exception {
        Plan plan = TestSystem.plan(dir, system());
        assertThat(plan.eventChannels()).hasSize(1);
        ConsoleCapture console = new ConsoleCapture();
        try (Hypervisor hv = Hypervisor.of(plan, "qemu", dir.resolve("run"), new ConsoleMux(console.printStream()),
                ExitPolicies.XL_DEFAULTS, null)) {
            Domain sender = hv.domains().get(0);
            Domain receiver = hv.domains().get(1);
            assertThat(sender.xen().port(10)).as("bound before either guest is built").extracting(
                    XenDomain.PortInfo::state, XenDomain.PortInfo::remoteDomid, XenDomain.PortInfo::remotePort)
                    .containsExactly(2, 2, 20);
            hv.start();

            // what each guest's userspace reads from Xen before it does anything: its port bound to the other's
            String sent = console.await(l -> l.startsWith("(d1) EVTCHN-STATIC send "), 1, BOOT).getFirst();
            console.await(l -> l.equals("(d2) EVTCHN-STATIC recv port=20 interdomain remote=d1:10"), 1, BOOT);
            console.await(l -> l.equals("(d1) EVTCHN-SENDER-READY port=10"), 1, BOOT);
            int port = receiverReady(console, receiver, 1);
            // d2's port 20, or the port d2's userspace moved the channel's end to if it got there first
            assertThat(sent).isIn("(d1) EVTCHN-STATIC send port=10 interdomain remote=d2:20",
                    "(d1) EVTCHN-STATIC send port=10 interdomain remote=d2:" + port);
            notifyOneByOne(console, sender, port, 1, 2);

            // d2 rebooted: its new guest finds its static port bound to d1's again, though the first guest had
            // bound d1's end elsewhere, and takes every notification as the first did
            receiver.reboot(Duration.ofSeconds(1), true);
            console.await(l -> l.equals("(d2) EVTCHN-STATIC recv port=20 interdomain remote=d1:10"), 2, BOOT);
            port = receiverReady(console, receiver, 2);
            notifyOneByOne(console, sender, port, 3, 2);
            // each of the receiver's guests waits for a third notification that never comes: the first is reset by
            // the reboot, the second destroyed here; then the sender quits
            assertThat(receiver.destroy()).isTrue();
            type(sender, "q\n");
            assertThat(hv.awaitAll()).isZero();
            assertThat(sender.lastExit()).isInstanceOf(ExitReason.PowerOff.class);
            assertThat(receiver.lastExit()).isInstanceOf(ExitReason.Destroyed.class);
            assertThat(sender.xen().internalErrors() + receiver.xen().internalErrors()).as("host-side errors").isZero();
        }
        assertThat(console.lines()).noneMatch(l -> l.contains("EVTCHN-ERROR"));
        assertThat(console.lines()).filteredOn(l -> l.startsWith("(d2) EVTCHN-RECEIVED")).hasSize(4);
    }

    /**
     * The port the receiver's {@code boot}-th guest takes delivery on, once it is ready: the channel's end at d1's
     * port 10 (d2's static port 20 itself where the kernel can bind a static port, Linux 6.6+, else the port its
     * userspace bound the remote end to).
     */
    private static int receiverReady(ConsoleCapture console, Domain receiver, int boot) throws Exception {
        String ready = console.await(l -> l.startsWith("(d2) EVTCHN-READY port="), boot, BOOT).getLast();
        Matcher m = Pattern.compile("port=(\\d+)").matcher(ready);
        assertThat(m.find()).isTrue();
        int port = Integer.parseInt(m.group(1));
        String bound = console.await(l -> l.startsWith("(d2) EVTCHN-BOUND "), boot, EVENT).getLast();
        assertThat(bound).isIn("(d2) EVTCHN-BOUND port=" + port + " static=20 how=bind-static",
                "(d2) EVTCHN-BOUND port=" + port + " static=20 how=rebound");
        assertThat(receiver.xen().port(port)).extracting(XenDomain.PortInfo::state, XenDomain.PortInfo::remoteDomid,
                XenDomain.PortInfo::remotePort).containsExactly(2, 1, 10);
        return port;
    }

    /**
     * Notifications {@code first}..{@code count} of the sender, one at a time (two sent before the first is taken
     * would be one pending bit), each received on {@code port} by the receiver's current guest.
     */
    private static void notifyOneByOne(ConsoleCapture console, Domain sender, int port, int first, int count)
            throws Exception {
        for (int n = 1; n <= count; n++) {
            String sent = "(d1) EVTCHN-SENT port=10 n=" + (first + n - 1) + " rc=0";
            String received = "(d2) EVTCHN-RECEIVED port=" + port + " n=" + n;
            // the receiver's guest before a reboot may have printed the same line
            int before = (int) console.lines().stream().filter(received::equals).count();
            type(sender, "\n");
            console.await(sent::equals, 1, EVENT);
            console.await(received::equals, before + 1, EVENT);
        }
    }

    /** dom0 is no Xen guest here: a static channel to it is refused by name before anything is built. */
    @Test
    void aChannelToDom0IsRefusedBeforeAnythingIsBuilt(@TempDir Path dir) throws Exception {
        Plan plan = TestSystem.plan(dir, TestTree.of(DomainNode.enhanced("guest", null).withRamdisk(null)
                        .withChild(TestTree.evtchn("to_dom0", "evtchn@20", 20, "to_guest")))
                .withDom0("dom0_mem=128M", "console=ttyAMA0 quiet", BootModule.file("Image"))
                .withChosen(TestTree.evtchn("to_guest", "evtchn", 10, "to_dom0"))
                .source());
        assertThat(plan.eventChannels()).hasSize(1);
        ConsoleCapture console = new ConsoleCapture();
        assertThatThrownBy(() -> Hypervisor.of(plan, "qemu", dir.resolve("run"), new ConsoleMux(console.printStream()),
                ExitPolicies.XL_DEFAULTS, null)).isInstanceOf(EngineException.class).hasMessage("/chosen/evtchn: static "
                + "event channel to /chosen/guest/evtchn@20: d0 Domain-0 is not a Xen guest on the qemu engine (dom0 runs "
                + "without Xen's guest ABI), so it cannot be bound");
        assertThat(console.lines()).isEmpty();
    }

    private static void type(Domain d, String text) throws Exception {
        var in = d.consoleInput();
        in.write(text.getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    /** d1 sender and d2 receiver, Xen guests of 128 MiB and one vCPU each, their consoles on hvc0. */
    private static String system() {
        return TestTree.of(
                DomainNode.enhanced("sender", "console=hvc0 quiet domus.name=sender domus.action=evtchn domus.evtchn=send:10")
                        .withChild(TestTree.evtchn("to_receiver", "evtchn@10", 10, "to_sender")),
                DomainNode.enhanced("receiver", "console=hvc0 quiet domus.name=receiver domus.action=evtchn domus.evtchn=recv:20:3")
                        .withChild(TestTree.evtchn("to_sender", "evtchn@20", 20, "to_receiver")))
                .source();
    }
}
