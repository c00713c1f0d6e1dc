package org.domus.dom0less;

/**
 * A static event channel as it will be bound at build, one per {@code xen,evtchn-v1} pair: port {@code portA} of
 * domain {@code domA} allocated unbound for {@code domB}, then bound by {@code domB}'s port {@code portB}, as Xen
 * binds the pair from the first of its two nodes in tree order ({@code path}).
 */
public record PlannedChannel(String path, int domA, int portA, String remotePath, int domB, int portB) {
}
