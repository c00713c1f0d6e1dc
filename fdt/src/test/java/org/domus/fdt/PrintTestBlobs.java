package org.domus.fdt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TEST HELPER ONLY, for the printer's tests while the real DTB reader is being written: a minimal FDT v16/17
 * reader with no validation at all (the blobs it reads were all written by dtc). Replace every use with
 * {@link Fdt#fromDtb(byte[])} once {@code FlatTree.read} lands, then delete this class.
 */
final class PrintTestBlobs {
    private static final int BEGIN_NODE = 1, END_NODE = 2, PROP = 3, NOP = 4;

    private PrintTestBlobs() {
    }

    static Fdt read(Path dtb) {
        try {
            return read(Files.readAllBytes(dtb));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Fdt read(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob); // big-endian
        int offStruct = b.getInt(8), offStrings = b.getInt(12), offReserve = b.getInt(16), bootCpuid = b.getInt(28);
        List<ReserveEntry> reservations = new ArrayList<>();
        for (int at = offReserve; ; at += 16) {
            long address = b.getLong(at), size = b.getLong(at + 8);
            if (size == 0) {
                break;
            }
            reservations.add(new ReserveEntry(address, size));
        }
        int[] pos = {offStruct};
        while (b.getInt(pos[0]) == NOP) {
            pos[0] += 4;
        }
        pos[0] += 4; // the root's BEGIN_NODE
        return new Fdt(reservations, bootCpuid, node(blob, b, pos, offStrings));
    }

    /** Reads one node whose BEGIN_NODE token is already consumed; pos ends after its END_NODE. */
    private static Node node(byte[] blob, ByteBuffer b, int[] pos, int offStrings) {
        int nameEnd = nul(blob, pos[0]);
        String name = new String(blob, pos[0], nameEnd - pos[0], StandardCharsets.UTF_8);
        pos[0] = align(nameEnd + 1);
        List<Property> props = new ArrayList<>();
        List<Node> children = new ArrayList<>();
        while (true) {
            int token = b.getInt(pos[0]);
            pos[0] += 4;
            switch (token) {
                case PROP -> {
                    int len = b.getInt(pos[0]), nameOff = offStrings + b.getInt(pos[0] + 4);
                    String propName = new String(blob, nameOff, nul(blob, nameOff) - nameOff, StandardCharsets.UTF_8);
                    props.add(new Property(propName, Arrays.copyOfRange(blob, pos[0] + 8, pos[0] + 8 + len)));
                    pos[0] = align(pos[0] + 8 + len);
                }
                case BEGIN_NODE -> children.add(node(blob, b, pos, offStrings));
                case END_NODE -> {
                    return new Node(name, props, children);
                }
                case NOP -> { }
                default -> throw new IllegalStateException("token " + token + " at " + (pos[0] - 4));
            }
        }
    }

    private static int nul(byte[] blob, int from) {
        int i = from;
        while (blob[i] != 0) {
            i++;
        }
        return i;
    }

    private static int align(int at) {
        return (at + 3) & ~3;
    }
}
