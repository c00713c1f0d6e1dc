package org.domus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.domus.engine.qemu.QemuEngine;
import org.domus.image.Arch;
import org.domus.testsupport.E2E;
import org.domus.testsupport.EndToEnd;
import org.junit.jupiter.api.Test;

/**
 * El2Bench's own guest still does what the bench waits for (its null calls, its upcall rounds, its end), so that
 * {@code bench/run el2} measures instead of timing out: the guest once went on waiting for upcalls after the EL2
 * program began holding them until PPI 31 is enabled, and nothing ran it. Measures nothing itself (that is the
 * bench's job); only that every row is printed.
 */
@EndToEnd
class El2BenchGuestTest {
    @Test
    void theBenchGuestFinishesItsNullCallsAndUpcallRounds() throws Exception {
        new QemuEngine().unavailable(Arch.ARM64).ifPresent(E2E::unavailable);
        var out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            El2Bench.main(new String[] {"--nulls", "50", "--rounds", "3", "--idle-seconds", "1", "--runs", "0"});
        } finally {
            System.setOut(stdout);
        }
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("null hypercall round trip", "(n=49)", "upcall: raise -> vINTID 31", "(n=3)",
                        "idle CPU, bench kernel in WFI under EL2", "load average before / after");
    }
}
