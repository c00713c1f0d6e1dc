package org.domus.xen.internal;

/** Xen's VIRQ kinds (common/event_channel.c get_virq_type): per vCPU, per domain, or global (hardware domain's). */
final class Virqs {
    enum Kind { VCPU, DOMAIN, GLOBAL }

    static final int VIRQ_TIMER = 0;
    static final int VIRQ_DEBUG = 1;
    static final int VIRQ_XENOPROF = 7;
    static final int VIRQ_ARGO = 11;
    static final int VIRQ_XENPMU = 13;

    private Virqs() {
    }

    static Kind kind(int virq) {
        return switch (virq) {
            case VIRQ_TIMER, VIRQ_DEBUG, VIRQ_XENOPROF, VIRQ_XENPMU -> Kind.VCPU;
            // VIRQ_ARCH_0..7: Arm defines none of its own, so they are the domain's.
            case VIRQ_ARGO, 16, 17, 18, 19, 20, 21, 22, 23 -> Kind.DOMAIN;
            default -> Kind.GLOBAL;
        };
    }
}
