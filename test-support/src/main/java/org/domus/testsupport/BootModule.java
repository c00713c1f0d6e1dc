package org.domus.testsupport;

/**
 * Where a boot module's bytes are, as a test tree names them: a file next to the tree ({@code xen,uefi-binary},
 * what {@code domus boot} loads) or bytes a boot script already put in memory ({@code reg}, as U-Boot's tftpb does).
 */
public sealed interface BootModule {
    /** A file next to the tree, by its name relative to the tree's folder. */
    record File(String name) implements BootModule {
    }

    /** Bytes at {@code address}, {@code size} long. */
    record Loaded(long address, long size) implements BootModule {
    }

    static BootModule file(String name) {
        return new File(name);
    }

    static BootModule at(long address, long size) {
        return new Loaded(address, size);
    }

    /**
     * The module's node: {@code fileNode} with {@code xen,uefi-binary} for a file, {@code module@ADDRESS} with
     * {@code reg} for loaded bytes (the seed's naming); {@code bootargs} is null for none.
     */
    default String node(String fileNode, String compatible, String bootargs) {
        String where = switch (this) {
            case File f -> "%s {\n\tcompatible = %s;\n\txen,uefi-binary = \"%s\";\n".formatted(fileNode, compatible, f.name());
            case Loaded l -> "module@%x {\n\tcompatible = %s;\n\treg = <0x%x 0x%x>;\n".formatted(l.address(), compatible,
                    l.address(), l.size());
        };
        return where + (bootargs == null ? "" : "\tbootargs = \"%s\";\n".formatted(bootargs)) + "};\n";
    }
}
