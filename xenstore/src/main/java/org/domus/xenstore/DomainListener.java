package org.domus.xenstore;

/**
 * Told when a domain is introduced to or released from the store, however that happened (the hypervisor's own
 * call or a host tool's {@code INTRODUCE}): the ring transport uses it to map the page and bind the channel.
 */
public interface DomainListener {
    /** @param gfn the ring page's frame as INTRODUCE gave it (signed decimal on the wire); 0 when none */
    void introduced(int domid, long gfn, int eventChannel);

    void released(int domid);
}
