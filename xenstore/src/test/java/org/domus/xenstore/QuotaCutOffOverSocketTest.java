package org.domus.xenstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Over the real socket: a client that floods requests and never reads is cut off; another keeps working. */
@Timeout(60)
class QuotaCutOffOverSocketTest {
    @Test
    void aFlooderIsCutOffWhileAnotherClientKeepsWorking(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("sock");
        try (XenstoreServer server = XenstoreServer.start(socket, Quotas.DEFAULT.withPendingOutputBytes(64 * 1024));
             XenstoreClient good = XenstoreClient.connect(socket)) {
            good.write("/big", "x".repeat(4000));
            AtomicInteger answered = new AtomicInteger();
            Thread worker = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 500; i++) {
                        good.write("/work/" + (i % 10), Integer.toString(i));
                        if (good.read("/work/" + (i % 10)).orElseThrow().equals(Integer.toString(i))) {
                            answered.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            int sent = 0;
            boolean cutOff = false;
            try (SocketChannel flood = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                flood.connect(UnixDomainSocketAddress.of(socket));
                ByteBuffer request = XsMessage.strings(XsType.READ, 1, 0, "/big").encode();
                // Far more replies than the socket buffers and the 64 KiB quota hold together.
                for (; sent < 20_000; sent++) {
                    request.rewind();
                    try {
                        while (request.hasRemaining()) {
                            flood.write(request);
                        }
                    } catch (java.io.IOException e) {
                        cutOff = true;
                        break;
                    }
                }
                if (!cutOff) {
                    // Everything was written: then the server must have closed its end; drain to EOF.
                    ByteBuffer sink = ByteBuffer.allocate(1 << 16);
                    long got = 0;
                    int n;
                    while ((n = flood.read(sink)) >= 0) {
                        got += n;
                        sink.clear();
                    }
                    assertThat(got).isLessThan(20_000L * 4016);
                    cutOff = true;
                }
            }
            worker.join();
            assertThat(cutOff).isTrue();
            assertThat(answered.get()).isEqualTo(500);
            assertThat(good.control("check")).isEqualTo("OK");
        }
    }
}
