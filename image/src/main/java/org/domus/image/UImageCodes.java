package org.domus.image;

/**
 * The codes of U-Boot's legacy image header (include/image.h, {@code struct legacy_img_hdr}), shared by the
 * probe here and by the U-Boot replay that loads and boots such images: one place for the magic, the layout
 * and mkimage's short names ({@code -A arm64 -T kernel -C gzip}).
 */
public final class UImageCodes {
    public static final long MAGIC = 0x27051956L;
    /** 64 bytes, big-endian: magic, header CRC, time, data size, load, entry, data CRC, os, arch, type, comp, name. */
    public static final int HEADER_SIZE = 64;
    public static final int NAME_SIZE = 32;
    public static final int OS_LINUX = 5;
    public static final int ARCH_ARM = 2, ARCH_X86 = 3, ARCH_ARM64 = 22, ARCH_X86_64 = 24;
    public static final int TYPE_KERNEL = 2, TYPE_RAMDISK = 3, TYPE_MULTI = 4, TYPE_SCRIPT = 6, TYPE_FLAT_DT = 8,
            TYPE_KERNEL_NOLOAD = 14;
    public static final int COMP_NONE = 0, COMP_GZIP = 1;

    /** image.h's short names, as mkimage's -A/-T/-C take them, by code (codes are only ever appended). */
    private static final String[] ARCHES = {"invalid", "alpha", "arm", "x86", "ia64", "mips", "mips64", "powerpc",
        "s390", "sh", "sparc", "sparc64", "m68k", "nios", "microblaze", "nios2", "blackfin", "avr32", "st200",
        "sandbox", "nds32", "or1k", "arm64", "arc", "x86_64", "xtensa", "riscv"};
    private static final String[] TYPES = {"invalid", "standalone", "kernel", "ramdisk", "multi", "firmware",
        "script", "filesystem", "flat_dt", "kwbimage", "imximage", "ublimage", "omapimage", "aisimage",
        "kernel_noload"};
    /** image.h's OS codes by mkimage's -O name; the display names U-Boot prints ("booting os 'NetBSD'"). */
    private static final String[] OSES = {"invalid", "openbsd", "netbsd", "freebsd", "4_4bsd", "linux", "svr4",
        "esix", "solaris", "irix", "sco", "dell", "ncr", "lynxos", "vxworks", "psos", "qnx", "u-boot", "rtems",
        "artos", "unity", "integrity", "ose", "plan9", "openrtos", "arm-trusted-firmware", "tee", "opensbi", "efi"};
    private static final String[] OS_DISPLAY = {"Invalid OS", "OpenBSD", "NetBSD", "FreeBSD", "4_4BSD", "Linux",
        "SVR4", "Esix", "Solaris", "Irix", "SCO", "Dell", "NCR", "LynxOS", "VxWorks", "pSOS", "QNX",
        "U-Boot Firmware", "RTEMS", "ARTOS", "Unity OS", "INTEGRITY", "Enea OSE", "Plan 9", "OpenRTOS",
        "ARM Trusted Firmware", "Trusted Execution Environment", "RISC-V OpenSBI", "EFI Firmware"};
    private static final String[] COMPRESSIONS = {"none", "gzip", "bzip2", "lzma", "lzo", "lz4", "zstd"};

    private UImageCodes() {
    }

    public static String arch(int code) {
        return name(ARCHES, code);
    }

    public static String os(int code) {
        return name(OSES, code);
    }

    /** The OS's name as U-Boot prints it in its messages. */
    public static String osDisplayName(int code) {
        return code >= 0 && code < OS_DISPLAY.length ? OS_DISPLAY[code] : "Unknown OS";
    }

    public static String type(int code) {
        return name(TYPES, code);
    }

    public static String compression(int code) {
        return name(COMPRESSIONS, code);
    }

    private static String name(String[] names, int code) {
        return code >= 0 && code < names.length ? names[code] : "code " + code;
    }
}
