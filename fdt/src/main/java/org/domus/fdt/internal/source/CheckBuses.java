package org.domus.fdt.internal.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.domus.fdt.internal.source.CheckContext.Bus;

/**
 * dtc's addressing checks: #address-cells/#size-cells, reg and ranges lengths, unit addresses, and the bus
 * bridges (PCI, simple-bus, I2C, SPI) that decide how a child's unit address must look. All warnings; the
 * bus a bridge check assigns is kept in the context for the later checks.
 */
final class CheckBuses {
    private static final int I2C_OWN_SLAVE_ADDRESS = 1 << 30;
    private static final int I2C_TEN_BIT_ADDRESS = 1 << 31;

    private CheckBuses() {
    }

    private static boolean isMultipleOf(int multiple, int divisor) {
        return divisor == 0 ? multiple == 0 : multiple % divisor == 0;
    }

    static void addrSizeCells(CheckContext ctx, LiveNode node) {
        CheckContext.NodeState s = ctx.state(node);
        s.addrCells = -1;
        s.sizeCells = -1;
        LiveProperty p = LiveTree.property(node, "#address-cells");
        if (p != null) {
            s.addrCells = PropertyValues.onlyCell(ctx, node, p);
        }
        p = LiveTree.property(node, "#size-cells");
        if (p != null) {
            s.sizeCells = PropertyValues.onlyCell(ctx, node, p);
        }
    }

    static void regFormat(CheckContext ctx, LiveNode node) {
        LiveProperty p = LiveTree.property(node, "reg");
        if (p == null) {
            return;
        }
        if (node.parent == null) {
            ctx.fail(node, "Root node has a \"reg\" property");
            return;
        }
        if (p.value.length() == 0) {
            ctx.failProp(node, p, "property is empty");
        }
        int addr = ctx.addrCells(node.parent);
        int size = ctx.sizeCells(node.parent);
        int entry = (addr + size) * 4;
        if (!isMultipleOf(p.value.length(), entry)) {
            ctx.failProp(node, p, "property has invalid length (" + p.value.length() + " bytes) (#address-cells == "
                    + addr + ", #size-cells == " + size + ")");
        }
    }

    static Check.NodeFn rangesFormat(String ranges) {
        return (ctx, node) -> {
            LiveProperty p = LiveTree.property(node, ranges);
            if (p == null) {
                return;
            }
            if (node.parent == null) {
                ctx.failProp(node, p, "Root node has a \"" + ranges + "\" property");
                return;
            }
            int pAddr = ctx.addrCells(node.parent);
            int pSize = ctx.sizeCells(node.parent);
            int cAddr = ctx.addrCells(node);
            int cSize = ctx.sizeCells(node);
            int entry = (pAddr + cAddr + cSize) * 4;
            int len = p.value.length();
            if (len == 0) {
                if (pAddr != cAddr) {
                    ctx.failProp(node, p, "empty \"" + ranges + "\" property but its #address-cells (" + cAddr
                            + ") differs from " + ctx.shownPath(node.parent) + " (" + pAddr + ")");
                }
                if (pSize != cSize) {
                    ctx.failProp(node, p, "empty \"" + ranges + "\" property but its #size-cells (" + cSize
                            + ") differs from " + ctx.shownPath(node.parent) + " (" + pSize + ")");
                }
            } else if (!isMultipleOf(len, entry)) {
                ctx.failProp(node, p, "\"" + ranges + "\" property has invalid length (" + len
                        + " bytes) (parent #address-cells == " + pAddr + ", child #address-cells == " + cAddr
                        + ", #size-cells == " + cSize + ")");
            }
        };
    }

    static void unitAddressVsReg(CheckContext ctx, LiveNode node) {
        String unit = CheckContext.unitName(node);
        LiveProperty p = LiveTree.property(node, "reg");
        if (LiveTree.subnode(node, "__overlay__") != null) {
            return; // overlay fragments are exempt
        }
        if (p == null) {
            p = LiveTree.property(node, "ranges");
            if (p != null && p.value.length() == 0) {
                p = null;
            }
        }
        if (p != null) {
            if (unit.isEmpty()) {
                ctx.fail(node, "node has a reg or ranges property, but no unit name");
            }
        } else if (!unit.isEmpty()) {
            ctx.fail(node, "node has a unit name, but no reg or ranges property");
        }
    }

    static void unitAddressFormat(CheckContext ctx, LiveNode node) {
        if (node.parent != null && ctx.bus(node.parent) != null) {
            return;
        }
        String unit = CheckContext.unitName(node);
        if (unit.isEmpty()) {
            return;
        }
        if (unit.startsWith("0x")) {
            ctx.fail(node, "unit name should not have leading \"0x\"");
            unit = unit.substring(2);
        }
        if (unit.length() >= 2 && unit.charAt(0) == '0' && isHexDigit(unit.charAt(1))) {
            ctx.fail(node, "unit name should not have leading 0s");
        }
    }

    private static boolean isHexDigit(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    // ---- PCI ----------------------------------------------------------------------------------------------

    static void pciBridge(CheckContext ctx, LiveNode node) {
        LiveProperty p = LiveTree.property(node, "device_type");
        if (p == null || !PropertyValues.cStringEquals(p, "pci")) {
            return;
        }
        ctx.state(node).bus = Bus.PCI;
        String base = CheckContext.baseName(node);
        if (!base.equals("pci") && !base.equals("pcie")) {
            ctx.fail(node, "node name is not \"pci\" or \"pcie\"");
        }
        if (LiveTree.property(node, "ranges") == null) {
            ctx.fail(node, "missing ranges for PCI bridge (or not a bridge)");
        }
        if (ctx.addrCells(node) != 3) {
            ctx.fail(node, "incorrect #address-cells for PCI bridge");
        }
        if (ctx.sizeCells(node) != 2) {
            ctx.fail(node, "incorrect #size-cells for PCI bridge");
        }
        p = LiveTree.property(node, "bus-range");
        if (p == null) {
            return;
        }
        if (p.value.length() != 8) {
            ctx.failProp(node, p, "value must be 2 cells");
            return;
        }
        int first = PropertyValues.cell(ctx, node, p, 0);
        int last = PropertyValues.cell(ctx, node, p, 1);
        if (Integer.compareUnsigned(first, last) > 0) {
            ctx.failProp(node, p, "1st cell must be less than or equal to 2nd cell");
        }
        if (Integer.compareUnsigned(last, 0xff) > 0) {
            ctx.failProp(node, p, "maximum bus number must be less than 256");
        }
    }

    static void pciDeviceBusNum(CheckContext ctx, LiveNode node) {
        if (node.parent == null || ctx.bus(node.parent) != Bus.PCI) {
            return;
        }
        LiveProperty reg = LiveTree.property(node, "reg");
        if (reg == null) {
            return;
        }
        int busNum = (PropertyValues.cell(ctx, node, reg, 0) & 0x00ff0000) >>> 16;
        LiveProperty range = LiveTree.property(node.parent, "bus-range");
        int min;
        int max;
        if (range == null) {
            min = 0;
            max = 0;
        } else {
            // dtc 1.6.1 reads the first cell for both ends.
            min = PropertyValues.cell(ctx, node, range, 0);
            max = min;
        }
        if (Integer.compareUnsigned(busNum, min) < 0 || Integer.compareUnsigned(busNum, max) > 0) {
            ctx.failProp(node, range, "PCI bus number " + busNum + " out of range, expected (" + min + " - " + max + ")");
        }
    }

    static void pciDeviceReg(CheckContext ctx, LiveNode node) {
        if (node.parent == null || ctx.bus(node.parent) != Bus.PCI) {
            return;
        }
        LiveProperty p = LiveTree.property(node, "reg");
        if (p == null) {
            return;
        }
        if (PropertyValues.cell(ctx, node, p, 1) != 0 || PropertyValues.cell(ctx, node, p, 2) != 0) {
            ctx.failProp(node, p, "PCI reg config space address cells 2 and 3 must be 0");
        }
        int reg = PropertyValues.cell(ctx, node, p, 0);
        int dev = (reg & 0xf800) >>> 11;
        int func = (reg & 0x700) >>> 8;
        if ((reg & 0xff000000) != 0) {
            ctx.failProp(node, p, "PCI reg address is not configuration space");
        }
        if ((reg & 0xff) != 0) {
            ctx.failProp(node, p, "PCI reg config space address register number must be 0");
        }
        String unit = CheckContext.unitName(node);
        if (func == 0 && unit.equals(Integer.toHexString(dev))) {
            return;
        }
        String expected = Integer.toHexString(dev) + "," + Integer.toHexString(func);
        if (unit.equals(expected)) {
            return;
        }
        ctx.fail(node, "PCI unit address format error, expected \"" + expected + "\"");
    }

    // ---- simple-bus ---------------------------------------------------------------------------------------

    static boolean isCompatible(LiveNode node, String compat) {
        LiveProperty p = LiveTree.property(node, "compatible");
        if (p == null) {
            return false;
        }
        byte[] b = p.value.array();
        int len = p.value.length();
        for (int at = 0; at < len; ) {
            int end = at;
            while (end < len && b[end] != 0) {
                end++;
            }
            if (PropertyValues.cString(b, at, len).equals(compat)) {
                return true;
            }
            at = end + 1;
        }
        return false;
    }

    static void simpleBusBridge(CheckContext ctx, LiveNode node) {
        if (isCompatible(node, "simple-bus")) {
            ctx.state(node).bus = Bus.SIMPLE;
        }
    }

    static void simpleBusReg(CheckContext ctx, LiveNode node) {
        if (node.parent == null || ctx.bus(node.parent) != Bus.SIMPLE) {
            return;
        }
        LiveProperty p = LiveTree.property(node, "reg");
        long first = 0;
        if (p == null) {
            p = LiveTree.property(node, "ranges");
            if (p != null && p.value.length() != 0) {
                first = ctx.addrCells(node); // skip the child address
            } else {
                p = null;
            }
        } else if (p.value.length() == 0) {
            p = null; // dtc sees no cells at all
        }
        if (p == null) {
            if (node.parent.parent != null && ctx.bus(node) != Bus.SIMPLE) {
                ctx.fail(node, "missing or empty reg/ranges property");
            }
            return;
        }
        // An unsigned count of cells shifted into a 64-bit value: only the last two cells survive.
        long count = Integer.toUnsignedLong(ctx.addrCells(node.parent));
        long reg = 0;
        for (long i = Math.max(0, count - 2); i < count; i++) {
            reg = reg << 32 | Integer.toUnsignedLong(PropertyValues.cell(ctx, node, p, first + i));
        }
        if (count > 2) {
            PropertyValues.cell(ctx, node, p, first + count - 1); // dtc reads every one of them
        }
        String expected = Long.toHexString(reg);
        if (!CheckContext.unitName(node).equals(expected)) {
            ctx.fail(node, "simple-bus unit address format error, expected \"" + expected + "\"");
        }
    }

    // ---- I2C ----------------------------------------------------------------------------------------------

    static void i2cBusBridge(CheckContext ctx, LiveNode node) {
        String base = CheckContext.baseName(node);
        if (base.equals("i2c-bus") || base.equals("i2c-arb")) {
            ctx.state(node).bus = Bus.I2C;
        } else if (base.equals("i2c")) {
            // dtc 1.6.1 compares a 3-character prefix of each child with "i2c-bus" here, which never matches.
            ctx.state(node).bus = Bus.I2C;
        } else {
            return;
        }
        if (node.children.isEmpty()) {
            return;
        }
        if (ctx.addrCells(node) != 1) {
            ctx.fail(node, "incorrect #address-cells for I2C bus");
        }
        if (ctx.sizeCells(node) != 0) {
            ctx.fail(node, "incorrect #size-cells for I2C bus");
        }
    }

    static void i2cBusReg(CheckContext ctx, LiveNode node) {
        if (node.parent == null || ctx.bus(node.parent) != Bus.I2C) {
            return;
        }
        LiveProperty p = LiveTree.property(node, "reg");
        if (p == null || p.value.length() == 0) {
            ctx.fail(node, "missing or empty reg property");
            return;
        }
        int reg = PropertyValues.cell(ctx, node, p, 0) & ~I2C_OWN_SLAVE_ADDRESS;
        String expected = Integer.toHexString(reg);
        if (!CheckContext.unitName(node).equals(expected)) {
            ctx.fail(node, "I2C bus unit address format error, expected \"" + expected + "\"");
        }
        int i = 0;
        for (int len = p.value.length(); len > 0; len -= 4) {
            reg = PropertyValues.cell(ctx, node, p, i++) & ~I2C_OWN_SLAVE_ADDRESS;
            if ((reg & I2C_TEN_BIT_ADDRESS) != 0 && Integer.compareUnsigned(reg & ~I2C_TEN_BIT_ADDRESS, 0x3ff) > 0) {
                ctx.failProp(node, p, "I2C address must be less than 10-bits, got \"0x" + Integer.toHexString(reg)
                        + "\"");
            } else if (Integer.compareUnsigned(reg, 0x7f) > 0) {
                ctx.failProp(node, p, "I2C address must be less than 7-bits, got \"0x" + Integer.toHexString(reg)
                        + "\". Set I2C_TEN_BIT_ADDRESS for 10 bit addresses or fix the property");
            }
        }
    }

    // ---- SPI ----------------------------------------------------------------------------------------------

    static void spiBusBridge(CheckContext ctx, LiveNode node) {
        int spiAddrCells = 1;
        CheckContext.NodeState s = ctx.state(node);
        if (CheckContext.baseName(node).equals("spi")) {
            s.bus = Bus.SPI;
        } else {
            // A bus whose name is not "spi" is recognised by children with spi-* properties.
            if (ctx.addrCells(node) != 1 || ctx.sizeCells(node) != 0) {
                return;
            }
            search:
            for (LiveNode child : node.children) {
                if (child.deleted) {
                    continue;
                }
                for (LiveProperty p : child.properties) {
                    if (!p.deleted && p.name.startsWith("spi-")) {
                        s.bus = Bus.SPI;
                        break search;
                    }
                }
            }
            if (s.bus == Bus.SPI && LiveTree.property(node, "reg") != null) {
                ctx.fail(node, "node name for SPI buses should be 'spi'");
            }
        }
        if (s.bus != Bus.SPI || node.children.isEmpty()) {
            return;
        }
        if (LiveTree.property(node, "spi-slave") != null) {
            spiAddrCells = 0;
        }
        if (ctx.addrCells(node) != spiAddrCells) {
            ctx.fail(node, "incorrect #address-cells for SPI bus");
        }
        if (ctx.sizeCells(node) != 0) {
            ctx.fail(node, "incorrect #size-cells for SPI bus");
        }
    }

    static void spiBusReg(CheckContext ctx, LiveNode node) {
        if (node.parent == null || ctx.bus(node.parent) != Bus.SPI) {
            return;
        }
        if (LiveTree.property(node.parent, "spi-slave") != null) {
            return;
        }
        LiveProperty p = LiveTree.property(node, "reg");
        if (p == null || p.value.length() == 0) {
            ctx.fail(node, "missing or empty reg property");
            return;
        }
        String expected = Integer.toHexString(PropertyValues.cell(ctx, node, p, 0));
        if (!CheckContext.unitName(node).equals(expected)) {
            ctx.fail(node, "SPI bus unit address format error, expected \"" + expected + "\"");
        }
    }

    // ---- style --------------------------------------------------------------------------------------------

    static void avoidDefaultAddrSize(CheckContext ctx, LiveNode node) {
        if (node.parent == null) {
            return;
        }
        if (LiveTree.property(node, "reg") == null && LiveTree.property(node, "ranges") == null) {
            return;
        }
        if (ctx.state(node.parent).addrCells == -1) {
            ctx.fail(node, "Relying on default #address-cells value");
        }
        if (ctx.state(node.parent).sizeCells == -1) {
            ctx.fail(node, "Relying on default #size-cells value");
        }
    }

    static void avoidUnnecessaryAddrSize(CheckContext ctx, LiveNode node) {
        CheckContext.NodeState s = ctx.state(node);
        if (node.parent == null || s.addrCells < 0 || s.sizeCells < 0) {
            return;
        }
        if (LiveTree.property(node, "ranges") != null || node.children.isEmpty()) {
            return;
        }
        for (LiveNode child : node.children) {
            if (!child.deleted && LiveTree.property(child, "reg") != null) {
                return;
            }
        }
        ctx.fail(node, "unnecessary #address-cells/#size-cells without \"ranges\" or child \"reg\" property");
    }

    static Check.NodeFn uniqueUnitAddress(boolean onlyEnabled) {
        return (ctx, node) -> uniqueUnitAddress(ctx, node, onlyEnabled);
    }

    /** Each child against every earlier sibling with the same unit address; the earlier one is reported. */
    private static void uniqueUnitAddress(CheckContext ctx, LiveNode node, boolean onlyEnabled) {
        CheckContext.NodeState s = ctx.state(node);
        if (s.addrCells < 0 || s.sizeCells < 0 || node.children.isEmpty()) {
            return;
        }
        if (node.children.size() == 1) {
            return;
        }
        Map<String, List<LiveNode>> earlier = new HashMap<>();
        for (LiveNode a : node.children) {
            if (a.deleted) {
                continue;
            }
            String unit = CheckContext.unitName(a);
            if (unit.isEmpty() || onlyEnabled && isDisabled(ctx, a)) {
                continue;
            }
            List<LiveNode> same = earlier.computeIfAbsent(unit, k -> new ArrayList<>(1));
            for (LiveNode b : same) {
                ctx.fail(b, "duplicate unit-address (also used in node " + ctx.shownPath(a) + ")");
            }
            same.add(a);
        }
    }

    private static boolean isDisabled(CheckContext ctx, LiveNode node) {
        LiveProperty p = LiveTree.property(node, "status");
        if (p == null) {
            return false;
        }
        if (p.value.length() == 0) {
            throw ctx.abort(node, p, "strcmp on an empty value: segmentation fault");
        }
        return PropertyValues.cString(p).equals("disabled");
    }
}
