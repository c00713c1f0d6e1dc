package org.domus.engine.xen;

import java.util.function.UnaryOperator;

/**
 * What makes a domain a Xen guest on its engine: the ABI that answers it, and the edit that turns the engine's
 * own guest device tree into the one a Xen guest sees (the {@code /hypervisor} node, reserved memory), made
 * above the engine, where device trees are known.
 */
public record XenGuest(XenAbi abi, UnaryOperator<byte[]> guestTree) {
}
