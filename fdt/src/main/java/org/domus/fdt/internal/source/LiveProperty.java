package org.domus.fdt.internal.source;

import java.util.ArrayList;
import java.util.List;

/** A property of the tree being built from source (dtc's {@code struct property}). */
public final class LiveProperty {
    public String name;
    public Data value;
    /** Labels in the order dtc keeps them (see {@link LiveNode#labels}). */
    public final List<Label> labels = new ArrayList<>();
    public boolean deleted;
    public SourcePos pos;

    public LiveProperty(String name, Data value, SourcePos pos) {
        this.name = name;
        this.value = value;
        this.pos = pos;
    }
}
