package org.domus.dom0less;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.domus.fdt.Property;

/**
 * A domain's Xen properties that mean nothing to a hosted VM (Domus ignores them with a warning) but that Xen checks
 * when it builds the domain and stops the boot over. A tree Domus accepts must boot on Xen too, so a value Xen
 * refuses is an error here, not an ignored property; {@link #refused()} names the properties that were, so that
 * they are not also reported as merely ignored. Releases before a property existed pass over it (sve came with Xen
 * 4.18, trap-unmapped-accesses and xen,sci_type with 4.21), but a tree written with it is meant for one that reads it.
 */
final class XenOnlyProperties {
    /** The largest SVE vector length the architecture allows, in bits (SVE_VL_MAX_BITS). */
    static final long SVE_MAX_BITS = 2048;
    /** SVE vector lengths are whole multiples of this many bits (SVE_VL_MULTIPLE_VAL). */
    static final long SVE_MULTIPLE_BITS = 128;
    /** The values xen,sci_type takes (domu_dt_sci_parse, Xen 4.21 on). */
    static final Set<String> SCI_TYPES = Set.of("none", "scmi_smc");

    private final Located at;
    private final Problems problems;
    private final Set<String> refused = new HashSet<>();
    private final List<long[]> staticMem = new ArrayList<>();

    private XenOnlyProperties(Located at, Problems problems) {
        this.at = at;
        this.problems = problems;
    }

    /**
     * Checks the properties of the domain node {@code at}.
     *
     * @param memoryKib the domain's memory when readable; a missing or malformed one is reported elsewhere
     */
    static XenOnlyProperties check(Located at, CellSizes cells, OptionalLong memoryKib, Problems problems) {
        XenOnlyProperties x = new XenOnlyProperties(at, problems);
        x.staticMemory(cells, memoryKib);
        x.directMap();
        x.sve();
        x.trapUnmappedAccesses();
        x.sciType();
        return x;
    }

    /** The properties whose value Xen refuses (and that were reported as errors). */
    Set<String> refused() {
        return Set.copyOf(refused);
    }

    /** The xen,static-mem banks, {address, size} each, as read (for a plan that wants to show them). */
    List<long[]> staticMem() {
        return List.copyOf(staticMem);
    }

    /**
     * Xen gives a domain with xen,static-mem exactly those banks as its RAM and never allocates the rest: it does not
     * mix static and allocated memory, so the banks must add up to {@code memory}, byte for byte, or the domain is
     * not built (allocate_static_memory / assign_static_memory_11).
     */
    private void staticMemory(CellSizes cells, OptionalLong memoryKib) {
        Optional<Property> p = at.node().property("xen,static-mem");
        if (p.isEmpty()) {
            return;
        }
        List<Reg> banks = Reg.list(p.get(), cells, at.path(), problems);
        banks.forEach(r -> staticMem.add(new long[] {r.address(), r.size()}));
        if (banks.isEmpty() || memoryKib.isEmpty() || memoryKib.getAsLong() >= (1L << 54)) {
            return; // unreadable: already reported
        }
        long total = 0;
        for (Reg r : banks) {
            total += r.size();
            if (Long.compareUnsigned(total, r.size()) < 0) {
                total = -1; // more than 64 bits: cannot equal memory
                break;
            }
        }
        long memoryBytes = memoryKib.getAsLong() << 10;
        if (total != memoryBytes) {
            refused.add("xen,static-mem");
            problems.add(Rule.STATIC_MEM_SIZE, at.path(), "xen,static-mem banks total %s, memory is %s: Xen gives the "
                    + "domain exactly its static banks, never allocated RAM besides, and refuses banks that differ from "
                    + "memory", total == -1 ? "more than 16 EiB" : Sizes.bytes(total), Sizes.kib(memoryKib.getAsLong()));
        }
    }

    /** A direct-mapped domain's guest RAM is its host-physical static banks: without them Xen stops. */
    private void directMap() {
        if (at.node().property("direct-map").isPresent() && at.node().property("xen,static-mem").isEmpty()) {
            refused.add("direct-map");
            problems.add(Rule.DIRECT_MAP, at.path(), "direct-map without xen,static-mem: Xen maps a direct-mapped "
                    + "domain's RAM 1:1 onto its static banks, and refuses the domain without them");
        }
    }

    /**
     * The maximum SVE vector length in bits: empty, or a cell that is negative as a signed 32-bit number, mean the
     * hardware's maximum; 0 means no SVE; any other value must be a multiple of 128 (Xen stops otherwise) and at
     * most 2048 (no hardware has more, and Xen refuses a length above the hardware's).
     */
    private void sve() {
        Optional<Property> p = at.node().property("sve");
        if (p.isEmpty() || p.get().length() == 0) {
            return;
        }
        if (p.get().length() < 4) {
            refused.add("sve");
            problems.add(Rule.SVE, at.path(), "sve is %d byte%s, not a cell: Xen cannot read it and stops",
                    p.get().length(), p.get().length() == 1 ? "" : "s");
            return;
        }
        int bits = (int) Values.cell(p.get().value(), 0);
        if (bits <= 0) {
            return;
        }
        if (bits % SVE_MULTIPLE_BITS != 0) {
            refused.add("sve");
            problems.add(Rule.SVE, at.path(), "sve %d is not a multiple of %d bits: Xen refuses the vector length",
                    bits, SVE_MULTIPLE_BITS);
        } else if (bits > SVE_MAX_BITS) {
            refused.add("sve");
            problems.add(Rule.SVE, at.path(), "sve %d is above %d bits, the longest SVE vector: Xen refuses a length "
                    + "the hardware does not have", bits, SVE_MAX_BITS);
        }
    }

    /** 1 traps a guest's accesses to unmapped addresses, 0 makes them read as all ones; Xen stops on anything else. */
    private void trapUnmappedAccesses() {
        OptionalLong v = at.node().property("trap-unmapped-accesses").map(Values::u32).orElse(OptionalLong.empty());
        if (v.isPresent() && v.getAsLong() > 1) {
            refused.add("trap-unmapped-accesses");
            problems.add(Rule.TRAP_UNMAPPED_ACCESSES, at.path(), "trap-unmapped-accesses is %d: Xen takes only 0 "
                    + "(reads as all ones, writes ignored) or 1 (trap) and stops on anything else", v.getAsLong());
        }
    }

    /** Xen reads xen,sci_type as a string and knows two values; an unreadable or unknown one stops the boot. */
    private void sciType() {
        Optional<Property> p = at.node().property("xen,sci_type");
        if (p.isEmpty()) {
            return;
        }
        byte[] v = p.get().value();
        boolean terminated = false;
        for (byte b : v) {
            terminated |= b == 0;
        }
        if (!terminated) {
            refused.add("xen,sci_type");
            problems.add(Rule.SCI_TYPE, at.path(), "xen,sci_type is %s, not a string: Xen cannot read it and stops",
                    v.length == 0 ? "empty" : "unterminated");
            return;
        }
        String type = p.get().string();
        if (!SCI_TYPES.contains(type)) {
            refused.add("xen,sci_type");
            problems.add(Rule.SCI_TYPE, at.path(), "xen,sci_type \"%s\" is not \"none\" or \"scmi_smc\": Xen refuses "
                    + "an SCI type it does not know and stops", type);
        }
    }
}
