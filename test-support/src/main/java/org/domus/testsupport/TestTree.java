package org.domus.testsupport;

import java.util.ArrayList;
import java.util.List;

/**
 * The device-tree source of a test system: the root's cells, any root nodes (a GIC, a board's devices), and under
 * /chosen an optional Domain-0, any other /chosen content, then the domains. One place for the skeleton every
 * end-to-end test system shares, so that a test says only how its domains differ.
 *
 * @param rootNodes nodes at the root, before /chosen, DTS text each
 * @param chosen    /chosen's content before the domains (Domain-0's lines first when there is one), DTS text each
 */
public record TestTree(List<String> rootNodes, List<String> chosen, List<DomainNode> domains) {
    private static final String KERNEL = "\"multiboot,kernel\", \"multiboot,module\"";

    public TestTree {
        rootNodes = List.copyOf(rootNodes);
        chosen = List.copyOf(chosen);
        domains = List.copyOf(domains);
    }

    public static TestTree of(DomainNode... domains) {
        return new TestTree(List.of(), List.of(), List.of(domains));
    }

    public TestTree withRootNode(String node) {
        return new TestTree(append(rootNodes, node), chosen, domains);
    }

    public TestTree withChosen(String text) {
        return new TestTree(rootNodes, append(chosen, text), domains);
    }

    /**
     * With a Domain-0 under /chosen: Xen's and dom0's command lines and dom0's kernel (a file is the node
     * {@code dom0-kernel}, loaded bytes {@code module@ADDRESS}).
     */
    public TestTree withDom0(String xenBootargs, String dom0Bootargs, BootModule kernel) {
        return withChosen("xen,xen-bootargs = \"%s\";\nxen,dom0-bootargs = \"%s\";\n".formatted(xenBootargs, dom0Bootargs)
                + kernel.node("dom0-kernel", KERNEL, null));
    }

    /** A static event channel node ({@code xen,evtchn-v1}): {@code label: node}, its {@code port} joined to {@code peer}'s. */
    public static String evtchn(String label, String node, int port, String peer) {
        return "%s: %s {\n\tcompatible = \"xen,evtchn-v1\";\n\txen,evtchn = <%d &%s>;\n};\n".formatted(label, node, port, peer);
    }

    /** The tree's DTS text. */
    public String source() {
        StringBuilder s = new StringBuilder("/dts-v1/;\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n");
        rootNodes.forEach(n -> s.append(indent(n, 1)));
        s.append("\tchosen {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n");
        chosen.forEach(c -> s.append(indent(c, 2)));
        domains.forEach(d -> s.append(indent(d.source(), 2)));
        return s.append("\t};\n};\n").toString();
    }

    /** {@code text}, its common indentation taken off, each line indented by {@code tabs} tabs. */
    static String indent(String text, int tabs) {
        StringBuilder s = new StringBuilder();
        text.stripIndent().lines().forEach(l -> s.append(l.isBlank() ? "" : "\t".repeat(tabs) + l).append('\n'));
        return s.toString();
    }

    private static List<String> append(List<String> list, String item) {
        List<String> all = new ArrayList<>(list);
        all.add(item);
        return all;
    }
}
