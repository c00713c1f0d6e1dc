package org.domus.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.domus.testsupport.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The initramfs without a real busybox: layout, gzip framing and the init script, checked with Debian's tools. */
class InitramfsTest {
    private static final byte[] FAKE_BUSYBOX = "not really busybox\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;

    @Test
    void gzipAcceptsItAndCpioListsTheLayout() throws Exception {
        Path gz = Files.write(tmp.resolve("initrd.cpio.gz"), Initramfs.gzip(FAKE_BUSYBOX));
        Tools.Run test = Tools.outcome(tmp, "gzip", "-t", gz.toString());
        assertThat(test.exitCode()).as(test.stderr()).isZero();

        Path cpio = tmp.resolve("initrd.cpio");
        Tools.Run gunzip = Tools.outcome(tmp, "sh", "-c", "gzip -dc initrd.cpio.gz > initrd.cpio");
        assertThat(gunzip.exitCode()).as(gunzip.stderr()).isZero();
        assertThat(Files.readAllBytes(cpio)).isEqualTo(Initramfs.cpio(FAKE_BUSYBOX));

        Tools.Run list = Tools.run(tmp, cpio, "cpio", "-itv");
        assertThat(list.exitCode()).as(list.stderr()).isZero();
        List<String> names = new ArrayList<>(Initramfs.DIRECTORIES);
        names.addAll(List.of("dev/console", "bin/busybox"));
        Initramfs.APPLETS.forEach(a -> names.add("bin/" + a));
        names.addAll(List.of("init", "sbin/poweroff", "sbin/reboot"));
        Tools.Run plain = Tools.run(tmp, cpio, "cpio", "-it");
        assertThat(Tools.lines(plain.stdout())).containsExactlyElementsOf(names);
        assertThat(list.stdout()).containsPattern("(?m)^crw-------\\s.*\\s5,\\s+1\\s.*dev/console$")
                .containsPattern("(?m)^-rwxr-xr-x\\s.*\\sinit$")
                .containsPattern("(?m)^-rwxr-xr-x\\s.*\\ssbin/poweroff$")
                .containsPattern("(?m)^-rwxr-xr-x\\s.*\\sbin/busybox$")
                .containsPattern("(?m)^lrwxrwxrwx\\s.*\\sbin/sh -> busybox$")
                .containsPattern("(?m)^drwxrwxrwt\\s.*\\stmp$");
    }

    @Test
    void extrasGoWhereTheEvtchnActionLooksForThem() throws Exception {
        List<Initramfs.Extra> extras = List.of(new Initramfs.Extra("lib/modules/xen-evtchn.ko", new byte[] {1, 2}),
                new Initramfs.Extra("bin/domus-evtchn", new byte[] {3}));
        Path cpio = Files.write(tmp.resolve("initrd.cpio"), Initramfs.cpio(FAKE_BUSYBOX, extras));
        Tools.Run list = Tools.run(tmp, cpio, "cpio", "-itv");
        assertThat(list.exitCode()).as(list.stderr()).isZero();
        assertThat(list.stdout()).containsPattern("(?m)^-rw-r--r--\\s.*\\slib/modules/xen-evtchn.ko$")
                .containsPattern("(?m)^-rwxr-xr-x\\s.*\\sbin/domus-evtchn$");
        assertThat(Initramfs.INIT).contains("insmod /lib/modules/xen-evtchn.ko").contains("domus-evtchn \"$evtchn\"");
        assertThat(Initramfs.gzip(FAKE_BUSYBOX, extras)).isNotEqualTo(Initramfs.gzip(FAKE_BUSYBOX));
    }

    @Test
    void sameBusyboxGivesSameBytes() {
        assertThat(Initramfs.gzip(FAKE_BUSYBOX)).isEqualTo(Initramfs.gzip(FAKE_BUSYBOX));
        assertThat(Initramfs.gzip(FAKE_BUSYBOX)).isNotEqualTo(Initramfs.gzip("other".getBytes(StandardCharsets.US_ASCII)));
    }

    /** dash is a strict POSIX shell: what it parses, busybox ash parses too. */
    @Test
    void initIsPosixShell() throws Exception {
        Path init = Files.writeString(tmp.resolve("init"), Initramfs.INIT);
        Tools.Run dash = Tools.outcome(tmp, "dash", "-n", init.toString());
        assertThat(dash.exitCode()).as(dash.stderr()).isZero();
        assertThat(dash.stderr()).isEmpty();
        assertThat(Initramfs.INIT).startsWith("#!/bin/sh\n");
    }

    /**
     * The script itself, run by dash on this host: /proc is a folder of ours, and PATH holds nothing but a stub per
     * applet in {@link Initramfs#APPLETS} (plus busybox), each logging how it was called. A command without its
     * applet link would print "not found" here, as it would in the guest.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "domus.action=cmdline   | DOMUS-CMDLINE console=ttyAMA0 domus.name=t1 * domus.action=cmdline | poweroff -f",
            "domus.action=reboot    | | reboot -f",
            "domus.action=poweroff  | | poweroff -f",
            "domus.action=unknown   | | poweroff -f",
            "                       | | poweroff -f",
            "domus.action=shell     | | busybox --install -s;setsid cttyhack sh;poweroff -f",
            "domus.action=panic     | | ",
            "domus.action=loop      | DOMUS-TICK t1 0;DOMUS-TICK t1 1;DOMUS-TICK t1 2 | sleep 0.2;sleep 0.2;sleep 0.2",
            "domus.action=idle      | | sleep inf;poweroff -f"})
    void initReportsThenActs(String action, String moreOutput, String endCalls) throws Exception {
        String cmdline = "console=ttyAMA0 domus.name=t1 * " + (action == null ? "" : action);
        Tools.Run r = runInit(cmdline.strip());
        List<String> out = new ArrayList<>(List.of("DOMUS-READY t1 cpus=3 mem=126104kB"));
        if (moreOutput != null) {
            out.addAll(List.of(moreOutput.split(";")));
        }
        assertThat(r.stderr()).isEmpty();
        assertThat(Tools.lines(r.stdout())).containsExactlyElementsOf(out);
        List<String> calls = new ArrayList<>(List.of("mount -t proc proc /proc", "mount -t sysfs sysfs /sys",
                "mount -t devtmpfs devtmpfs /dev", "hostname", "nproc"));
        if (endCalls != null) {
            calls.addAll(List.of(endCalls.split(";")));
        }
        assertThat(Files.readAllLines(tmp.resolve("calls.log"))).containsExactlyElementsOf(calls);
        if ("domus.action=panic".equals(action)) {
            assertThat(Files.readString(tmp.resolve("proc/sysrq-trigger"))).isEqualTo("c\n");
        }
    }

    /**
     * The power button as the guest sees it: the PL061's line 3 exported with a rising edge, its interrupt listed by
     * gpiolib in /proc/interrupts, and that interrupt's per_cpu_count going up at a press. The loop looks after
     * each tick.
     */
    @Test
    void loopPowersOffOnceThePowerButtonInterruptCounts() throws Exception {
        Path chip = Files.createDirectories(tmp.resolve("gpio/gpiochip512"));
        Files.writeString(chip.resolve("label"), "9030000.pl061\n");
        Files.writeString(chip.resolve("base"), "512\n");
        Files.createDirectories(tmp.resolve("gpio/gpio515"));
        Files.createDirectories(tmp.resolve("proc"));
        Files.writeString(tmp.resolve("proc/interrupts"), """
                           CPU0       CPU1
                  11:       1405       1388     GICv3  27 Level     arch_timer
                  17:          0          0     pl061   3 Edge      gpiolib
                """);
        Path count = Files.writeString(Files.createDirectories(tmp.resolve("irq/17")).resolve("per_cpu_count"), "0,0\n");
        Tools.Run before = runInit("console=ttyAMA0 domus.name=t1 domus.action=loop");
        assertThat(Tools.lines(before.stdout())).containsExactly("DOMUS-READY t1 cpus=3 mem=126104kB",
                "DOMUS-TICK t1 0", "DOMUS-TICK t1 1", "DOMUS-TICK t1 2");
        assertThat(Files.readString(tmp.resolve("gpio/export"))).isEqualTo("515\n");
        assertThat(Files.readString(tmp.resolve("gpio/gpio515/edge"))).isEqualTo("rising\n");

        Files.delete(tmp.resolve("calls.log"));
        Files.writeString(count, "0,1\n");
        Tools.Run pressed = runInit("console=ttyAMA0 domus.name=t1 domus.action=loop");
        assertThat(pressed.stderr()).isEmpty();
        assertThat(Tools.lines(pressed.stdout())).containsExactly("DOMUS-READY t1 cpus=3 mem=126104kB",
                "DOMUS-TICK t1 0", "DOMUS-POWERBUTTON t1");
        assertThat(Files.readAllLines(tmp.resolve("calls.log"))).endsWith("sleep 0.2", "poweroff -f");
    }

    @Test
    void withoutDomusNameTheHostnameNamesTheGuest() throws Exception {
        Tools.Run r = runInit("console=ttyAMA0 domus.action=poweroff");
        assertThat(r.stderr()).isEmpty();
        assertThat(Tools.lines(r.stdout())).containsExactly("DOMUS-READY (none) cpus=3 mem=126104kB");
    }

    private Tools.Run runInit(String cmdline) throws Exception {
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        Files.writeString(proc.resolve("cmdline"), cmdline + "\n");
        Files.writeString(proc.resolve("meminfo"), "MemTotal:         126104 kB\nMemFree:          100000 kB\n");
        Path bin = Files.createDirectories(tmp.resolve("stubs"));
        List<String> stubs = new ArrayList<>(Initramfs.APPLETS);
        stubs.remove("sh");
        stubs.add("busybox");
        for (String applet : stubs) {
            String body = switch (applet) {
                case "hostname" -> "echo '(none)'";
                case "nproc" -> "echo 3";
                // the loop action never ends by itself: the third sleep stops the script
                case "sleep" -> "[ $(/bin/grep -c ^sleep %s) -lt 3 ] || kill $PPID".formatted(tmp.resolve("calls.log"));
                // as in the guest, the script goes no further
                case "poweroff" -> "kill $PPID";
                default -> ":";
            };
            Path stub = Files.writeString(bin.resolve(applet), "#!/bin/sh\necho \"${0##*/} $*\" | /bin/sed 's/ $//' >> %s\n%s\n"
                    .formatted(tmp.resolve("calls.log"), body));
            stub.toFile().setExecutable(true);
        }
        String script = Initramfs.INIT.replace("export PATH=/sbin:/usr/sbin:/bin:/usr/bin", "export PATH=" + bin)
                .replace("/proc/", proc + "/").replace("gpio=/sys/class/gpio", "gpio=" + tmp.resolve("gpio"))
                .replace("/sys/kernel/irq/", tmp.resolve("irq") + "/");
        assertThat(script).as("the test's rewrite found its targets").contains(bin.toString()).contains(proc + "/cmdline");
        Path init = Files.writeString(tmp.resolve("init"), script);
        return Tools.outcome(tmp, "dash", init.toString());
    }
}
