package org.domus.xenstore;

/**
 * Node paths as xenstore.txt defines them: absolute ({@code /local/domain/1/name}) or relative to the caller's
 * home {@code /local/domain/<domid>}; letters, digits and {@code -/_@} only; no empty, doubled or trailing
 * component. Names starting with {@code @} are the special watch paths.
 */
final class Paths {
    /** XENSTORE_ABS_PATH_MAX and XENSTORE_REL_PATH_MAX. */
    static final int ABS_MAX = 3072;
    static final int REL_MAX = 2048;
    static final String INTRODUCE_DOMAIN = "@introduceDomain";
    static final String RELEASE_DOMAIN = "@releaseDomain";

    private Paths() {
    }

    static String home(int domid) {
        return "/local/domain/" + domid;
    }

    /** The absolute path {@code raw} names for {@code domid}; EINVAL if it is not a valid node path. */
    static String resolve(String raw, int domid) {
        String abs;
        if (raw.startsWith("/")) {
            abs = raw;
        } else {
            if (raw.isEmpty() || raw.length() > REL_MAX || raw.startsWith("@")) {
                throw invalid(raw);
            }
            abs = home(domid) + "/" + raw;
        }
        if (abs.length() > ABS_MAX || !wellFormed(abs)) {
            throw invalid(raw);
        }
        return abs;
    }

    static boolean isSpecial(String raw) {
        return raw.startsWith("@");
    }

    private static boolean wellFormed(String abs) {
        if (abs.equals("/")) {
            return true;
        }
        if (abs.endsWith("/")) {
            return false;
        }
        char prev = 0;
        for (int i = 0; i < abs.length(); i++) {
            char c = abs.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '@' || c == '/';
            if (!ok || (c == '/' && prev == '/')) {
                return false;
            }
            prev = c;
        }
        return true;
    }

    static String parent(String abs) {
        int i = abs.lastIndexOf('/');
        return i == 0 ? "/" : abs.substring(0, i);
    }

    static String leaf(String abs) {
        return abs.substring(abs.lastIndexOf('/') + 1);
    }

    static String child(String parent, String name) {
        return parent.equals("/") ? "/" + name : parent + "/" + name;
    }

    /** Whether {@code path} is {@code ancestor} or lies below it (xenstore.txt's "child"). */
    static boolean within(String ancestor, String path) {
        if (ancestor.equals("/")) {
            return path.startsWith("/");
        }
        return path.startsWith(ancestor)
            && (path.length() == ancestor.length() || path.charAt(ancestor.length()) == '/');
    }

    /** How many components {@code path} lies below {@code ancestor} (which it must be within). */
    static int depthBelow(String ancestor, String path) {
        if (path.length() == ancestor.length()) {
            return 0;
        }
        int from = ancestor.equals("/") ? 0 : ancestor.length();
        int n = 0;
        for (int i = from; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }

    private static XsErrorException invalid(String raw) {
        String shown = raw.length() > 80 ? raw.substring(0, 80) + "…" : raw;
        return new XsErrorException(XsError.EINVAL, "invalid path '" + shown + "'");
    }
}
