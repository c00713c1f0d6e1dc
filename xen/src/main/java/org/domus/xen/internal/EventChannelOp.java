package org.domus.xen.internal;

import java.lang.foreign.MemorySegment;

/** {@code event_channel_op}, 2-level: FIFO set-up is refused (-ENOSYS), which makes Linux use 2-level. */
final class EventChannelOp {
    static final int BIND_INTERDOMAIN = 0;
    static final int BIND_VIRQ = 1;
    static final int BIND_PIRQ = 2;
    static final int CLOSE = 3;
    static final int SEND = 4;
    static final int STATUS = 5;
    static final int ALLOC_UNBOUND = 6;
    static final int BIND_IPI = 7;
    static final int BIND_VCPU = 8;
    static final int UNMASK = 9;

    private EventChannelOp() {
    }

    static long call(DomainState d, GuestVirtual g, int cmd, long arg) {
        EventChannels ev = d.events();
        if (Trace.ON && (cmd == CLOSE || cmd == SEND || cmd == BIND_VCPU || cmd == UNMASK)) {
            MemorySegment a = g.copyIn(arg, cmd == BIND_VCPU ? 8 : 4);
            Trace.line("d" + d.domid() + " evtchn cmd " + cmd + " port " + Struct.u32(a, 0)
                    + (cmd == BIND_VCPU ? " vcpu " + Struct.u32(a, 4) : ""));
        }
        switch (cmd) {
            case ALLOC_UNBOUND -> {
                // dom @0, remote_dom @2, port @4 (out)
                MemorySegment a = g.copyIn(arg, 8);
                d.checkSelf(Struct.u16(a, 0));
                int remote = Struct.u16(a, 2);
                Struct.u32(a, 4, ev.allocUnbound(0, remote == DomainState.DOMID_SELF ? d.domid() : remote));
                g.copyOut(arg, a);
            }
            case BIND_INTERDOMAIN -> {
                // remote_dom @0, remote_port @4, local_port @8 (out)
                MemorySegment b = g.copyIn(arg, 12);
                int remote = Struct.u16(b, 0);
                int remotePort = Struct.u32(b, 4);
                Struct.u32(b, 8, ev.bindInterdomain(0, remote == DomainState.DOMID_SELF ? d.domid() : remote, remotePort));
                g.copyOut(arg, b);
            }
            case BIND_VIRQ -> {
                // virq @0, vcpu @4, port @8 (out)
                MemorySegment b = g.copyIn(arg, 12);
                Struct.u32(b, 8, ev.bindVirq(Struct.u32(b, 0), Struct.u32(b, 4)));
                g.copyOut(arg, b);
            }
            case BIND_IPI -> {
                // vcpu @0, port @4 (out)
                MemorySegment b = g.copyIn(arg, 8);
                Struct.u32(b, 4, ev.bindIpi(Struct.u32(b, 0)));
                g.copyOut(arg, b);
            }
            // Xen on Arm has no physical IRQs to bind.
            case BIND_PIRQ -> throw XenError.of(Errno.EOPNOTSUPP);
            case CLOSE -> ev.close(g.readInt(arg));
            case SEND -> ev.send(g.readInt(arg));
            case STATUS -> status(d, g, arg);
            case BIND_VCPU -> {
                MemorySegment b = g.copyIn(arg, 8);
                ev.bindVcpu(Struct.u32(b, 0), Struct.u32(b, 4));
            }
            case UNMASK -> ev.unmask(g.readInt(arg));
            default -> throw XenError.of(Errno.ENOSYS);
        }
        return 0;
    }

    /** struct evtchn_status: dom @0, port @4, status @8, vcpu @12, union @16 (dom, then port @20; or virq). */
    private static void status(DomainState d, GuestVirtual g, long arg) {
        MemorySegment s = g.copyIn(arg, 24);
        d.checkSelf(Struct.u16(s, 0));
        PortStatus st = d.events().status(Struct.u32(s, 4));
        Struct.u32(s, 8, st.state());
        Struct.u32(s, 12, st.vcpu());
        Struct.u64(s, 16, 0);
        switch (st.state()) {
            case PortStatus.UNBOUND -> Struct.u16(s, 16, st.remoteDomid());
            case PortStatus.INTERDOMAIN -> {
                Struct.u16(s, 16, st.remoteDomid());
                Struct.u32(s, 20, st.remotePort());
            }
            case PortStatus.VIRQ -> Struct.u32(s, 16, st.virq());
            default -> { }
        }
        g.copyOut(arg, s);
    }
}
