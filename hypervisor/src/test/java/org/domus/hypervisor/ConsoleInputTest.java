package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.domus.engine.DomainSpec;
import org.domus.engine.ExitReason;
import org.domus.image.Arch;
import org.domus.testsupport.Await;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Console input over JLine's in-memory terminal (the line discipline of a tty, without one) and domains of a
 * stand-in engine that only record what they are sent: routing, switching, Domus's stop, and the terminal's
 * modes set and given back. Real guests and a real terminal: {@link ConsoleInputSystemTest} and by hand.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConsoleInputTest {
    private static final byte CTRL_A = 1;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ConsoleCapture screen = new ConsoleCapture();
    private final ConsoleMux mux = new ConsoleMux(screen.printStream());
    private final KeyboardTerminal keyboard = KeyboardTerminal.create();
    private final List<Domain> domains = new ArrayList<>();
    private final List<ToyHandle> handles = new ArrayList<>();
    private final CountDownLatch quit = new CountDownLatch(1);
    private ConsoleInput input;

    @AfterEach
    void close() {
        if (input != null) {
            input.close();
        }
        handles.forEach(ToyHandle::destroy);
    }

    private void start(String... names) throws Exception {
        for (String name : names) {
            int id = domains.size() + 1;
            ToyHandle handle = new ToyHandle(List.of());
            handles.add(handle);
            Domain d = new Domain(id, name, new DomainSpec(name, Arch.ARM64, 1 << 20, 1, null, null, "", Path.of(".")),
                    ToyHandle.engine(handle), ExitPolicies.XL_DEFAULTS, mux);
            d.build();
            d.start();
            domains.add(d);
        }
        input = ConsoleInput.start(keyboard, domains, mux, 'a', quit::countDown);
    }

    private void type(byte... keys) throws IOException {
        keyboard.processInputBytes(keys);
    }

    private void type(String keys) throws IOException {
        type(keys.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keysGoToTheHolderAndThreeCtrlAMoveThemToTheNextDomain() throws Exception {
        start("one", "two");
        screen.await(l -> l.equals("(domus) console input: d1 one (Ctrl-A x3 to switch)"), 1, WAIT);
        type("ls\r");
        awaitTrue(() -> handles.get(0).typed().equals("ls\r"));
        type(CTRL_A, CTRL_A, CTRL_A);
        screen.await(l -> l.equals("(domus) console input: d2 two (Ctrl-A x3 to switch)"), 1, WAIT);
        // Ctrl-C is a key for the guest, as on a serial line, and a lone Ctrl-A passes with the key after it
        type(new byte[] {'p', 3, CTRL_A, 'x', '\r'});
        awaitTrue(() -> handles.get(1).typed().equals("p\u0003\u0001x\r"));
        assertThat(handles.get(0).typed()).isEqualTo("ls\r");
        assertThat(quit.getCount()).isOne();
    }

    @Test
    void afterTheLastDomainDomusHoldsInputAndQQuits() throws Exception {
        start("only");
        type(CTRL_A, CTRL_A, CTRL_A);
        screen.await(l -> l.startsWith("(domus) console input: Domus (q or Ctrl-C: destroy every domain and quit"), 1, WAIT);
        type("\033[41;9R");   // a terminal's answer to a cursor query: ignored
        type("?");
        screen.await(l -> l.startsWith("(domus) console input: Domus"), 2, WAIT);
        type("q");
        assertThat(quit.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(screen.lines()).contains("(domus) quit: destroying every domain");
        assertThat(screen.lines()).filteredOn(l -> l.startsWith("(domus) console input: Domus")).hasSize(2);
        assertThat(handles.get(0).typed()).isEmpty();
    }

    @Test
    void ctrlCAtDomusStopQuitsToo() throws Exception {
        start("only");
        type(CTRL_A, CTRL_A, CTRL_A, (byte) 3);
        assertThat(quit.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void whenTheHolderFinishesInputMovesToTheNextRunningDomain() throws Exception {
        start("one", "two");
        handles.get(0).exit(new ExitReason.PowerOff());
        screen.await(l -> l.equals("(domus) console input: d2 two (Ctrl-A x3 to switch)"), 1, WAIT);
        type("x");
        awaitTrue(() -> handles.get(1).typed().equals("x"));
    }

    @Test
    void theTerminalIsRawWhileReadingAndAsBeforeAfterClose() throws Exception {
        Attributes before = keyboard.getAttributes();
        assertThat(before.getLocalFlag(LocalFlag.ICANON)).isTrue();
        start("one");
        Attributes raw = keyboard.getAttributes();
        for (LocalFlag f : List.of(LocalFlag.ICANON, LocalFlag.ECHO, LocalFlag.ISIG, LocalFlag.IEXTEN)) {
            assertThat(raw.getLocalFlag(f)).as(f.name()).isFalse();
        }
        assertThat(raw.getInputFlag(InputFlag.ICRNL)).isFalse();
        input.close();
        assertThat(keyboard.lastSet.toString()).isEqualTo(before.toString());
        input.close();   // twice is fine
    }

    @Test
    void theTerminalIsGivenBackWhenItsInputEnds() throws Exception {
        Attributes before = keyboard.getAttributes();
        start("one");
        keyboard.hangUp();
        awaitTrue(() -> keyboard.lastSet.toString().equals(before.toString()));
    }

    private static void awaitTrue(BooleanSupplier condition) {
        Await.until(condition, WAIT, "the condition");
    }
}
