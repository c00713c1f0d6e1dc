package org.domus.fdt.internal.source;

import java.util.ArrayList;
import java.util.List;

/** One /memreserve/ entry with its labels. */
public final class ReserveInfo {
    public final long address;
    public final long size;
    public final List<Label> labels = new ArrayList<>();

    public ReserveInfo(long address, long size) {
        this.address = address;
        this.size = size;
    }
}
