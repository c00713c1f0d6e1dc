package org.domus.fdt.internal.source;

import java.util.ArrayList;
import java.util.List;

import org.domus.fdt.BuildOptions;
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
    public record Result(Fdt fdt, List<String> warnings, org.domus.fdt.SourceLabels labels) {
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
        return compile(info, BuildOptions.symbols(symbols), null);
    }

    /**
     * The tree built as dtc builds it with these options. {@code bootCpuid} is the header's value for a tree read
     * from a blob; null makes dtc's guess from /cpus, as for source. With {@code force}, a tree that fails an
     * error-level check is built anyway and its errors are among the returned messages, in dtc's order.
     */
    public static Result compile(DtInfo info, BuildOptions options, Integer bootCpuid) throws DtsException {
        boolean symbols = options.symbols();
        if (info.root == null) {
            throw new DtsException((info.fileName == null ? "<stdin>" : info.fileName) + ":1:1: no tree to check");
        }
        try {
            int cpu = bootCpuid != null ? bootCpuid : guessBootCpuid(info.root);
            CheckContext ctx = new CheckContext(info, symbols, CheckLevels.of(options.checks()), options.phandles());
            List<String> messages = ctx.messages;
            if (new Checks.Runner(ctx).runAll()) {
                if (!options.force()) {
                    List<String> errors = new ArrayList<>(ctx.errors);
                    if (errors.isEmpty()) {
                        errors.add(ctx.where(null, null) + ": ERROR: Input tree has errors");
                    }
                    throw new DtsException(errors);
                }
                messages.add("Warning: Input tree has errors, output forced");
            }
            if (options.autoAliases()) {
                FixupTrees.aliases(ctx);
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
            org.domus.fdt.SourceLabels labels = new org.domus.fdt.SourceLabels();
            List<ReserveEntry> reservations = new ArrayList<>(info.reservations.size());
            for (ReserveInfo r : info.reservations) {
                ReserveEntry e = new ReserveEntry(r.address, r.size);
                labels.put(e, Flattener.names(r.labels));
                reservations.add(e);
            }
            return new Result(new Fdt(reservations, cpu, Flattener.flatten(info.root, labels)), messages, labels);
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
