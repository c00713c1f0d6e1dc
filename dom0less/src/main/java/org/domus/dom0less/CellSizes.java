package org.domus.dom0less;

import java.util.Optional;
import java.util.OptionalLong;

import org.domus.fdt.Property;

/**
 * The {@code #address-cells}/{@code #size-cells} a node gives its children's {@code reg}. Xen inherits a missing
 * value from the parent, up to the root's defaults 2 and 1 (bootfdt.c, not the DT spec's "2/1 at every level").
 * {@code valid} is false when a value in the chain is unusable; that is reported once, on the node carrying it,
 * and the children's {@code reg} is then left undecoded rather than misread.
 */
record CellSizes(long address, long size, boolean valid) {
    static final long ROOT_ADDRESS_CELLS = 2;
    static final long ROOT_SIZE_CELLS = 1;

    /** The sizes that {@code container} (a domain node, or /chosen for dom0) gives its module sub-nodes. */
    static CellSizes of(Located container, Problems problems) {
        OptionalLong address = OptionalLong.empty();
        OptionalLong size = OptionalLong.empty();
        boolean valid = true;
        for (Located at = container; at != null; at = at.parent()) {
            if (address.isEmpty()) {
                Optional<Property> p = at.node().property("#address-cells");
                if (p.isPresent()) {
                    address = read(p.get(), at, problems);
                    valid &= address.isPresent();
                    address = address.isPresent() ? address : OptionalLong.of(ROOT_ADDRESS_CELLS);
                }
            }
            if (size.isEmpty()) {
                Optional<Property> p = at.node().property("#size-cells");
                if (p.isPresent()) {
                    size = read(p.get(), at, problems);
                    valid &= size.isPresent();
                    size = size.isPresent() ? size : OptionalLong.of(ROOT_SIZE_CELLS);
                }
            }
        }
        return new CellSizes(address.orElse(ROOT_ADDRESS_CELLS), size.orElse(ROOT_SIZE_CELLS), valid);
    }

    long regBytes() {
        return (address + size) * 4;
    }

    private static OptionalLong read(Property p, Located at, Problems problems) {
        OptionalLong v = Values.u32(p);
        boolean firstTime = problems.first(at.path() + " " + p.name());
        if (v.isEmpty()) {
            if (firstTime) {
                problems.add(Rule.ADDRESS_CELLS, at.path(), "%s is %d bytes, needs one cell", p.name(), p.length());
            }
            return OptionalLong.empty();
        }
        if (v.getAsLong() < 1) {
            if (firstTime) {
                problems.add(Rule.ADDRESS_CELLS, at.path(),
                        "%s is 0: module reg needs at least 1 (Xen: \"invalid #address-cells or #size-cells\")",
                        p.name());
            }
            return OptionalLong.empty();
        }
        return v;
    }
}
