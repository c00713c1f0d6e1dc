package org.domus.fdt.internal.source;

import java.util.ArrayList;
import java.util.List;

/** What the parser hands to the checks: the live tree, /memreserve/ entries and the /dts-v1/ /plugin/ flags. */
public final class DtInfo {
    public boolean v1;
    public boolean plugin;
    public final List<ReserveInfo> reservations = new ArrayList<>();
    public LiveNode root;
    /**
     * The boot CPU as dtc's parser guesses it: the one-cell {@code reg} of the first child of {@code /cpus}
     * (the first in the list even if deleted), else 0. dtc computes it before the checks run.
     */
    public int bootCpuid;
    /** Name of the top-level source file, for diagnostics. */
    public String fileName;
}
