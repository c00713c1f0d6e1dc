package org.domus.engine.payload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The test guest's initramfs: a static busybox and an {@code /init} script that prints one
 * {@code DOMUS-READY <name> cpus=<n> mem=<MemTotal>kB} line, then does what {@code domus.action=} on the kernel
 * command line says. Tests and {@code domus demo} read those lines on the console to know the guest is up.
 */
public final class Initramfs {
    /**
     * The {@code /init} script, POSIX sh as busybox ash runs it. The kernel starts it with no PATH. {@code set -f}
     * keeps a {@code *} on the command line from globbing. {@code domus.*} words have a dot, so the kernel takes
     * them for module parameters and leaves them alone: they are read back from {@code /proc/cmdline}.
     */
    public static final String INIT = """
            #!/bin/sh
            export PATH=/sbin:/usr/sbin:/bin:/usr/bin
            mount -t proc proc /proc
            mount -t sysfs sysfs /sys
            mount -t devtmpfs devtmpfs /dev
            set -f
            read -r cmdline < /proc/cmdline
            name=$(hostname) action=poweroff
            for word in $cmdline; do
              case $word in
                domus.name=*) name=${word#*=} ;;
                domus.action=*) action=${word#*=} ;;
              esac
            done
            while read -r key value unit; do
              [ "$key" = MemTotal: ] && mem=$value$unit
            done < /proc/meminfo
            echo "DOMUS-READY $name cpus=$(nproc) mem=$mem"
            case $action in
              reboot) reboot -f ;;
              panic) echo c > /proc/sysrq-trigger ;;
              shell) busybox --install -s; setsid cttyhack sh; poweroff -f ;;
              loop) n=0; while :; do echo "DOMUS-TICK $name $n"; n=$((n + 1)); sleep 0.2; done ;;
              cmdline) echo "DOMUS-CMDLINE $cmdline"; poweroff -f ;;
              *) poweroff -f ;;
            esac
            """;

    /** The busybox applets {@link #INIT} runs, each a symlink in /bin; the shell action installs the rest. */
    public static final List<String> APPLETS = List.of("sh", "mount", "hostname", "nproc", "sleep", "poweroff", "reboot",
            "setsid", "cttyhack");

    /** Folders of the archive; /sbin and /usr/* are where {@code busybox --install -s} puts its links. */
    static final List<String> DIRECTORIES = List.of("bin", "dev", "proc", "sys", "sbin", "usr", "usr/bin", "usr/sbin", "root", "tmp");

    private Initramfs() {
    }

    /** The uncompressed newc archive: the same bytes for the same busybox. */
    public static byte[] cpio(byte[] busybox) {
        Cpio cpio = new Cpio();
        for (String dir : DIRECTORIES) {
            cpio.directory(dir, dir.equals("tmp") ? 01777 : dir.equals("root") ? 0700 : 0755);
        }
        cpio.charDevice("dev/console", 0600, 5, 1);
        cpio.file("bin/busybox", 0755, busybox);
        for (String applet : APPLETS) {
            cpio.symlink("bin/" + applet, "busybox");
        }
        cpio.file("init", 0755, INIT.getBytes(StandardCharsets.UTF_8));
        return cpio.finish();
    }

    /** The gzip'd archive, as {@code -initrd} takes it; gzip's header carries no time or name, so bytes repeat. */
    public static byte[] gzip(byte[] busybox) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write(cpio(busybox));
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }
}
