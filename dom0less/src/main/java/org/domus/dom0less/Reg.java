package org.domus.dom0less;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.domus.fdt.Property;

/** One (address, size) pair of a {@code reg}-style property, decoded with the parent's {@link CellSizes}. */
record Reg(long address, long size) {
    /** The last byte, or -1 for an empty region; unsigned. */
    long last() {
        return size == 0 ? -1 : address + size - 1;
    }

    /** "0x2000000-0x2fffffe": the bytes the region covers, both ends included. */
    String range() {
        return "0x%x-0x%x".formatted(address, last());
    }

    /**
     * A module's {@code reg}: Xen panics when it is shorter than one pair ("reg property length is too short")
     * and uses only the first pair; a region that does not fit in 64 bits is refused here rather than truncated.
     */
    static Optional<Reg> module(Property reg, CellSizes cells, String path, Problems problems) {
        if (!cells.valid()) {
            return Optional.empty();
        }
        long need = cells.regBytes();
        if (reg.length() < need || reg.length() % 4 != 0) {
            problems.add(Rule.REG_LENGTH, path,
                    "reg property length is too short: %d bytes, #address-cells %d + #size-cells %d need %d",
                    reg.length(), cells.address(), cells.size(), need);
            return Optional.empty();
        }
        if (reg.length() % need != 0) {
            // Xen would read the first pair and ignore the rest; a ragged length means the cells are miscounted
            problems.add(Rule.REG_LENGTH, path,
                    "reg has %d cells, not a whole number of (address, size) pairs of #address-cells %d + #size-cells %d",
                    reg.length() / 4, cells.address(), cells.size());
            return Optional.empty();
        }
        if (reg.length() > need) {
            problems.add(Rule.REG_EXTRA, path, "reg has %d bytes, one (address, size) pair is %d: only the first is used",
                    reg.length(), need);
        }
        return decode(reg.value(), 0, cells, "reg", path, problems);
    }

    /** Every pair of a list such as {@code xen,static-mem}; a length that is not whole pairs is an error. */
    static List<Reg> list(Property p, CellSizes cells, String path, Problems problems) {
        List<Reg> out = new ArrayList<>();
        if (!cells.valid()) {
            return out;
        }
        long pair = cells.regBytes();
        if (p.length() == 0 || p.length() % pair != 0) {
            problems.add(Rule.REG_LENGTH, path, "%s is %d bytes, not a whole number of %d-byte (address, size) pairs",
                    p.name(), p.length(), pair);
            return out;
        }
        byte[] bytes = p.value();
        for (int at = 0; at < bytes.length; at += (int) pair) {
            decode(bytes, at / 4, cells, p.name(), path, problems).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<Reg> decode(byte[] bytes, int firstCell, CellSizes cells, String name, String path,
                                        Problems problems) {
        OptionalLong address = Values.number(bytes, firstCell, (int) cells.address());
        OptionalLong size = Values.number(bytes, firstCell + (int) cells.address(), (int) cells.size());
        if (address.isEmpty() || size.isEmpty()) {
            problems.add(Rule.REG_RANGE, path, "%s %s does not fit in 64 bits", name, address.isEmpty() ? "address" : "size");
            return Optional.empty();
        }
        Reg r = new Reg(address.getAsLong(), size.getAsLong());
        if (r.size() != 0 && Long.compareUnsigned(r.last(), r.address()) < 0) {
            problems.add(Rule.REG_RANGE, path, "%s 0x%x + 0x%x runs past the end of the 64-bit address space", name,
                    r.address(), r.size());
            return Optional.empty();
        }
        return Optional.of(r);
    }
}
