package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.domus.engine.DomainHandle;
import org.domus.engine.DomainSpec;
import org.domus.engine.Engine;
import org.domus.engine.EngineException;
import org.domus.engine.ExitReason;
import org.domus.image.Arch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Domain}'s state machine over the engine-neutral test handle: every exit reason under every policy, and the
 * races the lifecycle must survive (an exit the instant a guest starts, a destroy while it is rebuilt, a late exit of
 * an old engine domain, a reboot of a paused domain, create of a stopped one).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DomainLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ConsoleMux mux = new ConsoleMux(new ConsoleCapture().printStream());
    /** Every engine domain built, in order. */
    private final List<ToyHandle> built = new CopyOnWriteArrayList<>();

    static Stream<Arguments> matrix() {
        return Stream.of(
                Arguments.of(new ExitReason.PowerOff(), ExitPolicy.DESTROY, DomainState.DESTROYED),
                Arguments.of(new ExitReason.PowerOff(), ExitPolicy.PRESERVE, DomainState.SHUTDOWN),
                Arguments.of(new ExitReason.PowerOff(), ExitPolicy.RESTART, DomainState.RUNNING),
                Arguments.of(new ExitReason.Reboot(), ExitPolicy.DESTROY, DomainState.DESTROYED),
                Arguments.of(new ExitReason.Reboot(), ExitPolicy.PRESERVE, DomainState.SHUTDOWN),
                Arguments.of(new ExitReason.Reboot(), ExitPolicy.RESTART, DomainState.RUNNING),
                Arguments.of(new ExitReason.Crash("panic"), ExitPolicy.DESTROY, DomainState.DESTROYED),
                Arguments.of(new ExitReason.Crash("panic"), ExitPolicy.PRESERVE, DomainState.CRASHED),
                Arguments.of(new ExitReason.Crash("panic"), ExitPolicy.RESTART, DomainState.RUNNING));
    }

    @ParameterizedTest(name = "{0} under {1} -> {2}")
    @MethodSource("matrix")
    void eachExitFollowsItsPolicy(ExitReason reason, ExitPolicy policy, DomainState expected) throws Exception {
        Domain d = running(new ExitPolicies(policy, policy, policy));
        ToyHandle first = built.getFirst();
        first.exit(reason);
        if (expected == DomainState.RUNNING) {
            assertThat(d.awaitAfter(first, WAIT)).isTrue();
            assertThat(built).hasSize(2);
            assertThat(d.info().restarts()).isEqualTo(1);
        } else {
            assertThat(d.awaitFinal(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(built).hasSize(1);
        }
        assertThat(d.state()).isEqualTo(expected);
        assertThat(d.lastExit()).isEqualTo(reason);
        assertThat(d.state().isListed()).isEqualTo(expected != DomainState.DESTROYED);
        assertThat(d.crashed()).isEqualTo(reason instanceof ExitReason.Crash);
    }

    @Test
    void aGuestThatEndsTheInstantItStartsIsNotShownRunning() throws Exception {
        Domain d = domain(ExitPolicies.XL_DEFAULTS, () -> {
            ToyHandle h = toy();
            h.onStart = () -> h.exit(new ExitReason.PowerOff());
            return h;
        });
        d.build();
        d.start();
        assertThat(d.awaitFinal(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // the exit was handled while start() had not returned: the start did not overwrite the final state (a sleep on
        // purpose: nothing may change in this time)
        Thread.sleep(100);
        assertThat(d.state()).isEqualTo(DomainState.DESTROYED);
        assertThat(d.lastExit()).isEqualTo(new ExitReason.PowerOff());
    }

    @Test
    void aDestroyWhileItIsRebuiltEndsItAndTheNewEngineDomainToo() throws Exception {
        CountDownLatch rebuilding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger builds = new AtomicInteger();
        Domain d = domain(ExitPolicies.XL_DEFAULTS, () -> {
            if (builds.incrementAndGet() == 2) {
                rebuilding.countDown();
                await(release);
            }
            return toy();
        });
        d.build();
        d.start();
        built.getFirst().exit(new ExitReason.Reboot()); // on_reboot restart: a new engine domain is being built
        assertThat(rebuilding.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(d.state()).isEqualTo(DomainState.RESTARTING);
        assertThat(d.destroy()).isTrue();
        release.countDown();
        assertThat(d.awaitFinal(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(d.state()).isEqualTo(DomainState.DESTROYED);
        assertThat(built).hasSize(2);
        assertThat(built.get(1).exited().toCompletableFuture().get(10, TimeUnit.SECONDS)).isInstanceOf(ExitReason.Destroyed.class);
    }

    @Test
    void aLateExitOfAnOldEngineDomainLeavesItsSuccessorAlone() throws Exception {
        Domain d = running(ExitPolicies.XL_DEFAULTS);
        ToyHandle first = built.getFirst();
        DomainHandle asked = d.reboot(Duration.ofSeconds(30), true);
        assertThat(d.awaitAfter(asked, WAIT)).isTrue();
        assertThat(d.state()).isEqualTo(DomainState.RUNNING);
        first.exit(new ExitReason.Crash("late")); // already completed as destroyed: a no-op, and stale anyway
        Thread.sleep(100); // on purpose: nothing may change in this time
        assertThat(d.state()).isEqualTo(DomainState.RUNNING);
        assertThat(built).hasSize(2);
    }

    @Test
    void aPausedDomainIsRebootedAtOnceAndComesBackRunning() throws Exception {
        Domain d = running(ExitPolicies.XL_DEFAULTS);
        d.pause();
        assertThat(d.state()).isEqualTo(DomainState.PAUSED);
        assertThat(built.getFirst().paused).isTrue();
        DomainHandle asked = d.reboot(Duration.ofSeconds(30), false);
        assertThat(d.awaitAfter(asked, WAIT)).isTrue();
        assertThat(d.state()).isEqualTo(DomainState.RUNNING);
        assertThat(built).hasSize(2);
        assertThat(built.getFirst().powerButtons).isZero(); // a paused guest cannot answer the button
        assertThat(built.get(1).paused).isFalse();
    }

    @Test
    void pauseAndUnpauseAreRefusedInTheWrongState() throws Exception {
        Domain d = running(ExitPolicies.XL_DEFAULTS);
        assertThatThrownBy(d::unpause).isInstanceOf(ControlException.class).hasMessageContaining("not paused");
        d.pause();
        assertThatThrownBy(d::pause).isInstanceOf(ControlException.class).hasMessageContaining("only a running domain");
        d.unpause();
        assertThat(d.state()).isEqualTo(DomainState.RUNNING);
    }

    @Test
    void aStoppedDomainIsCreatedAgainWithTheSameIdAndARunningOneIsNot() throws Exception {
        Domain d = running(ExitPolicies.XL_DEFAULTS);
        assertThatThrownBy(d::create).isInstanceOf(ControlException.class)
                .hasMessage("d1 toy is running: only a stopped domain can be created again");
        assertThat(d.destroy()).isTrue();
        assertThat(d.awaitFinal(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(d.destroy()).isFalse();
        d.create();
        assertThat(d.state()).isEqualTo(DomainState.RUNNING);
        assertThat(d.id()).isEqualTo(1);
        assertThat(built).hasSize(2);
        // its console can be attached again
        assertThat(d.consoleHub().attach(java.io.OutputStream.nullOutputStream(), false, "t")).isNotNull();
    }

    @Test
    void createRefusesAModuleFileThatChangedSinceBoot(@TempDir Path dir) throws Exception {
        Path kernel = Files.writeString(dir.resolve("Image"), "kernel bytes");
        Domain d = new Domain(1, "toy", new DomainSpec("toy", Arch.ARM64, 64 << 20, 1, kernel, null, "", dir),
                ToyHandle.engine(this::toy), ExitPolicies.XL_DEFAULTS, mux);
        d.build();
        d.start();
        d.destroy();
        assertThat(d.awaitFinal(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Files.writeString(kernel, "another kernel, longer");
        assertThatThrownBy(d::create).isInstanceOf(ControlException.class)
                .hasMessageContaining(kernel.toString()).hasMessageContaining("changed on disk");
        assertThat(d.state()).isEqualTo(DomainState.DESTROYED);
        assertThat(built).hasSize(1);
    }

    @Test
    void aFailedRebuildEndsTheDomainCrashedWithTheReason() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        Domain d = new Domain(1, "toy", spec(), new Engine() {
            @Override
            public String name() {
                return "toy";
            }

            @Override
            public java.util.Optional<String> unavailable(Arch arch) {
                return java.util.Optional.empty();
            }

            @Override
            public DomainHandle build(DomainSpec spec) throws EngineException {
                if (builds.incrementAndGet() > 1) {
                    throw new EngineException("no more QEMU");
                }
                return toy();
            }
        }, ExitPolicies.XL_DEFAULTS, mux);
        d.build();
        d.start();
        built.getFirst().exit(new ExitReason.Reboot());
        assertThat(d.awaitFinal(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(d.state()).isEqualTo(DomainState.CRASHED);
        assertThat(d.lastExit()).isEqualTo(new ExitReason.Error("no more QEMU"));
    }

    @Test
    void aSystemStopReachesADomainStillBeingBuiltAndRefusesCreate() throws Exception {
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Domain d = domain(ExitPolicies.XL_DEFAULTS, () -> {
            building.countDown();
            await(release);
            return toy();
        });
        Thread builder = Thread.ofVirtual().start(() -> {
            try {
                d.build();
            } catch (EngineException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(building.await(10, TimeUnit.SECONDS)).isTrue();
        d.retire();
        release.countDown();
        builder.join();
        assertThat(d.awaitFinal(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(d.state()).isEqualTo(DomainState.DESTROYED);
        assertThat(built.getFirst().exited().toCompletableFuture().get(10, TimeUnit.SECONDS)).isInstanceOf(ExitReason.Destroyed.class);
        d.start(); // the boot's start after a stop: nothing happens
        assertThat(d.state()).isEqualTo(DomainState.DESTROYED);
        assertThatThrownBy(d::create).isInstanceOf(ControlException.class).hasMessageContaining("stopping");
    }

    @Test
    void aSystemWaitsForItsLastLiveDomainAndReportsACrash() throws Exception {
        Domain a = running(ExitPolicies.XL_DEFAULTS);
        Domain b = new Domain(2, "other", spec(), ToyHandle.engine(this::toy), ExitPolicies.XL_DEFAULTS, mux);
        b.build();
        b.start();
        Hypervisor hv = Hypervisor.of(List.of(a, b), mux);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                hv.awaitAll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        built.get(0).exit(new ExitReason.Crash("oops"));
        assertThat(a.awaitFinal(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(waiter.join(Duration.ofMillis(200))).isFalse();
        built.get(1).exit(new ExitReason.PowerOff());
        assertThat(waiter.join(WAIT)).isTrue();
        assertThat(hv.awaitAll()).isEqualTo(1);
    }

    private Domain running(ExitPolicies policies) throws EngineException {
        Domain d = domain(policies, this::toy);
        d.build();
        d.start();
        assertThat(d.state()).isEqualTo(DomainState.RUNNING);
        return d;
    }

    private Domain domain(ExitPolicies policies, java.util.function.Supplier<ToyHandle> handles) {
        return new Domain(1, "toy", spec(), ToyHandle.engine(handles), policies, mux);
    }

    private static DomainSpec spec() {
        return new DomainSpec("toy", Arch.ARM64, 64 << 20, 1, Path.of("Image"), null, "", Path.of("run", "toy"));
    }

    private ToyHandle toy() {
        ToyHandle h = new ToyHandle(List.of());
        built.add(h);
        return h;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
