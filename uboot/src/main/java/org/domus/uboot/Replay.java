package org.domus.uboot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.domus.fdt.InputFile;
import org.domus.image.UImageCodes;

/**
 * Runs a U-Boot boot script against a model of the board: {@link BoardMemory} filled by {@code tftpb} and
 * {@code load}, the environment, the working device tree of {@code fdt}, until {@code bootm}, {@code booti} or
 * {@code bootz} hands over. The result is a {@link BootRequest}: what Xen would have been given. Nothing boots here.
 *
 * <p>Where U-Boot prints an error and carries on with the next line (a command's failure does not stop a script),
 * the replay stops with the script, line and command: on a real board the next lines then run on a broken state, and
 * whatever boots is not what the script says.
 */
public final class Replay {
    /**
     * U-Boot's load address when the environment names none ({@code CONFIG_SYS_LOAD_ADDR} of QEMU's arm64 board, the
     * machine Domus's guests run on).
     */
    public static final long DEFAULT_LOAD_ADDRESS = 0x40200000L;
    /** How deep {@code run} and {@code source} may nest before the replay calls it a loop. */
    private static final int MAX_DEPTH = 64;
    /** A script image decompresses to at most this much. */
    private static final long MAX_SCRIPT = 16L << 20;
    /**
     * CONFIG_ENV_SIZE: the room the environment has on the board (and in its flash copy), 128 KiB as on many Arm64
     * boards; U-Boot refuses a variable that would not fit.
     */
    static final long ENV_SIZE = 128L << 10;

    /** What the replay tells the person running it. */
    public interface Listener {
        /** Output of {@code echo}, {@code printenv}, {@code fdt print}: one line. */
        void print(String line);

        /** A download is starting; the progress it returns hears about it until {@link #loaded}. */
        TransferProgress transfer(String location, String source);

        /** A file is in board memory. */
        void loaded(String location, BoardMemory.Load load, Duration took);

        /** Something worth a warning that does not stop the replay (a load over an earlier one). */
        void warning(String location, String message);

        Listener QUIET = new Listener() {
            @Override
            public void print(String line) {
            }

            @Override
            public TransferProgress transfer(String location, String source) {
                return TransferProgress.NONE;
            }

            @Override
            public void loaded(String location, BoardMemory.Load load, Duration took) {
            }

            @Override
            public void warning(String location, String message) {
            }
        };
    }

    /**
     * @param tftp        where {@code tftpb} reads files ({@code --tftp-root} or {@code --tftp-server}); null: from
     *                    {@code serverip} when the script sets it
     * @param root        the boot device's files for {@code load}/{@code fatload}/{@code ext4load} ({@code --root}), or null
     * @param boardMemory the board's memory size in bytes
     */
    public record Options(TftpSource tftp, Path root, long boardMemory, Listener listener) {
        public Options {
            Objects.requireNonNull(listener, "listener");
        }
    }

    /** Where a command runs: which script and line, and what encloses it ({@code run bootcmd: }). */
    record Frame(String script, int fixedLine, String prefix, int depth) {
        int line(Script.Command c) {
            return fixedLine > 0 ? fixedLine : c.line();
        }

        String location(int line) {
            return line > 0 ? script + ":" + line : script;
        }
    }

    /** Thrown through the interpreter when a boot command has handed over. */
    private static final class Booted extends RuntimeException {
        Booted() {
            super(null, null, false, false);
        }
    }

    /** {@code exit} in a script: it stops that script, not the caller. */
    private static final class Exit extends RuntimeException {
        Exit() {
            super(null, null, false, false);
        }
    }

    final BoardMemory memory;
    final Options options;
    private final Map<String, String> env = new TreeMap<>();
    /** What the environment takes as U-Boot stores it: every "name=value" with its NUL. */
    private long envBytes;
    private final Map<String, String> locals = new TreeMap<>();
    final List<String> warnings = new ArrayList<>();
    final FdtCommand fdt;
    private final MemoryCommands loads;
    long loadAddress = DEFAULT_LOAD_ADDRESS;
    private BootRequest booted;
    /** The frame and line of the command running, for warnings. */
    Frame frame;
    int line;

    /**
     * The default environment's memory layout, from QEMU's arm64 board (U-Boot's qemu-arm), so that scripts written
     * for a board's defaults ({@code tftpb ${kernel_addr_r} Image}) find addresses; a script's setenv replaces them.
     */
    private static final Map<String, String> DEFAULT_ENV = Map.of("loadaddr", "0x40200000", "scriptaddr", "0x40200000",
            "kernel_addr_r", "0x40400000", "ramdisk_addr_r", "0x44000000", "fdt_addr_r", "0x40000000",
            "fdt_addr", "0x40000000", "pxefile_addr_r", "0x40300000", "fdt_high", "0xffffffff", "initrd_high", "0xffffffff");

    private Replay(Options options) {
        this.options = options;
        this.memory = new BoardMemory(options.boardMemory);
        this.fdt = new FdtCommand(this);
        this.loads = new MemoryCommands(this);
        env.putAll(DEFAULT_ENV);
        env.forEach((k, v) -> envBytes += entryBytes(k, v));
        if (options.tftp instanceof TftpServer server) {
            env.put("serverip", server.host());
            envBytes += entryBytes("serverip", server.host());
        }
    }

    /**
     * The largest script file read: 1 MiB. U-Boot sets no limit of its own beyond the malloc pool it copies a script
     * into before running it (a few MiB on Arm64 boards); boot scripts, ImageBuilder's included, are a few KiB.
     */
    static final long SCRIPT_LIMIT = 1L << 20;

    /**
     * Replays the script in {@code file}: U-Boot source text ({@code boot.cmd}) or a script image made by
     * {@code mkimage -T script} ({@code boot.scr}).
     *
     * @throws ReplayException naming script, line and command, for the first thing that goes wrong
     * @throws IOException     when the script file itself cannot be read
     */
    public static BootRequest run(Path file, Options options) throws ReplayException, IOException {
        byte[] bytes = InputFile.read(file, SCRIPT_LIMIT, "a boot script");
        String name = file.getFileName().toString();
        String text = scriptText(name, bytes);
        return run(name, text, options);
    }

    /** Replays script text; {@code name} is how messages call it. */
    public static BootRequest run(String name, String text, Options options) throws ReplayException {
        Replay replay = new Replay(options);
        Script script = Script.parse(name, text);
        try {
            replay.execute(script.statements(), new Frame(name, 0, "", 0));
        } catch (Booted b) {
            return replay.booted;
        } catch (Exit e) {
            // the script stopped itself
        }
        throw new ReplayException(name, 0, null, "the script ended without booting: no bootm, booti or bootz ran");
    }

    /** The text of a script file: as it is, or the script inside a legacy script image. */
    private static String scriptText(String name, byte[] bytes) throws ReplayException {
        if (bytes.length < 4 || (bytes[0] & 0xff) != 0x27 || (bytes[1] & 0xff) != 0x05 || (bytes[2] & 0xff) != 0x19
                || (bytes[3] & 0xff) != 0x56) {
            if (bytes.length > 0 && bytes[0] == (byte) 0xd0 && bytes.length > 3 && bytes[1] == (byte) 0x0d) {
                throw new ReplayException(name, 0, null, "this is a FIT image or a device tree, not a script; only "
                        + "script text and legacy script images (mkimage -T script) are replayed");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
        BoardMemory scratch = new BoardMemory(bytes.length);
        try {
            scratch.write(0, MemorySegment.ofArray(bytes), "file " + name, name, null);
            LegacyImage image = LegacyImage.read(scratch, 0);
            if (image.type() != UImageCodes.TYPE_SCRIPT) {
                throw new ReplayException(name, 0, null, "%s is not a script image (mkimage -T script)".formatted(image.summary()));
            }
            return new String(image.contents(scratch, image.parts().getFirst(), MAX_SCRIPT), StandardCharsets.UTF_8);
        } catch (MemoryException | CommandError e) {
            throw new ReplayException(name, 0, null, e.getMessage());
        }
    }

    // ---- statements ----

    /** Runs statements; returns the status of the last one (true: success), as hush's $? would say. */
    private boolean execute(List<Script.Statement> statements, Frame frame) throws ReplayException {
        boolean ok = true;
        for (Script.Statement s : statements) {
            ok = execute(s, frame, false);
        }
        return ok;
    }

    /**
     * Runs one statement. In a condition ({@code if}, or left of {@code &&}/{@code ||}) a failing command is just
     * false, as it is to hush; anywhere else its failure stops the replay.
     */
    private boolean execute(Script.Statement s, Frame frame, boolean condition) throws ReplayException {
        return switch (s) {
            case Script.Command c -> command(c, frame, condition);
            case Script.Chain chain -> {
                boolean ok = execute(chain.parts().getFirst(), frame, true);
                for (int i = 0; i < chain.ops().size(); i++) {
                    boolean last = i == chain.ops().size() - 1;
                    boolean run = chain.ops().get(i).equals("&&") == ok;
                    if (run) {
                        ok = execute(chain.parts().get(i + 1), frame, !last || condition);
                    }
                }
                yield ok;
            }
            case Script.If f -> {
                for (Script.Branch b : f.branches()) {
                    boolean taken = true;
                    for (Script.Statement c : b.condition()) {
                        taken = execute(c, frame, true);
                    }
                    if (taken) {
                        yield execute(b.body(), frame);
                    }
                }
                yield execute(f.otherwise(), frame);
            }
        };
    }

    private boolean command(Script.Command c, Frame frame, boolean condition) throws ReplayException {
        int at = frame.line(c);
        List<String> args;
        try {
            args = expand(c.words());
        } catch (CommandError e) {
            throw new ReplayException(frame.script(), at, frame.prefix() + c.text(), e.getMessage());
        }
        if (args.isEmpty()) {
            return true;
        }
        Frame outer = this.frame;
        int outerLine = this.line;
        this.frame = frame;
        this.line = at;
        try {
            return dispatch(args, c, frame);
        } catch (CommandError e) {
            if (condition) {
                return false;
            }
            throw new ReplayException(frame.script(), at, frame.prefix() + c.text(), e.getMessage());
        } finally {
            this.frame = outer;
            this.line = outerLine;
        }
    }

    /** Words to arguments: variables replaced, unquoted ones split at blanks, as hush does. */
    private List<String> expand(List<Script.Word> words) throws CommandError {
        List<String> args = new ArrayList<>();
        for (Script.Word w : words) {
            StringBuilder field = new StringBuilder();
            boolean keep = false; // a quoted part makes the word an argument even when empty
            for (Script.Part p : w.parts()) {
                switch (p) {
                    case Script.Literal l -> {
                        field.append(l.text());
                        keep |= l.quoted();
                    }
                    case Script.Var v when v.quoted() -> {
                        field.append(value(v.name()));
                        keep = true;
                    }
                    case Script.Var v -> {
                        String value = value(v.name());
                        int i = 0;
                        while (i < value.length()) {
                            char ch = value.charAt(i);
                            if (ch == ' ' || ch == '\t' || ch == '\n') {
                                if (!field.isEmpty() || keep) {
                                    args.add(field.toString());
                                    field.setLength(0);
                                    keep = false;
                                }
                            } else {
                                field.append(ch);
                            }
                            i++;
                        }
                    }
                }
            }
            if (!field.isEmpty() || keep) {
                args.add(field.toString());
            }
        }
        return args;
    }

    private String value(String name) {
        if (name.equals("?")) {
            return "0";
        }
        String local = locals.get(name);
        if (local != null) {
            return local;
        }
        String v = env.get(name);
        return v == null ? "" : v;
    }

    // ---- commands ----

    private boolean dispatch(List<String> args, Script.Command c, Frame frame) throws CommandError, ReplayException {
        String name = args.getFirst();
        int eq = name.indexOf('=');
        if (eq > 0 && name.substring(0, eq).chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
            // hush's own variables (name=value): seen by $name, not saved in the environment
            locals.put(name.substring(0, eq), name.substring(eq + 1));
            return true;
        }
        List<String> a = args.subList(1, args.size());
        String base = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        switch (base) {
            case "setenv" -> setenv(a);
            case "env" -> env(a);
            case "printenv" -> printenv(a);
            case "echo" -> echo(a);
            case "setexpr" -> setexpr(a);
            case "test" -> {
                return Test.evaluate(a);
            }
            case "true" -> {
                return true;
            }
            case "false" -> {
                return false;
            }
            case "exit" -> throw new Exit();
            case "sleep" -> sleep(a);
            case "run" -> run(a, frame);
            case "boot", "bootd" -> run(List.of("bootcmd"), frame);
            case "source" -> source(a, frame);
            case "tftp", "tftpb", "tftpboot" -> loads.tftpb(a);
            case "load", "fatload", "ext4load", "ext2load" -> loads.load(name, a);
            case "cp" -> loads.copy(name, a);
            case "imxtract" -> loads.imxtract(a);
            case "fdt" -> fdt.run(a);
            case "bootm", "booti", "bootz" -> {
                booted = new Bootm(this, name).boot(a);
                throw new Booted();
            }
            default -> throw new CommandError("unknown command '%s' (Domus replays the commands of boot flows: setenv, "
                    .formatted(name) + "env, printenv, echo, setexpr, test, if, run, source, tftpb, load, fatload, "
                    + "ext4load, cp, imxtract, fdt, bootm, booti, bootz)");
        }
        return true;
    }

    String env(String name) {
        return env.get(name);
    }

    /**
     * Sets (or with null, deletes) a variable. The environment is bounded as on a board, by CONFIG_ENV_SIZE: every
     * {@code name=value} with its NUL must fit, so a script that doubles a variable stops here, not in the heap.
     */
    void setEnv(String name, String value) throws CommandError {
        String old = value == null ? env.remove(name) : env.get(name);
        long size = envBytes - (old == null ? 0 : entryBytes(name, old)) + (value == null ? 0 : entryBytes(name, value));
        if (value != null && size > ENV_SIZE) {
            throw new CommandError(("the environment would hold 0x%x bytes, more than CONFIG_ENV_SIZE (0x%x); \"%s\" is "
                    + "left as it was (U-Boot: \"## Error: environment overflow, \\\"%s\\\" deleted\")")
                    .formatted(size, ENV_SIZE, name, name));
        }
        envBytes = size;
        if (value != null) {
            env.put(name, value);
        }
        if (name.equals("loadaddr") && value != null && Numbers.isHex(value)) {
            loadAddress = Long.parseUnsignedLong(value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value, 16);
        }
    }

    private static long entryBytes(String name, String value) {
        return name.getBytes(StandardCharsets.UTF_8).length + 1L + value.getBytes(StandardCharsets.UTF_8).length + 1L;
    }

    /** "boot.cmd:4", where the command running is. */
    String location() {
        return frame == null ? "" : frame.location(line);
    }

    void warn(String message) {
        String where = location();
        warnings.add(where + ": " + message);
        options.listener.warning(where, message);
    }

    private void setenv(List<String> a) throws CommandError {
        if (a.isEmpty()) {
            throw new CommandError("usage: setenv NAME [VALUE...]");
        }
        if (a.getFirst().startsWith("-")) {
            throw new CommandError("setenv options (%s) are not supported".formatted(a.getFirst()));
        }
        String name = a.getFirst();
        if (name.isEmpty() || name.contains("=")) {
            throw new CommandError("'%s' is not a variable name".formatted(name));
        }
        setEnv(name, a.size() == 1 ? null : String.join(" ", a.subList(1, a.size())));
    }

    private void env(List<String> a) throws CommandError {
        if (a.isEmpty()) {
            throw new CommandError("usage: env set|print|delete ...");
        }
        String sub = a.getFirst();
        List<String> rest = a.subList(1, a.size());
        switch (sub) {
            case "set" -> setenv(rest);
            case "print" -> printenv(rest);
            case "delete" -> {
                for (String n : rest) {
                    setEnv(n, null);
                }
            }
            case "exists" -> {
                if (rest.size() != 1 || env.get(rest.getFirst()) == null) {
                    throw new CommandError(rest.isEmpty() ? "usage: env exists NAME" : rest.getFirst() + " is not set");
                }
            }
            default -> throw new CommandError("env %s is not supported (set, print, delete, exists are)".formatted(sub));
        }
    }

    private void printenv(List<String> a) throws CommandError {
        List<String> names = a.stream().filter(n -> !n.startsWith("-")).toList();
        if (names.isEmpty()) {
            env.forEach((k, v) -> options.listener.print(k + "=" + v));
            return;
        }
        for (String n : names) {
            String v = env.get(n);
            if (v == null) {
                throw new CommandError("\"%s\" is not set (U-Boot: \"## Error: \\\"%s\\\" not defined\")".formatted(n, n));
            }
            options.listener.print(n + "=" + v);
        }
    }

    private void echo(List<String> a) {
        boolean newline = !a.isEmpty() && a.getFirst().equals("-n");
        options.listener.print(String.join(" ", newline ? a.subList(1, a.size()) : a));
    }

    private void sleep(List<String> a) throws CommandError {
        if (a.size() != 1) {
            throw new CommandError("usage: sleep SECONDS");
        }
        // the replay does not wait: nothing on this board needs time to settle
    }

    /** {@code setexpr NAME VALUE [OP VALUE]}: hex operands, result stored as hex without 0x, as U-Boot does. */
    private void setexpr(List<String> a) throws CommandError {
        if (a.size() == 2 || a.size() == 4) {
            long x = Numbers.hex(a.get(1), "number");
            long r = x;
            if (a.size() == 4) {
                long y = Numbers.hex(a.get(3), "number");
                r = switch (a.get(2)) {
                    case "+" -> x + y;
                    case "-" -> x - y;
                    case "*" -> x * y;
                    case "/" -> {
                        if (y == 0) {
                            throw new CommandError("division by zero");
                        }
                        yield Long.divideUnsigned(x, y);
                    }
                    case "%" -> {
                        if (y == 0) {
                            throw new CommandError("division by zero");
                        }
                        yield Long.remainderUnsigned(x, y);
                    }
                    case "&" -> x & y;
                    case "|" -> x | y;
                    case "^" -> x ^ y;
                    default -> throw new CommandError("'%s' is not a setexpr operator (+ - * / %% & | ^)".formatted(a.get(2)));
                };
            }
            setEnv(a.getFirst(), Long.toHexString(r));
            return;
        }
        if (a.size() >= 3 && (a.get(1).equals("sub") || a.get(1).equals("gsub"))) {
            throw new CommandError("setexpr %s is not supported".formatted(a.get(1)));
        }
        throw new CommandError("usage: setexpr NAME VALUE [OP VALUE]");
    }

    private void run(List<String> a, Frame frame) throws CommandError, ReplayException {
        if (a.isEmpty()) {
            throw new CommandError("usage: run VAR...");
        }
        if (frame.depth() >= MAX_DEPTH) {
            throw new CommandError("run and source nested %d deep: a variable that runs itself?".formatted(MAX_DEPTH));
        }
        for (String var : a) {
            String text = env.get(var);
            if (text == null) {
                throw new CommandError("\"%s\" is not set".formatted(var));
            }
            Script inner;
            try {
                inner = Script.parse(var, text);
            } catch (ReplayException e) {
                throw new CommandError("$%s: %s".formatted(var, e.getMessage()));
            }
            String prefix = frame.prefix() + "run " + var + ": ";
            try {
                execute(inner.statements(), new Frame(frame.script(), line, prefix, frame.depth() + 1));
            } catch (Exit e) {
                return;
            }
        }
    }

    private void source(List<String> a, Frame frame) throws CommandError, ReplayException {
        if (a.size() > 1) {
            throw new CommandError("usage: source [ADDR[:PART]]");
        }
        if (frame.depth() >= MAX_DEPTH) {
            throw new CommandError("run and source nested %d deep: a script that sources itself?".formatted(MAX_DEPTH));
        }
        String spec = a.isEmpty() ? Long.toHexString(loadAddress) : a.getFirst();
        int colon = spec.indexOf(':');
        long address = spec.isEmpty() || spec.startsWith(":") ? loadAddress : Numbers.hex(colon < 0 ? spec : spec.substring(0, colon), "address");
        LegacyImage image = LegacyImage.read(memory, address);
        if (image.type() != UImageCodes.TYPE_SCRIPT) {
            throw new CommandError("%s at %s is not a script image (U-Boot: \"Wrong image type for source\")"
                    .formatted(image.summary(), Hex.of(address)));
        }
        String text = new String(image.contents(memory, image.parts().getFirst(), MAX_SCRIPT), StandardCharsets.UTF_8);
        String name = memory.loadAt(address).map(BoardMemory.Load::name).orElse("script at " + Hex.of(address));
        Script inner = Script.parse(name, text);
        try {
            execute(inner.statements(), new Frame(name, 0, "", frame.depth() + 1));
        } catch (Exit e) {
            // exit ends the sourced script only
        }
    }

    // ---- loading ----

    /** Warns of every overwrite since {@code before}; the boot command refuses an image that was hit. */
    void noteOverwrites(int before) {
        List<BoardMemory.Overwrite> all = memory.overwrites();
        for (BoardMemory.Overwrite o : all.subList(before, all.size())) {
            warn(o + " (U-Boot would not say so)");
        }
    }

    /** Bytes of memory for commands that need them whole (a device tree); errors say what was there. */
    byte[] bytes(long address, long size) throws CommandError {
        try {
            return memory.read(address, size).toArray(ValueLayout.JAVA_BYTE);
        } catch (MemoryException e) {
            throw new CommandError(e.getMessage());
        }
    }
}
