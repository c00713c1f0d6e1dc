package org.domus.fdt.internal.blob;

import java.util.HashMap;
import java.util.Map;

/**
 * The strings block, built as dtc 1.6.1 builds it: a name is stored at the first offset where it already
 * reads as a NUL-terminated string, which may be the tail of an earlier name ("phandle" inside
 * "linux,phandle"), and appended otherwise.
 * <p>
 * dtc finds that offset by comparing at every byte of the table, which is quadratic. Here a trie of the
 * reversed names holds every tail of every stored name, and each trie node remembers the NUL of the
 * first stored name that ends with it; names are appended in offset order, so the first one found is the
 * lowest offset, the one dtc picks. Lookup and insertion take time linear in the name's length.
 */
final class StringTable {
    private final BlobWriter bytes = new BlobWriter();
    /** Trie edges keyed by (node, byte); node 0 is the empty tail. */
    private final Map<Long, Integer> edges = new HashMap<>();
    /** Per trie node: offset of the terminating NUL of the first name with this tail, or -1. */
    private int[] firstNul = {-1};
    private int nodeCount = 1;

    /** The offset of {@code name} in the table, storing it first if no stored string reads as it. */
    int offsetOf(byte[] name) {
        int node = 0;
        for (int i = name.length - 1; i >= 0 && node >= 0; i--) {
            node = edges.getOrDefault(edge(node, name[i]), -1);
        }
        if (node >= 0 && firstNul[node] >= 0) {
            return firstNul[node] - name.length;
        }
        return append(name);
    }

    BlobWriter bytes() {
        return bytes;
    }

    private int append(byte[] name) {
        int offset = bytes.size();
        int nul = offset + name.length;
        bytes.bytes(name).zeroes(1);
        int node = 0;
        remember(node, nul);
        for (int i = name.length - 1; i >= 0; i--) {
            long key = edge(node, name[i]);
            Integer next = edges.get(key);
            if (next == null) {
                next = newNode();
                edges.put(key, next);
            }
            node = next;
            remember(node, nul);
        }
        return offset;
    }

    private void remember(int node, int nul) {
        if (firstNul[node] < 0) {
            firstNul[node] = nul;
        }
    }

    private int newNode() {
        if (nodeCount == firstNul.length) {
            int old = firstNul.length;
            firstNul = java.util.Arrays.copyOf(firstNul, old * 2);
            java.util.Arrays.fill(firstNul, old, firstNul.length, -1);
        }
        return nodeCount++;
    }

    private static long edge(int node, byte b) {
        return ((long) node << 8) | (b & 0xff);
    }
}
