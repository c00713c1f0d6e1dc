package org.domus.fdt.internal.source;

import java.util.ArrayList;
import java.util.List;

import org.domus.fdt.DtsException;
import org.domus.fdt.Fdt;
import org.domus.fdt.ReserveEntry;

/**
 * Everything dtc 1.6.1 does between parsing and flattening, in its order: the boot CPU guess, the checks
 * (errors reject the tree; fixups fill in phandle and path references, drop redundant "name" properties and
 * unreferenced /omit-if-no-ref/ nodes), {@code __symbols__} for {@code -@}, the fixup trees of a /plugin/,
 * and the conversion to an {@link Fdt}. The live tree is changed in place.
 */
public final class TreeBuilder {
    private TreeBuilder() {
    }

    /** A built tree and dtc's warnings about it (one line each; dtc would print them unless -q). */
    public record Result(Fdt fdt, List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    /** @param symbols dtc's {@code -@}: add {@code /__symbols__}, keep labelled /omit-if-no-ref/ nodes */
    public static Fdt build(DtInfo info, boolean symbols) throws DtsException {
        return compile(info, symbols).fdt();
    }

    /** As {@link #build}, keeping the warnings. */
    public static Result compile(DtInfo info, boolean symbols) throws DtsException {
        if (info.root == null) {
            throw new DtsException((info.fileName == null ? "<stdin>" : info.fileName) + ":1:1: no tree to check");
        }
        try {
            int bootCpuid = guessBootCpuid(info.root);
            CheckContext ctx = new CheckContext(info, symbols);
            if (new Checks.Runner(ctx).runAll()) {
                List<String> errors = new ArrayList<>(ctx.errors);
                if (errors.isEmpty()) {
                    errors.add(ctx.where(null, null) + ": ERROR: Input tree has errors");
                }
                throw new DtsException(errors);
            }
            if (symbols) {
                FixupTrees.symbols(ctx);
            }
            if (info.plugin) {
                FixupTrees.fixups(ctx);
            }
            if (info.root.deleted) {
                // dtc 1.6.1 writes a blob with no root node here, which no reader (dtc included) accepts;
                // an Fdt always has a root, so the source is refused instead.
                throw new DtsException(ctx.where(null, null)
                        + ": ERROR: the root node is deleted, so there is no tree to write");
            }
            List<ReserveEntry> reservations = new ArrayList<>(info.reservations.size());
            for (ReserveInfo r : info.reservations) {
                reservations.add(new ReserveEntry(r.address, r.size));
            }
            return new Result(new Fdt(reservations, bootCpuid, Flattener.flatten(info.root)), ctx.warnings);
        } catch (DtcAbort e) {
            throw new DtsException(e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            throw new DtsException((info.fileName == null ? "<stdin>" : info.fileName)
                    + ": ERROR: internal error while checking the tree: " + e);
        }
    }

    /**
     * dtc's guess: the "reg" of the first child of /cpus (deleted or not, as dtc takes the raw list head)
     * when it is one cell; otherwise 0.
     */
    static int guessBootCpuid(LiveNode root) {
        LiveNode cpus = Refs.lookUpPath(root, "/cpus");
        if (cpus == null || cpus.children.isEmpty()) {
            return 0;
        }
        LiveProperty reg = LiveTree.property(cpus.children.getFirst(), "reg");
        if (reg == null || reg.value.length() != 4) {
            return 0;
        }
        byte[] b = reg.value.array();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
}
