package org.domus.engine.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.domus.engine.DomainSpec;
import org.domus.engine.GuestArch;

/** TEMPORARY until the payload branch is merged: the cached Debian kernel and initramfs. */
record TestGuest(Path kernel, Path initramfs) {
    static TestGuest arm64() {
        Path cache = Path.of(System.getProperty("user.home"), ".cache/domus");
        try (Stream<Path> k = Files.walk(cache.resolve("debian/arm64")); Stream<Path> i = Files.list(cache.resolve("initramfs"))) {
            Path kernel = k.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst().orElseThrow();
            Path initrd = i.filter(p -> p.getFileName().toString().startsWith("arm64-")).findFirst().orElseThrow();
            return new TestGuest(kernel, initrd);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    DomainSpec spec(String name, int vcpus, String action, Path workDir) {
        return new DomainSpec(name, GuestArch.ARM64, 128 * TestQemu.MIB, vcpus, kernel, initramfs,
                "console=ttyAMA0 domus.name=%s domus.action=%s".formatted(name, action), workDir);
    }
}
