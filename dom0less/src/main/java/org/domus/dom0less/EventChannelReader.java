package org.domus.dom0less;

import java.util.Map;
import java.util.Optional;

import org.domus.fdt.Property;

/**
 * Reads a static event channel ({@code compatible = "xen,evtchn-v1"}): {@code xen,evtchn = <port &remote>}, where
 * the remote node must be another event-channel node whose own {@code xen,evtchn} points back at this one
 * (static-evtchn.c).
 */
final class EventChannelReader {
    static final String COMPATIBLE = "xen,evtchn-v1";
    /** Event channel 0 is reserved in every domain (evtchn_init marks it ECS_RESERVED). */
    static final int RESERVED_PORT = 0;

    private final ReadContext ctx;

    EventChannelReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    Optional<StaticEventChannel> read(Located at) {
        Problems problems = ctx.problems;
        KnownProperties.check(at, KnownProperties.EVTCHN, Map.of(), problems);
        Optional<int[]> value = value(at, true);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        long port = value.get()[0] & 0xffffffffL;
        int remotePhandle = value.get()[1];
        if (port == RESERVED_PORT) {
            problems.add(Rule.EVTCHN_PORT, at.path(), "xen,evtchn port 0 is reserved");
        }
        Optional<Located> remote = ctx.phandles.find(remotePhandle);
        if (remote.isEmpty()) {
            problems.add(Rule.EVTCHN_REMOTE, at.path(), "could not find remote evtchn phandle 0x%x", remotePhandle);
            return Optional.of(new StaticEventChannel(at.path(), (int) port, null));
        }
        Located other = remote.get();
        if (!other.compatibleWith(COMPATIBLE)) {
            problems.add(Rule.EVTCHN_REMOTE, at.path(), "remote %s is not a \"%s\" node", other.path(), COMPATIBLE);
        } else if (!underDomain(other)) {
            problems.add(Rule.EVTCHN_REMOTE, at.path(), "remote %s is not under a xen,domain node or /chosen",
                    other.path());
        } else {
            pointsBack(at, other);
        }
        return Optional.of(new StaticEventChannel(at.path(), (int) port, other.path()));
    }

    private void pointsBack(Located at, Located other) {
        Optional<Integer> mine = Phandles.phandleOf(at.node());
        Optional<int[]> theirs = value(other, false);
        if (mine.isEmpty()) {
            ctx.problems.add(Rule.EVTCHN_NOT_MUTUAL, at.path(),
                    "has no phandle, so its remote %s cannot point back at it", other.path());
        } else if (theirs.isPresent() && theirs.get()[1] != mine.get()) {
            String names = ctx.phandles.find(theirs.get()[1]).map(Located::path)
                    .orElse("phandle 0x%x".formatted(theirs.get()[1]));
            ctx.problems.add(Rule.EVTCHN_NOT_MUTUAL, at.path(),
                    "remote %s does not point back: its xen,evtchn names %s", other.path(), names);
        }
    }

    /** {port, phandle} from a node's xen,evtchn; {@code report}: whether a malformed value is this node's problem. */
    private Optional<int[]> value(Located at, boolean report) {
        Optional<Property> p = at.node().property("xen,evtchn");
        String fault = null;
        if (p.isEmpty()) {
            fault = "missing xen,evtchn property";
        } else if (p.get().length() == 0) {
            fault = "xen,evtchn property should not be empty";
        } else if (p.get().length() != 8) {
            fault = "xen,evtchn must be <port &remote> (2 cells), not %d bytes".formatted(p.get().length());
        }
        if (fault != null) {
            if (report) {
                ctx.problems.add(Rule.EVTCHN_MALFORMED, at.path(), "%s", fault);
            }
            return Optional.empty();
        }
        int[] cells = p.get().cells();
        return Optional.of(new int[] {cells[0], cells[1]});
    }

    private static boolean underDomain(Located node) {
        Located parent = node.parent();
        return parent != null && (parent.compatibleWith("xen,domain") || isChosen(parent));
    }

    static boolean isChosen(Located node) {
        return node.parent() != null && node.parent().parent() == null && node.node().baseName().equals("chosen");
    }
}
