package org.domus.dom0less;

/**
 * A {@code xen,evtchn-v1} sub-node: {@code xen,evtchn = <localPort &remote>}; {@code remotePath} is the
 * path of the node the phandle points to (which must point back).
 */
public record StaticEventChannel(String path, int localPort, String remotePath) {
}
