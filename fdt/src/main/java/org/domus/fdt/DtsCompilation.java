package org.domus.fdt;

import java.util.List;

/**
 * A tree compiled from source, with the warnings dtc would print for it (one line each) and the files the
 * source included (/include/, /incbin/: what dtc's {@code -d} lists after the source itself), and the labels
 * it put on the tree ({@code -O asm} shows them).
 */
public record DtsCompilation(Fdt fdt, List<String> warnings, List<String> included, SourceLabels labels) {
    public DtsCompilation {
        warnings = List.copyOf(warnings);
        included = List.copyOf(included);
    }

    public DtsCompilation(Fdt fdt, List<String> warnings) {
        this(fdt, warnings, List.of(), SourceLabels.NONE);
    }
}
