package org.domus.fdt;

import java.util.List;

/** A tree compiled from source, with the warnings dtc would print for it (one line each). */
public record DtsCompilation(Fdt fdt, List<String> warnings) {
    public DtsCompilation {
        warnings = List.copyOf(warnings);
    }
}
