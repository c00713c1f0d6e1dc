package org.domus.hypervisor;

import java.io.Console;
import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.domus.hypervisor.ConsoleSwitch.Command;
import org.domus.hypervisor.ConsoleSwitch.Send;
import org.domus.hypervisor.ConsoleSwitch.Step;
import org.domus.hypervisor.ConsoleSwitch.Switch;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.NonBlockingInputStream;

/**
 * Keys typed on the terminal, sent to the domain that holds console input, as a serial line would carry them:
 * the terminal is raw, so every byte reaches the guest, Ctrl-C included (it interrupts the guest's command, not
 * Domus), and the guest echoes. Three Ctrl-&lt;conswitch letter&gt; move input on (see {@link ConsoleSwitch});
 * at the end of the cycle Domus holds input itself, and there {@code q} or Ctrl-C destroys every domain and
 * quits (Enter, h or ? say so again; other keys are ignored). SIGINT and SIGTERM sent from outside still stop
 * Domus as before. The terminal is given back when this closes, when reading fails or input ends, and in the
 * shutdown hooks (Domus's and JLine's own) on a signal; only kill -9 leaves it raw ({@code stty sane} mends it).
 */
public final class ConsoleInput implements AutoCloseable {
    /** How often an idle reader looks whether the domain holding input has finished. */
    private static final long POLL_MILLIS = 100;

    private final Terminal terminal;
    private final Attributes original;
    private final Map<Integer, Domain> domains = new LinkedHashMap<>();
    private final ConsoleMux mux;
    private final ConsoleSwitch input;
    private final Runnable quit;
    private volatile boolean closed;
    private boolean restored;

    private ConsoleInput(Terminal terminal, List<Domain> domains, ConsoleMux mux, char conswitch, Runnable quit) {
        this.terminal = terminal;
        this.original = terminal.getAttributes();
        for (Domain d : domains) {
            this.domains.put(d.id(), d);
        }
        this.mux = mux;
        this.input = new ConsoleSwitch(conswitch, List.copyOf(this.domains.keySet()),
                id -> !this.domains.get(id).state().isFinal());
        this.quit = quit;
    }

    /** Whether stdin and stdout are both a terminal: only then is there a keyboard to read and a screen to echo on. */
    public static boolean interactive() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    /**
     * Puts this process's terminal in raw mode and starts sending what is typed to {@code domains}; check
     * {@link #interactive()} first. {@code quit} is run when the user quits from Domus's stop of the cycle.
     */
    public static ConsoleInput open(List<Domain> domains, ConsoleMux mux, char conswitch, Runnable quit) throws IOException {
        // exec: stty in a child process, which needs no native access; dumb would quietly give no raw mode at all.
        // nativeSignals(false) leaves the JVM's SIGINT/SIGTERM handling (shutdown hooks) alone, and no probe
        // queries are written to the terminal (their answers would arrive as typed keys).
        Terminal terminal = TerminalBuilder.builder().name("domus").system(true).providers("exec").dumb(false)
                .nativeSignals(false).graphemeCluster(false).build();
        return start(terminal, domains, mux, conswitch, quit);
    }

    /** Starts over any JLine terminal: {@link #open} with the system's, tests with one over in-memory streams. */
    static ConsoleInput start(Terminal terminal, List<Domain> domains, ConsoleMux mux, char conswitch, Runnable quit) {
        ConsoleInput in = new ConsoleInput(terminal, domains, mux, conswitch, quit);
        terminal.setAttributes(raw(in.original));
        in.announce(in.input.current());
        Thread.ofPlatform().daemon().name("console-input").start(in::readLoop);
        return in;
    }

    /**
     * cfmakeraw's input side: no line editing, echo or signal keys, no CR/LF translation or flow control, bytes
     * as soon as typed. Output processing stays on, so Domus's own lines still end with a carriage return.
     */
    static Attributes raw(Attributes original) {
        Attributes raw = new Attributes(original);
        raw.setLocalFlags(EnumSet.of(LocalFlag.ICANON, LocalFlag.ECHO, LocalFlag.ECHONL, LocalFlag.ISIG,
                LocalFlag.IEXTEN), false);
        raw.setInputFlags(EnumSet.of(InputFlag.IGNBRK, InputFlag.BRKINT, InputFlag.PARMRK, InputFlag.ISTRIP,
                InputFlag.INLCR, InputFlag.IGNCR, InputFlag.ICRNL, InputFlag.IXON), false);
        raw.setControlChar(ControlChar.VMIN, 1);
        raw.setControlChar(ControlChar.VTIME, 0);
        return raw;
    }

    private void readLoop() {
        byte[] buf = new byte[4096];
        try {
            NonBlockingInputStream in = (NonBlockingInputStream) terminal.input();
            while (!closed) {
                int n = in.readBuffered(buf, 0, buf.length, POLL_MILLIS);
                if (n == NonBlockingInputStream.EOF || closed) {
                    break;
                }
                if (n <= 0) {
                    Switch moved = input.followRunning();
                    if (moved != null) {
                        announce(moved.domain());
                    }
                    continue;
                }
                for (Step step : input.feed(buf, 0, n)) {
                    act(step);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                mux.event("console input stopped: " + e);
            }
        } finally {
            close();
        }
    }

    private void act(Step step) {
        switch (step) {
            case Send send -> {
                try {
                    OutputStream console = domains.get(send.domain()).consoleInput();
                    console.write(send.bytes());
                    console.flush();
                } catch (IOException e) {
                    // the domain is going away: the reader moves input on when it has
                }
            }
            case Switch to -> announce(to.domain());
            case Command c -> {
                switch (c.key()) {
                    case 'q', 3 -> {
                        mux.event("quit: destroying every domain");
                        quit.run();
                    }
                    case '\r', '\n', 'h', '?' -> announce(ConsoleSwitch.DOMUS);
                    default -> {
                        // anything else, such as the terminal's answer to a guest's cursor query, is not for Domus
                    }
                }
            }
        }
    }

    private void announce(int holder) {
        if (closed) {
            return;    // input has stopped: the mux shows no holder any more
        }
        String keys = "Ctrl-" + input.letter() + " x3 to switch";
        if (holder == ConsoleSwitch.DOMUS) {
            mux.focus(holder, "console input: Domus (q or Ctrl-C: destroy every domain and quit; " + keys + ")");
        } else {
            mux.focus(holder, "console input: d%d %s (%s)".formatted(holder, domains.get(holder).name(), keys));
        }
    }

    /** Stops reading and gives the terminal back as it was; safe to call more than once, from any thread. */
    @Override
    public synchronized void close() {
        closed = true;
        if (restored) {
            return;
        }
        restored = true;
        mux.unfocus();
        try {
            terminal.setAttributes(original);
            terminal.close();
        } catch (IOException | RuntimeException e) {
            // closing anyway; nothing else can put the terminal back
        }
    }
}
