package org.domus.engine.qemu;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A QEMU release, as {@code --version} prints it or QMP's greeting reports it. */
record QemuVersion(int major, int minor, int micro) {
    /** Older QEMUs lack {@code -accel tcg,thread=multi} for Arm and the SHUTDOWN reasons Domus relies on. */
    static final QemuVersion OLDEST = new QemuVersion(7, 0, 0);

    private static final Pattern PRINTED = Pattern.compile("version (\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /** The version in {@code --version}'s output ("QEMU emulator version 7.2.22 (Debian …)"), if it has one. */
    static Optional<QemuVersion> parse(String printed) {
        Matcher m = PRINTED.matcher(printed);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new QemuVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3))));
    }

    /** The version in QMP's greeting: {@code {"QMP": {"version": {"qemu": {"major": 7, "minor": 2, "micro": 22}, …}}}}. */
    static QemuVersion ofGreeting(QmpValue greeting) {
        QmpValue v = greeting.path("QMP").path("version").path("qemu");
        return new QemuVersion(v.path("major").asInt(), v.path("minor").asInt(), v.path("micro").asInt());
    }

    boolean recentEnough() {
        return major != OLDEST.major ? major > OLDEST.major : minor >= OLDEST.minor;
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + micro;
    }
}
