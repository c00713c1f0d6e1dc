package org.domus.fdt;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labels a source put on the nodes, properties, values and reservations of the tree compiled from it, by
 * identity of the objects in that very tree (a tree derived from it, sorted say, keeps only its properties'). Only
 * {@code -O asm} shows them, as global symbols, as dtc does; a blob keeps none.
 */
public final class SourceLabels {
    /** No labels: a tree from a blob or a folder. */
    public static final SourceLabels NONE = new SourceLabels();

    private final Map<Object, List<String>> labels = new IdentityHashMap<>();
    private final Map<Property, List<ValueLabel>> valueLabels = new IdentityHashMap<>();

    /** A label inside a value: {@code name} is {@code offset} bytes into it. */
    public record ValueLabel(String name, int offset) {
    }

    /** For the compiler: records the labels of one node, property or reservation. */
    public void put(Object item, List<String> names) {
        if (this != NONE && !names.isEmpty()) {
            labels.put(item, List.copyOf(names));
        }
    }

    /** For the compiler: records the labels inside one value. */
    public void putValueLabels(Property p, List<ValueLabel> in) {
        if (this != NONE && !in.isEmpty()) {
            valueLabels.put(p, List.copyOf(in));
        }
    }

    public List<String> of(Node n) {
        return labels.getOrDefault(n, List.of());
    }

    public List<String> of(Property p) {
        return labels.getOrDefault(p, List.of());
    }

    public List<String> of(ReserveEntry r) {
        return labels.getOrDefault(r, List.of());
    }

    public List<ValueLabel> inValue(Property p) {
        return valueLabels.getOrDefault(p, List.of());
    }
}
