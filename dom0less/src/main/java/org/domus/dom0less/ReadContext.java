package org.domus.dom0less;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.domus.image.ImageInfo;

/** What every reader of one tree shares: where problems go, phandles, module bytes, the image probe, the host. */
final class ReadContext {
    final Problems problems = new Problems();
    final Phandles phandles;
    final ModuleSource modules;
    private final Function<MemorySegment, ImageInfo> probe;
    /** Each module's bytes are probed once: domains booting the same kernel file share its bytes (ModuleFiles). */
    private final Map<MemorySegment, ImageInfo> probed = new IdentityHashMap<>();
    final Host host;
    /** Every module whose bytes were looked for, used or not: they all occupy memory (overlap checks). */
    final List<BootModule> loaded = new ArrayList<>();
    /** Xen's kind_guess: modules without a kind counted across the whole tree in order (bootinfo-fdt.c). */
    private int kindless;

    ReadContext(Phandles phandles, ModuleSource modules, Function<MemorySegment, ImageInfo> probe, Host host) {
        this.phandles = phandles;
        this.modules = modules;
        this.probe = probe;
        this.host = host;
    }

    /** What {@code bytes} are; the probe runs once per module's bytes, however many module nodes load them. */
    ImageInfo probe(MemorySegment bytes) {
        ImageInfo info = probed.get(bytes);
        if (info == null) {
            info = probe.apply(bytes);
            probed.put(bytes, info);
        }
        return info;
    }

    /** 0 for the first module without a kind, 1 for the second, ... */
    int nextKindless() {
        return kindless++;
    }
}
