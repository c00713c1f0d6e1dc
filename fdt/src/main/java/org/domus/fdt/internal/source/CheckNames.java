package org.domus.fdt.internal.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** dtc's structural checks on node and property names, and the "name" property fixup. */
final class CheckNames {
    static final String LOWERCASE = "abcdefghijklmnopqrstuvwxyz";
    static final String UPPERCASE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static final String DIGITS = "0123456789";
    static final String NODE_CHARS = LOWERCASE + UPPERCASE + DIGITS + ",._+-@";
    static final String PROP_CHARS = LOWERCASE + UPPERCASE + DIGITS + ",._+*#?-";
    static final String STRICT_CHARS = LOWERCASE + UPPERCASE + DIGITS + ",-";
    private static final boolean[] NODE_SET = PropertyValues.charSet(NODE_CHARS);
    private static final boolean[] PROP_SET = PropertyValues.charSet(PROP_CHARS);
    private static final boolean[] STRICT_SET = PropertyValues.charSet(STRICT_CHARS);

    private CheckNames() {
    }

    /**
     * Every visible child against each later sibling of the same name, deleted siblings included (dtc
     * compares with the raw sibling list); the later one is reported, once per earlier visible namesake.
     */
    static void duplicateNodeNames(CheckContext ctx, LiveNode node) {
        List<LiveNode> kids = node.children;
        if (kids.size() < 2) {
            return;
        }
        Map<String, List<Integer>> byName = groupDuplicates(kids.size(), i -> kids.get(i).name);
        if (byName.isEmpty()) {
            return;
        }
        for (int i = 0; i < kids.size(); i++) {
            LiveNode a = kids.get(i);
            List<Integer> same = a.deleted ? null : byName.get(a.name);
            if (same == null) {
                continue;
            }
            for (int j : same) {
                if (j > i) {
                    ctx.fail(kids.get(j), "Duplicate node name");
                }
            }
        }
    }

    /** Every visible property against each later visible one of the same name; the earlier is reported. */
    static void duplicatePropertyNames(CheckContext ctx, LiveNode node) {
        List<LiveProperty> props = node.properties;
        if (props.size() < 2) {
            return;
        }
        Map<String, List<Integer>> byName = groupDuplicates(props.size(),
                i -> props.get(i).deleted ? null : props.get(i).name);
        if (byName.isEmpty()) {
            return;
        }
        for (int i = 0; i < props.size(); i++) {
            LiveProperty a = props.get(i);
            List<Integer> same = a.deleted ? null : byName.get(a.name);
            if (same == null) {
                continue;
            }
            for (int j : same) {
                if (j > i) {
                    ctx.failProp(node, a, "Duplicate property name");
                }
            }
        }
    }

    /** Indexes by name, keeping only names that occur more than once (null names are skipped). */
    private static Map<String, List<Integer>> groupDuplicates(int size, java.util.function.IntFunction<String> name) {
        if (size <= 16 && !anySame(size, name)) {
            return Map.of();
        }
        Map<String, List<Integer>> all = new HashMap<>();
        boolean any = false;
        for (int i = 0; i < size; i++) {
            String n = name.apply(i);
            if (n == null) {
                continue;
            }
            List<Integer> l = all.computeIfAbsent(n, k -> new ArrayList<>(1));
            l.add(i);
            any |= l.size() > 1;
        }
        if (!any) {
            return Map.of();
        }
        all.values().removeIf(l -> l.size() < 2);
        return all;
    }

    private static boolean anySame(int size, java.util.function.IntFunction<String> name) {
        for (int i = 0; i < size; i++) {
            String a = name.apply(i);
            for (int j = i + 1; a != null && j < size; j++) {
                if (a.equals(name.apply(j))) {
                    return true;
                }
            }
        }
        return false;
    }

    static void nodeNameChars(CheckContext ctx, LiveNode node) {
        int n = PropertyValues.span(node.name, NODE_SET);
        if (n < node.name.length()) {
            ctx.fail(node, "Bad character '" + node.name.charAt(n) + "' in node name");
        }
    }

    static void nodeNameCharsStrict(CheckContext ctx, LiveNode node) {
        int n = PropertyValues.span(node.name, STRICT_SET);
        if (n < CheckContext.baseNameLength(node)) {
            ctx.fail(node, "Character '" + node.name.charAt(n) + "' not recommended in node name");
        }
    }

    static void nodeNameFormat(CheckContext ctx, LiveNode node) {
        if (CheckContext.unitName(node).indexOf('@') >= 0) {
            ctx.fail(node, "multiple '@' characters in node name");
        }
    }

    static void nodeNameVsPropertyName(CheckContext ctx, LiveNode node) {
        if (node.parent != null && LiveTree.property(node.parent, node.name) != null) {
            ctx.fail(node, "node name and property name conflict");
        }
    }

    static void propertyNameChars(CheckContext ctx, LiveNode node) {
        for (LiveProperty p : node.properties) {
            if (p.deleted) {
                continue;
            }
            int n = PropertyValues.span(p.name, PROP_SET);
            if (n < p.name.length()) {
                ctx.failProp(node, p, "Bad character '" + p.name.charAt(n) + "' in property name");
            }
        }
    }

    static void propertyNameCharsStrict(CheckContext ctx, LiveNode node) {
        for (LiveProperty p : node.properties) {
            if (p.deleted) {
                continue;
            }
            String name = p.name;
            int n = PropertyValues.span(name, STRICT_SET);
            if (n == name.length() || name.equals("device_type")) {
                continue;
            }
            // '#' may start the name, or follow the vendor prefix.
            if (name.charAt(n) == '#' && (n == 0 || name.charAt(n - 1) == ',')) {
                name = name.substring(n + 1);
                n = PropertyValues.span(name, STRICT_SET);
            }
            if (n < name.length()) {
                ctx.failProp(node, p, "Character '" + name.charAt(n) + "' not recommended in property name");
            }
        }
    }

    /**
     * The first "name" property in the raw list (deleted ones too, as in dtc): one that spells the base name
     * is redundant and dropped from the tree; any other value is an error.
     */
    static void nameProperties(CheckContext ctx, LiveNode node) {
        int at = -1;
        for (int i = 0; i < node.properties.size(); i++) {
            if (node.properties.get(i).name.equals("name")) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            return;
        }
        LiveProperty p = node.properties.get(at);
        byte[] base = CheckContext.baseName(node).getBytes(StandardCharsets.UTF_8);
        boolean same = p.value.length() == base.length + 1;
        for (int i = 0; same && i < base.length; i++) {
            same = p.value.array()[i] == base[i];
        }
        if (!same) {
            ctx.fail(node, "\"name\" property is incorrect (\"" + PropertyValues.cString(p)
                    + "\" instead of base node name)");
        } else {
            node.properties.remove(at);
        }
    }
}
