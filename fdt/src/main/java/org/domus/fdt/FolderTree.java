package org.domus.fdt;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** dtc's {@code -I fs} reader: sub-folders are nodes, regular files properties (symbolic links followed, as stat does). */
final class FolderTree {
    private FolderTree() {
    }

    static Node read(Path dir, String name) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "Couldn't opendir()");
        }
        List<Property> props = new ArrayList<>();
        List<Node> children = new ArrayList<>();
        // A DirectoryStream lists entries in readdir's order, the order dtc adds them in.
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                String n = e.getFileName().toString();
                if (Files.isRegularFile(e)) {
                    props.add(new Property(n, Files.readAllBytes(e)));
                } else if (Files.isDirectory(e)) {
                    children.add(read(e, n));
                }
            }
        }
        return new Node(name, props, children);
    }
}
