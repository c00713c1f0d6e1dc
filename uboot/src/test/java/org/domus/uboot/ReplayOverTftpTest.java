package org.domus.uboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.domus.dom0less.DomainConfig;
import org.domus.dom0less.Host;
import org.domus.dom0less.Problem;
import org.domus.dom0less.SystemConfig;
import org.domus.testsupport.EndToEnd;
import org.domus.testsupport.SeedExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's script with every file fetched from Debian's tftpd-hpa on loopback, as {@code --tftp-server} does. */
@EndToEnd
class ReplayOverTftpTest {
    @TempDir
    Path dir;

    @Test
    void seedScriptOverRealTftp() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        List<String> progress = new ArrayList<>();
        try (TftpdHpa server = TftpdHpa.start(root)) {
            BootRequest request = Replay.run("boot.cmd", SeedExample.SECOND_SCRIPT, new Replay.Options(server.server(), null,
                    BoardMemory.DEFAULT_SIZE, new Replay.Listener() {
                        @Override
                        public void print(String line) {
                        }

                        @Override
                        public TransferProgress transfer(String location, String source) {
                            progress.add(location + " " + source);
                            return TransferProgress.NONE;
                        }

                        @Override
                        public void loaded(String location, BoardMemory.Load load, java.time.Duration took) {
                        }

                        @Override
                        public void warning(String location, String message) {
                        }
                    }));
            SystemConfig system = request.system(new Host(4, 8L << 30));
            assertThat(system.problems()).filteredOn(Problem::isError).isEmpty();
            assertThat(system.domains()).extracting(DomainConfig::name).containsExactly("Domain-0", "domU1");
            assertThat(system.domains().get(1).kernel().bytes().toArray())
                    .isEqualTo(Files.readAllBytes(root.resolve("Image-DomU")));
            assertThat(progress).first().isEqualTo("boot.cmd:1 tftp://127.0.0.1:%d/xen.dtb".formatted(server.port()));
        }
    }

    @Test
    void serveripFromTheScriptAndAMissingFile() throws Exception {
        Path root = Board.seedRoot(dir.resolve("tftp"), -1);
        try (TftpdHpa server = TftpdHpa.start(root)) {
            String script = "setenv serverip 127.0.0.1:%d\ntftpb 0x2000000 Image-DomU\ntftpb 0x3000000 no-such-file\n"
                    .formatted(server.port());
            assertThatThrownBy(() -> Replay.run("boot.cmd", script, new Replay.Options(null, null, BoardMemory.DEFAULT_SIZE,
                    Replay.Listener.QUIET))).hasMessageStartingWith(
                    "boot.cmd:3: tftpb 0x3000000 no-such-file: tftp://127.0.0.1:%d/no-such-file: file not found (TFTP error 1"
                            .formatted(server.port()));
        }
    }
}
