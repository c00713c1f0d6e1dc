package org.domus.xenstore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One client's state in the daemon: its transport, watches and open transactions. */
final class Connection implements Session {
    final Transport transport;
    final Xenstored daemon;
    final List<Watch> watches = new ArrayList<>();
    final Map<Integer, Transaction> transactions = new HashMap<>();
    private final int domid;
    private final MessageReader reader = new MessageReader();
    boolean open = true;

    Connection(Xenstored daemon, Transport transport) {
        this.daemon = daemon;
        this.transport = transport;
        this.domid = transport.domid();
    }

    int domid() {
        return domid;
    }

    @Override
    public boolean receive(ByteBuffer bytes) {
        return daemon.receive(this, reader, bytes);
    }

    @Override
    public void disconnected() {
        daemon.disconnect(this);
    }

    @Override
    public String toString() {
        return "connection of domain " + domid;
    }
}
