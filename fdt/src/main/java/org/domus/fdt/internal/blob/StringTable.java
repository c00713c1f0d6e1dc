package org.domus.fdt.internal.blob;

import java.util.Arrays;

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
    /** The table as NUL-terminated names, in offset order. */
    java.util.List<byte[]> names() {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        byte[] all = bytes.toByteArray();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == 0) {
                out.add(java.util.Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        return out;
    }

    private final BlobWriter bytes = new BlobWriter();
    /** Per trie node: offset of the terminating NUL of the first name with this tail, or -1. Node 0 is the empty tail. */
    private int[] firstNul = {-1};
    private int nodeCount = 1;
    /**
     * Trie edges, (node, byte) to child, in an open-addressing table of primitives: a table has one node per
     * stored byte, and boxed map entries for each would cost far more than the blob.
     */
    private long[] edgeKeys = new long[1024];
    private int[] edgeTargets = new int[1024];
    private int edgeCount;

    /** The offset of {@code name} in the table, storing it first if no stored string reads as it. */
    int offsetOf(byte[] name) {
        int node = 0;
        for (int i = name.length - 1; i >= 0 && node >= 0; i--) {
            node = child(node, name[i]);
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
            int next = child(node, name[i]);
            if (next < 0) {
                next = newNode();
                addEdge(node, name[i], next);
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
            firstNul = Arrays.copyOf(firstNul, old * 2);
            Arrays.fill(firstNul, old, firstNul.length, -1);
        }
        return nodeCount++;
    }

    private int child(int node, byte b) {
        long key = edgeKey(node, b);
        int mask = edgeKeys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            if (edgeKeys[i] == 0) {
                return -1;
            }
            if (edgeKeys[i] == key) {
                return edgeTargets[i];
            }
        }
    }

    private void addEdge(int node, byte b, int target) {
        if (2 * (edgeCount + 1) > edgeKeys.length) {
            long[] oldKeys = edgeKeys;
            int[] oldTargets = edgeTargets;
            edgeKeys = new long[oldKeys.length * 2];
            edgeTargets = new int[oldKeys.length * 2];
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != 0) {
                    put(oldKeys[i], oldTargets[i]);
                }
            }
        }
        put(edgeKey(node, b), target);
        edgeCount++;
    }

    private void put(long key, int target) {
        int mask = edgeKeys.length - 1;
        int i = slot(key, mask);
        while (edgeKeys[i] != 0) {
            i = (i + 1) & mask;
        }
        edgeKeys[i] = key;
        edgeTargets[i] = target;
    }

    /** Never 0, which marks a free slot. */
    private static long edgeKey(int node, byte b) {
        return (((long) node << 8) | (b & 0xff)) + 1;
    }

    private static int slot(long key, int mask) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }
}
