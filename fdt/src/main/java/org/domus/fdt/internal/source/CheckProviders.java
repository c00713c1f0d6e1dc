package org.domus.fdt.internal.source;

import java.util.BitSet;

import org.domus.fdt.internal.source.CheckContext.Bus;

/**
 * dtc's checks of phandle-plus-arguments properties (clocks, gpios, interrupts...) against the
 * #*-cells of the nodes they point at, and of OF graph (port/endpoint) nodes. All warnings, but some of
 * dtc's code paths here assert or loop forever on bad values, which rejects the input.
 */
final class CheckProviders {
    /** A property of phandles with arguments, and the #cells property of the provider that sizes them. */
    record Provider(String propName, String cellName, boolean optional) {
    }

    private CheckProviders() {
    }

    static Check.NodeFn providerCells(Provider provider) {
        return (ctx, node) -> {
            LiveProperty p = LiveTree.property(node, provider.propName());
            if (p != null) {
                phandleArgs(ctx, node, p, provider);
            }
        };
    }

    private static void phandleArgs(CheckContext ctx, LiveNode node, LiveProperty prop, Provider provider) {
        int len = prop.value.length();
        if (len % 4 != 0) {
            ctx.failProp(node, prop, "property size (" + len + ") is invalid, expected multiple of 4");
            return;
        }
        long cells = len / 4;
        BitSet seen = new BitSet();
        int cellsize = 0;
        // "cell" is a C int compared with an unsigned count: a negative one ends the loop.
        for (int cell = 0; cell >= 0 && cell < cells; cell += cellsize + 1) {
            if (seen.get(cell)) {
                throw ctx.abort(node, prop, "a #cells value makes dtc loop forever over " + prop.name);
            }
            seen.set(cell);
            int phandle = PropertyValues.cell(ctx, node, prop, cell);
            // 0 and -1 are placeholders some bindings use to skip an entry.
            if (phandle == 0 || phandle == -1) {
                if (ctx.plugin) {
                    break;
                }
                cellsize = 0;
                continue;
            }
            // dtc checks markers only when the value has any; values written in source always do (dtc 1.6 marks
            // each value's type), a value read from a blob never does.
            if ((prop.pos != null || !prop.value.markers.isEmpty()) && !isPhandleAt(prop, cell * 4)) {
                ctx.failProp(node, prop, "cell " + cell + " is not a phandle reference");
            }
            LiveNode providerNode = ctx.phandles.node(phandle);
            if (providerNode == null) {
                ctx.failProp(node, prop, "Could not get phandle node for (cell " + cell + ")");
                break;
            }
            LiveProperty cellProp = LiveTree.property(providerNode, provider.cellName());
            if (cellProp != null) {
                cellsize = PropertyValues.onlyCell(ctx, providerNode, cellProp);
            } else if (provider.optional()) {
                cellsize = 0;
            } else {
                ctx.fail(node, "Missing property '" + provider.cellName() + "' in node "
                        + ctx.shownPath(providerNode) + " or bad phandle (referred from " + prop.name + "["
                        + cell + "])");
                break;
            }
            // C: unsigned length against a size_t product of an int sum.
            long need = (long) (cell + cellsize + 1) * 4;
            if (Long.compareUnsigned(len, need) < 0) {
                ctx.failProp(node, prop, "property size (" + len + ") too small for cell size " + cellsize);
            }
        }
    }

    private static boolean isPhandleAt(LiveProperty prop, int offset) {
        for (Marker m : prop.value.markers) {
            if (m.kind() == Marker.Kind.REF_PHANDLE && m.offset() == offset) {
                return true;
            }
        }
        return false;
    }

    static boolean isGpio(LiveProperty p) {
        String n = p.name;
        if (n.endsWith(",nr-gpios")) {
            return false;
        }
        return n.endsWith("-gpios") || n.equals("gpios") || n.endsWith("-gpio") || n.equals("gpio");
    }

    static void gpiosProperty(CheckContext ctx, LiveNode node) {
        if (LiveTree.property(node, "gpio-hog") != null) {
            return;
        }
        for (LiveProperty p : node.properties) {
            if (!p.deleted && isGpio(p)) {
                phandleArgs(ctx, node, p, new Provider(p.name, "#gpio-cells", false));
            }
        }
    }

    static void deprecatedGpioProperty(CheckContext ctx, LiveNode node) {
        for (LiveProperty p : node.properties) {
            if (!p.deleted && isGpio(p) && p.name.endsWith("gpio")) {
                ctx.failProp(node, p, "'[*-]gpio' is deprecated, use '[*-]gpios' instead");
            }
        }
    }

    // ---- interrupts ---------------------------------------------------------------------------------------

    static boolean isInterruptProvider(LiveNode node) {
        return LiveTree.property(node, "interrupt-controller") != null
                || LiveTree.property(node, "interrupt-map") != null;
    }

    static void interruptProvider(CheckContext ctx, LiveNode node) {
        if (!isInterruptProvider(node)) {
            return;
        }
        if (LiveTree.property(node, "#interrupt-cells") == null) {
            ctx.fail(node, "Missing #interrupt-cells in interrupt provider");
        }
        if (LiveTree.property(node, "#address-cells") == null) {
            ctx.fail(node, "Missing #address-cells in interrupt provider");
        }
    }

    static void interruptsProperty(CheckContext ctx, LiveNode node) {
        LiveProperty irqProp = LiveTree.property(node, "interrupts");
        if (irqProp == null) {
            return;
        }
        int len = irqProp.value.length();
        if (len % 4 != 0) {
            ctx.failProp(node, irqProp, "size (" + len + ") is invalid, expected multiple of 4");
        }
        LiveNode irqNode = null;
        LiveNode parent = node;
        LiveProperty prop = null;
        while (parent != null && prop == null) {
            if (parent != node && isInterruptProvider(parent)) {
                irqNode = parent;
                break;
            }
            prop = LiveTree.property(parent, "interrupt-parent");
            if (prop != null) {
                int phandle = PropertyValues.onlyCell(ctx, parent, prop);
                if (phandle == 0 || phandle == -1) {
                    if (ctx.plugin) {
                        return; // an overlay's external reference
                    }
                    ctx.failProp(parent, prop, "Invalid phandle");
                    continue; // ends the loop: prop is set
                }
                irqNode = ctx.phandles.node(phandle);
                if (irqNode == null) {
                    ctx.failProp(parent, prop, "Bad phandle");
                    return;
                }
                if (!isInterruptProvider(irqNode)) {
                    ctx.fail(irqNode, "Missing interrupt-controller or interrupt-map property");
                }
                break;
            }
            parent = parent.parent;
        }
        if (irqNode == null) {
            ctx.fail(node, "Missing interrupt-parent");
            return;
        }
        prop = LiveTree.property(irqNode, "#interrupt-cells");
        if (prop == null) {
            return; // interrupt_provider reports that
        }
        int irqCells = PropertyValues.onlyCell(ctx, irqNode, prop);
        int entry = irqCells * 4;
        if (entry == 0 ? len != 0 : len % entry != 0) {
            ctx.failProp(node, prop, "size is (" + len + "), expected multiple of " + entry);
        }
    }

    // ---- OF graph -----------------------------------------------------------------------------------------

    static void graphNodes(CheckContext ctx, LiveNode node) {
        for (LiveNode child : node.children) {
            if (child.deleted) {
                continue;
            }
            if (!CheckContext.baseName(child).equals("endpoint")
                    && LiveTree.property(child, "remote-endpoint") == null) {
                continue;
            }
            ctx.state(node).bus = Bus.GRAPH_PORT;
            if (node.parent == null) {
                throw ctx.abort(node, null, "the root node as a graph port: segmentation fault");
            }
            // The parent of a port is either "ports" or a device.
            if (ctx.bus(node.parent) == null
                    && (node.parent.name.equals("ports") || LiveTree.property(node, "reg") != null)) {
                ctx.state(node.parent).bus = Bus.GRAPH_PORTS;
            }
            break;
        }
    }

    static void graphChildAddress(CheckContext ctx, LiveNode node) {
        Bus bus = ctx.bus(node);
        if (bus != Bus.GRAPH_PORTS && bus != Bus.GRAPH_PORT) {
            return;
        }
        int count = 0;
        for (LiveNode child : node.children) {
            if (child.deleted) {
                continue;
            }
            LiveProperty reg = LiveTree.property(child, "reg");
            if (reg != null && PropertyValues.onlyCell(ctx, child, reg) != 0) {
                return; // a non-zero unit address needs the cells
            }
            count++;
        }
        if (count == 1 && ctx.state(node).addrCells != -1) {
            ctx.fail(node, "graph node has single child node '" + node.children.getFirst().name
                    + "', #address-cells/#size-cells are not necessary");
        }
    }

    private static void graphReg(CheckContext ctx, LiveNode node) {
        LiveProperty p = LiveTree.property(node, "reg");
        if (p == null) {
            return;
        }
        if (p.value.length() != 4) {
            ctx.fail(node, "graph node malformed 'reg' property");
            return;
        }
        String expected = Integer.toHexString(PropertyValues.cell(ctx, node, p, 0));
        if (!CheckContext.unitName(node).equals(expected)) {
            ctx.fail(node, "graph node unit address error, expected \"" + expected + "\"");
        }
        CheckContext.NodeState parent = ctx.state(node.parent);
        if (parent.addrCells != 1) {
            ctx.failProp(node, LiveTree.property(node, "#address-cells"),
                    "graph node '#address-cells' is " + parent.addrCells + ", must be 1");
        }
        if (parent.sizeCells != 0) {
            ctx.failProp(node, LiveTree.property(node, "#size-cells"),
                    "graph node '#size-cells' is " + parent.sizeCells + ", must be 0");
        }
    }

    static void graphPort(CheckContext ctx, LiveNode node) {
        if (ctx.bus(node) != Bus.GRAPH_PORT) {
            return;
        }
        if (!CheckContext.baseName(node).equals("port")) {
            ctx.fail(node, "graph port node name should be 'port'");
        }
        graphReg(ctx, node);
    }

    private static LiveNode remoteEndpoint(CheckContext ctx, LiveNode endpoint) {
        LiveProperty p = LiveTree.property(endpoint, "remote-endpoint");
        if (p == null) {
            return null;
        }
        int phandle = PropertyValues.onlyCell(ctx, endpoint, p);
        if (phandle == 0 || phandle == -1) {
            return null; // an overlay's external reference
        }
        LiveNode n = ctx.phandles.node(phandle);
        if (n == null) {
            ctx.failProp(endpoint, p, "graph phandle is not valid");
        }
        return n;
    }

    static void graphEndpoint(CheckContext ctx, LiveNode node) {
        if (node.parent == null || ctx.bus(node.parent) != Bus.GRAPH_PORT) {
            return;
        }
        if (!CheckContext.baseName(node).equals("endpoint")) {
            ctx.fail(node, "graph endpoint node name should be 'endpoint'");
        }
        graphReg(ctx, node);
        LiveNode remote = remoteEndpoint(ctx, node);
        if (remote == null) {
            return;
        }
        if (remoteEndpoint(ctx, remote) != node) {
            ctx.fail(node, "graph connection to node '" + ctx.shownPath(remote) + "' is not bidirectional");
        }
    }
}
