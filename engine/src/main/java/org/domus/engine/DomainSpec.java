package org.domus.engine;

import java.nio.file.Path;

/**
 * Everything an engine needs to build one domain. Kernel and initrd are files (the hypervisor writes module
 * bytes taken from board memory to the domain's work folder first).
 *
 * @param name        the domain's name, for messages and process titles
 * @param initrd      null when the domain has no ramdisk
 * @param workDir     a folder of the domain's own for sockets, logs and files the engine needs
 */
public record DomainSpec(String name, GuestArch arch, long memoryBytes, int vcpus, Path kernel, Path initrd,
                         String cmdline, Path workDir) {
}
