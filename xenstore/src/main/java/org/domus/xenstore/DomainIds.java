package org.domus.xenstore;

/** Domain ids as the protocol writes them: decimal 0..65535. */
final class DomainIds {
    /** Xen's DOMID_SELF: "the caller" in IS_DOMAIN_INTRODUCED. */
    static final int DOMID_SELF = 0x7FF0;
    static final int DOMID_MAX = 0xFFFF;

    private DomainIds() {
    }

    /** EINVAL unless {@code s} is a plain decimal number within 0..65535. */
    static int parse(String s) {
        if (s.isEmpty() || s.length() > 5) {
            throw new XsErrorException(XsError.EINVAL, "bad domain id '" + s + "'");
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new XsErrorException(XsError.EINVAL, "bad domain id '" + s + "'");
            }
            v = v * 10 + (c - '0');
        }
        if (v > DOMID_MAX) {
            throw new XsErrorException(XsError.EINVAL, "domain id " + s + " out of range");
        }
        return v;
    }
}
