package org.domus.xenstore;

/**
 * One WATCH of one connection.
 *
 * @param given    the path as the client gave it (the initial event echoes it; a relative one stays relative)
 * @param path     the absolute path it watches, or the special {@code @…} path itself
 * @param depth    how many levels below {@code path} still match, or -1 for all
 */
record Watch(Connection owner, String given, String path, String token, int depth) {
    boolean special() {
        return Paths.isSpecial(path);
    }

    boolean relative() {
        return !given.startsWith("/") && !special();
    }

    /** The event path this watch reports for a change at absolute {@code changed}, or null if it does not match. */
    String match(String changed, boolean removal) {
        if (Paths.within(path, changed)) {
            if (depth >= 0 && Paths.depthBelow(path, changed) > depth) {
                return null;
            }
            return reported(changed);
        }
        // A removal of an ancestor takes the watched node with it: reported as the watched path itself.
        if (removal && Paths.within(changed, path)) {
            return given;
        }
        return null;
    }

    private String reported(String abs) {
        if (!relative()) {
            return abs;
        }
        String home = Paths.home(owner.domid()) + "/";
        return abs.startsWith(home) ? abs.substring(home.length()) : abs;
    }
}
