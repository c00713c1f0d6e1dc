package org.domus.payload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import org.domus.image.Cpio;

/**
 * The test guest's initramfs: a static busybox and an {@code /init} script that prints one
 * {@code DOMUS-READY <name> cpus=<n> mem=<MemTotal>kB} line, then does what {@code domus.action=} on the kernel
 * command line says ({@code loop}: a numbered tick every 200 ms until the power button is pressed; {@code idle}: nothing
 * more, not even the power button, until it is destroyed; {@code escapes}: a line of terminal control sequences, a C1
 * control and a carriage return, as a hostile guest prints; {@code xen}: a {@code DOMUS-HYPERVISOR <name> type=<type>}
 * line from {@code /sys/hypervisor/type}, "xen" in a Xen guest; {@code monitor}: a {@code DOMUS-GUEST <name>
 * mem=<MemTotal>kB cpus=<online CPUs>} line at once and at each change, bringing up CPUs its kernel marks present;
 * {@code domus.fill=<MiB>} first writes and removes that much in its tmpfs, so that its free memory is resident;
 * {@code devicetree}: a {@code DOMUS-DT <name> gic=<compatible> nodes=<…>} line, the GIC's compatible and the nodes
 * of {@code /} and {@code /passthrough} in the guest's device tree; {@code evtchn}: loads the kernel's Xen device
 * modules and runs {@code domus-evtchn} with {@code domus.evtchn=}'s value, one end of a static event channel). Tests and
 * {@code domus demo} read those lines on the console to know the guest is up.
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
            name=$(hostname) action=poweroff fill=
            for word in $cmdline; do
              case $word in
                domus.name=*) name=${word#*=} ;;
                domus.action=*) action=${word#*=} ;;
                domus.fill=*) fill=${word#*=} ;;
                domus.evtchn=*) evtchn=${word#*=} ;;
              esac
            done
            while read -r key value unit; do
              [ "$key" = MemTotal: ] && mem=$value$unit
            done < /proc/meminfo
            # QEMU virt's power button is line 3 of its PL061 GPIO (a gpio-keys node), and this kernel has no
            # gpio-keys driver: the line is taken through sysfs with a rising-edge interrupt, whose count stays,
            # so a press is seen however late the loop looks (the pulse lasts 100 ms). The count is read from the
            # interrupt's own per_cpu_count, one short line: the shell reads /proc/interrupts a byte per system
            # call, ~50 ms under TCG, which held a ticking guest at 3 ticks a second and 16 % of a core.
            gpio=/sys/class/gpio
            powerbutton_arm() {
              set +f
              for chip in $gpio/gpiochip*; do
                read -r label < "$chip/label" && case $label in
                  *pl061*) read -r base < "$chip/base"; pin=$((base + 3))
                           echo $pin > $gpio/export && echo rising > $gpio/gpio$pin/edge ;;
                esac
              done 2>/dev/null
              set -f
              { while read -r irq rest; do
                  case $rest in *gpiolib*) powerbutton_irq=${irq%:}; break ;; esac
                done < /proc/interrupts; } 2>/dev/null
            }
            powerbutton_pressed() {
              [ -n "$powerbutton_irq" ] && { read -r counts < /sys/kernel/irq/$powerbutton_irq/per_cpu_count; } 2>/dev/null &&
                case $counts in *[1-9]*) return 0 ;; esac
              return 1
            }
            # domus.fill=MiB: that much written to a file and removed, so that the guest's free memory is resident on the
            # host as in a guest that has run a while (pages its balloon then gives back really free host memory)
            [ -n "$fill" ] && { busybox dd if=/dev/zero of=/tmp/fill bs=1M count="$fill"; busybox rm -f /tmp/fill; } 2>/dev/null
            echo "DOMUS-READY $name cpus=$(nproc) mem=$mem"
            case $action in
              reboot) reboot -f ;;
              panic) echo c > /proc/sysrq-trigger ;;
              shell) busybox --install -s; setsid cttyhack sh; poweroff -f ;;
              loop) powerbutton_arm; n=0
                while :; do
                  echo "DOMUS-TICK $name $n"; n=$((n + 1)); sleep 0.2
                  if powerbutton_pressed; then echo "DOMUS-POWERBUTTON $name"; poweroff -f; fi
                done ;;
              # asleep for good, so that QEMU sits idle too (~0.3 % of a core under TCG): looking for the power button
              # even once a second, as loop does, costs 20 times that, most of it reading /proc/interrupts
              idle) sleep inf; poweroff -f ;;
              # a Xen guest as the toolstack changes it: a DOMUS-GUEST line now and whenever its MemTotal or online CPUs
              # change (xl's mem-set and vcpu-set). A CPU its kernel marked present again (cpu/N/availability online) is
              # brought up here, as a distribution's udev rule does: Linux leaves that to userspace. The first line of
              # /proc/meminfo is MemTotal.
              monitor) last=
                while :; do
                  set +f
                  for f in /sys/devices/system/cpu/cpu[0-9]*/online; do
                    read -r on < "$f" && [ "$on" = 0 ] && echo 1 > "$f"
                  done 2>/dev/null
                  set -f
                  read -r key value unit < /proc/meminfo
                  read -r online < /sys/devices/system/cpu/online
                  now="mem=$value$unit cpus=$online"
                  [ "$now" != "$last" ] && echo "DOMUS-GUEST $name $now" && last=$now
                  sleep 0.5
                done ;;
              cmdline) echo "DOMUS-CMDLINE $cmdline"; poweroff -f ;;
              xen) { read -r type < /sys/hypervisor/type; } 2>/dev/null || type=none
                   echo "DOMUS-HYPERVISOR $name type=$type"; poweroff -f ;;
              # what the guest's device tree holds: its GIC's compatible, its top-level nodes and those of /passthrough
              devicetree) set +f; nodes=
                for n in /proc/device-tree/* /proc/device-tree/passthrough/*; do
                  [ -d "$n" ] && nodes="$nodes ${n#/proc/device-tree/}"
                done
                # the property has no newline, so read ends at end of file, fails, and has still set gic
                gic=none; { read -r gic < /proc/device-tree/intc@8000000/compatible; } 2>/dev/null
                echo "DOMUS-DT $name gic=$gic nodes=$nodes"; poweroff -f ;;
              # Debian builds /dev/xen/evtchn and /dev/xen/privcmd as modules (CONFIG_XEN_DEV_EVTCHN=m, CONFIG_XEN_PRIVCMD=m).
              # Its privcmd (XSA-482) holds a domU's hypercalls for the device model's target domain named in the
              # store, which a dom0less guest has none of: domus-evtchn's calls are on its own ports, so unrestricted.
              evtchn) insmod /lib/modules/xen-evtchn.ko; insmod /lib/modules/xen-privcmd.ko unrestricted=1
                      domus-evtchn "$evtchn"; poweroff -f ;;
              escapes) printf 'DOMUS-ESCAPES \\033]0;pwned\\007\\033[2J\\033P$qm\\033\\\\\\033[21t\\302\\233 50%%\\r100%% caf\\303\\251\\n'
                       poweroff -f ;;
              *) poweroff -f ;;
            esac
            """;

    /** The busybox applets {@link #INIT} runs, each a symlink in /bin; the shell action installs the rest. */
    public static final List<String> APPLETS = List.of("sh", "mount", "hostname", "nproc", "sleep", "poweroff", "reboot",
            "setsid", "cttyhack", "insmod");

    /** Folders of the archive; /sbin and /usr/* are where {@code busybox --install -s} puts its links. */
    static final List<String> DIRECTORIES = List.of("bin", "dev", "proc", "sys", "sbin", "usr", "usr/bin", "usr/sbin", "root", "tmp",
            "lib", "lib/modules");

    /**
     * A file the archive carries beside busybox: a kernel module from the kernel's own package (in
     * {@code lib/modules}), a test program (in {@code bin}).
     */
    public record Extra(String path, byte[] bytes) {
    }

    private Initramfs() {
    }

    /** The uncompressed newc archive: the same bytes for the same busybox. */
    public static byte[] cpio(byte[] busybox) {
        return cpio(busybox, List.of());
    }

    /** The archive with {@code extras} too: the same bytes for the same busybox and extras. */
    public static byte[] cpio(byte[] busybox, List<Extra> extras) {
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
        // what a kernel runs for an orderly power-off or reboot (a Xen guest's control/shutdown, a poweroff key):
        // at once, as this init has no services to stop
        cpio.file("sbin/poweroff", 0755, "#!/bin/sh\nexec /bin/busybox poweroff -f\n".getBytes(StandardCharsets.UTF_8));
        cpio.file("sbin/reboot", 0755, "#!/bin/sh\nexec /bin/busybox reboot -f\n".getBytes(StandardCharsets.UTF_8));
        for (Extra e : extras) {
            cpio.file(e.path(), e.path().startsWith("bin/") ? 0755 : 0644, e.bytes());
        }
        return cpio.finish();
    }

    /** The gzip'd archive, as {@code -initrd} takes it; gzip's header carries no time or name, so bytes repeat. */
    public static byte[] gzip(byte[] busybox) {
        return gzip(busybox, List.of());
    }

    /** As {@link #gzip(byte[])}, with {@code extras}. */
    public static byte[] gzip(byte[] busybox, List<Extra> extras) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write(cpio(busybox, extras));
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }
}
