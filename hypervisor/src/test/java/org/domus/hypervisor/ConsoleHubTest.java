package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * What an attached viewer ({@code domus console}) gets: the guest's bytes as they are (it is the guest's terminal,
 * as {@code xl console} is), and Domus's own notes, whose names are shown escaped.
 */
class ConsoleHubTest {
    @Test
    void domusNotesShowNamesEscapedWhileTheGuestsBytesPassAsTheyAre() throws Exception {
        ConsoleHub hub = new ConsoleHub();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CountDownLatch closed = new CountDownLatch(1);
        OutputStream viewer = new OutputStream() {
            @Override
            public synchronized void write(int b) {
                got.write(b);
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        hub.attach(viewer, false, "test").start();
        byte[] guest = "\033[1mvi\033[0m\r\n".getBytes(StandardCharsets.UTF_8);
        hub.output(guest, 0, guest.length);
        hub.end("d1 \033]0;pwned\007: powered off");
        assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(got.toString(StandardCharsets.UTF_8))
                .isEqualTo("\033[1mvi\033[0m\r\n" + "\r\n(domus) d1 \\e]0;pwned\\a: powered off\r\n");
    }
}
