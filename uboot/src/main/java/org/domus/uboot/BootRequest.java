package org.domus.uboot;

import java.util.ArrayList;
import java.util.List;

import org.domus.dom0less.BootModule;
import org.domus.dom0less.DomainConfig;
import org.domus.dom0less.Host;
import org.domus.dom0less.Problem;
import org.domus.dom0less.Rule;
import org.domus.dom0less.SystemConfig;
import org.domus.dom0less.Validator;
import org.domus.fdt.Fdt;

/**
 * What a replayed script handed over at its boot command: the system tree (as U-Boot passes it, /chosen filled in),
 * board memory with every module in it, what stood in the hypervisor's slot, and the warnings met on the way.
 *
 * @param location    where the boot command ran ("boot.cmd:7")
 * @param command     bootm, booti or bootz
 * @param tree        the device tree Xen would have been given
 * @param treeAddress where it was in board memory (-1: inside a multi-file image)
 * @param notes       what the boot command found in its slots, one line each
 * @param warnings    the replay's warnings, each "script:line: message"
 */
public record BootRequest(String location, String command, Fdt tree, long treeAddress, BoardMemory memory,
                          List<String> notes, List<String> warnings) {
    public BootRequest {
        notes = List.copyOf(notes);
        warnings = List.copyOf(warnings);
    }

    /**
     * The system, read from the tree with module bytes taken from board memory at their {@code reg} addresses and
     * validated exactly as {@code domus plan} validates one; the replay's warnings come first, and a module some of
     * whose bytes were overwritten after they were loaded is an error.
     */
    public SystemConfig system(Host host) {
        SystemConfig config = Validator.load(tree, new BoardModules(memory), host);
        List<Problem> problems = new ArrayList<>();
        for (String w : warnings) {
            int colon = w.indexOf(": ");
            problems.add(Problem.of(Rule.REPLAY, w.substring(0, colon), "%s", w.substring(colon + 2)));
        }
        problems.addAll(config.problems());
        for (DomainConfig d : config.domains()) {
            for (BootModule m : new BootModule[] {d.kernel(), d.ramdisk(), d.deviceTree()}) {
                if (m != null && m.address() >= 0 && m.size() > 0) {
                    overwritten(m).ifPresent(problems::add);
                }
            }
        }
        return config.withProblems(problems);
    }

    private java.util.Optional<Problem> overwritten(BootModule m) {
        for (BoardMemory.Load load : memory.loadsIn(m.address(), m.size())) {
            List<BoardMemory.Overwrite> hits = memory.overwritesOf(load, m.address(), m.size());
            if (!hits.isEmpty()) {
                return java.util.Optional.of(Problem.of(Rule.MODULE_OVERWRITTEN, m.path(),
                        "the module's bytes at %s were overwritten after they were loaded: %s",
                        Hex.range(m.address(), m.size()), hits.getFirst()));
            }
        }
        return java.util.Optional.empty();
    }
}
