package org.domus.dom0less;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** What every reader of one tree shares: where problems go, phandles, module bytes, the image probe, the host. */
final class ReadContext {
    final Problems problems = new Problems();
    final Phandles phandles;
    final ModuleSource modules;
    final Function<MemorySegment, ImageInfo> probe;
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

    /** 0 for the first module without a kind, 1 for the second, ... */
    int nextKindless() {
        return kindless++;
    }
}
