package org.domus.uboot;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.domus.fdt.Fdt;
import org.domus.fdt.FdtException;
import org.domus.fdt.Node;
import org.domus.fdt.Property;

/**
 * U-Boot's {@code fdt} command on the working device tree, which lives in board memory at the address
 * {@code fdt addr} gave: every edit is written back there, so {@code bootm} finds the edited tree. Sub-commands
 * match by their first letters as U-Boot matches them ({@code mknod}, {@code mknode} and {@code mk} are one).
 *
 * <p>The blob has the room its header's {@code totalsize} gives it and no more: an edit that needs more fails as
 * libfdt's does ({@code FDT_ERR_NOSPACE}), which is why scripts run {@code fdt resize} first; {@code resize} adds
 * room by U-Boot's own arithmetic (the used size, 5 reserve-map entries, the extra asked for, rounded up to the
 * next 4 KiB boundary of memory).
 */
final class FdtCommand {
    private static final int HEADER = 40;
    private static final int RESERVE_ENTRY = 16;
    private static final int PAGE = 0x1000;

    private final Replay replay;
    private long address = -1;
    private Fdt tree;
    /** The blob's totalsize: what edits may grow it to. */
    private long capacity;
    private BoardMemory.Load load;

    FdtCommand(Replay replay) {
        this.replay = replay;
    }

    void run(List<String> a) throws CommandError {
        if (a.isEmpty()) {
            throw new CommandError("usage: fdt addr|resize|print|list|set|mknode|rm|get|header|move|chosen ...");
        }
        String sub = a.getFirst();
        List<String> args = a.subList(1, a.size());
        if (sub.startsWith("ad")) {
            addr(args);
        } else if (sub.startsWith("mo")) {
            move(args);
        } else if (sub.startsWith("re")) {
            resize(args);
        } else if (sub.startsWith("mk")) {
            mknode(args);
        } else if (sub.startsWith("se")) {
            set(args);
        } else if (sub.startsWith("ge")) {
            get(args);
        } else if (sub.startsWith("p") || sub.startsWith("l")) {
            print(args, sub.startsWith("l"));
        } else if (sub.startsWith("rm")) {
            rm(args);
        } else if (sub.startsWith("h")) {
            header();
        } else if (sub.startsWith("ch")) {
            chosen(args);
        } else if (sub.startsWith("ap")) {
            apply(args);
        } else {
            throw new CommandError("fdt %s is not supported (addr, resize, print, list, set, mknode, rm, get, header, move, chosen, apply are)".formatted(sub));
        }
    }

    /** The working tree and its address, or null before {@code fdt addr}. */
    Fdt tree() {
        return tree;
    }

    long address() {
        return address;
    }

    // ---- sub-commands ----

    private void addr(List<String> a) throws CommandError {
        List<String> args = a.stream().filter(s -> !s.equals("-c")).toList();
        if (args.size() != a.size()) {
            throw new CommandError("fdt addr -c (U-Boot's own control tree) has no meaning here");
        }
        if (args.isEmpty()) {
            if (tree == null) {
                throw new CommandError("no working device tree yet (fdt addr ADDR sets one)");
            }
            replay.options.listener().print("The address of the fdt is %s".formatted(Long.toHexString(address)));
            return;
        }
        long at = Numbers.hex(args.getFirst(), "address");
        Fdt read = read(replay, at, "fdt addr");
        long total = totalSize(replay, at);
        if (args.size() > 1) {
            long length = Numbers.hex(args.get(1), "length");
            if (length < total) {
                throw new CommandError("new length 0x%x is less than the tree's 0x%x".formatted(length, total));
            }
            total = length;
        }
        address = at;
        tree = read;
        capacity = total;
        load = replay.memory.loadAt(at).orElse(null);
        replay.setEnv("fdtaddr", Long.toHexString(at));
        if (args.size() > 1) {
            store();
        }
    }

    private void move(List<String> a) throws CommandError {
        if (a.size() < 2 || a.size() > 3) {
            throw new CommandError("usage: fdt move SOURCE TARGET [LENGTH]");
        }
        long from = Numbers.hex(a.get(0), "address");
        long to = Numbers.hex(a.get(1), "address");
        Fdt read = read(replay, from, "fdt move");
        long total = totalSize(replay, from);
        long length = a.size() == 3 ? Numbers.hex(a.get(2), "length") : total;
        if (length < total) {
            throw new CommandError("new length 0x%x is less than the tree's 0x%x".formatted(length, total));
        }
        address = to;
        tree = read;
        capacity = length;
        load = null;
        replay.setEnv("fdtaddr", Long.toHexString(to));
        store();
    }

    /** U-Boot's fdt_shrink_to_minimum: used size + 5 reserve entries + extra, up to the next 4 KiB of memory. */
    private void resize(List<String> a) throws CommandError {
        working();
        long extra = a.isEmpty() ? 0 : Numbers.hex(a.getFirst(), "size");
        if (Long.compareUnsigned(extra, 0xffffffffL) > 0) {
            // U-Boot takes it as a 32-bit uint and sets the blob's 32-bit totalsize from it: the sum would wrap
            throw new CommandError("0x%s is more than a device tree's 32-bit totalsize can hold".formatted(Long.toHexString(extra)));
        }
        long used = tree.toDtb().length + 5L * RESERVE_ENTRY;
        long offset = address & (PAGE - 1);
        long size = ((used + extra + offset + PAGE - 1) & ~(long) (PAGE - 1)) - offset;
        if (size > 0xffffffffL) {
            throw new CommandError("the tree would be 0x%x bytes, more than a device tree's 32-bit totalsize can hold".formatted(size));
        }
        capacity = size;
        store();
    }

    private void mknode(List<String> a) throws CommandError {
        if (a.size() != 2) {
            throw new CommandError("usage: fdt mknode PATH NAME");
        }
        working();
        String parent = a.get(0);
        String name = a.get(1);
        if (name.isEmpty() || name.contains("/")) {
            throw new CommandError("'%s' is not a node name".formatted(name));
        }
        edit(parent, n -> n.withChild(new Node(name, List.of(), List.of())), "fdt_add_subnode");
    }

    private void set(List<String> a) throws CommandError {
        if (a.size() < 2) {
            throw new CommandError("usage: fdt set PATH PROPERTY [VALUE...]");
        }
        working();
        byte[] value = a.size() == 2 ? new byte[0] : PropertyValue.parse(a.subList(2, a.size()));
        Property p = new Property(a.get(1), value);
        edit(a.getFirst(), n -> n.withProperty(p), "fdt_setprop");
    }

    private void rm(List<String> a) throws CommandError {
        if (a.isEmpty() || a.size() > 2) {
            throw new CommandError("usage: fdt rm PATH [PROPERTY]");
        }
        working();
        String path = a.getFirst();
        if (a.size() == 2) {
            Node node = node(path);
            if (node.property(a.get(1)).isEmpty()) {
                throw new CommandError("%s has no property %s (U-Boot: \"libfdt fdt_delprop(): FDT_ERR_NOTFOUND\")".formatted(path, a.get(1)));
            }
            edit(path, n -> n.withoutProperty(a.get(1)), "fdt_delprop");
            return;
        }
        node(path);
        try {
            tree = tree.remove(path);
        } catch (IllegalArgumentException e) {
            throw new CommandError(e.getMessage());
        }
        store();
    }

    private void get(List<String> a) throws CommandError {
        working();
        if (a.size() < 3) {
            throw new CommandError("usage: fdt get value|name|addr|size VAR PATH ...");
        }
        String what = a.get(0);
        String var = a.get(1);
        Node node = node(a.get(2));
        switch (what) {
            case "value" -> {
                if (a.size() < 4) {
                    throw new CommandError("usage: fdt get value VAR PATH PROPERTY [INDEX]");
                }
                Property p = property(node, a.get(2), a.get(3));
                int index = a.size() > 4 ? (int) Numbers.hex(a.get(4), "index") : -1;
                replay.setEnv(var, PropertyValue.forEnv(p, index));
            }
            case "name" -> {
                if (a.size() != 4) {
                    throw new CommandError("usage: fdt get name VAR PATH INDEX");
                }
                int index = (int) Numbers.hex(a.get(3), "index");
                if (index >= node.children().size()) {
                    throw new CommandError("%s has %d children: no child %d".formatted(a.get(2), node.children().size(), index));
                }
                replay.setEnv(var, node.children().get(index).name());
            }
            case "size" -> replay.setEnv(var, Long.toHexString(a.size() > 3
                    ? property(node, a.get(2), a.get(3)).length() : node.children().size()));
            case "addr" -> throw new CommandError("fdt get addr (a pointer into U-Boot's memory) is not supported");
            default -> throw new CommandError("fdt get %s is not supported (value, name, size are)".formatted(what));
        }
    }

    private void print(List<String> a, boolean list) throws CommandError {
        working();
        String path = a.isEmpty() ? "/" : a.getFirst();
        Node node = node(path);
        String text;
        if (a.size() > 1) {
            Property p = property(node, path, a.get(1));
            text = p.length() == 0 ? p.name() + ";" : p.name() + " = " + p.toDtsValue() + ";";
        } else if (list) {
            Node shallow = new Node(node.name(), node.properties(),
                    node.children().stream().map(c -> new Node(c.name(), List.of(), List.of())).toList());
            text = shallow.toDts();
        } else {
            text = node.toDts();
        }
        text.lines().forEach(replay.options.listener()::print);
    }

    private void header() throws CommandError {
        working();
        byte[] blob = replay.bytes(address, HEADER);
        String[] names = {"magic", "totalsize", "off_dt_struct", "off_dt_strings", "off_mem_rsvmap", "version",
            "last_comp_version", "boot_cpuid_phys", "size_dt_strings", "size_dt_struct"};
        for (int i = 0; i < names.length; i++) {
            long v = Integer.toUnsignedLong(MemorySegment.ofArray(blob).get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED
                    .withOrder(java.nio.ByteOrder.BIG_ENDIAN), i * 4L));
            replay.options.listener().print("%-20s0x%x (%d)".formatted(names[i], v, v));
        }
    }

    /** {@code fdt apply ADDR}: the overlay blob at ADDR merged into the working tree, as libfdt merges it. */
    private void apply(List<String> a) throws CommandError {
        if (a.size() != 1) {
            throw new CommandError("usage: fdt apply ADDR");
        }
        working();
        long at = Numbers.hex(a.getFirst(), "address");
        Fdt overlay = read(replay, at, "fdt apply");
        try {
            tree = tree.applyOverlay(overlay);
        } catch (IllegalArgumentException e) {
            throw new CommandError("the overlay at %s does not apply: %s (U-Boot: \"failed on fdt_overlay_apply()\")"
                    .formatted(Hex.of(at), e.getMessage()));
        }
        store();
    }

    /** {@code fdt chosen [START END]}: /chosen bootargs from the environment, and the initrd when given. */
    private void chosen(List<String> a) throws CommandError {
        working();
        if (a.size() == 1 || a.size() > 2) {
            throw new CommandError("usage: fdt chosen [INITRD_START INITRD_END]");
        }
        Fdt edited = Chosen.apply(tree, replay.env("bootargs"), a.isEmpty() ? -1 : Numbers.hex(a.get(0), "address"),
                a.isEmpty() ? -1 : Numbers.hex(a.get(1), "address"));
        tree = edited;
        store();
    }

    // ---- helpers ----

    private void working() throws CommandError {
        if (tree == null) {
            throw new CommandError("no working device tree: run fdt addr ADDR first (U-Boot: \"No FDT memory address configured\")");
        }
    }

    private Node node(String path) throws CommandError {
        if (!path.startsWith("/")) {
            throw new CommandError("'%s' is not a path from / (aliases are not looked up)".formatted(path));
        }
        return tree.node(path).orElseThrow(() -> new CommandError(
                "no node %s (U-Boot: \"libfdt fdt_path_offset() returned FDT_ERR_NOTFOUND\")".formatted(path)));
    }

    private static Property property(Node node, String path, String name) throws CommandError {
        return node.property(name).orElseThrow(() -> new CommandError(
                "%s has no property %s (U-Boot: \"libfdt fdt_getprop(): FDT_ERR_NOTFOUND\")".formatted(path, name)));
    }

    private interface Change {
        Node apply(Node n);
    }

    private void edit(String path, Change change, String libfdtCall) throws CommandError {
        node(path);
        try {
            tree = tree.edit(path, change::apply);
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            if (msg.endsWith("already exists")) {
                throw new CommandError("%s: %s (U-Boot: \"libfdt %s(): FDT_ERR_EXISTS\")".formatted(path, msg, libfdtCall));
            }
            throw new CommandError(msg);
        }
        store();
    }

    /** Writes the tree back to memory, refusing it when it outgrew the blob's room as libfdt would. */
    private void store() throws CommandError {
        byte[] blob = tree.toDtb();
        if (blob.length > capacity) {
            throw new CommandError(("the tree at %s has 0x%x bytes of room and now needs 0x%x (U-Boot: \"FDT_ERR_NOSPACE\"; "
                    + "fdt resize makes room)").formatted(Hex.of(address), capacity, blob.length));
        }
        byte[] padded = java.util.Arrays.copyOf(blob, (int) capacity);
        // totalsize is the room, not the used size, as libfdt keeps it
        padded[4] = (byte) (capacity >>> 24);
        padded[5] = (byte) (capacity >>> 16);
        padded[6] = (byte) (capacity >>> 8);
        padded[7] = (byte) capacity;
        try {
            int before = replay.memory.overwrites().size();
            String name = load != null ? load.name() : "device tree";
            load = replay.memory.write(address, MemorySegment.ofArray(padded), "device tree " + name + " (edited by fdt)", name, load);
            replay.noteOverwrites(before);
        } catch (MemoryException e) {
            throw new CommandError(e.getMessage());
        }
    }

    /** The device tree at {@code at}, checked as libfdt checks a header, with what is there when it is not one. */
    static Fdt read(Replay replay, long at, String what) throws CommandError {
        BoardMemory memory = replay.memory;
        if (memory.unwritten(at, 4)) {
            throw new CommandError("no device tree at %s: nothing was loaded there".formatted(Hex.of(at)));
        }
        long magic = Integer.toUnsignedLong(MemorySegment.ofArray(replay.bytes(at, 4))
                .get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 0));
        if (magic != (Fdt.MAGIC & 0xffffffffL)) {
            throw new CommandError("no device tree at %s: magic 0x%08x, not 0xd00dfeed (%s; U-Boot: \"FDT_ERR_BADMAGIC\")%s"
                    .formatted(Hex.of(at), magic, memory.describe(at, 4), overwritten(memory, at)));
        }
        long total = totalSize(replay, at);
        byte[] blob = replay.bytes(at, total);
        try {
            return Fdt.fromDtb(blob);
        } catch (FdtException e) {
            throw new CommandError("the device tree at %s is corrupt: %s (%s)%s".formatted(Hex.of(at), e.getMessage(),
                    memory.describe(at, total), overwritten(memory, at)));
        }
    }

    static long totalSize(Replay replay, long at) throws CommandError {
        byte[] h = replay.bytes(at, 8);
        long total = Integer.toUnsignedLong(MemorySegment.ofArray(h)
                .get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 4));
        if (total < HEADER || total > (64L << 20)) {
            throw new CommandError("the device tree at %s has a totalsize of 0x%x, which cannot be right".formatted(Hex.of(at), total));
        }
        return total;
    }

    /** "; tftpb xen.dtb at … was overwritten by …" when an earlier load at {@code at} was overwritten. */
    private static String overwritten(BoardMemory memory, long at) {
        StringBuilder s = new StringBuilder();
        for (BoardMemory.Overwrite o : memory.overwrites()) {
            if (Long.compareUnsigned(o.from(), at + 4) < 0 && Long.compareUnsigned(at, o.to()) < 0) {
                s.append("; ").append(o);
            }
        }
        return s.toString();
    }
}
