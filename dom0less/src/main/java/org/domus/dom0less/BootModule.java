package org.domus.dom0less;

import org.domus.image.ImageInfo;

/**
 * A boot module sub-node ({@code compatible = "multiboot,kernel|ramdisk|device-tree", "multiboot,module"}):
 * where {@code reg} puts it, its {@code bootargs}, and the bytes supplied for it with their detected format.
 *
 * @param path       device-tree path of the module node ("/chosen" for dom0's linux,initrd-start/-end)
 * @param address    reg's address, or -1 when unknown (no usable reg; xen,uefi-binary without reg)
 * @param size       reg's size (the file's size for xen,uefi-binary without reg), or -1 when unknown
 * @param bootargs   the module's {@code bootargs}, or null
 * @param uefiBinary the {@code xen,uefi-binary} file name, or null
 * @param bytes      the bytes supplied (trimmed to nothing else), or null when none were found
 * @param image      what the bytes are, when supplied
 */
public record BootModule(Kind kind, String path, long address, long size, String bootargs, String uefiBinary,
                         ModuleBytes bytes, ImageInfo image) {
    public enum Kind {
        KERNEL("multiboot,kernel"), RAMDISK("multiboot,ramdisk"), DEVICE_TREE("multiboot,device-tree");

        private final String compatible;

        Kind(String compatible) {
            this.compatible = compatible;
        }

        public String compatible() {
            return compatible;
        }
    }
}
