package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.domus.fdt.internal.source.Data;
import org.domus.fdt.internal.source.DtInfo;
import org.domus.fdt.internal.source.Label;
import org.domus.fdt.internal.source.LiveNode;
import org.domus.fdt.internal.source.LiveProperty;
import org.domus.fdt.internal.source.Marker;
import org.domus.fdt.internal.source.ReserveInfo;
import org.domus.fdt.internal.source.SourcePos;
import org.domus.fdt.internal.source.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks and fixups on live trees built by hand (no parser involved), against dtc 1.6.1 compiling the
 * equivalent source at test time; plus depth, size and robustness limits.
 */
class CheckTreeBuilderTest {

    // ---- a tiny live-tree builder ----

    private static final SourcePos POS = new SourcePos("t.dts", 1, 1, 1, 1);

    private static LiveNode node(String name, Object... content) {
        LiveNode n = new LiveNode(name, POS);
        for (Object o : content) {
            if (o instanceof LiveNode c) {
                c.parent = n;
                n.children.add(c);
            } else if (o instanceof LiveProperty p) {
                n.properties.add(p);
            } else if (o instanceof String label) {
                n.labels.addFirst(new Label(label));
            }
        }
        return n;
    }

    private static LiveProperty prop(String name, Data value) {
        return new LiveProperty(name, value, POS);
    }

    private static Data cells(Object... items) {
        Data d = new Data();
        for (Object o : items) {
            if (o instanceof Integer i) {
                d.appendInteger(i, 32);
            } else {
                d.mark(Marker.Kind.REF_PHANDLE, (String) o);
                d.appendInteger(0xffffffffL, 32);
            }
        }
        return d;
    }

    private static Data pathRef(String ref) {
        return new Data().mark(Marker.Kind.REF_PATH, ref);
    }

    private static DtInfo info(LiveNode root) {
        DtInfo info = new DtInfo();
        info.v1 = true;
        info.root = root;
        info.fileName = "t.dts";
        return info;
    }

    private static byte[] dtc(Path dir, String source, String... flags) throws IOException {
        Path f = dir.resolve("t.dts");
        Files.writeString(f, source, StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of(flags));
        args.addAll(List.of("-q", "-I", "dts", "-O", "dtb", "t.dts"));
        Dtc.Run run = Dtc.run(dir, args.toArray(String[]::new));
        assertThat(run.ok()).as(run.stderr()).isTrue();
        return run.stdout();
    }

    // ---- fixups against dtc ----

    /** Two path references and a phandle reference all start at offset 0: each inserted path pushes the later ones. */
    @Test
    void pathReferencesPushLaterMarkers(@TempDir Path dir) throws Exception {
        Data v = pathRef("a").append(pathRef("/b")).append(cells("a"));
        v.mark(Marker.Kind.LABEL, "inside");
        v.append(pathRef("a"));
        LiveNode root = node("", node("a", "a"), node("b"), node("user", prop("p", v)));
        byte[] ours = TreeBuilder.build(info(root), false).toDtb();
        assertThat(ours).isEqualTo(dtc(dir, """
                /dts-v1/;
                / { a: a { }; b { }; user { p = &a, &{/b}, <&a>, inside: &a; }; };
                """));
    }

    /** Allocation starts at 1, skips values held explicitly, and follows the order of the references. */
    @Test
    void phandlesSkipExplicitValues(@TempDir Path dir) throws Exception {
        LiveNode root = node("",
                node("u", prop("p", cells("z", 5, "y", "x"))),
                node("x", "x", prop("phandle", cells(2))),
                node("y", "y"),
                node("z", "z", prop("linux,phandle", cells(1))),
                node("w", "w"),
                node("v", prop("q", cells("w", "y"))));
        byte[] ours = TreeBuilder.build(info(root), false).toDtb();
        assertThat(ours).isEqualTo(dtc(dir, """
                /dts-v1/;
                / { u { p = <&z 5 &y &x>; }; x: x { phandle = <2>; }; y: y { }; z: z { linux,phandle = <1>; };
                    w: w { }; v { q = <&w &y>; }; };
                """));
    }

    @Test
    void reservationsAndBootCpu() throws Exception {
        LiveNode root = node("", node("cpus", node("cpu@7", prop("reg", cells(7))), node("cpu@1", prop("reg", cells(1)))));
        DtInfo info = info(root);
        info.reservations.add(new ReserveInfo(0x1000, 0x2000));
        info.reservations.add(new ReserveInfo(-1L, 16));
        Fdt fdt = TreeBuilder.build(info, false);
        assertThat(fdt.bootCpuid()).isEqualTo(7);
        assertThat(fdt.reservations()).containsExactly(new ReserveEntry(0x1000, 0x2000), new ReserveEntry(-1L, 16));
    }

    @Test
    void errorsNameTheCheckAndThePath() {
        LiveNode root = node("", node("a", node("b", prop("p", cells("missing")))));
        assertThatThrownBy(() -> TreeBuilder.build(info(root), false))
                .isInstanceOf(DtsException.class)
                .hasMessage("t.dts:1:1: ERROR (phandle_references): /a/b: Reference to non-existent node or label \"missing\"");
    }

    @Test
    void warningsAreKeptNotThrown() throws Exception {
        LiveNode root = node("", node("n@1"));
        TreeBuilder.Result r = TreeBuilder.compile(info(root), false);
        assertThat(r.warnings()).containsExactly(
                "t.dts:1:1: Warning (unit_address_vs_reg): /n@1: node has a unit name, but no reg or ranges property");
    }

    // ---- robustness ----

    /** Markers the parser could never make still end in a DtsException, never another exception. */
    @Test
    void impossibleMarkersAreRejectedCleanly() {
        Data v = new Data().appendInteger(1, 32);
        v.markers.add(new Marker(2, Marker.Kind.REF_PHANDLE, "x"));
        LiveNode root = node("", node("x", "x"), node("u", prop("p", v)));
        assertThatThrownBy(() -> TreeBuilder.build(info(root), false)).isInstanceOf(DtsException.class);

        Data w = new Data();
        w.markers.add(new Marker(9, Marker.Kind.REF_PATH, "x"));
        LiveNode root2 = node("", node("x", "x"), node("u", prop("p", w)));
        assertThatThrownBy(() -> TreeBuilder.build(info(root2), false)).isInstanceOf(DtsException.class);
    }

    /** A chain deeper than any stack: the checks, fixups and flattening all walk without recursion. */
    @Test
    void deepChain() throws Exception {
        int depth = 100_000;
        LiveNode root = chain(depth);
        Fdt fdt = TreeBuilder.build(info(root), true);
        int seen = 0;
        for (Node x = fdt.root(); !x.children().isEmpty(); x = x.children().getFirst()) {
            seen++;
        }
        assertThat(seen).isEqualTo(depth);
        assertThat(fdt.root().children().getLast().name()).isEqualTo("__symbols__");

        // An error at the bottom prints the full path, built without recursion too.
        LiveNode root2 = chain(depth);
        LiveNode bottom = root2;
        while (!bottom.children.isEmpty()) {
            bottom = bottom.children.getFirst();
        }
        for (int i = 0; i < 2; i++) {
            LiveNode dup = node("dup");
            dup.parent = bottom;
            bottom.children.add(dup);
        }
        assertThatThrownBy(() -> TreeBuilder.build(info(root2), false)).isInstanceOf(DtsException.class)
                .hasMessageContaining("ERROR (duplicate_node_names): /n0/n1/n2")
                .hasMessageEndingWith("/n8/n9/dup: Duplicate node name");
    }

    private static LiveNode chain(int depth) {
        LiveNode root = node("");
        LiveNode n = root;
        for (int i = 0; i < depth; i++) {
            LiveNode c = node("n" + (i % 10));
            c.parent = n;
            n.children.add(c);
            n = c;
        }
        n.labels.add(new Label("bottom"));
        n.properties.add(prop("self", cells("bottom")));
        n.properties.add(prop("where", pathRef("bottom")));
        root.properties.add(prop("top", cells("bottom")));
        return root;
    }

    // ---- size ----

    /** 10,000 nodes with labels, reg and references both ways go through, with and without -@ (time: bench/run dt). */
    @Test
    void tenThousandNodes() throws Exception {
        for (boolean symbols : new boolean[] {false, true}) {
            TreeBuilder.Result r = TreeBuilder.compile(info(bigTree(100, 100)), symbols);
            assertThat(r.fdt().root().children()).hasSizeGreaterThanOrEqualTo(100);
        }
    }

    /** One flat bus with 10,000 children (the sibling checks must not be quadratic; time: bench/run dt). */
    @Test
    void tenThousandSiblings() throws Exception {
        TreeBuilder.Result r = TreeBuilder.compile(info(bigTree(1, 10_000)), false);
        assertThat(r.fdt().root().children().getLast().children()).hasSize(10_000);
    }

    private static LiveNode bigTree(int buses, int perBus) {
        LiveNode root = node("", prop("#address-cells", cells(1)), prop("#size-cells", cells(1)),
                prop("compatible", new Data().append("board\0".getBytes(StandardCharsets.UTF_8))));
        for (int b = 0; b < buses; b++) {
            LiveNode bus = node("bus@" + Integer.toHexString(b * 0x100000), "bus" + b,
                    prop("compatible", new Data().append("simple-bus\0".getBytes(StandardCharsets.UTF_8))),
                    prop("#address-cells", cells(1)), prop("#size-cells", cells(1)),
                    prop("reg", cells(b * 0x100000, 0x100000)), prop("ranges", new Data()));
            bus.parent = root;
            root.children.add(bus);
            for (int i = 0; i < perBus; i++) {
                String label = "d" + b + "_" + i;
                String other = "d" + ((b + 7) % buses) + "_" + ((i + 13) % perBus);
                LiveNode dev = node("dev@" + Integer.toHexString(b * 0x100000 + i * 0x10), label,
                        prop("compatible", new Data().append("vendor,dev\0".getBytes(StandardCharsets.UTF_8))),
                        prop("reg", cells(b * 0x100000 + i * 0x10, 0x10)),
                        prop("status", new Data().append("okay\0".getBytes(StandardCharsets.UTF_8))),
                        prop("link", cells(other, 1, "bus" + b)),
                        prop("path", pathRef(other)));
                dev.parent = bus;
                bus.children.add(dev);
            }
        }
        return root;
    }
}
