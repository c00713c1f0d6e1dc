package org.domus.fdt.internal.blob;

import static org.domus.fdt.internal.blob.Format.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

import org.domus.fdt.DtbException;
import org.domus.fdt.Node;
import org.domus.fdt.Property;

/**
 * Turns the structure block into the root {@link Node}. The tree is built with an explicit stack, so any
 * nesting depth that fits in the blob is read without recursion.
 */
final class StructureParser {
    private static final int MAX_PATH_IN_MESSAGE = 200;

    private final BlobReader in;
    private final StringsBlock strings;
    private final boolean legacy;
    private final Deque<OpenNode> open = new ArrayDeque<>();

    /** A node whose FDT_END_NODE has not been seen yet; {@code path} is kept only for legacy full-path names. */
    private record OpenNode(String name, String path, List<Property> properties, List<Node> children) {
        OpenNode(String name, String path) {
            this(name, path, new ArrayList<>(), new ArrayList<>());
        }
    }

    private StructureParser(byte[] blob, Header header) {
        this.in = new BlobReader(blob, header.structStart(), header.structEnd(), "structure block");
        this.strings = new StringsBlock(blob, header.stringsStart(), header.stringsEnd());
        this.legacy = header.legacy();
    }

    static Node parse(byte[] blob, Header header) throws DtbException {
        return new StructureParser(blob, header).root();
    }

    private Node root() throws DtbException {
        int at = in.pos();
        int token = token();
        if (token != FDT_BEGIN_NODE) {
            throw new DtbException(at, "structure block starts with token 0x%08x instead of FDT_BEGIN_NODE".formatted(token));
        }
        beginNode();
        Node root = null;
        while (root == null) {
            at = in.pos();
            token = token();
            switch (token) {
                case FDT_BEGIN_NODE -> beginNode();
                case FDT_PROP -> open.peek().properties().add(property(at));
                case FDT_NOP -> { }
                case FDT_END_NODE -> {
                    OpenNode done = open.pop();
                    if (legacy) {
                        dropGeneratedNameProperty(done);
                    }
                    Node node = new Node(done.name(), done.properties(), done.children());
                    if (open.isEmpty()) {
                        root = node;
                    } else {
                        open.peek().children().add(node);
                    }
                }
                case FDT_END -> throw new DtbException(at, "FDT_END inside node %s: %d node(s) not closed"
                        .formatted(openPath(), open.size()));
                default -> throw unknownToken(at, token);
            }
        }
        afterRoot();
        return root;
    }

    /** Only NOPs may separate the root's FDT_END_NODE from FDT_END. */
    private void afterRoot() throws DtbException {
        while (true) {
            int at = in.pos();
            int token = token();
            switch (token) {
                case FDT_END -> {
                    return;
                }
                case FDT_NOP -> { }
                case FDT_BEGIN_NODE -> throw new DtbException(at, "second root node: FDT_BEGIN_NODE after the root node closed");
                case FDT_END_NODE -> throw new DtbException(at, "FDT_END_NODE without a matching FDT_BEGIN_NODE");
                case FDT_PROP -> throw new DtbException(at, "FDT_PROP outside any node, after the root node closed");
                default -> throw unknownToken(at, token);
            }
        }
    }

    private int token() throws DtbException {
        if (in.remaining() < 4) {
            String where = open.isEmpty() ? "" : " inside node " + openPath();
            throw new DtbException(in.pos(), "structure block ends at 0x%x%s without FDT_END".formatted(in.end(), where));
        }
        return in.u32("token");
    }

    private void beginNode() throws DtbException {
        int at = in.pos();
        String flatName = in.cString("node name");
        in.align(4, "node name");
        if (!legacy) {
            open.push(new OpenNode(flatName, null));
            return;
        }
        // Versions 1 to 3 store each node's full path; the node's own name is the last component.
        if (open.isEmpty()) {
            if (!flatName.equals("/")) {
                throw new DtbException(at, "root node path is \"%s\", expected \"/\"".formatted(Names.brief(flatName)));
            }
            open.push(new OpenNode("", flatName));
            return;
        }
        String parent = open.peek().path();
        String prefix = parent.equals("/") ? parent : parent + "/";
        String name = flatName.startsWith(prefix) ? flatName.substring(prefix.length()) : "";
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            throw new DtbException(at, "node path \"%s\" does not name a child of \"%s\""
                    .formatted(Names.brief(flatName), Names.brief(parent)));
        }
        open.push(new OpenNode(name, flatName));
    }

    private Property property(int at) throws DtbException {
        in.require(8, "property header");
        long length = in.u32("property length") & 0xffffffffL;
        int nameAt = in.pos();
        long nameOffset = in.u32("property name offset") & 0xffffffffL;
        String name = strings.name(nameOffset, nameAt);
        if (legacy && length >= 8) {
            in.align(8, "property header");
        }
        if (length > in.remaining()) {
            throw new DtbException(at + 4, "property %s in %s has length 0x%x, past the end of the structure block at 0x%x"
                    .formatted(Names.brief(name), openPath(), length, in.end()));
        }
        byte[] value = in.bytes(length, "property value");
        in.align(4, "property value");
        return new Property(name, value);
    }

    /**
     * Legacy writers add a "name" property holding the node's base name to every node; it belongs to the
     * format, not to the tree, and dtc drops it again when it reads one back (its name_properties check).
     */
    private static void dropGeneratedNameProperty(OpenNode node) {
        for (Iterator<Property> it = node.properties().iterator(); it.hasNext(); ) {
            Property p = it.next();
            if (p.name().equals("name")) {
                int at = node.name().indexOf('@');
                String base = at < 0 ? node.name() : node.name().substring(0, at);
                byte[] expected = Arrays.copyOf(Names.encode(base, "node"), base.length() + 1);
                if (Arrays.equals(p.value(), expected)) {
                    it.remove();
                }
                return;
            }
        }
    }

    /** The open node's path for messages; only its last components when the nesting is deep. */
    private String openPath() {
        if (open.size() <= 1) {
            return "/";
        }
        StringBuilder path = new StringBuilder();
        for (Iterator<OpenNode> it = open.iterator(); it.hasNext(); ) {
            OpenNode n = it.next();
            if (!it.hasNext()) {
                break; // the root
            }
            if (path.length() > MAX_PATH_IN_MESSAGE) {
                return "/..." + path;
            }
            path.insert(0, Names.brief(n.name())).insert(0, '/');
        }
        return path.toString();
    }

    private static DtbException unknownToken(int at, int token) {
        return new DtbException(at, "unknown token 0x%08x".formatted(token));
    }
}
