package org.domus.engine.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class PanicWatchTest {
    @Test
    void thePanicLineIsKeptWithoutItsTimestampAndSettlesAtTheEndMarker() {
        var w = new PanicWatch();
        w.accept("[    1.000000] Run /init as init process");
        assertThat(w.line()).isNull();
        w.accept("[    1.234567] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000");
        w.accept("[    1.234600] Kernel panic - not syncing: a second one is not the first");
        assertThat(w.line()).isEqualTo("Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000");
        assertThat(w.settled()).isNotDone();
        w.accept("[    1.240000] ---[ end Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000 ]---");
        assertThat(w.settled()).isCompletedWithValue("Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000");
    }

    @Test
    void withoutTheEndMarkerItSettlesAfterTheGracePeriod() throws Exception {
        var w = new PanicWatch();
        w.accept("Kernel panic - not syncing: VFS: Unable to mount root fs");
        assertThat(w.settled().get(PanicWatch.GRACE.toMillis() + 2000, TimeUnit.MILLISECONDS))
                .isEqualTo("Kernel panic - not syncing: VFS: Unable to mount root fs");
    }
}
