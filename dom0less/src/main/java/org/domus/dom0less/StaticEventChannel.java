package org.domus.dom0less;

/**
 * A {@code xen,evtchn-v1} sub-node: {@code xen,evtchn = <localPort &remote>}; {@code remotePath} is the
 * path of the node the phandle points to (which must point back).
 */
public record StaticEventChannel(String path, int localPort, String remotePath) {
    /** The path of the domain an event-channel node at {@code nodePath} belongs to (its parent; dom0's is /chosen). */
    static String domainPath(String nodePath) {
        int slash = nodePath == null ? -1 : nodePath.lastIndexOf('/');
        return slash <= 0 ? "/" : nodePath.substring(0, slash);
    }
}
