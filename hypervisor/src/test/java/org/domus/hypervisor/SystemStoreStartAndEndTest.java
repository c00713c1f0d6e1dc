package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.domus.dom0less.Enhanced;
import org.domus.engine.DomainSpec;
import org.domus.engine.ExitReason;
import org.domus.image.Arch;
import org.domus.xenstore.XenstoreClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Store promises {@link SystemStoreTest} does not cover: {@code domus boot --init-dom0less} gives each enhanced
 * domain its store page as it starts, with no init-dom0less asked for; a domain kept by a {@code preserve} policy is
 * released (@releaseDomain) but keeps its entries, as a preserved Xen domain stays listed; and a domain renamed in the
 * store keeps its console prefix {@code (dN)}, as Xen prints it, while Domus's events use the new name.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SystemStoreStartAndEndTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ConsoleCapture screen = new ConsoleCapture();
    private final ConsoleMux mux = new ConsoleMux(screen.printStream());
    private final List<ToyHandle> built = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private Path dir;

    @AfterEach
    void stop() throws Exception {
        built.forEach(ToyHandle::destroy);
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void bootInitDom0lessGivesEachEnhancedDomainItsPageAsItStarts() throws Exception {
        SystemStore store = store();
        store.initDom0lessAtStart();
        List<Domain> domains = List.of(domain(1, "alpha", Enhanced.ENABLED, 1, ExitPolicies.XL_DEFAULTS),
                domain(2, "beta", Enhanced.NONE, 0, ExitPolicies.XL_DEFAULTS));
        XenstoreClient xs = boot(store, domains);
        assertThat(xs.read("/local/domain/1/store/port")).contains("1");
        assertThat(xs.read("/local/domain/1/store/ring-ref")).contains(Long.toString(0x39001));
        assertThat(xs.read("/local/domain/2/store/port")).as("not xen,enhanced: no store").isEmpty();
        screen.await(l -> l.startsWith("(domus) d1 alpha: init-dom0less: initialised: store event channel 1, STORE_PFN 0x39001"), 1, WAIT);
        assertThat(store.initDom0less(domains).domains().getFirst().outcome()).startsWith("already initialised");
    }

    @Test
    void aPreservedDomainIsReleasedButKeepsItsEntries() throws Exception {
        SystemStore store = store();
        ExitPolicies preserve = new ExitPolicies(ExitPolicy.PRESERVE, ExitPolicy.PRESERVE, ExitPolicy.PRESERVE);
        Domain kept = domain(1, "alpha", Enhanced.NONE, 0, preserve);
        Domain gone = domain(2, "beta", Enhanced.NONE, 0, ExitPolicies.XL_DEFAULTS);
        XenstoreClient xs = boot(store, List.of(kept, gone));
        xs.watch("@releaseDomain", "rel");
        drain(xs);

        built.get(0).exit(new ExitReason.PowerOff());
        assertThat(kept.awaitFinal(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(kept.state()).isEqualTo(DomainState.SHUTDOWN);
        assertThat(nextToken(xs)).contains("rel");
        assertThat(xs.isDomainIntroduced(1)).as("shut down, not gone: a preserved Xen domain still exists").isTrue();
        assertThat(xs.read("/local/domain/1/name")).as("a preserved domain's entries stay").contains("alpha");

        built.get(1).exit(new ExitReason.PowerOff());
        assertThat(gone.awaitFinal(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(nextToken(xs)).contains("rel");
        assertThat(xs.read("/local/domain/2/name")).as("under destroy, they go").isEmpty();
    }

    @Test
    void aDomainRenamedInTheStoreKeepsItsConsolePrefix() throws Exception {
        SystemStore store = store();
        Domain d = domain(1, "alpha", Enhanced.NONE, 0, ExitPolicies.XL_DEFAULTS);
        XenstoreClient xs = boot(store, List.of(d));
        xs.write("/local/domain/1/name", "web");
        assertThat(d.toString()).isEqualTo("d1 web");
        built.getFirst().print("hello from the guest\r\n");
        screen.await(l -> l.equals("(d1) hello from the guest"), 1, WAIT);
        d.pause();
        screen.await(l -> l.equals("(domus) d1 web: paused"), 1, WAIT);
    }

    private SystemStore store() throws Exception {
        dir = Files.createTempDirectory("domus-xs-");
        SystemStore store = SystemStore.start(dir.resolve("x.xenstored"));
        open.add(store);
        return store;
    }

    private XenstoreClient boot(SystemStore store, List<Domain> domains) throws Exception {
        Hypervisor hv = Hypervisor.of(domains, mux, store);
        open.add(hv);
        for (Domain d : domains) {
            d.useStore(store);
            d.build();
            d.start();
        }
        XenstoreClient xs = XenstoreClient.connect(store.socket());
        open.add(xs);
        return xs;
    }

    private static Optional<String> nextToken(XenstoreClient xs) throws Exception {
        return xs.nextEvent(WAIT).map(XenstoreClient.WatchEvent::token);
    }

    private static void drain(XenstoreClient xs) throws Exception {
        while (xs.nextEvent(Duration.ofMillis(300)).isPresent()) {
            // the event a watch fires when it is set
        }
    }

    private Domain domain(int id, String name, Enhanced enhanced, int port, ExitPolicies policies) {
        DomainSpec spec = new DomainSpec(name, Arch.ARM64, 64 << 20, 1, Path.of("Image"), null, "console=ttyAMA0",
                dir.resolve(name));
        return new Domain(id, name, spec, ToyHandle.engine(() -> {
            ToyHandle h = new ToyHandle(List.of());
            built.add(h);
            return h;
        }), policies, mux, Collections.nCopies(1, null), new StoreChannel(enhanced, port));
    }
}
