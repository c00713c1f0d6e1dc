package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edits made with {@link Fdt#edit} and {@link Fdt#remove} against the same edits made by Debian's {@code fdtput}
 * (libfdt, as U-Boot's {@code fdt} command uses it): the trees must print the same, so new properties and nodes
 * land where libfdt puts them.
 */
class FdtEditTest {
    private static final String SOURCE = """
            /dts-v1/;
            / {
            \tchosen {
            \t\ta = <1>;
            \t\tb = "x";
            \t\told { c = <2>; };
            \t\tgone { };
            \t};
            };
            """;

    @Test
    void editsLandWhereLibfdtPutsThem(@TempDir Path dir) throws Exception {
        Path dts = dir.resolve("t.dts");
        Files.writeString(dts, SOURCE);
        Path dtb = dir.resolve("t.dtb");
        Files.write(dtb, Dtc.compile(dts).stdout());
        fdtput(dir, "-c", "t.dtb", "/chosen/new");
        fdtput(dir, "-t", "x", "t.dtb", "/chosen", "newprop", "5");
        fdtput(dir, "-t", "x", "t.dtb", "/chosen", "a", "7");
        fdtput(dir, "-t", "s", "t.dtb", "/chosen/old", "s", "hello");
        fdtput(dir, "-r", "t.dtb", "/chosen/gone");
        fdtput(dir, "-d", "t.dtb", "/chosen", "b");

        Fdt ours = Fdt.fromDts(dts)
                .edit("/chosen", n -> n.withChild(new Node("new", List.of(), List.of())))
                .edit("/chosen", n -> n.withProperty(Property.ofCells("newprop", 5)))
                .edit("/chosen", n -> n.withProperty(Property.ofCells("a", 7)))
                .edit("/chosen/old", n -> n.withProperty(Property.ofString("s", "hello")))
                .remove("/chosen/gone")
                .edit("/chosen", n -> n.withoutProperty("b"));
        assertThat(ours.toDts()).isEqualTo(Fdt.fromDtb(Files.readAllBytes(dtb)).toDts());
    }

    @Test
    void missingNodesAndDuplicatesAreNamed() throws Exception {
        Fdt fdt = Fdt.fromDts(SOURCE, "t.dts");
        assertThatThrownBy(() -> fdt.edit("/chosen/domU0/module", n -> n)).hasMessage("no node /chosen/domU0");
        assertThatThrownBy(() -> fdt.remove("/nope")).hasMessage("no node /nope");
        assertThatThrownBy(() -> fdt.remove("/")).hasMessage("cannot remove the root node");
        assertThatThrownBy(() -> fdt.edit("/chosen", n -> n.withChild(new Node("old", List.of(), List.of()))))
                .hasMessage("node old already exists");
        // the original is untouched: trees are values
        assertThat(fdt.edit("/", n -> n.withoutProperty("x")).toDts()).isEqualTo(fdt.toDts());
        assertThat(fdt.node("/chosen/gone")).isPresent();
    }

    @Test
    void overlaysApplyAsFdtoverlayAppliesThem(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("base.dts"), """
                /dts-v1/;
                / {
                	uart: serial@9000000 { compatible = "arm,pl011"; status = "disabled"; };
                	chosen { intc: intc { phandle-user = <&uart>; }; };
                	passthrough { };
                };
                """);
        Files.writeString(dir.resolve("over.dts"), """
                /dts-v1/;
                /plugin/;
                &uart { status = "okay"; extra = <1>; };
                / {
                	fragment@1 {
                		target-path = "/passthrough";
                		__overlay__ {
                			mine: dev@0 { reg = <0>; uses = <&uart>, <&mine>; };
                		};
                	};
                };
                """);
        Files.write(dir.resolve("base.dtb"), Dtc.run(dir, "-q", "-@", "-I", "dts", "-O", "dtb", "base.dts").stdout());
        Files.write(dir.resolve("over.dtbo"), Dtc.run(dir, "-q", "-@", "-I", "dts", "-O", "dtb", "over.dts").stdout());
        Process p = new ProcessBuilder("fdtoverlay", "-i", "base.dtb", "-o", "out.dtb", "over.dtbo").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        Fdt ours = Fdt.fromDtb(Files.readAllBytes(dir.resolve("base.dtb")))
                .applyOverlay(Fdt.fromDtb(Files.readAllBytes(dir.resolve("over.dtbo"))));
        assertThat(ours.toDts()).isEqualTo(Fdt.fromDtb(Files.readAllBytes(dir.resolve("out.dtb"))).toDts());
    }

    private static void fdtput(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("fdtput"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("fdtput %s: %s", List.of(args), out).isZero();
    }
}
