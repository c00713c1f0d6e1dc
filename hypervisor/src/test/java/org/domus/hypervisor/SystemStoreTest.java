package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.domus.dom0less.Enhanced;
import org.domus.engine.DomainHandle;
import org.domus.engine.DomainSpec;
import org.domus.image.Arch;
import org.domus.xenstore.XenstoreClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A system's xenstored kept in step with stand-in domains (a new toy engine domain per build): entries at build,
 * @introduceDomain at start, names read back from the store, init-dom0less once per domain and again after a
 * reboot without asking, @releaseDomain and the entries gone when a domain is destroyed. Real guests and Debian's
 * tools do the same in the cli module's XenstoreSystemTest.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SystemStoreTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ConsoleMux mux = new ConsoleMux(new ConsoleCapture().printStream());
    private Path dir;
    private SystemStore store;
    private Hypervisor hv;
    private XenstoreClient xs;

    @BeforeEach
    void boot() throws Exception {
        dir = Files.createTempDirectory("domus-xs-");
        store = SystemStore.start(dir.resolve("x.xenstored"));
        List<Domain> domains = new ArrayList<>();
        domains.add(domain(1, "alpha", Enhanced.ENABLED, 1));
        domains.add(domain(2, "beta", Enhanced.NONE, 0));
        domains.add(domain(3, "delta", Enhanced.NO_XENSTORE, 0));
        hv = Hypervisor.of(domains, mux, store);
        for (Domain d : domains) {
            d.useStore(store);
            d.build();
            d.start();
        }
        xs = XenstoreClient.connect(store.socket());
    }

    @AfterEach
    void stop() throws IOException {
        xs.close();
        hv.close();
        store.close();
    }

    @Test
    void everyDomainHasItsEntriesAndIsIntroducedWhenItStarts() throws Exception {
        assertThat(xs.directory("/local/domain")).containsExactly("1", "2", "3");
        assertThat(xs.read("/local/domain/1/name")).contains("alpha");
        assertThat(xs.read("/local/domain/2/domid")).contains("2");
        assertThat(xs.read("/local/domain/1/memory/static-max")).contains("65536");
        String vm = xs.read("/local/domain/1/vm").orElseThrow();
        assertThat(xs.read(vm + "/uuid")).contains(hv.domain("alpha").uuid().toString());
        assertThat(xs.isDomainIntroduced(1)).isTrue();
        assertThat(xs.read("/local/domain/1/store/port")).as("no store page before init-dom0less").isEmpty();
        assertThat(hv.domain("alpha").storeChannel().pfn()).isEqualTo(StoreChannel.LATE);
        assertThat(SystemStore.guestView(hv.domains())).hasValueSatisfying(line -> assertThat(line)
                .startsWith("xenstore: d1 alpha, d3 delta on the toy engine").contains("cannot reach the store"));
    }

    @Test
    void aNameWrittenToTheStoreIsTheDomainsName() throws Exception {
        xs.write("/local/domain/2/name", "gamma");
        Domain d2 = hv.domain("gamma");
        assertThat(d2.id()).isEqualTo(2);
        assertThat(d2.info().name()).isEqualTo("gamma");
        assertThat(d2.toString()).isEqualTo("d2 gamma");
        assertThat(d2.plannedName()).isEqualTo("beta");
    }

    @Test
    void initDom0lessGivesTheEnhancedDomainItsPageOnce() throws Exception {
        xs.write("/local/domain/1/data/kept", "yes");
        StoreInitReport first = store.initDom0less(hv.domains());
        assertThat(first.domains()).extracting(StoreInit::outcome).satisfiesExactly(
                o -> assertThat(o).startsWith("initialised: store event channel 1, STORE_PFN 0x39001"),
                o -> assertThat(o).startsWith("not xen,enhanced"),
                o -> assertThat(o).startsWith("xen,enhanced = \"no-xenstore\""));
        assertThat(xs.read("/local/domain/1/store/port")).contains("1");
        assertThat(xs.read("/local/domain/1/store/ring-ref")).contains(Long.toString(0x39001));
        assertThat(xs.read("/local/domain/2/store/port")).isEmpty();

        assertThat(xs.getPerms("/local/domain/1/store/ring-ref")).containsExactly("n0", "r1");
        StoreInitReport again = store.initDom0less(hv.domains());
        assertThat(again.domains().getFirst().outcome()).startsWith("already initialised");
        assertThat(xs.read("/local/domain/1/data/kept")).as("the handshake only adds the store ring").contains("yes");
    }

    @Test
    void aRebootReleasesAndIntroducesTheDomainAgainWithTheSameIdentity() throws Exception {
        store.initDom0less(hv.domains());
        String vm = xs.read("/local/domain/1/vm").orElseThrow();
        xs.write("/local/domain/1/name", "renamed");
        xs.watch("@releaseDomain", "rel");
        xs.watch("@introduceDomain", "intro");
        drain();
        Domain d1 = hv.domain("1");
        DomainHandle old = d1.reboot(Duration.ofSeconds(5), true);
        assertThat(d1.awaitAfter(old, WAIT)).isTrue();
        assertThat(events()).containsSubsequence("rel", "intro");
        assertThat(xs.read("/local/domain/1/vm")).contains(vm);
        assertThat(xs.read("/local/domain/1/name")).as("a rename survives the reboot").contains("renamed");
        assertThat(xs.read("/local/domain/1/store/ring-ref")).as("the new guest has its page at once")
                .contains(Long.toString(0x39001));
        assertThat(xs.isDomainIntroduced(1)).isTrue();
    }

    @Test
    void aDestroyedDomainIsReleasedAndItsEntriesGo() throws Exception {
        xs.watch("@releaseDomain", "rel");
        drain();
        Domain d2 = hv.domain("beta");
        d2.destroy();
        assertThat(d2.awaitFinal(10, TimeUnit.SECONDS)).isTrue();
        assertThat(events()).contains("rel");
        assertThat(xs.read("/local/domain/2/name")).isEmpty();
        assertThat(xs.isDomainIntroduced(2)).isFalse();
        assertThat(d2.name()).as("the last name it had").isEqualTo("beta");
        assertThat(store.initDom0less(hv.domains()).domains().get(1).outcome()).startsWith("not xen,enhanced");
    }

    @Test
    void dom0HasTheEntriesXenInitDom0WritesAndIsNeverReleased() throws Exception {
        Domain dom0 = domain(0, "Domain-0", Enhanced.ENABLED, 0);
        dom0.useStore(store);
        dom0.build();
        dom0.start();
        assertThat(xs.read("/local/domain/0/name")).contains("Domain-0");
        assertThat(xs.read("/local/domain/0/domid")).contains("0");
        assertThat(store.initDom0less(List.of(dom0)).domains()).as("init-dom0less leaves dom0 alone").isEmpty();
        dom0.destroy();
        assertThat(dom0.awaitFinal(10, TimeUnit.SECONDS)).isTrue();
        assertThat(xs.read("/local/domain/0/name")).contains("Domain-0");
    }

    @Test
    void theSocketOfAKilledDomusDoesNotBlockTheNextStore() throws Exception {
        Path stale = dir.resolve("stale.xenstored");
        // bound and closed without unlinking: what a kill -9 leaves behind
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(stale));
        dead.close();
        assertThat(stale).exists();
        try (SystemStore next = SystemStore.start(stale); XenstoreClient c = XenstoreClient.connect(stale)) {
            assertThat(c.directory("/local")).containsExactly("domain");
        }
        assertThat(stale).doesNotExist();
    }

    /** Tokens of the watch events that arrive within a second. */
    private List<String> events() throws IOException {
        List<String> tokens = new ArrayList<>();
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            Optional<XenstoreClient.WatchEvent> e = xs.nextEvent(Duration.ofSeconds(1));
            if (e.isEmpty()) {
                if (!tokens.isEmpty()) {
                    break;
                }
                continue;
            }
            tokens.add(e.get().token());
        }
        return tokens;
    }

    /** The events a watch fires when it is set. */
    private void drain() throws IOException {
        while (xs.nextEvent(Duration.ofMillis(300)).isPresent()) {
            // skip
        }
    }

    private Domain domain(int id, String name, Enhanced enhanced, int port) {
        DomainSpec spec = new DomainSpec(name, Arch.ARM64, 64 << 20, 1, Path.of("Image"), null, "console=ttyAMA0",
                dir.resolve(name));
        return new Domain(id, name, spec, ToyHandle.engine(() -> new ToyHandle(List.of())), ExitPolicies.XL_DEFAULTS, mux, Collections.nCopies(1, null),
                new StoreChannel(enhanced, port));
    }
}
