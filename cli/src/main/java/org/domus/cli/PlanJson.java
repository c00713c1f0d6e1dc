package org.domus.cli;

import org.domus.dom0less.BootModule;
import org.domus.dom0less.Cpupool;
import org.domus.dom0less.PartialDeviceTree;
import org.domus.dom0less.PlannedChannel;
import org.domus.dom0less.Plan;
import org.domus.dom0less.PlannedDomain;
import org.domus.dom0less.Problem;
import org.domus.dom0less.SystemConfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The plan for scripts: {@code {"system", "valid", "problems": [...], "plan": {...} | null}}. Field names are
 * spelled out here rather than derived from the records, so that renaming Java code never changes the format.
 */
final class PlanJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PlanJson() {
    }

    static String render(String source, SystemConfig config, Plan plan) {
        ObjectNode root = JSON.createObjectNode();
        root.put("system", source);
        root.put("valid", plan != null);
        ArrayNode problems = root.putArray("problems");
        for (Problem p : config.problems()) {
            problems.addObject().put("severity", p.severity().toString()).put("check", p.check())
                    .put("path", p.path()).put("message", p.message());
        }
        if (plan == null) {
            root.putNull("plan");
        } else {
            ObjectNode pl = root.putObject("plan");
            pl.put("scheduler", plan.scheduler());
            pl.put("conswitch", String.valueOf(plan.conswitch()));
            ArrayNode pools = pl.putArray("cpupools");
            for (Cpupool p : plan.cpupools()) {
                ObjectNode o = pools.addObject();
                o.put("id", p.id()).put("name", p.name()).put("node", p.path());
                p.cpus().stream().forEach(o.putArray("cpus")::add);
                o.put("sched", p.scheduler());
            }
            pl.putObject("gic").put("version", plan.gic().version()).put("source", plan.gic().source());
            ArrayNode channels = pl.putArray("event_channels");
            for (PlannedChannel c : plan.eventChannels()) {
                channels.addObject().put("node", c.path()).put("domain", c.domA()).put("port", c.portA())
                        .put("remote_node", c.remotePath()).put("remote_domain", c.domB()).put("remote_port", c.portB());
            }
            ArrayNode domains = pl.putArray("domains");
            for (PlannedDomain d : plan.domains()) {
                ObjectNode o = domains.addObject();
                o.put("id", d.id()).put("name", d.name()).put("path", d.path())
                        .put("memory_kib", d.memoryKib()).put("vcpus", d.vcpus());
                d.pinning().forEach(o.putArray("pinning")::add);
                o.put("arch", d.arch() == null ? null : d.arch().toString());
                module(o, "kernel", d.kernel());
                module(o, "ramdisk", d.ramdisk());
                module(o, "dtb", d.deviceTree());
                o.put("cpupool", d.cpupool().name());
                if (d.deviceTree() != null && d.id() != 0) {
                    ((ObjectNode) o.get("dtb")).put("merges", PartialDeviceTree.describe(d.deviceTree()));
                }
                o.put("cmdline", d.cmdline()).put("console", d.console()).put("enhanced", d.enhanced().toString())
                        .put("storeEventChannel", d.storeEventChannel()).put("uart", d.uart());
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static void module(ObjectNode parent, String field, BootModule m) {
        if (m == null) {
            parent.putNull(field);
            return;
        }
        ObjectNode o = parent.putObject(field);
        o.put("path", m.path());
        if (m.address() == -1) {
            o.putNull("address"); // loaded by xen,uefi-binary: the EFI loader picks the address
        } else {
            o.put("address", m.address());
        }
        o.put("size", m.size()).put("uefi_binary", m.uefiBinary());
        o.put("format", m.image() == null ? null : m.image().format().toString());
        o.put("inner_format", m.image() == null || m.image().inner() == null ? null : m.image().inner().toString());
        o.put("detail", m.image() == null ? null : m.image().detail());
        o.put("origin", m.bytes() == null ? null : m.bytes().origin());
        o.put("bootargs", m.bootargs());
    }
}
