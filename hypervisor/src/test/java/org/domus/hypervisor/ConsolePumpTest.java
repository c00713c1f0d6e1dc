package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ConsolePumpTest {
    /** Hands out one chunk per read, as a console does when the guest writes a few bytes at a time. */
    private static InputStream chunks(String... parts) {
        return new InputStream() {
            private int next;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (next == parts.length) {
                    return -1;
                }
                byte[] bytes = parts[next++].getBytes(StandardCharsets.UTF_8);
                System.arraycopy(bytes, 0, b, off, bytes.length);
                return bytes.length;
            }

            @Override
            public int available() {
                return 0;
            }
        };
    }

    @Test
    void aLineStoppedMidwayIsHandedOutAsItGrowsAndOnceWholeWhenItEnds() {
        List<String> seen = new ArrayList<>();
        ConsolePump.run(chunks("boot\r\n~ # ", "l", "s\r\nbin\r\n"), l -> seen.add("line " + l), p -> seen.add("partial " + p));
        assertThat(seen).containsExactly("line boot", "partial ~ # ", "partial ~ # l", "line ~ # ls", "line bin");
    }

    @Test
    void aCarriageReturnStaysInTheLineAndOnlyTheOnesEndingItGo() {
        // what follows a carriage return no longer erases what came before it: the multiplexer shows both
        List<String> seen = new ArrayList<>();
        ConsolePump.run(chunks("/ # ech\r", "/ # ls\r", "\n10%\r20%\r\r\n\033]0;x\007\n"), l -> seen.add("line " + l),
                p -> seen.add("partial " + p));
        assertThat(seen).containsExactly("partial / # ech\r", "partial / # ech\r/ # ls\r", "line / # ech\r/ # ls",
                "line 10%\r20%", "line \033]0;x\007");
    }
}
