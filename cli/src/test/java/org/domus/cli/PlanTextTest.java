package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the plan says of modules found by {@code xen,uefi-binary} (no address: the EFI loader chooses it) and of a
 * {@code xen,vcpu} node without {@code hard-affinity} (its vCPU runs anywhere), from {@code domus plan} itself. The
 * corpus cannot hold these: a uefi-binary file sits next to its system, and no binary is checked in.
 */
class PlanTextTest {
    private static final String SYSTEM = """
            /dts-v1/;
            / {
                chosen {
                    domU1 {
                        compatible = "xen,domain";
                        memory = <0 0x20000>;
                        cpus = <2>;
                        vcpu0 {
                            compatible = "xen,vcpu";
                            id = <0>;
                        };
                        kernel {
                            compatible = "multiboot,kernel", "multiboot,module";
                            xen,uefi-binary = "Image";
                            bootargs = "console=ttyAMA0";
                        };
                    };
                };
            };
            """;

    @Test
    void aUefiBinaryModuleIsNamedNotGivenAnAddressAndAVcpuWithoutAffinityIsUnpinned(@TempDir Path dir)
            throws Exception {
        Path dts = dir.resolve("system.dts");
        Files.writeString(dts, SYSTEM);
        Files.write(dir.resolve("Image"), ModuleImages.make("arm64-image", 0x1000));

        String[] text = plan(dts.toString(), "--host-cpus", "8", "--host-memory", "16384");
        assertThat(text[1]).isEmpty();
        assertThat(text[0]).doesNotContain("0xffffffffffffffff").doesNotContain("pCPU")
                .contains("  vcpus     2, not pinned\n")
                .containsPattern("  kernel    Arm64 Image, .*, 0x1000 bytes by uefi-binary Image from .*/Image\n");

        String[] json = plan(dts.toString(), "--host-cpus", "8", "--host-memory", "16384", "--json");
        JsonNode domain = new ObjectMapper().readTree(json[0]).get("plan").get("domains").get(0);
        assertThat(domain.get("kernel").get("address").isNull()).isTrue();
        assertThat(domain.get("kernel").get("uefi_binary").asText()).isEqualTo("Image");
        assertThat(domain.get("kernel").get("size").asLong()).isEqualTo(0x1000);
        assertThat(domain.get("pinning")).extracting(JsonNode::asText).containsExactly("any", "any");
    }

    /** {stdout, stderr} of {@code domus plan ARGS}. */
    private static String[] plan(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "plan";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = cl.execute(all);
        assertThat(exit).as("domus plan: %s", err).isZero();
        return new String[] {out.toString(), err.toString()};
    }
}
