package org.domus.fdt.internal.source;

/** dtc's checks on the form of well-known property values: strings, string lists, single cells, /chosen, /aliases. */
final class CheckValues {
    private static final boolean[] ALIAS_NAME_SET = PropertyValues.charSet(CheckNames.LOWERCASE + CheckNames.DIGITS + "-");

    private CheckValues() {
    }

    static Check.NodeFn isString(String propName) {
        return (ctx, node) -> isString(ctx, node, propName);
    }

    static void isString(CheckContext ctx, LiveNode node, String propName) {
        LiveProperty p = LiveTree.property(node, propName);
        if (p != null && !PropertyValues.isOneString(p)) {
            ctx.failProp(node, p, "property is not a string");
        }
    }

    static Check.NodeFn isStringList(String propName) {
        return (ctx, node) -> isStringList(ctx, node, propName);
    }

    static void isStringList(CheckContext ctx, LiveNode node, String propName) {
        LiveProperty p = LiveTree.property(node, propName);
        if (p == null) {
            return;
        }
        byte[] b = p.value.array();
        int rem = p.value.length();
        int at = 0;
        while (rem > 0) {
            int l = 0;
            while (l < rem && b[at + l] != 0) {
                l++;
            }
            if (l == rem) {
                ctx.failProp(node, p, "property is not a string list");
                break;
            }
            rem -= l + 1;
            at += l + 1;
        }
    }

    static Check.NodeFn isCell(String propName) {
        return (ctx, node) -> {
            LiveProperty p = LiveTree.property(node, propName);
            if (p != null && p.value.length() != 4) {
                ctx.failProp(node, p, "property is not a single cell");
            }
        };
    }

    static void namesIsStringList(CheckContext ctx, LiveNode node) {
        for (int i = 0; i < node.properties.size(); i++) {
            LiveProperty p = node.properties.get(i);
            if (!p.deleted && p.name.endsWith("-names")) {
                isStringList(ctx, node, p.name);
            }
        }
    }

    static void aliasPaths(CheckContext ctx, LiveNode node) {
        if (!node.name.equals("aliases")) {
            return;
        }
        for (LiveProperty p : node.properties) {
            if (p.deleted || p.name.equals("phandle") || p.name.equals("linux,phandle")) {
                continue;
            }
            if (p.value.length() == 0 || Refs.lookUpPath(ctx.root, PropertyValues.cString(p)) == null) {
                ctx.failProp(node, p, "aliases property is not a valid node (" + PropertyValues.cString(p) + ")");
                continue;
            }
            if (PropertyValues.span(p.name, ALIAS_NAME_SET) != p.name.length()) {
                ctx.fail(node, "aliases property name must include only lowercase and '-'");
            }
        }
    }

    static void obsoleteChosenInterruptController(CheckContext ctx, LiveNode node) {
        if (node != ctx.root) {
            return;
        }
        LiveNode chosen = Refs.lookUpPath(ctx.root, "/chosen");
        if (chosen == null) {
            return;
        }
        LiveProperty p = LiveTree.property(chosen, "interrupt-controller");
        if (p != null) {
            ctx.failProp(node, p, "/chosen has obsolete \"interrupt-controller\" property");
        }
    }

    static void chosenNodeIsRoot(CheckContext ctx, LiveNode node) {
        if (node.name.equals("chosen") && node.parent != ctx.root) {
            ctx.fail(node, "chosen node must be at root node");
        }
    }

    static void chosenNodeBootargs(CheckContext ctx, LiveNode node) {
        if (!node.name.equals("chosen")) {
            return;
        }
        LiveProperty p = LiveTree.property(node, "bootargs");
        if (p != null) {
            isString(ctx, node, p.name);
        }
    }

    static void chosenNodeStdoutPath(CheckContext ctx, LiveNode node) {
        if (!node.name.equals("chosen")) {
            return;
        }
        LiveProperty p = LiveTree.property(node, "stdout-path");
        if (p == null) {
            p = LiveTree.property(node, "linux,stdout-path");
            if (p == null) {
                return;
            }
            ctx.failProp(node, p, "Use 'stdout-path' instead");
        }
        isString(ctx, node, p.name);
    }
}
