package org.domus.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/** {@code domus ARGS} in a JVM of its own, as from another terminal, on this test run's own classes. */
final class DomusJvm {
    private DomusJvm() {
    }

    static ProcessBuilder command(String... args) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cp = new ArrayList<>();
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(prop);
            if (v != null && !v.isEmpty()) {
                cp.add(v);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                String.join(File.pathSeparator, cp), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }
}
