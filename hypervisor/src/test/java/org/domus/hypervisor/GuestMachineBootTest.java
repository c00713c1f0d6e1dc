package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.domus.dom0less.Gic;
import org.domus.dom0less.Plan;
import org.domus.engine.ExitReason;
import org.domus.testsupport.BootModule;
import org.domus.testsupport.DomainNode;
import org.domus.testsupport.TestTree;
import org.domus.testsupport.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the plan says of a guest's machine is what the guest gets: a domain without vpl011 has no UART (it prints
 * nothing, and a Xen guest's tree has no PL011), a partial device tree's /passthrough is in the guest's tree, and the
 * GIC is the system's. The guests say what their /proc/device-tree holds ({@code domus.action=devicetree}).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class GuestMachineBootTest {
    private static final Duration BOOT = Duration.ofSeconds(240);

    private static final String PARTIAL = """
            /dts-v1/;
            / {
            	#address-cells = <2>;
            	#size-cells = <2>;
            	gic: gic { #interrupt-cells = <3>; interrupt-controller; };
            	passthrough {
            		compatible = "simple-bus";
            		ranges;
            		#address-cells = <2>;
            		#size-cells = <2>;
            		foo { compatible = "domus,test"; interrupt-parent = <&gic>; };
            	};
            };
            """;

    private static void dtc(Path dir, String source, String out) throws Exception {
        Path src = dir.resolve(out + ".dts");
        Files.writeString(src, source);
        Tools.run(dir, "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dir.resolve(out).toString(), src.toString());
    }

    /** "nodes= a b c" of a DOMUS-DT line. */
    private static List<String> nodes(String line) {
        return Arrays.asList(line.substring(line.indexOf("nodes=") + "nodes=".length()).trim().split(" +"));
    }

    @Test
    void aDomainWithoutVpl011HasNoUartAndAPartialTreesPassthroughIsInTheGuestsTree(@TempDir Path dir) throws Exception {
        dtc(dir, PARTIAL, "partial.dtb");
        Plan plan = TestSystem.plan(dir, TestTree.of(
                DomainNode.enhanced("xenguest", "console=hvc0 domus.name=xenguest domus.action=devicetree")
                        .withDtb(BootModule.file("partial.dtb")),
                DomainNode.plain("silent", "console=ttyAMA0 earlycon domus.name=silent domus.action=devicetree").withVpl011(false))
                .source());
        assertThat(plan.domains().stream().map(d -> d.console())).containsExactly("hvc0 (PV console)", "none");
        ConsoleCapture console = new ConsoleCapture();
        try (Hypervisor hv = Hypervisor.boot(plan, "qemu", dir.resolve("run"), new ConsoleMux(console.printStream()),
                ExitPolicies.XL_DEFAULTS)) {
            assertThat(hv.awaitAll()).isZero();
            // both ran their init to its end: the silent one too, which had nowhere to say so
            assertThat(hv.domains().get(0).lastExit()).isInstanceOf(ExitReason.PowerOff.class);
            assertThat(hv.domains().get(1).lastExit()).isInstanceOf(ExitReason.PowerOff.class);
        }
        assertThat(console.lines()).noneMatch(l -> l.startsWith("(d2) "));
        assertThat(Files.readString(dir.resolve("run/d2-silent/console.log"))).isEmpty();
        String line = console.await(l -> l.startsWith("(d1) DOMUS-DT xenguest "), 1, BOOT).getFirst();
        assertThat(line).contains(" gic=arm,gic-v3 ");
        assertThat(nodes(line)).contains("passthrough", "passthrough/foo", "hypervisor", "intc@8000000")
                .noneMatch(n -> n.startsWith("pl011"));
    }

    @Test
    void aGicV2BoardsDomainsGetGicV2(@TempDir Path dir) throws Exception {
        Plan plan = TestSystem.plan(dir, TestTree.of(
                DomainNode.plain("gicv2", "console=ttyAMA0 quiet domus.name=gicv2 domus.action=devicetree"))
                .withRootNode("""
                        interrupt-controller@8000000 {
                        	compatible = "arm,gic-400";
                        	interrupt-controller;
                        	#interrupt-cells = <3>;
                        	reg = <0 0x8000000 0 0x10000>, <0 0x8010000 0 0x10000>;
                        };
                        """)
                .source());
        assertThat(plan.gic()).isEqualTo(new Gic(2, "/interrupt-controller@8000000 (arm,gic-400)"));
        ConsoleCapture console = new ConsoleCapture();
        try (Hypervisor hv = Hypervisor.boot(plan, "qemu", dir.resolve("run"), new ConsoleMux(console.printStream()),
                ExitPolicies.XL_DEFAULTS)) {
            assertThat(hv.awaitAll()).isZero();
        }
        String line = console.await(l -> l.startsWith("(d1) DOMUS-DT gicv2 "), 1, BOOT).getFirst();
        assertThat(line).contains(" gic=arm,cortex-a15-gic ");
        assertThat(nodes(line)).contains("pl011@9000000", "intc@8000000");
    }
}
