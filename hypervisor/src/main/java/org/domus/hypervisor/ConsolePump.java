package org.domus.hypervisor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a console byte stream into lines for the multiplexer, each as the guest sent it, controls and carriage
 * returns included (the multiplexer neutralises them for the terminal and logs them as they are). A guest that
 * never ends a line still gets its text out: a line is cut at {@link #MAX_LINE} bytes, so one flooding domain
 * cannot hold memory or the terminal.
 */
final class ConsolePump {
    static final int MAX_LINE = 4096;

    private ConsolePump() {
    }

    /** Reads {@code in} until it ends, handing each line (without CR/LF) to {@code lines}. */
    static void run(InputStream in, Consumer<String> lines) {
        run(in, lines, partial -> { });
    }

    /**
     * As {@link #run(InputStream, Consumer)}, and when the guest stops mid-line (nothing more to read at once),
     * hands the line so far to {@code partials}: a prompt or the echo of a typed key never ends a line.
     */
    static void run(InputStream in, Consumer<String> lines, Consumer<String> partials) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        emit(line, lines);
                    } else {
                        // a carriage return stays in the line: what comes after it does not erase what came before
                        // (a progress counter, a shell redrawing its line); the multiplexer decides how to show it
                        line.write(b);
                        if (line.size() >= MAX_LINE) {
                            emit(line, lines);
                        }
                    }
                }
                if (line.size() > 0 && in.available() == 0) {
                    partials.accept(line.toString(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            // the console closes when the domain goes away: the last partial line is still shown
        }
        if (line.size() > 0) {
            emit(line, lines);
        }
    }

    /** Hands out the line without the carriage returns that end it (a terminal's CR LF, or CR CR LF). */
        private static void emit(ByteArrayOutputStream line, Consumer<String> lines) {
        byte[] bytes = line.toByteArray();
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == '\r') {
            end--;
        }
        lines.accept(new String(bytes, 0, end, StandardCharsets.UTF_8));
        line.reset();
    }
}
