package org.domus.fdt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.List;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

import org.domus.fdt.internal.source.Data;
import org.domus.fdt.internal.source.DtInfo;
import org.domus.fdt.internal.source.Label;
import org.domus.fdt.internal.source.LiveNode;
import org.domus.fdt.internal.source.LiveProperty;
import org.domus.fdt.internal.source.Marker;
import org.domus.fdt.internal.source.SourcePos;
import org.domus.fdt.internal.source.TreeBuilder;

/**
 * Random trees, each made twice from one seed: as a live tree (what the parser would build) and as DTS text
 * for dtc 1.6.1. Labels, phandle and path references (some dangling), explicit phandles (some clashing),
 * /omit-if-no-ref/, /plugin/ and -@ are mixed at random. Either both reject the tree, in the same checks with
 * the same messages, or both write the same blob.
 */
class CheckRandomTreesTest {
    private static final SourcePos POS = new SourcePos("r.dts", 1, 1, 1, 1);

    @Property(tries = 150)
    void sameVerdictAsDtc(@ForAll long seed) throws Exception {
        Case c = new Case(new Random(seed));
        Path dir = Files.createTempDirectory("ckrand");
        try {
            Path f = dir.resolve("r.dts");
            Files.writeString(f, c.source.toString(), StandardCharsets.UTF_8);
            Dtc.Run dtc = c.symbols ? Dtc.run(dir, "-@", "-I", "dts", "-O", "dtb", "r.dts")
                    : Dtc.run(dir, "-I", "dts", "-O", "dtb", "r.dts");
            byte[] ours = null;
            List<String> ourErrors = List.of();
            try {
                ours = TreeBuilder.build(c.info, c.symbols).toDtb();
            } catch (DtsException e) {
                ourErrors = e.diagnostics();
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("ERROR \\((\\w+)\\)").matcher(dtc.stderr());
            Statistics.label("verdict").collect(dtc.ok() ? "compiled" : m.find() ? m.group(1) : "rejected");
            Statistics.label("mode").collect((c.plugin ? "plugin" : "base") + (c.symbols ? " -@" : ""));
            String what = "seed " + seed + "\n" + c.source + "\n" + dtc.stderr();
            if (dtc.ok()) {
                assertThat(ours).as(what).isNotNull().isEqualTo(dtc.stdout());
            } else {
                assertThat(ours).as(what).isNull();
                assertThat(CheckWarningsCorpusTest.checkMessages(ourErrors)).as(what)
                        .isEqualTo(CheckWarningsCorpusTest.checkMessages(dtc.stderr()).stream()
                                .filter(l -> l.startsWith("ERROR")).toList());
            }
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    /** One random tree, as live nodes and as source: the shape first, then values that refer into it. */
    private static final class Case {
        final Random rnd;
        final boolean plugin;
        final boolean symbols;
        /** Some trees get a few references to nothing, and explicit phandles (which may clash). */
        final boolean faulty;
        final DtInfo info = new DtInfo();
        final StringBuilder source = new StringBuilder();
        final List<String> labels = new ArrayList<>();
        final List<String> paths = new ArrayList<>();
        final Map<LiveProperty, String> text = new IdentityHashMap<>();

        Case(Random rnd) {
            this.rnd = rnd;
            plugin = rnd.nextInt(5) == 0;
            symbols = rnd.nextInt(3) == 0;
            faulty = rnd.nextInt(3) == 0;
            info.v1 = true;
            info.plugin = plugin;
            info.fileName = "r.dts";
            info.root = new LiveNode("", POS);
            int budget = 3 + rnd.nextInt(25);
            List<LiveNode> all = new ArrayList<>(List.of(info.root));
            for (int i = 0; i < budget; i++) {
                LiveNode parent = all.get(rnd.nextInt(all.size()));
                String name = "n" + i + (rnd.nextInt(4) == 0 ? "@" + Integer.toHexString(rnd.nextInt(4)) : "");
                LiveNode child = new LiveNode(name, POS);
                child.parent = parent;
                parent.children.add(child);
                child.omitIfUnused = rnd.nextInt(5) == 0;
                if (rnd.nextInt(3) > 0) {
                    // Mostly a fresh label, sometimes two, rarely one that is taken already.
                    String l = faulty && rnd.nextInt(12) == 0 && !labels.isEmpty() ? labels.get(rnd.nextInt(labels.size())) : "l" + i;
                    child.labels.add(new Label(l));
                    labels.add(l);
                    if (rnd.nextInt(6) == 0) {
                        child.labels.addFirst(new Label("x" + i));
                        labels.add("x" + i);
                    }
                }
                all.add(child);
            }
            for (LiveNode n : all) {
                if (n != info.root) {
                    paths.add(path(n));
                }
            }
            for (LiveNode n : all) {
                int props = rnd.nextInt(4);
                for (int i = 0; i < props; i++) {
                    property(n, "p" + i);
                }
                if (rnd.nextInt(faulty ? 6 : 40) == 0) {
                    int ph = 1 + rnd.nextInt(12);
                    String name = rnd.nextInt(3) == 0 ? "linux,phandle" : "phandle";
                    LiveProperty p = new LiveProperty(name, new Data().appendInteger(ph, 32), POS);
                    n.properties.add(p);
                    text.put(p, "<" + ph + ">");
                }
            }
            source.append("/dts-v1/;\n").append(plugin ? "/plugin/;\n" : "").append("/ {\n");
            write(info.root, 1);
            source.append("};\n");
        }

        private static String path(LiveNode n) {
            StringBuilder sb = new StringBuilder();
            for (LiveNode x = n; x.parent != null; x = x.parent) {
                sb.insert(0, "/" + x.name);
            }
            return sb.toString();
        }

        private void write(LiveNode node, int depth) {
            for (LiveProperty p : node.properties) {
                indent(depth).append(p.name).append(" = ").append(text.get(p)).append(";\n");
            }
            for (LiveNode c : node.children) {
                indent(depth);
                if (c.omitIfUnused) {
                    source.append("/omit-if-no-ref/ ");
                }
                for (Label l : c.labels) {
                    source.append(l.name).append(": ");
                }
                source.append(c.name).append(" {\n");
                write(c, depth + 1);
                indent(depth).append("};\n");
            }
        }

        private void property(LiveNode node, String name) {
            Data d = new Data();
            StringBuilder t = new StringBuilder();
            int chunks = 1 + rnd.nextInt(3);
            for (int c = 0; c < chunks; c++) {
                if (c > 0) {
                    t.append(", ");
                }
                switch (rnd.nextInt(4)) {
                    case 0 -> {
                        t.append('<');
                        int n = 1 + rnd.nextInt(4);
                        for (int k = 0; k < n; k++) {
                            t.append(k > 0 ? " " : "");
                            if (rnd.nextBoolean()) {
                                String ref = ref();
                                d.mark(Marker.Kind.REF_PHANDLE, ref);
                                d.appendInteger(0xffffffffL, 32);
                                t.append(ref.startsWith("/") ? "&{" + ref + "}" : "&" + ref);
                            } else {
                                int v = rnd.nextInt(100);
                                d.appendInteger(v, 32);
                                t.append(v);
                            }
                        }
                        t.append('>');
                    }
                    case 1 -> {
                        String ref = ref();
                        d.mark(Marker.Kind.REF_PATH, ref);
                        t.append(ref.startsWith("/") ? "&{" + ref + "}" : "&" + ref);
                    }
                    case 2 -> {
                        String s = "s" + rnd.nextInt(10);
                        d.append((s + "\0").getBytes(StandardCharsets.UTF_8));
                        t.append('"').append(s).append('"');
                    }
                    default -> {
                        int b = rnd.nextInt(256);
                        d.appendByte(b);
                        t.append(String.format("[%02x]", b));
                    }
                }
            }
            LiveProperty p = new LiveProperty(name, d, POS);
            node.properties.add(p);
            text.put(p, t.toString());
        }

        /** A label or a path of the tree; rarely one that names nothing. */
        private String ref() {
            int pick = rnd.nextInt(faulty ? 40 : 1000);
            if (pick == 0) {
                return "missing";
            }
            if (pick == 1) {
                return "/no/such";
            }
            if (pick == 2) {
                return "/";
            }
            if (pick < 25 && !labels.isEmpty()) {
                return labels.get(rnd.nextInt(labels.size()));
            }
            return paths.isEmpty() ? "/" : paths.get(rnd.nextInt(paths.size()));
        }

        private StringBuilder indent(int depth) {
            return source.append("\t".repeat(depth));
        }
    }
}
