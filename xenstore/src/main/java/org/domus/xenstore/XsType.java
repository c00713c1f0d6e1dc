package org.domus.xenstore;

/** The message types of {@code struct xsd_sockmsg}, with their wire numbers from Xen's {@code xs_wire.h}. */
public enum XsType {
    CONTROL(0), DIRECTORY(1), READ(2), GET_PERMS(3), WATCH(4), UNWATCH(5), TRANSACTION_START(6),
    TRANSACTION_END(7), INTRODUCE(8), RELEASE(9), GET_DOMAIN_PATH(10), WRITE(11), MKDIR(12), RM(13),
    SET_PERMS(14), WATCH_EVENT(15), ERROR(16), IS_DOMAIN_INTRODUCED(17), RESUME(18), SET_TARGET(19),
    // 20 was XS_RESTRICT, removed from Xen: a request of that type gets ENOSYS like any unknown type.
    RESET_WATCHES(21), DIRECTORY_PART(22), GET_FEATURE(23), SET_FEATURE(24), GET_QUOTA(25), SET_QUOTA(26);

    private static final XsType[] BY_NUMBER = new XsType[27];

    static {
        for (XsType t : values()) {
            BY_NUMBER[t.number] = t;
        }
    }

    private final int number;

    XsType(int number) {
        this.number = number;
    }

    /** The value in the header's {@code type} field. */
    public int number() {
        return number;
    }

    /** The type with this wire number, or null for a number Xen does not define (or no longer does). */
    public static XsType of(int number) {
        return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
    }
}
