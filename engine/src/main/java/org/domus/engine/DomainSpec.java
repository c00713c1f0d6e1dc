package org.domus.engine;

import java.nio.file.Path;

import org.domus.engine.xen.XenGuest;
import org.domus.image.Arch;
import org.domus.image.ImageInfo;

/**
 * Everything an engine needs to build one domain. Kernel and initrd are files (the hypervisor writes module
 * bytes taken from board memory to the domain's work folder first).
 *
 * @param name        the domain's name, for messages and process titles
 * @param initrd      null when the domain has no ramdisk
 * @param workDir     a folder of the domain's own for sockets, logs and files the engine needs
 * @param xen         null for a plain domain; else how it becomes a Xen guest ({@code xen,enhanced})
 * @param kernelImage what {@code kernel} was recognised as when the system was planned, so that an engine need not
 *                    read it again; null when nobody probed it (a spec made by hand), and the engine probes it once
 * @param machine     its GIC, UART and device-tree edit; null means {@link GuestMachine#DEFAULT}
 */
public record DomainSpec(String name, Arch arch, long memoryBytes, int vcpus, Path kernel, Path initrd,
                         String cmdline, Path workDir, XenGuest xen, ImageInfo kernelImage, GuestMachine machine) {
    public DomainSpec {
        machine = machine == null ? GuestMachine.DEFAULT : machine;
    }

    /** A kernel nobody has probed yet, on the default machine (see {@link GuestMachine#DEFAULT}). */
    public DomainSpec(String name, Arch arch, long memoryBytes, int vcpus, Path kernel, Path initrd,
                      String cmdline, Path workDir, XenGuest xen) {
        this(name, arch, memoryBytes, vcpus, kernel, initrd, cmdline, workDir, xen, null, null);
    }

    /** A plain domain: no Xen guest ABI. */
    public DomainSpec(String name, Arch arch, long memoryBytes, int vcpus, Path kernel, Path initrd,
                      String cmdline, Path workDir) {
        this(name, arch, memoryBytes, vcpus, kernel, initrd, cmdline, workDir, null, null, null);
    }
}
