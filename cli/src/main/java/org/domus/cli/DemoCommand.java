package org.domus.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;

import org.domus.dom0less.ExampleSystem;
import org.domus.dom0less.Host;
import org.domus.dom0less.ModuleFiles;
import org.domus.dom0less.Validator;
import org.domus.fdt.Fdt;
import org.domus.hypervisor.ExitPolicies;
import org.domus.hypervisor.RunningSystem;
import org.domus.payload.GuestPayload;
import org.domus.payload.PayloadCache;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code domus demo}: fetches Debian's Arm64 kernel and busybox (once, into the cache), writes a three-domain
 * system the user can read and edit, and boots it. Each guest prints its DOMUS-READY line and powers off.
 */
final class DemoCommand implements Callable<Integer> {
    private final CommandSpec spec = Cli.command(this, "demo",
            "Boot a three-domain example system with Debian's Arm64 kernel and busybox.",
            "The guest payload is fetched on first use into the cache ($DOMUS_CACHE, else ~/.cache/domus); "
                    + "the system is written to <cache>/demo/system.dts: edit it and run `domus boot` on it.");
    private final OptionSpec dir = Cli.option(spec, "--dir", "DIR", Path.class,
            "Where to write the example system (default: <cache>/demo).");

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        GuestPayload guest = GuestPayload.arm64();
        Path given = dir.getValue();
        Path demo = given != null ? given : PayloadCache.defaultRoot().resolve("demo");
        Files.createDirectories(demo);
        copyIfChanged(guest.kernel(), demo.resolve("Image"));
        copyIfChanged(guest.initramfs(), demo.resolve("initramfs.cpio.gz"));
        Path system = demo.resolve("system.dts");
        Files.writeString(system, systemSource());
        spec.commandLine().getErr().println("domus: demo system " + system + " (kernel " + guest.kernelPackage()
                + " " + guest.kernelVersion() + ")");
        RunningSystem.Options options = new RunningSystem.Options("demo", "auto", null, ExitPolicies.XL_DEFAULTS, false,
                System.out, spec.commandLine().getErr());
        return RunningSystem.boot(options, () -> Validator.load(Fdt.fromDts(system), ModuleFiles.of(List.of(), demo), Host.current()));
    }

    /** The example: different memory sizes, one domain with two vCPUs, the seed's console and properties. */
    static String systemSource() {
        return ExampleSystem.source("""
                Domus demo: three dom0less domains booting in parallel, as Xen's booting.txt describes them.
                Modules are files next to this one (xen,uefi-binary), so `domus boot system.dts` needs no options;
                with U-Boot addresses instead, give each module a reg and boot with --module ADDR=FILE.""",
                List.of(demo("domU1", 128, 1), demo("domU2", 192, 2), demo("domU3", 160, 1)), "Image", "initramfs.cpio.gz");
    }

    private static ExampleSystem.Domain demo(String name, int mib, int cpus) {
        return new ExampleSystem.Domain(name, mib, cpus, "console=ttyAMA0 quiet domus.name=" + name);
    }

    private static void copyIfChanged(Path from, Path to) throws IOException {
        if (!Files.exists(to) || Files.size(to) != Files.size(from) || Files.mismatch(from, to) != -1) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
