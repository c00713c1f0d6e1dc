package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.domus.fdt.internal.source.DtInfo;
import org.domus.fdt.internal.source.Label;
import org.domus.fdt.internal.source.LiveNode;
import org.domus.fdt.internal.source.LiveProperty;
import org.domus.fdt.internal.source.LiveTree;
import org.domus.fdt.internal.source.Marker;
import org.domus.fdt.internal.source.Marker.Kind;
import org.domus.fdt.internal.source.SourcePos;
import org.domus.fdt.internal.source.TreeSource;
import org.junit.jupiter.api.Test;

/**
 * The live tree handed to the checks, for what a blob does not show: labels and their order, markers in
 * values, deleted entries kept in the lists, source positions, and the flags the parser sets.
 */
class DtsParseTreeTest {
    static DtInfo parse(String source) throws DtsException {
        return TreeSource.parse(source, "t.dts", List.of());
    }

    static List<String> names(List<Label> labels) {
        return labels.stream().map(l -> l.name + (l.deleted ? "(deleted)" : "")).toList();
    }

    static LiveNode node(DtInfo info, String path) {
        LiveNode n = LiveTree.byPath(info.root, path);
        assertThat(n).as(path).isNotNull();
        return n;
    }

    @Test
    void labelsAreKeptAsDtcKeepsThem() throws Exception {
        DtInfo info = parse("""
                /dts-v1/;
                a: b: /memreserve/ 1 2;
                / {
                    x: y: p = <1>;
                    a1: b1: n { };
                    r: s: r: m { };
                };
                c: &a1 { };
                &{/n} { d: n2 { }; };
                / { e: n { }; };
                """);
        assertThat(names(info.reservations.getFirst().labels)).containsExactly("a", "b");
        assertThat(names(LiveTree.property(info.root, "p").labels)).containsExactly("x", "y");
        // new labels go first; a label given again is not added twice
        assertThat(names(node(info, "/n").labels)).containsExactly("e", "c", "a1", "b1");
        assertThat(names(node(info, "/m").labels)).containsExactly("s", "r");
        assertThat(names(node(info, "/n/n2").labels)).containsExactly("d");
    }

    @Test
    void markersPointIntoValues() throws Exception {
        DtInfo info = parse("""
                /dts-v1/;
                / {
                    p = l0: "ab" l1:, <l2: 1 &t l3: &{/t}>, [l4: 01], &t, l5: /bits/ 64 <2> l6:;
                    t: t { };
                };
                """);
        LiveProperty p = LiveTree.property(info.root, "p");
        assertThat(p.value.markers).containsExactly(
                new Marker(0, Kind.LABEL, "l0"),
                new Marker(3, Kind.LABEL, "l1"),
                new Marker(3, Kind.LABEL, "l2"),
                new Marker(7, Kind.REF_PHANDLE, "t"),
                new Marker(11, Kind.LABEL, "l3"),
                new Marker(11, Kind.REF_PHANDLE, "/t"),
                new Marker(15, Kind.LABEL, "l4"),
                new Marker(16, Kind.REF_PATH, "t"),
                new Marker(16, Kind.LABEL, "l5"),
                new Marker(24, Kind.LABEL, "l6"));
        assertThat(p.value.toByteArray()).containsExactly(
                'a', 'b', 0, 0, 0, 0, 1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 0, 0, 0, 0, 0, 0, 0, 2);
    }

    @Test
    void deletedEntriesStayInTheLists() throws Exception {
        DtInfo info = parse("""
                /dts-v1/;
                / {
                    p = <1>;
                    /delete-property/ p;
                    q = <2>;
                    l: n { k: x = <3>; };
                    /delete-node/ gone;
                };
                / {
                    /delete-property/ q;
                };
                /delete-node/ &l;
                """);
        LiveNode root = info.root;
        assertThat(root.properties).extracting(pr -> pr.name + (pr.deleted ? "(deleted)" : ""))
                .containsExactly("p", "p(deleted)", "q(deleted)");
        assertThat(root.children).extracting(c -> c.name + (c.deleted ? "(deleted)" : ""))
                .containsExactly("n(deleted)", "gone(deleted)");
        LiveNode n = root.children.getFirst();
        assertThat(names(n.labels)).containsExactly("l(deleted)");
        assertThat(n.properties.getFirst().deleted).isTrue();
        assertThat(names(n.properties.getFirst().labels)).containsExactly("k(deleted)");
    }

    @Test
    void redefiningRevivesInPlace() throws Exception {
        DtInfo info = parse("""
                /dts-v1/;
                / { a = <1>; b = <2>; l: n { x; }; };
                / { /delete-property/ a; };
                /delete-node/ &l;
                / { a = <3>; n { y; }; };
                """);
        assertThat(info.root.properties).extracting(pr -> pr.name).containsExactly("a", "b");
        LiveProperty a = info.root.properties.getFirst();
        assertThat(a.deleted).isFalse();
        assertThat(a.value.toByteArray()).containsExactly(0, 0, 0, 3);
        LiveNode n = node(info, "/n");
        // the node comes back, its old property and label stay deleted
        assertThat(n.properties).extracting(pr -> pr.name + (pr.deleted ? "(deleted)" : "")).containsExactly("x(deleted)", "y");
        assertThat(names(n.labels)).containsExactly("l(deleted)");
    }

    @Test
    void positionsCoverWhatDtcCovers() throws Exception {
        DtInfo info = parse("""
                /dts-v1/;
                / {
                \tlbl: prop = <1
                \t\t2>;
                \tnode {
                \t};
                \t/delete-node/ x;
                };
                """);
        // a property from its name to its ';' (labels not included), a node from '{' to ';'
        assertThat(LiveTree.property(info.root, "prop").pos).isEqualTo(new SourcePos("t.dts", 3, 7, 4, 6));
        assertThat(node(info, "/node").pos).isEqualTo(new SourcePos("t.dts", 5, 7, 6, 4));
        assertThat(info.root.pos).isEqualTo(new SourcePos("t.dts", 2, 3, 8, 3));
        assertThat(info.root.children.getLast().pos).isEqualTo(new SourcePos("t.dts", 7, 2, 7, 18));
        assertThat(info.fileName).isEqualTo("t.dts");
    }

    @Test
    void pluginOrphansBecomeFragments() throws Exception {
        DtInfo info = parse("""
                /dts-v1/;
                /plugin/;
                &first { a; };
                / { l: n { }; };
                &l { b; };
                &{/n} { c; };
                &missing { d; };
                """);
        assertThat(info.plugin).isTrue();
        assertThat(info.root.name).isEmpty();
        assertThat(info.root.children).extracting(c -> c.name).containsExactly("fragment@0", "n", "fragment@1", "fragment@2");
        LiveNode f0 = node(info, "/fragment@0");
        assertThat(f0.pos).isNull();
        assertThat(f0.properties).singleElement().satisfies(t -> {
            assertThat(t.name).isEqualTo("target");
            assertThat(t.value.markers).containsExactly(new Marker(0, Kind.REF_PHANDLE, "first"));
            assertThat(t.value.toByteArray()).containsExactly(-1, -1, -1, -1);
        });
        assertThat(node(info, "/fragment@0/__overlay__").properties).extracting(pr -> pr.name).containsExactly("a");
        // a path reference always makes a fragment in a plugin, even to a node that exists
        LiveProperty targetPath = node(info, "/fragment@1").properties.getFirst();
        assertThat(targetPath.name).isEqualTo("target-path");
        assertThat(new String(targetPath.value.toByteArray())).isEqualTo("/n\0");
        assertThat(node(info, "/n").properties).extracting(pr -> pr.name).containsExactly("b");
    }

    @Test
    void omitIfNoRefIsAFlag() throws Exception {
        DtInfo info = parse("""
                /dts-v1/;
                / { /omit-if-no-ref/ a { }; l: b { }; c { }; };
                /omit-if-no-ref/ &l;
                / { /omit-if-no-ref/ c { }; };
                """);
        assertThat(node(info, "/a").omitIfUnused).isTrue();
        assertThat(node(info, "/b").omitIfUnused).isTrue();
        // as in dtc, a merge does not carry the flag over
        assertThat(node(info, "/c").omitIfUnused).isFalse();
    }

    @Test
    void errorsCarryPositionsAndParsingGoesOnUntilASyntaxError() {
        assertThatThrownBy(() -> parse("""
                /dts-v1/;
                / {
                \ta = <0x100000000>;
                \tb = /bits/ 8 <(1 / 0) 256>;
                };
                &nowhere { };
                / { c = <1> };
                """)).isInstanceOfSatisfying(DtsException.class, e -> assertThat(e.diagnostics()).containsExactly(
                "t.dts:3:7: Value out of range for 32-bit array element",
                "t.dts:4:17: Division by zero",
                "t.dts:4:24: Value out of range for 8-bit array element",
                "t.dts:6:1: Label or path nowhere not found",
                "t.dts:7:13: syntax error"));
    }

    @Test
    void missingIncludeIsAnErrorAtTheDirective() {
        assertThatThrownBy(() -> parse("/dts-v1/;\n/ {\n  /include/ \"nope.dtsi\"\n};\n"))
                .isInstanceOfSatisfying(DtsException.class, e -> assertThat(e.diagnostics())
                        .containsExactly("t.dts:3:3: Couldn't open \"nope.dtsi\": No such file or directory"));
    }
}
