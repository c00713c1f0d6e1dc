package org.domus.xenstore;

/**
 * Whose rights a request runs with. Domain 0 (every host socket client) is privileged; any other domain is held
 * to the nodes' permissions, and also gets the rights of the domain it targets ({@code SET_TARGET}, as a device
 * model stub domain does).
 *
 * @param target the targeted domain, or -1
 */
record Caller(int domid, int target) {
    static final Caller DOM0 = new Caller(0, -1);

    boolean privileged() {
        return domid == 0;
    }

    /** The access {@code perms} grant this caller: the first entry that names it (or its target) wins. */
    Perms.Access access(Perms perms) {
        if (privileged() || owns(perms)) {
            return Perms.Access.BOTH;
        }
        var entries = perms.entries();
        for (int i = 1; i < entries.size(); i++) {
            int id = entries.get(i).domid();
            if (id == domid || (target >= 0 && id == target)) {
                return entries.get(i).access();
            }
        }
        return entries.getFirst().access();
    }

    boolean owns(Perms perms) {
        return privileged() || perms.owner() == domid || (target >= 0 && perms.owner() == target);
    }

    boolean canRead(Perms perms) {
        return access(perms).read;
    }

    boolean canWrite(Perms perms) {
        return access(perms).write;
    }
}
