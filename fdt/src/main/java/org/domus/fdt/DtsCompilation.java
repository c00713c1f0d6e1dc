package org.domus.fdt;

import java.util.List;

/**
 * A tree compiled from source, with the warnings dtc would print for it (one line each) and the files the
 * source included (/include/, /incbin/: what dtc's {@code -d} lists after the source itself).
 */
public record DtsCompilation(Fdt fdt, List<String> warnings, List<String> included) {
    public DtsCompilation {
        warnings = List.copyOf(warnings);
        included = List.copyOf(included);
    }

    public DtsCompilation(Fdt fdt, List<String> warnings) {
        this(fdt, warnings, List.of());
    }
}
