package org.domus.xenstore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A domain's standard entries, the ones Xen's {@code init-dom0less} writes for a dom0less domain (itself a copy
 * of what libxl writes at domain creation): {@code /local/domain/N/…} owned by the domain with dom0 reading,
 * {@code /vm/<uuid>/…} and {@code /libxl/N/…} owned by dom0. Where Domus departs from init-dom0less, on purpose:
 * the name is the domain's real name (not {@code dom0less-N}); {@code vm} is the absolute {@code /vm/<uuid>}
 * (libxl's form: init-dom0less's relative {@code vm/<uuid>} would resolve under dom0's own home); every vCPU is
 * {@code online} (init-dom0less tests the cpupool id as a bitmask); the home directory is dom0's, readable by
 * the domain, and the intermediate directories ({@code cpu/0}, {@code store}…) are the domain's like their
 * leaves, as libxl leaves them (init-dom0less leaves them to inheritance, unreadable by the domain).
 *
 * @param store   the xenstore ring (event channel and page frame), empty for a domain without xen,enhanced
 * @param console extra {@code console/*} entries (e.g. {@code tty}, {@code port}, {@code ring-ref}); may be empty
 */
public record DomainEntries(int domid, String name, UUID uuid, long maxMemKib, long targetMemKib, int vcpus,
                            Optional<StoreRing> store, Map<String, String> console, Instant startTime) {

    /** The store ring a domain's xenbus connects through: written as {@code store/port} and {@code store/ring-ref}. */
    public record StoreRing(int eventChannel, long ringRef) {
    }

    public DomainEntries {
        if (domid <= 0 || domid >= DomainIds.DOMID_SELF) {
            throw new IllegalArgumentException("domain id " + domid + " is not a domU id");
        }
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("domain " + domid + " needs a name");
        }
        console = Map.copyOf(console);
    }

    /** The usual entries of a domain without a console of its own, started now. */
    public static DomainEntries of(int domid, String name, UUID uuid, long memKib, int vcpus,
                                   Optional<StoreRing> store) {
        return new DomainEntries(domid, name, uuid, memKib, memKib, vcpus, store, Map.of(), Instant.now());
    }

    public String home() {
        return Paths.home(domid);
    }

    public String vmPath() {
        return "/vm/" + uuid;
    }

    /** One entry under the home: its path relative to it, value, and whether the domain may write it. */
    record HomeEntry(String path, String value, boolean domainWritable) {
    }

    /** The {@code /local/domain/N} entries, relative to the home, in the order init-dom0less writes them. */
    List<HomeEntry> homeEntries() {
        List<HomeEntry> e = new ArrayList<>();
        e.add(new HomeEntry("vm", vmPath(), false));
        e.add(new HomeEntry("name", name, false));
        e.add(new HomeEntry("cpu", "", false));
        for (int i = 0; i < vcpus; i++) {
            e.add(new HomeEntry("cpu/" + i, "", false));
            e.add(new HomeEntry("cpu/" + i + "/availability", "online", false));
        }
        e.add(new HomeEntry("memory", "", false));
        e.add(new HomeEntry("memory/static-max", Long.toString(maxMemKib), false));
        e.add(new HomeEntry("memory/target", Long.toString(targetMemKib), false));
        e.add(new HomeEntry("memory/videoram", "-1", false));
        e.add(new HomeEntry("device", "", false));
        e.add(new HomeEntry("device/suspend", "", false));
        e.add(new HomeEntry("device/suspend/event-channel", "", true));
        e.add(new HomeEntry("control", "", false));
        e.add(new HomeEntry("control/shutdown", "", true));
        e.add(new HomeEntry("control/feature-poweroff", "1", true));
        e.add(new HomeEntry("control/feature-reboot", "1", true));
        e.add(new HomeEntry("control/feature-suspend", "", true));
        e.add(new HomeEntry("control/sysrq", "", true));
        e.add(new HomeEntry("control/platform-feature-multiprocessor-suspend", "1", false));
        e.add(new HomeEntry("control/platform-feature-xs_reset_watches", "1", false));
        e.add(new HomeEntry("domid", Integer.toString(domid), false));
        e.add(new HomeEntry("data", "", true));
        e.add(new HomeEntry("drivers", "", true));
        e.add(new HomeEntry("feature", "", true));
        e.add(new HomeEntry("attr", "", true));
        store.ifPresent(s -> {
            e.add(new HomeEntry("store", "", false));
            e.add(new HomeEntry("store/port", Integer.toString(s.eventChannel()), false));
            e.add(new HomeEntry("store/ring-ref", Long.toString(s.ringRef()), false));
        });
        if (!console.isEmpty()) {
            e.add(new HomeEntry("console", "", false));
            console.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(c -> e.add(new HomeEntry("console/" + c.getKey(), c.getValue(), false)));
        }
        return e;
    }

    /** The {@code /vm/<uuid>} entries: name, uuid, and start_time as {@code <seconds>.<centiseconds>}. */
    List<Map.Entry<String, String>> vmEntries() {
        String start = startTime.getEpochSecond() + "." + String.format("%02d", startTime.getNano() / 10_000_000);
        return List.of(Map.entry("name", name), Map.entry("uuid", uuid.toString()), Map.entry("start_time", start));
    }

    /** The {@code /libxl/N} entries: Xen on Arm's guests are all of libxl type pvh. */
    List<Map.Entry<String, String>> libxlEntries() {
        return List.of(Map.entry("type", "pvh"), Map.entry("dm-version", "qemu_xen"));
    }
}
