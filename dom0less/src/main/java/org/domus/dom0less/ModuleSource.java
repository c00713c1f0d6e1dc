package org.domus.dom0less;

import java.util.Optional;

/**
 * Where the bytes of boot modules come from: board memory filled by a U-Boot replay, files given on the
 * command line as {@code --module ADDR=FILE} (the seed's {@code tftpb ADDR FILE}), or files named by a
 * module's {@code xen,uefi-binary} property.
 */
public interface ModuleSource {
    /** What was loaded starting exactly at {@code address}, or empty when nothing was. */
    Optional<ModuleBytes> at(long address);

    /** The file a module's {@code xen,uefi-binary} names, or empty when it does not exist. */
    Optional<ModuleBytes> uefiBinary(String fileName);

    /**
     * What memory holds in {@code [address, address + size)}, when this source is a model of memory (board memory
     * after a U-Boot replay), with an origin that says what was loaded there; files are not memory, so by default
     * empty. Xen takes a module's {@code reg} range from memory as it is, whatever was loaded: this lets a message
     * say what Xen would find when {@code reg} and the file disagree.
     */
    default Optional<ModuleBytes> memory(long address, long size) {
        return Optional.empty();
    }

    /** A source with no modules at all (a plan from the device tree alone reports every module missing). */
    static ModuleSource none() {
        return new ModuleSource() {
            @Override
            public Optional<ModuleBytes> at(long address) {
                return Optional.empty();
            }

            @Override
            public Optional<ModuleBytes> uefiBinary(String fileName) {
                return Optional.empty();
            }
        };
    }
}
