package org.domus.payload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.domus.image.Arch;
import org.domus.image.ElfHeader;

/**
 * A bootable test guest, every file in the cache: Debian's cloud kernel, Debian's static busybox, and the
 * initramfs built around it ({@link Initramfs}). Boot with {@code -kernel kernel() -initrd initramfs()} and
 * {@code console=ttyAMA0 domus.name=NAME domus.action=ACTION} (x86: {@code console=ttyS0}).
 *
 * @param kernel         a raw Arm64 {@code Image} or an x86 bzImage
 * @param kernelPackage  e.g. {@code linux-image-6.1.0-50-cloud-arm64-unsigned}
 * @param kernelVersion  its Debian version, e.g. {@code 6.1.176-1}
 * @param busybox        the static busybox executable the initramfs holds
 * @param busyboxVersion its Debian version, e.g. {@code 1:1.35.0-4+deb12u1+b1}
 * @param initramfs      the gzip'd newc archive
 */
public record GuestPayload(Arch arch, Path kernel, String kernelPackage, String kernelVersion,
                           Path busybox, String busyboxVersion, Path initramfs) {

    /** The Arm64 guest for the {@code qemu} engine, from the usual cache; fetches only what is missing. */
    public static GuestPayload arm64() throws PayloadException {
        return fetch(Arch.ARM64, DebianPackages.standard());
    }

    /** The x86-64 guest (cloud-amd64 bzImage, amd64 busybox), from the usual cache. */
    public static GuestPayload x86_64() throws PayloadException {
        return fetch(Arch.X86_64, DebianPackages.standard());
    }

    /** The guest for {@code arch} from {@code debian}'s cache, fetching what is missing; progress goes where it says. */
    public static GuestPayload fetch(Arch arch, DebianPackages debian) throws PayloadException {
        try {
            return assemble(arch, debian);
        } catch (DebianPackages.ListsOutdatedException e) {
            if (debian.listsRefreshed()) {
                throw e;
            }
            // The archive dropped the version the lists name (a point release came out): the kernel package
            // name itself may have changed, so resolve everything again from fresh lists.
            debian.refreshLists(debianArch(arch) + " packages");
            return assemble(arch, debian);
        }
    }

    /** Debian's name for the architecture. */
    public static String debianArch(Arch arch) {
        return switch (arch) {
            case ARM64 -> "arm64";
            case X86_64 -> "amd64";
        };
    }

    private static GuestPayload assemble(Arch arch, DebianPackages debian) throws PayloadException {
        String debArch = debianArch(arch);
        List<DebianPackage> wanted = debian.resolve(debArch, List.of("linux-image-cloud-" + debArch, "busybox-static"));
        DebianPackage kernelPkg = debian.kernelOf(wanted.get(0));
        DebianPackage busyboxPkg = wanted.get(1);
        Path kernel = KernelImage.locate(debian.unpacked(kernelPkg), arch);
        Path busybox = debian.unpacked(busyboxPkg).resolve("bin/busybox");
        ElfHeader elf;
        try {
            elf = ElfHeader.read(busybox);
        } catch (IOException e) {
            throw new PayloadException(e.getMessage(), e);
        }
        if (!elf.isStaticFor(arch)) {
            throw new PayloadException("%s is not a static %s executable (e_machine %d, %s)".formatted(busybox, arch,
                    elf.machine(), elf.interpreter() ? "dynamically linked" : "static"));
        }
        Path initramfs = initramfs(debian.cacheRoot(), busyboxPkg, busybox, extras(arch, debian.unpacked(kernelPkg)));
        return new GuestPayload(arch, kernel, kernelPkg.name(), kernelPkg.version(), busybox, busyboxPkg.version(), initramfs);
    }

    /**
     * Built once per busybox version and archive layout (script, applets, folders), which together decide the
     * bytes; the layout's hash is in the name so that a changed script never boots from a stale file.
     */
    /**
     * What the Arm64 guest carries beside busybox for the {@code evtchn} action: the kernel's Xen device modules,
     * from the same kernel package (a module loads only into the kernel it was built with), and the
     * {@code domus-evtchn} program built with the cross toolchain at build time (see {@code src/main/guest}).
     */
    private static List<Initramfs.Extra> extras(Arch arch, Path kernelPackage) throws PayloadException {
        if (arch != Arch.ARM64) {
            return List.of();
        }
        List<Initramfs.Extra> extras = new java.util.ArrayList<>();
        try {
            Path modules = kernelPackage.resolve("lib/modules");
            try (var versions = Files.list(modules)) {
                for (Path version : versions.sorted().toList()) {
                    for (String name : List.of("xen-evtchn.ko", "xen-privcmd.ko")) {
                        Path ko = version.resolve("kernel/drivers/xen").resolve(name);
                        if (Files.isRegularFile(ko)) {
                            extras.add(new Initramfs.Extra("lib/modules/" + name, Files.readAllBytes(ko)));
                        }
                    }
                }
            }
            try (var program = GuestPayload.class.getResourceAsStream("domus-evtchn")) {
                if (program == null) {
                    throw new PayloadException("the payload module was built without its domus-evtchn guest program");
                }
                extras.add(new Initramfs.Extra("bin/domus-evtchn", program.readAllBytes()));
            }
        } catch (IOException e) {
            throw new PayloadException("cannot read the guest's kernel modules in %s: %s".formatted(kernelPackage,
                    PayloadCache.why(e)), e);
        }
        return extras;
    }

    private static Path initramfs(Path cacheRoot, DebianPackage busyboxPkg, Path busybox, List<Initramfs.Extra> extras)
            throws PayloadException {
        String layout = HexFormat.of().formatHex(sha256(Initramfs.cpio(new byte[0], extras))).substring(0, 12);
        Path target = cacheRoot.resolve("initramfs").resolve("%s-%s-%s.cpio.gz".formatted(busyboxPkg.arch(),
                busyboxPkg.cacheKey(), layout));
        if (Files.isRegularFile(target)) {
            return target;
        }
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "build-", ".tmp");
            Files.write(tmp, Initramfs.gzip(Files.readAllBytes(busybox), extras));
            // readable by a QEMU that runs as another user; createTempFile made it owner-only
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new PayloadException("cannot write the initramfs %s: %s".formatted(target, PayloadCache.why(e)), e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
