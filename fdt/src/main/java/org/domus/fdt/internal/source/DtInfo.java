package org.domus.fdt.internal.source;

import java.util.ArrayList;
import java.util.List;

/** What the parser hands to the checks: the live tree, /memreserve/ entries and the /dts-v1/ /plugin/ flags. */
public final class DtInfo {
    public boolean v1;
    public boolean plugin;
    public final List<ReserveInfo> reservations = new ArrayList<>();
    public LiveNode root;
    /** Name of the top-level source file, for diagnostics. */
    public String fileName;
    /** Files the source included (/include/ and /incbin/), in the order they were opened. */
    public final List<String> included = new ArrayList<>();
}
