package org.domus.uboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.domus.testsupport.E2E;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TftpServer} against Debian's real tftpd-hpa on loopback ({@link TftpdHpa}), and {@link TftpRoot} on the
 * same folder, which must give the same bytes for the same names.
 */
@EndToEnd
@Timeout(120)
class TftpServerEndToEndTest {
    /** Over a few MiB, so that thousands of blocks go by. */
    static final int LARGE = 8 * 1024 * 1024 + 12_345;

    @TempDir
    static Path dir;
    static TftpdHpa tftpd;
    /** Why tftpd-hpa cannot run here: each test then reports it (a skip, or a failure in CI). */
    static Optional<String> missing;

    @BeforeAll
    static void serve() throws IOException, InterruptedException {
        missing = TftpdHpa.missing();
        if (missing.isPresent()) {
            return;
        }
        write("small.txt", "hello from tftpd-hpa\n".getBytes());
        write("large.bin", random(LARGE, 1));
        write("exact-512.bin", random(512 * 300, 2));    // ends with an empty DATA block at blksize 512
        write("exact-1468.bin", random(1468 * 200, 3));  // and at the default blksize
        write("empty.bin", new byte[0]);
        write("boards/qemu/boot.scr", "echo hi\n".getBytes());
        write("private.bin", random(100, 4));
        Files.setPosixFilePermissions(dir.resolve("private.bin"), PosixFilePermissions.fromString("rw-------"));
        tftpd = TftpdHpa.start(dir);
    }

    @BeforeEach
    void needTftpd() {
        missing.ifPresent(E2E::unavailable);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (tftpd != null) {
            tftpd.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"small.txt", "large.bin", "exact-1468.bin", "empty.bin", "/boards/qemu/boot.scr",
            "boards/../small.txt"})
    void copiesFilesByteForByteAsTheLocalRootDoes(String name) throws IOException {
        var fromServer = new ByteArrayOutputStream();
        var fromRoot = new ByteArrayOutputStream();

        long size = tftpd.server().fetch(name, fromServer, TransferProgress.NONE);

        new TftpRoot(dir).fetch(name, fromRoot, TransferProgress.NONE);
        assertThat(fromServer.toByteArray()).isEqualTo(fromRoot.toByteArray());
        assertThat(size).isEqualTo(fromRoot.size());
    }

    @ParameterizedTest
    @CsvSource({"exact-512.bin, 512", "exact-1468.bin, 1468", "large.bin, 65464", "small.txt, 8"})
    void endsTheFileAtTheFirstShortBlockEvenAnEmptyOne(String name, int blockSize) throws IOException {
        var out = new ByteArrayOutputStream();
        long size = tftpd.server().withBlockSize(blockSize).fetch(name, out, TransferProgress.NONE);
        assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(dir.resolve(name)));
        assertThat(size).isEqualTo(Files.size(dir.resolve(name)));
    }

    @Test
    void negotiatesBlockSizeAndTransferSizeOnTheWire() throws Exception {
        try (var tap = new TftpWireTap(tftpd.port())) {
            var server = new TftpServer("127.0.0.1", tap.port());
            var out = new ByteArrayOutputStream();
            List<long[]> progress = new ArrayList<>();

            server.fetch("large.bin", out, (bytes, total) -> progress.add(new long[] {bytes, total}));

            assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(dir.resolve("large.bin")));
            List<TftpWireTap.Datagram> wire = tap.datagrams();
            TftpWireTap.Datagram request = wire.getFirst();
            assertThat(request.fromClient()).isTrue();
            assertThat(request.opcode()).isEqualTo(1);
            assertThat(request.strings().subList(0, 2)).containsExactly("large.bin", "octet");
            assertThat(pairs(request.strings().subList(2, request.strings().size())))
                    .containsExactlyInAnyOrder("blksize=1468", "tsize=0");
            TftpWireTap.Datagram answer = wire.get(1);
            assertThat(answer.opcode()).as("OACK").isEqualTo(6);
            assertThat(pairs(answer.strings())).containsExactlyInAnyOrder("blksize=1468", "tsize=" + LARGE);
            assertThat(wire.get(2).bytes()).as("ACK of block 0").containsExactly(0, 4, 0, 0);
            List<Integer> dataSizes = wire.stream().filter(d -> !d.fromClient() && d.opcode() == 3)
                    .map(d -> d.bytes().length - 4).toList();
            assertThat(dataSizes).hasSize(LARGE / 1468 + 1);
            assertThat(dataSizes.subList(0, dataSizes.size() - 1)).containsOnly(1468);
            assertThat(dataSizes.getLast()).isEqualTo(LARGE % 1468);
            assertThat(progress.getFirst()).containsExactly(0, LARGE);
            assertThat(progress.get(1)).containsExactly(1468, LARGE);
            assertThat(progress.getLast()).containsExactly(LARGE, LARGE);
        }
    }

    @Test
    void aServerThatRefusesTheOptionsStillServesTheFileIn512ByteBlocks() throws Exception {
        try (var plain = TftpdHpa.start(dir, "--refuse", "blksize", "--refuse", "tsize")) {
            var out = new ByteArrayOutputStream();
            List<long[]> progress = new ArrayList<>();

            plain.server().fetch("exact-1468.bin", out, (bytes, total) -> progress.add(new long[] {bytes, total}));

            assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(dir.resolve("exact-1468.bin")));
            assertThat(progress.getFirst()).containsExactly(512, -1);
        }
    }

    @Test
    void blockNumbersWrapPast65535() throws IOException {
        // 8-byte blocks (RFC 2348's smallest) reach block 65535 in half a MiB.
        byte[] content = random(8 * 70_000 + 3, 5);
        write("wrap.bin", content);
        var out = new ByteArrayOutputStream();

        tftpd.server().withBlockSize(8).fetch("wrap.bin", out, TransferProgress.NONE);

        assertThat(out.toByteArray()).isEqualTo(content);
    }

    @Test
    void aMissingFileIsTheServersFileNotFound() {
        TftpServer server = tftpd.server();
        assertThatThrownBy(() -> server.fetch("Image-DomU", OutputStream.nullOutputStream(), TransferProgress.NONE))
                .isInstanceOf(IOException.class)
                .hasMessage("tftp://127.0.0.1:" + tftpd.port()
                        + "/Image-DomU: file not found (TFTP error 1 from the server: File not found)");
    }

    @Test
    void aFileTheServerMayNotReadIsAnAccessViolation() {
        TftpServer server = tftpd.server();
        // tftpd-hpa serves only world-readable files unless --permissive
        assertThatThrownBy(() -> server.fetch("private.bin", OutputStream.nullOutputStream(), TransferProgress.NONE))
                .hasMessage("tftp://127.0.0.1:" + tftpd.port() + "/private.bin: access violation (TFTP error 2 "
                        + "from the server: File must have global read permissions)");
        assertThatThrownBy(() -> server.fetch("boards", OutputStream.nullOutputStream(), TransferProgress.NONE))
                .hasMessage("tftp://127.0.0.1:" + tftpd.port()
                        + "/boards: refused (TFTP error 0 from the server: Is a directory)");
    }

    @Test
    void anErrorOfTheCallersStreamPassesThroughUnchanged() {
        var full = new IOException("board memory: load of large.bin past the end of memory");
        OutputStream boardMemory = new OutputStream() {
            long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > 1_000_000) {
                    throw full;
                }
            }
        };
        assertThatThrownBy(() -> tftpd.server().fetch("large.bin", boardMemory, TransferProgress.NONE)).isSameAs(full);
    }

    private static List<String> pairs(List<String> fields) {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            pairs.add(fields.get(i) + "=" + fields.get(i + 1));
        }
        return pairs;
    }

    private static void write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        // tftpd-hpa serves world-readable files only; do not depend on the umask of whoever runs the tests
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
