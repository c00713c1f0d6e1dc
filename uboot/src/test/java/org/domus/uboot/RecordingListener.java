package org.domus.uboot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A replay's listener for tests: keeps what the script printed and the warnings in the given lists, ignores transfers. */
final class RecordingListener implements Replay.Listener {
    private final List<String> printed;
    private final List<String> warnings;

    RecordingListener(List<String> printed) {
        this(printed, new ArrayList<>());
    }

    RecordingListener(List<String> printed, List<String> warnings) {
        this.printed = printed;
        this.warnings = warnings;
    }

    @Override
    public void print(String line) {
        printed.add(line);
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
        warnings.add(location + ": " + message);
    }
}
