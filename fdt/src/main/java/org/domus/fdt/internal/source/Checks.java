package org.domus.fdt.internal.source;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.domus.fdt.internal.source.Check.Level;
import org.domus.fdt.internal.source.CheckProviders.Provider;

/**
 * dtc 1.6.1's check table: every check, registered in one line with its level and prerequisites, then run
 * in dtc's order. As in dtc, a check whose prerequisite did not pass is skipped (and says so), and the run
 * stops after the first check that ends in an error.
 */
final class Checks {
    private Checks() {
    }

    private static Check error(String name, Check.NodeFn fn, Check... prereqs) {
        return new Check(name, Level.ERROR, List.of(prereqs), fn, null);
    }

    private static Check warning(String name, Check.NodeFn fn, Check... prereqs) {
        return new Check(name, Level.WARNING, List.of(prereqs), fn, null);
    }

    private static Check off(String name, Check.NodeFn fn, Check... prereqs) {
        return new Check(name, Level.OFF, List.of(prereqs), fn, null);
    }

    // Structure.
    static final Check DUPLICATE_NODE_NAMES = error("duplicate_node_names", CheckNames::duplicateNodeNames);
    static final Check DUPLICATE_PROPERTY_NAMES = error("duplicate_property_names", CheckNames::duplicatePropertyNames);
    static final Check NODE_NAME_CHARS = error("node_name_chars", CheckNames::nodeNameChars);
    static final Check NODE_NAME_CHARS_STRICT = off("node_name_chars_strict", CheckNames::nodeNameCharsStrict);
    static final Check NODE_NAME_FORMAT = error("node_name_format", CheckNames::nodeNameFormat, NODE_NAME_CHARS);
    static final Check NODE_NAME_VS_PROPERTY_NAME = warning("node_name_vs_property_name",
            CheckNames::nodeNameVsPropertyName, NODE_NAME_CHARS);
    static final Check UNIT_ADDRESS_VS_REG = warning("unit_address_vs_reg", CheckBuses::unitAddressVsReg);
    static final Check PROPERTY_NAME_CHARS = error("property_name_chars", CheckNames::propertyNameChars);
    static final Check PROPERTY_NAME_CHARS_STRICT = off("property_name_chars_strict",
            CheckNames::propertyNameCharsStrict);
    static final Check DUPLICATE_LABEL = error("duplicate_label", CheckFixups::duplicateLabel);
    static final Check EXPLICIT_PHANDLES = error("explicit_phandles", CheckFixups::explicitPhandles);
    static final Check NAME_IS_STRING = error("name_is_string", CheckValues.isString("name"));
    static final Check NAME_PROPERTIES = error("name_properties", CheckNames::nameProperties, NAME_IS_STRING);

    // Reference fixups.
    static final Check PHANDLE_REFERENCES = error("phandle_references", CheckFixups::phandleReferences,
            DUPLICATE_NODE_NAMES, EXPLICIT_PHANDLES);
    static final Check PATH_REFERENCES = error("path_references", CheckFixups::pathReferences, DUPLICATE_NODE_NAMES);
    static final Check OMIT_UNUSED_NODES = error("omit_unused_nodes", CheckFixups::omitUnusedNodes,
            PHANDLE_REFERENCES, PATH_REFERENCES);

    // Value forms.
    static final Check ADDRESS_CELLS_IS_CELL = warning("address_cells_is_cell", CheckValues.isCell("#address-cells")).onlyWith("#address-cells");
    static final Check SIZE_CELLS_IS_CELL = warning("size_cells_is_cell", CheckValues.isCell("#size-cells")).onlyWith("#size-cells");
    static final Check DEVICE_TYPE_IS_STRING = warning("device_type_is_string", CheckValues.isString("device_type")).onlyWith("device_type");
    static final Check MODEL_IS_STRING = warning("model_is_string", CheckValues.isString("model")).onlyWith("model");
    static final Check STATUS_IS_STRING = warning("status_is_string", CheckValues.isString("status")).onlyWith("status");
    static final Check LABEL_IS_STRING = warning("label_is_string", CheckValues.isString("label")).onlyWith("label");
    static final Check COMPATIBLE_IS_STRING_LIST = warning("compatible_is_string_list",
            CheckValues.isStringList("compatible")).onlyWith("compatible");
    static final Check NAMES_IS_STRING_LIST = warning("names_is_string_list", CheckValues::namesIsStringList);
    static final Check ALIAS_PATHS = warning("alias_paths", CheckValues::aliasPaths);

    // Addressing and buses.
    static final Check ADDR_SIZE_CELLS = warning("addr_size_cells", CheckBuses::addrSizeCells,
            ADDRESS_CELLS_IS_CELL, SIZE_CELLS_IS_CELL);
    static final Check REG_FORMAT = warning("reg_format", CheckBuses::regFormat, ADDR_SIZE_CELLS).onlyWith("reg");
    static final Check RANGES_FORMAT = warning("ranges_format", CheckBuses.rangesFormat("ranges"), ADDR_SIZE_CELLS).onlyWith("ranges");
    static final Check DMA_RANGES_FORMAT = warning("dma_ranges_format", CheckBuses.rangesFormat("dma-ranges"),
            ADDR_SIZE_CELLS).onlyWith("dma-ranges");
    static final Check PCI_BRIDGE = warning("pci_bridge", CheckBuses::pciBridge, DEVICE_TYPE_IS_STRING, ADDR_SIZE_CELLS).onlyWith("device_type");
    static final Check PCI_DEVICE_BUS_NUM = warning("pci_device_bus_num", CheckBuses::pciDeviceBusNum,
            REG_FORMAT, PCI_BRIDGE);
    static final Check PCI_DEVICE_REG = warning("pci_device_reg", CheckBuses::pciDeviceReg, REG_FORMAT, PCI_BRIDGE);
    static final Check SIMPLE_BUS_BRIDGE = warning("simple_bus_bridge", CheckBuses::simpleBusBridge,
            ADDR_SIZE_CELLS, COMPATIBLE_IS_STRING_LIST).onlyWith("compatible");
    static final Check SIMPLE_BUS_REG = warning("simple_bus_reg", CheckBuses::simpleBusReg, REG_FORMAT,
            SIMPLE_BUS_BRIDGE);
    static final Check I2C_BUS_BRIDGE = warning("i2c_bus_bridge", CheckBuses::i2cBusBridge, ADDR_SIZE_CELLS);
    static final Check I2C_BUS_REG = warning("i2c_bus_reg", CheckBuses::i2cBusReg, REG_FORMAT, I2C_BUS_BRIDGE);
    static final Check SPI_BUS_BRIDGE = warning("spi_bus_bridge", CheckBuses::spiBusBridge, ADDR_SIZE_CELLS);
    static final Check SPI_BUS_REG = warning("spi_bus_reg", CheckBuses::spiBusReg, REG_FORMAT, SPI_BUS_BRIDGE);
    static final Check UNIT_ADDRESS_FORMAT = warning("unit_address_format", CheckBuses::unitAddressFormat,
            NODE_NAME_FORMAT, PCI_BRIDGE, SIMPLE_BUS_BRIDGE);
    static final Check AVOID_DEFAULT_ADDR_SIZE = warning("avoid_default_addr_size", CheckBuses::avoidDefaultAddrSize,
            ADDR_SIZE_CELLS);
    static final Check AVOID_UNNECESSARY_ADDR_SIZE = warning("avoid_unnecessary_addr_size",
            CheckBuses::avoidUnnecessaryAddrSize, AVOID_DEFAULT_ADDR_SIZE);
    static final Check UNIQUE_UNIT_ADDRESS = warning("unique_unit_address", CheckBuses.uniqueUnitAddress(false),
            AVOID_DEFAULT_ADDR_SIZE);
    static final Check UNIQUE_UNIT_ADDRESS_IF_ENABLED = off("unique_unit_address_if_enabled",
            CheckBuses.uniqueUnitAddress(true), AVOID_DEFAULT_ADDR_SIZE);

    // /chosen.
    static final Check OBSOLETE_CHOSEN_INTERRUPT_CONTROLLER = warning("obsolete_chosen_interrupt_controller",
            CheckValues::obsoleteChosenInterruptController);
    static final Check CHOSEN_NODE_IS_ROOT = warning("chosen_node_is_root", CheckValues::chosenNodeIsRoot);
    static final Check CHOSEN_NODE_BOOTARGS = warning("chosen_node_bootargs", CheckValues::chosenNodeBootargs);
    static final Check CHOSEN_NODE_STDOUT_PATH = warning("chosen_node_stdout_path", CheckValues::chosenNodeStdoutPath);

    // Phandle-with-arguments properties: "<name>_is_cell" checks the provider's #cells, "<name>_property" the users.
    private static final List<Check> PROVIDER_CHECKS = new ArrayList<>();

    private static void provider(String name, String prop, String cells, boolean optional) {
        Check isCell = warning(name + "_is_cell", CheckValues.isCell(cells)).onlyWith(cells);
        Check property = warning(name + "_property",
                CheckProviders.providerCells(new Provider(prop, cells, optional)), isCell, PHANDLE_REFERENCES)
                .onlyWith(prop);
        PROVIDER_CHECKS.add(property);
        PROVIDER_CHECKS.add(isCell);
    }

    static {
        provider("clocks", "clocks", "#clock-cells", false);
        provider("cooling_device", "cooling-device", "#cooling-cells", false);
        provider("dmas", "dmas", "#dma-cells", false);
        provider("hwlocks", "hwlocks", "#hwlock-cells", false);
        provider("interrupts_extended", "interrupts-extended", "#interrupt-cells", false);
        provider("io_channels", "io-channels", "#io-channel-cells", false);
        provider("iommus", "iommus", "#iommu-cells", false);
        provider("mboxes", "mboxes", "#mbox-cells", false);
        provider("msi_parent", "msi-parent", "#msi-cells", true);
        provider("mux_controls", "mux-controls", "#mux-control-cells", false);
        provider("phys", "phys", "#phy-cells", false);
        provider("power_domains", "power-domains", "#power-domain-cells", false);
        provider("pwms", "pwms", "#pwm-cells", false);
        provider("resets", "resets", "#reset-cells", false);
        provider("sound_dai", "sound-dai", "#sound-dai-cells", false);
        provider("thermal_sensors", "thermal-sensors", "#thermal-sensor-cells", false);
    }

    static final Check DEPRECATED_GPIO_PROPERTY = off("deprecated_gpio_property", CheckProviders::deprecatedGpioProperty);
    static final Check GPIOS_PROPERTY = warning("gpios_property", CheckProviders::gpiosProperty, PHANDLE_REFERENCES);
    static final Check INTERRUPTS_PROPERTY = warning("interrupts_property", CheckProviders::interruptsProperty).onlyWith("interrupts");
    static final Check INTERRUPT_PROVIDER = warning("interrupt_provider", CheckProviders::interruptProvider);

    // OF graph.
    static final Check GRAPH_NODES = warning("graph_nodes", CheckProviders::graphNodes);
    static final Check GRAPH_CHILD_ADDRESS = warning("graph_child_address", CheckProviders::graphChildAddress,
            GRAPH_NODES);
    static final Check GRAPH_PORT = warning("graph_port", CheckProviders::graphPort, GRAPH_NODES);
    static final Check GRAPH_ENDPOINT = warning("graph_endpoint", CheckProviders::graphEndpoint, GRAPH_NODES);

    static final Check ALWAYS_FAIL = off("always_fail", (ctx, node) -> ctx.fail(node, "always_fail check"));

    /** dtc's check_table, in its order. */
    static final List<Check> TABLE = table();

    private static List<Check> table() {
        List<Check> t = new ArrayList<>(List.of(
                DUPLICATE_NODE_NAMES, DUPLICATE_PROPERTY_NAMES,
                NODE_NAME_CHARS, NODE_NAME_FORMAT, PROPERTY_NAME_CHARS,
                NAME_IS_STRING, NAME_PROPERTIES, NODE_NAME_VS_PROPERTY_NAME,
                DUPLICATE_LABEL,
                EXPLICIT_PHANDLES,
                PHANDLE_REFERENCES, PATH_REFERENCES,
                OMIT_UNUSED_NODES,
                ADDRESS_CELLS_IS_CELL, SIZE_CELLS_IS_CELL,
                DEVICE_TYPE_IS_STRING, MODEL_IS_STRING, STATUS_IS_STRING, LABEL_IS_STRING,
                COMPATIBLE_IS_STRING_LIST, NAMES_IS_STRING_LIST,
                PROPERTY_NAME_CHARS_STRICT, NODE_NAME_CHARS_STRICT,
                ADDR_SIZE_CELLS, REG_FORMAT, RANGES_FORMAT, DMA_RANGES_FORMAT,
                UNIT_ADDRESS_VS_REG, UNIT_ADDRESS_FORMAT,
                PCI_BRIDGE, PCI_DEVICE_REG, PCI_DEVICE_BUS_NUM,
                SIMPLE_BUS_BRIDGE, SIMPLE_BUS_REG,
                I2C_BUS_BRIDGE, I2C_BUS_REG,
                SPI_BUS_BRIDGE, SPI_BUS_REG,
                AVOID_DEFAULT_ADDR_SIZE, AVOID_UNNECESSARY_ADDR_SIZE,
                UNIQUE_UNIT_ADDRESS, UNIQUE_UNIT_ADDRESS_IF_ENABLED,
                OBSOLETE_CHOSEN_INTERRUPT_CONTROLLER,
                CHOSEN_NODE_IS_ROOT, CHOSEN_NODE_BOOTARGS, CHOSEN_NODE_STDOUT_PATH));
        t.addAll(PROVIDER_CHECKS);
        t.addAll(List.of(
                DEPRECATED_GPIO_PROPERTY, GPIOS_PROPERTY, INTERRUPTS_PROPERTY, INTERRUPT_PROVIDER,
                ALIAS_PATHS,
                GRAPH_NODES, GRAPH_CHILD_ADDRESS, GRAPH_PORT, GRAPH_ENDPOINT,
                ALWAYS_FAIL));
        return List.copyOf(t);
    }

    private enum Status { UNCHECKED, PREREQ, PASSED, FAILED }

    /** One run of the table over a tree. */
    static final class Runner {
        private final CheckContext ctx;
        private final Map<Check, Status> status = new IdentityHashMap<>();

        Runner(CheckContext ctx) {
            this.ctx = ctx;
        }

        /** Runs the table; true when an error-level check failed (the run stopped there). */
        boolean runAll() {
            for (Check c : TABLE) {
                if (ctx.levels.runs(c) && run(c)) {
                    return true;
                }
            }
            return false;
        }

        private Status status(Check c) {
            return status.getOrDefault(c, Status.UNCHECKED);
        }

        private boolean run(Check c) {
            boolean error = false;
            if (status(c) == Status.UNCHECKED) {
                for (Check p : c.prereqs()) {
                    // As in dtc: once a prerequisite has errored, later ones are not even run.
                    error = error || run(p);
                    if (status(p) != Status.PASSED) {
                        status.put(c, Status.PREREQ);
                        ctx.report(c, null, null, "Failed prerequisite '" + p.name() + "'");
                    }
                }
                if (status(c) == Status.UNCHECKED) {
                    if (c.onlyWith() != null && !ctx.propertyNames().contains(c.onlyWith())) {
                        status.put(c, Status.PASSED); // nothing it could look at
                    } else {
                        ctx.begin(c);
                        CheckContext.preorder(ctx.root, n -> c.fn().apply(ctx, n));
                        status.put(c, ctx.end() ? Status.FAILED : Status.PASSED);
                    }
                }
            }
            return error || status(c) != Status.PASSED && ctx.levels.error(c);
        }
    }
}
