package org.domus.xen.internal;

/**
 * {@code DOMUS_XEN_TRACE=1}: one stderr line per hypercall (op, arguments, result) and per upcall raised, for
 * seeing what a guest asks of Xen and whether Domus's events reach it. Off by default; costs one branch then.
 */
public final class Trace {
    public static final boolean ON = System.getenv("DOMUS_XEN_TRACE") != null && !System.getenv("DOMUS_XEN_TRACE").isEmpty();

    private Trace() {
    }

    public static void line(String s) {
        System.err.println("xen-trace " + s);
    }

    /** Bytes as text, anything unprintable as \xNN (xenstore messages are a binary header then strings). */
    public static String printable(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return sb.toString();
    }

    public static void hypercall(int domid, int vcpu, long op, long a0, long a1, long a2, long result) {
        line("d" + domid + " v" + vcpu + " op=" + op + " a0=0x" + Long.toHexString(a0) + " a1=0x" + Long.toHexString(a1)
                + " a2=0x" + Long.toHexString(a2) + " -> " + result);
    }
}
