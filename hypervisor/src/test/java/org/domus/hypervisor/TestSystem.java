package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.domus.dom0less.ExampleSystem;
import org.domus.dom0less.Host;
import org.domus.dom0less.ModuleFiles;
import org.domus.dom0less.Plan;
import org.domus.dom0less.SystemConfig;
import org.domus.dom0less.Validator;
import org.domus.engine.Engine;
import org.domus.engine.EngineException;
import org.domus.fdt.Fdt;
import org.domus.image.Arch;
import org.domus.payload.GuestPayload;
import org.domus.payload.PayloadException;
import org.domus.testsupport.DomainNode;
import org.domus.testsupport.E2E;
import org.domus.testsupport.TestTree;

/**
 * Test systems written as device trees, with Debian's Arm64 kernel and the busybox initramfs next to them as
 * {@code xen,uefi-binary} modules, planned by the real validator. Without QEMU or the payload the test is
 * skipped with the reason, or fails when {@code DOMUS_REQUIRE_E2E=1} (as in CI).
 */
final class TestSystem {
    /** One domain: name, memory in MiB, vCPUs, and the extra kernel arguments (domus.action=…). */
    record Dom(String name, int mib, int vcpus, String args) {
    }

    private TestSystem() {
    }

    static Plan plan(Path dir, List<Dom> domains) throws IOException {
        return plan(dir, ExampleSystem.source("", domains.stream().map(d -> new ExampleSystem.Domain(d.name(), d.mib(),
                d.vcpus(), "console=ttyAMA0 quiet domus.name=" + d.name() + " " + d.args())).toList(), "Image", "initramfs.cpio.gz"));
    }

    /** The system {@code dts}, whose modules are {@code xen,uefi-binary = "Image"} and {@code "initramfs.cpio.gz"}. */
    static Plan plan(Path dir, String dts) throws IOException {
        GuestPayload guest = payload();
        Files.copy(guest.kernel(), dir.resolve("Image"));
        Files.copy(guest.initramfs(), dir.resolve("initramfs.cpio.gz"));
        Path file = dir.resolve("system.dts");
        Files.writeString(file, dts);
        try {
            SystemConfig config = Validator.load(Fdt.fromDts(file), ModuleFiles.of(List.of(), dir), new Host(8, 16L << 30));
            if (config.hasErrors()) {
                fail("test system does not validate: " + config.problems());
            }
            return Plan.of(config);
        } catch (org.domus.fdt.FdtException e) {
            throw new AssertionError(e);
        }
    }

    private static GuestPayload payload() {
        try {
            Engine.pick("qemu", Arch.ARM64);
            return GuestPayload.arm64();
        } catch (EngineException | PayloadException e) {
            throw E2E.unavailable("the Arm64 guest cannot run here: " + e.getMessage());
        }
    }

    /**
     * Two domains of 128 MiB: d1 {@code xenguest}, {@code xen,enhanced} with {@code vcpus} vCPUs and no vpl011 (its
     * console is hvc0), and d2 {@code plain} with one vCPU and a vpl011; their kernels get {@code xenArgs} and
     * {@code plainArgs}.
     */
    static String xenAndPlain(int vcpus, String xenArgs, String plainArgs) {
        return TestTree.of(DomainNode.enhanced("xenguest", xenArgs).withCpus(vcpus), DomainNode.plain("plain", plainArgs))
                .source();
    }
}
