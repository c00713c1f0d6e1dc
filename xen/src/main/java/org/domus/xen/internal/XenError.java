package org.domus.xen.internal;

/**
 * A hypercall failing with a Xen errno. Stackless: a hostile guest can make every call fail, and a failure is
 * an answer, not a host-side bug worth a stack trace.
 */
public final class XenError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final XenError FAULT = new XenError(Errno.EFAULT);

    private final int errno;

    private XenError(int errno) {
        super("Xen errno " + errno, null, false, false);
        this.errno = errno;
    }

    public static XenError of(int errno) {
        return errno == Errno.EFAULT ? FAULT : new XenError(errno);
    }

    /** A guest address that does not translate or lies outside its RAM. */
    public static XenError fault() {
        return FAULT;
    }

    public int errno() {
        return errno;
    }
}
