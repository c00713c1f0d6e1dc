package org.domus.xenstore;

import java.util.ArrayList;
import java.util.List;

/**
 * A node's permissions as {@code XS_SET_PERMS} spells them: the first entry names the owner (who may always read
 * and write) and the access of every domain not listed; the others grant one domain its own access.
 * {@code ["n1", "r0"]} is "owned by domain 1, no access for others, domain 0 may read".
 */
record Perms(List<Entry> entries) {
    /** What one entry grants: the letter is the wire form. */
    enum Access {
        NONE('n', false, false), READ('r', true, false), WRITE('w', false, true), BOTH('b', true, true);

        final char letter;
        final boolean read;
        final boolean write;

        Access(char letter, boolean read, boolean write) {
            this.letter = letter;
            this.read = read;
            this.write = write;
        }

        static Access of(char letter) {
            for (Access a : values()) {
                if (a.letter == letter) {
                    return a;
                }
            }
            return null;
        }
    }

    record Entry(int domid, Access access) {
        @Override
        public String toString() {
            return access.letter + Integer.toString(domid);
        }
    }

    static final Perms DOM0_ONLY = new Perms(List.of(new Entry(0, Access.NONE)));

    Perms {
        entries = List.copyOf(entries);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("permissions need at least the owner entry");
        }
    }

    static Perms of(String... wire) {
        return parse(List.of(wire));
    }

    /** Parses {@code n0}, {@code r1}, {@code w2}, {@code b3}…; EINVAL for anything else or no entry at all. */
    static Perms parse(List<String> wire) {
        if (wire.isEmpty()) {
            throw new XsErrorException(XsError.EINVAL, "no permission given");
        }
        List<Entry> out = new ArrayList<>(wire.size());
        for (String s : wire) {
            Access a = s.isEmpty() ? null : Access.of(s.charAt(0));
            if (a == null) {
                throw new XsErrorException(XsError.EINVAL, "bad permission '" + s + "' (want n, r, w or b and a domid)");
            }
            out.add(new Entry(DomainIds.parse(s.substring(1)), a));
        }
        return new Perms(out);
    }

    int owner() {
        return entries.getFirst().domid();
    }

    /** The same permissions with another owner (the default access kept). */
    Perms withOwner(int domid) {
        List<Entry> out = new ArrayList<>(entries);
        out.set(0, new Entry(domid, entries.getFirst().access()));
        return new Perms(out);
    }

    /** These permissions once {@code domid} is gone: what it owned passes to dom0, its own entries go. */
    Perms without(int domid) {
        List<Entry> out = new ArrayList<>(entries.size());
        Entry first = entries.getFirst();
        out.add(first.domid() == domid ? new Entry(0, first.access()) : first);
        for (Entry e : entries.subList(1, entries.size())) {
            if (e.domid() != domid) {
                out.add(e);
            }
        }
        return new Perms(out);
    }

    boolean mentions(int domid) {
        for (Entry e : entries) {
            if (e.domid() == domid) {
                return true;
            }
        }
        return false;
    }

    List<String> wire() {
        return entries.stream().map(Entry::toString).toList();
    }

    @Override
    public String toString() {
        return String.join(",", wire());
    }
}
