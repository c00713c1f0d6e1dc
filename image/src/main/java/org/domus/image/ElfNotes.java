package org.domus.image;

/**
 * An ELF file's class, machine and Xen notes. A kernel that Xen can start as a PVH guest carries a note
 * named "Xen" of type XEN_ELFNOTE_PHYS32_ENTRY (18, public/elfnote.h) holding its 32-bit physical entry.
 * Notes are searched in PT_NOTE segments first (what a loader sees), then SHT_NOTE sections (for a file
 * whose segments were stripped of them); every offset and size comes from the file and is checked.
 */
final class ElfNotes {
    static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    private static final int PT_NOTE = 4;
    private static final int SHT_NOTE = 7;
    private static final int EM_386 = 3;
    private static final int EM_X86_64 = 62;
    /** Notes looked at in all: a file of 65535 headers all naming one huge note area cannot make this slow. */
    private static final int MAX_NOTES = 100_000;

    private final ByteView b;
    private final boolean is64;
    private final boolean le;
    private int notesSeen;
    private boolean xenNotes;
    private Long entry;         // the PHYS32_ENTRY value, once found (null while not)
    private String foundIn;

    private ElfNotes(ByteView b, boolean is64, boolean le) {
        this.b = b;
        this.is64 = is64;
        this.le = le;
    }

    static ImageInfo probe(ByteView b) {
        int cls = b.has(4, 1) ? b.u8(4) : 0;
        int data = b.has(5, 1) ? b.u8(5) : 0;
        if ((cls != 1 && cls != 2) || (data != 1 && data != 2)) {
            return elf("ELF with an invalid class or byte order (header truncated or corrupt)");
        }
        ElfNotes elf = new ElfNotes(b, cls == 2, data == 1);
        String kind = "ELF%d %s".formatted(cls == 2 ? 64 : 32, data == 1 ? "little-endian" : "big-endian");
        if (!b.has(0, elf.is64 ? 64 : 52)) {
            return elf(kind + ", header truncated (%d bytes)".formatted(b.length()));
        }
        int machine = elf.u16(18);
        kind = "ELF%d %s %s".formatted(cls == 2 ? 64 : 32, machineName(machine), typeName(elf.u16(16)));
        elf.scan();
        boolean x86 = machine == EM_X86_64 || machine == EM_386;
        if (elf.entry != null) {
            String detail = "PVH ELF, %s, PHYS32_ENTRY %s (in %s)".formatted(kind, Fmt.hex(elf.entry), elf.foundIn);
            return new ImageInfo(ImageFormat.PVH_ELF, null, x86 ? Arch.X86_64 : null,
                    x86 ? detail : detail + ": PVH is x86 only");
        }
        String why = elf.xenNotes ? "Xen notes but no PHYS32_ENTRY (a PV-only kernel): not bootable as PVH"
                : "no Xen PVH entry note: not bootable as is";
        return elf(kind + ", " + why + (elf.notesSeen >= MAX_NOTES ? " (stopped after %d notes)".formatted(MAX_NOTES) : ""));
    }

    private static ImageInfo elf(String detail) {
        return new ImageInfo(ImageFormat.ELF, null, null, detail);
    }

    /** Program headers, then section headers; each table entry is read only when wholly inside the file. */
    private void scan() {
        long phoff = is64 ? u64(32) : u32(28);
        int phentsize = u16(is64 ? 54 : 42);
        int phnum = u16(is64 ? 56 : 44);
        for (int i = 0; i < phnum && entry == null && phentsize >= (is64 ? 56 : 32); i++) {
            long ph = phoff + (long) i * phentsize;
            if (phoff < 0 || !b.has(ph, phentsize) || u32(ph) != PT_NOTE) {
                continue;
            }
            long offset = is64 ? u64(ph + 8) : u32(ph + 4);
            long size = is64 ? u64(ph + 32) : u32(ph + 16);
            long align = is64 ? u64(ph + 48) : u32(ph + 28);
            notes(offset, size, align, "PT_NOTE");
        }
        long shoff = is64 ? u64(40) : u32(32);
        int shentsize = u16(is64 ? 58 : 46);
        int shnum = u16(is64 ? 60 : 48);
        for (int i = 0; i < shnum && entry == null && shentsize >= (is64 ? 64 : 40); i++) {
            long sh = shoff + (long) i * shentsize;
            if (shoff < 0 || !b.has(sh, shentsize) || u32(sh + 4) != SHT_NOTE) {
                continue;
            }
            long offset = is64 ? u64(sh + 24) : u32(sh + 16);
            long size = is64 ? u64(sh + 32) : u32(sh + 20);
            long align = is64 ? u64(sh + 48) : u32(sh + 32);
            notes(offset, size, align, "SHT_NOTE");
        }
    }

    /**
     * Walks one note area: namesz, descsz, type, then the name and the descriptor, each padded to the
     * area's alignment (4, or 8 for areas aligned so, as the GNU tools write some 64-bit notes).
     */
    private void notes(long offset, long size, long align, String where) {
        if (!b.has(offset, size)) {
            return;
        }
        long pad = align == 8 ? 8 : 4;
        long at = offset;
        long end = offset + size;
        while (end - at >= 12 && notesSeen < MAX_NOTES) {
            notesSeen++;
            long namesz = u32(at);
            long descsz = u32(at + 4);
            long type = u32(at + 8);
            long name = at + 12;
            long desc = name + roundUp(namesz, pad);
            long next = desc + roundUp(descsz, pad);
            if (desc + descsz > end) {
                return;
            }
            // The name is "Xen" with its NUL (namesz 4); a writer that leaves the NUL out is accepted too.
            if ((namesz == 4 || namesz == 3) && b.latin1(name, 3).equals("Xen") && (namesz == 3 || b.u8(name + 3) == 0)) {
                xenNotes = true;
                if (type == XEN_ELFNOTE_PHYS32_ENTRY && (descsz == 4 || descsz == 8)) {
                    entry = descsz == 4 ? u32(desc) : u64(desc);
                    foundIn = where;
                    return;
                }
            }
            at = next;
        }
    }

    private static long roundUp(long value, long to) {
        return (value + to - 1) / to * to;
    }

    private int u16(long offset) {
        return le ? b.u16le(offset) : b.u16be(offset);
    }

    private long u32(long offset) {
        return le ? b.u32le(offset) : b.u32be(offset);
    }

    private long u64(long offset) {
        return le ? b.u64le(offset) : b.u64be(offset);
    }

    private static String machineName(int machine) {
        return switch (machine) {
            case EM_386 -> "i386";
            case EM_X86_64 -> "x86-64";
            case 183 -> "AArch64";
            case 40 -> "Arm";
            case 243 -> "RISC-V";
            case 8 -> "MIPS";
            case 20 -> "PowerPC";
            case 21 -> "PowerPC64";
            case 22 -> "S/390";
            default -> "machine " + machine;
        };
    }

    private static String typeName(int type) {
        return switch (type) {
            case 1 -> "relocatable";
            case 2 -> "executable";
            case 3 -> "shared object";
            case 4 -> "core dump";
            default -> "type " + type;
        };
    }
}
