package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConsoleBufferTest {
    @Test
    void keepsWhatFitsDropsAndCountsTheRest() throws Exception {
        var b = new ConsoleBuffer(8);
        b.write(bytes("abcdef"), 0, 6);
        b.write(bytes("ghijkl"), 0, 6); // only "gh" fits
        assertThat(b.dropped()).isEqualTo(4);
        InputStream in = b.inputStream();
        assertThat(in.available()).isEqualTo(8);
        byte[] got = new byte[5];
        assertThat(in.read(got)).isEqualTo(5);
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("abcde");
        b.write(bytes("mnopq"), 0, 5); // wraps round the end of the ring
        b.end();
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("fghmnopq");
        assertThat(in.read()).isEqualTo(-1);
        assertThat(b.dropped()).isEqualTo(4);
    }

    @Test
    void growsWhenTheReaderFallsBehindKeepingOrderAcrossTheWrap() throws Exception {
        var b = new ConsoleBuffer(64 * 1024);
        byte[] sent = new byte[100 * 1024];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) (i * 31 + i / 251);
        }
        InputStream in = b.inputStream();
        b.write(sent, 0, 10_000);
        byte[] got = new byte[sent.length];
        int have = in.read(got, 0, 6_000);                  // the ring's head moves on ...
        b.write(sent, 10_000, 20_000);                      // ... so this wraps, then grows past the first ring
        assertThat(b.dropped()).isZero();
        b.write(sent, 30_000, sent.length - 30_000);        // more than the capacity left: the rest is dropped
        assertThat(b.available()).isEqualTo(64 * 1024);
        assertThat(b.dropped()).isEqualTo(sent.length - 6_000 - 64 * 1024);
        b.end();
        while (true) {
            int n = in.read(got, have, got.length - have);
            if (n < 0) {
                break;
            }
            have += n;
        }
        assertThat(have).isEqualTo(6_000 + 64 * 1024);
        assertThat(java.util.Arrays.copyOf(got, have)).isEqualTo(java.util.Arrays.copyOf(sent, have));
    }

    @Test
    void aReaderWaitsForBytesAndSeesTheEnd() throws Exception {
        var b = new ConsoleBuffer(16);
        InputStream in = b.inputStream();
        var read = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(50); // on purpose: time passes with nothing written, and the reader must still be waiting
        assertThat(read).isNotDone();
        b.write(bytes("hi"), 0, 2);
        b.write(bytes("!"), 0, 1);
        b.end();
        assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo("hi!");
    }

    @Test
    void theWriterNeverWaitsForASlowReader() {
        var b = new ConsoleBuffer(1024);
        byte[] flood = new byte[4096];
        long start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            b.write(flood, 0, flood.length);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
        assertThat(b.dropped()).isEqualTo(10_000L * 4096 - 1024);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
