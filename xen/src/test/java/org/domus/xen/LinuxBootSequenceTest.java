package org.domus.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.domus.testsupport.Await;
import org.junit.jupiter.api.Test;

/**
 * Every hypercall Debian's 6.1 kernel makes at boot, in its order (xen-on-arm.md, "What Debian's 6.1 kernel
 * asks of Xen"), on a guest with KASLR-placed 48-bit kernel addresses, two vCPUs, and the console and store
 * rings really used.
 */
class LinuxBootSequenceTest {
    static final long MiB = 1 << 20;

    @Test
    void bootsAsLinuxDoesThroughXenstoreAndPowerOff() throws Exception {
        XenSystem xen = new XenSystem();
        List<ShutdownReason> shutdowns = new CopyOnWriteArrayList<>();
        XenDomain d = xen.create(new XenDomainConfig(1, 2, TestRam.BASE, 64 * MiB, true), shutdowns::add);
        d.finishBuild();
        try (LinuxGuest g = new LinuxGuest(d)) {
            // 1. xen_setup_features
            long fi = g.kalloc(8);
            assertThat(g.call(0, 17, 6, fi)).isZero();
            int features = g.get4(fi + 4);
            assertThat(features & (1 << 2)).as("auto_translated_physmap").isNotZero();
            assertThat(features & (1 << 16)).as("not_direct_mapped").isNotZero();

            // 2. hvc0: console event channel and page
            int consolePort = (int) g.getParam(18);
            long consolePfn = g.getParam(17);
            assertThat(consolePort).isEqualTo(d.console().port()).isPositive();
            assertThat(consolePfn).isEqualTo(d.layout().consolePfn());

            // 3. the kernel log through hvc0, before shared_info exists
            InputStream out = d.console().output();
            g.consoleWrite("Booting Linux on physical CPU 0x0\n");
            assertThat(readLine(out)).isEqualTo("Booting Linux on physical CPU 0x0");

            // 4. shared_info at a page of the kernel's
            long shared = g.mapSharedInfo();
            assertThat(g.pendingBit(shared, consolePort)).as("events sent before the mapping are there").isTrue();

            // 5. grant table: size and version
            long q = g.kalloc(16);
            g.put2(q, LinuxGuest.DOMID_SELF);
            assertThat(g.call(0, 20, 6, q, 1)).isZero();
            assertThat(g.get4(q + 4)).isEqualTo(1);
            assertThat(g.get4(q + 8)).isEqualTo(64);
            assertThat((short) g.get2(q + 12)).isZero();
            long v = g.kalloc(4);
            g.put4(v, 1);
            assertThat(g.call(0, 20, 8, v, 1)).isZero();

            // 6. the first grant frame inside the /hypervisor region, seeded with the console page
            long grantFrame = d.layout().grantBase() >>> 12;
            assertThat(g.addToPhysmap(1, 0, grantFrame)).isZero();
            long entry0 = g.ram.readLong(grantFrame << 12);
            assertThat(entry0 & 0xffff).as("GTF_permit_access").isEqualTo(1);
            assertThat(entry0 >>> 16 & 0xffff).as("granted to domain 0").isZero();
            assertThat(entry0 >>> 32).isEqualTo(consolePfn);

            // 7. FIFO event channels refused: Linux falls back to 2-level
            long ic = g.kalloc(24);
            assertThat(g.call(0, 32, 11, ic)).isEqualTo(-38);

            // 8. vcpu_info per vCPU: each starts with everything pending, so each takes an upcall (vCPU 0's
            // earlier upcall, for the console, has been handled: the slot in shared_info is clear)
            assertThat(g.takeSelector(shared)).as("the console port's word was selected").isEqualTo(1L << (consolePort / 64));
            int before0 = g.upcalls.count(0);
            long vcpuInfo = g.registerVcpuInfos();
            assertThat(g.upcalls.count(0)).isGreaterThan(before0);
            assertThat(g.upcalls.count(1)).isPositive();
            assertThat(g.ram.readLong(vcpuInfo + 64 + 8)).as("vCPU 1 selector").isEqualTo(-1L);

            // 9. xenbus: the store channel, STORE_PFN = ~0 means wait; the store port goes to vCPU 0
            int storePort = (int) g.getParam(2);
            assertThat(storePort).isEqualTo(d.storePort()).isPositive().isNotEqualTo(consolePort);
            assertThat(g.getParam(1)).isEqualTo(-1L);
            assertThat(g.evtchn(8, storePort, 0)).isZero();

            // 10. cache_flush probe, runstate flag, runstate area, version for /sys/hypervisor
            long cf = g.kalloc(16);
            assertThat(g.call(0, 20, 12, cf, 1)).isEqualTo(-38);
            assertThat(g.call(0, 21, 0, 5)).isZero();
            long runstate = g.kalloc(48);
            g.put8(runstate + 8, -1L);
            long area = g.kalloc(8);
            g.put8(area, runstate);
            assertThat(g.call(0, 24, 5, 0, area)).isZero();
            assertThat(g.get4(runstate)).as("RUNSTATE_running").isZero();
            assertThat(g.get8(runstate + 8)).as("entry time written").isNotEqualTo(-1L);
            assertThat(g.call(0, 17, 0, 0)).isEqualTo(4L << 16 | 17);
            long extra = g.kalloc(16);
            assertThat(g.call(0, 17, 1, extra)).isZero();
            assertThat(g.string(extra, 16)).isEqualTo(".0");
            long caps = g.kalloc(1024);
            assertThat(g.call(0, 17, 3, caps)).isZero();
            assertThat(g.string(caps, 1024)).isEqualTo("xen-3.0-aarch64");

            // 11. init-dom0less: the page, the introduction, the store's notification
            g.takeSelector(vcpuInfo);
            int upcallsBefore = g.upcalls.count(0);
            d.provideStorePage();
            LinkedBlockingQueue<byte[]> requests = new LinkedBlockingQueue<>();
            StoreRing ring = d.connectStore(new StoreRing.Client() {
                @Override
                public void received(ByteBuffer bytes) {
                    byte[] b = new byte[bytes.remaining()];
                    bytes.get(b);
                    requests.add(b);
                }

                @Override
                public void disconnected() {
                }
            });
            assertThat(g.pendingBit(shared, storePort)).isTrue();
            assertThat(g.upcalls.count(0)).isGreaterThan(upcallsBefore);
            assertThat(g.ram.readLong(vcpuInfo + 8) & (1L << (storePort / 64))).isNotZero();
            long storePfn = g.getParam(1);
            assertThat(storePfn).isEqualTo(d.layout().storePfn());
            long store = storePfn << 12;
            assertThat(g.ram.readInt(store + 2068)).as("XENSTORE_CONNECTED").isZero();
            long entry1 = g.ram.readLong((grantFrame << 12) + 8);
            assertThat(entry1 >>> 32).as("grant entry 1 is the store page").isEqualTo(storePfn);

            // xenbus writes a request and notifies; the store reads it and answers
            byte[] request = message(2, "control/platform-feature-xs_reset_watches\0");
            writeRing(g, store, 0, 2052, request);
            assertThat(g.send(storePort)).isZero();
            byte[] got = requests.poll(5, TimeUnit.SECONDS);
            assertThat(got).isEqualTo(request);
            assertThat(g.ram.readInt(store + 2048)).as("req_cons").isEqualTo(request.length);
            g.ram.writeLong(shared + 48 + (storePort / 64) * 8L, 0);
            byte[] reply = message(2, "1\0");
            ring.send(ByteBuffer.wrap(reply));
            waitFor(() -> g.ram.readInt(store + 2060) == reply.length);
            byte[] rsp = new byte[reply.length];
            for (int i = 0; i < rsp.length; i++) {
                rsp[i] = g.ram.at(store + 1024 + i, 1).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
            }
            assertThat(rsp).isEqualTo(reply);
            waitFor(() -> g.pendingBit(shared, storePort));

            // 12. poweroff
            long sd = g.kalloc(4);
            g.put4(sd, 0);
            assertThat(g.call(0, 29, 2, sd)).isZero();
            assertThat(shutdowns).containsExactly(ShutdownReason.POWEROFF);
            assertThat(d.internalErrors()).isZero();
            ring.close();
        }
    }

    @Test
    void consoleInputReachesTheInRingAndNotifies() throws Exception {
        XenSystem xen = new XenSystem();
        XenDomain d = xen.create(new XenDomainConfig(2, 1, TestRam.BASE, 16 * MiB, false), r -> { });
        d.finishBuild();
        try (LinuxGuest g = new LinuxGuest(d)) {
            long shared = g.mapSharedInfo();
            int port = d.console().port();
            g.ram.writeLong(shared + 48, 0);
            byte[] keys = "ls\r".getBytes(StandardCharsets.US_ASCII);
            assertThat(d.console().input(keys, 0, keys.length)).isEqualTo(3);
            long page = d.layout().consolePfn() << 12;
            assertThat(g.ram.readInt(page + 3076)).as("in_prod").isEqualTo(3);
            assertThat(g.ram.at(page, 3).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(keys);
            assertThat(g.pendingBit(shared, port)).isTrue();
            // More than the ring holds waits in the buffer until the guest consumes.
            byte[] lots = new byte[1500];
            assertThat(d.console().input(lots, 0, lots.length)).isEqualTo(1500);
            assertThat(g.ram.readInt(page + 3076)).isEqualTo(1024);
            g.ram.writeInt(page + 3072, 1024);
            assertThat(g.send(port)).isZero();
            assertThat(g.ram.readInt(page + 3076)).isEqualTo(1503);
            assertThat(d.getClass()).isNotNull();
            assertThat(xen.domain(2)).containsSame(d);
        }
    }

    @Test
    void theConsoleNotifiesAWriterOnlyWhenItsRingWasFillingUp() throws Exception {
        XenSystem xen = new XenSystem();
        XenDomain d = xen.create(new XenDomainConfig(4, 1, TestRam.BASE, 16 * MiB, false), r -> { });
        d.finishBuild();
        try (LinuxGuest g = new LinuxGuest(d)) {
            long shared = g.mapSharedInfo();
            int port = d.console().port();
            InputStream out = d.console().output();
            g.ram.writeLong(shared + 48, 0);
            g.consoleWrite("short line\n");
            assertThat(readLine(out)).isEqualTo("short line");
            assertThat(g.pendingBit(shared, port)).isFalse();
            String full = "x".repeat(2047) + "\n";
            g.consoleWrite(full);
            byte[] got = out.readNBytes(2048);
            assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo(full);
            assertThat(g.pendingBit(shared, port)).isTrue();
        }
    }

    @Test
    void consoleIoWritesJoinTheConsoleOutput() throws Exception {
        XenSystem xen = new XenSystem();
        XenDomain d = xen.create(new XenDomainConfig(3, 1, TestRam.BASE, 16 * MiB, false), r -> { });
        d.finishBuild();
        try (LinuxGuest g = new LinuxGuest(d)) {
            byte[] text = "early: panic\n".getBytes(StandardCharsets.US_ASCII);
            long buf = g.kallocStraddling(text.length, 5);
            for (int i = 0; i < text.length; i++) {
                g.ram.at(g.pa(buf + i), 1).set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, text[i]);
            }
            assertThat(g.call(0, 18, 0, text.length, buf)).isZero();
            assertThat(readLine(d.console().output())).isEqualTo("early: panic");
            assertThat(g.call(0, 18, 1, 10, buf)).isZero();
            assertThat(g.call(0, 18, 7, 10, buf)).isEqualTo(-38);
        }
    }

    static byte[] message(int type, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(16 + p.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(type).putInt(7).putInt(0).putInt(p.length).put(p);
        return b.array();
    }

    static void writeRing(LinuxGuest g, long page, int ringOffset, int prodOffset, byte[] bytes) {
        int prod = g.ram.readInt(page + prodOffset);
        for (int i = 0; i < bytes.length; i++) {
            g.ram.at(page + ringOffset + ((prod + i) & 1023), 1).set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes[i]);
        }
        g.ram.writeInt(page + prodOffset, prod + bytes.length);
    }

    static String readLine(InputStream in) throws Exception {
        List<Byte> b = new ArrayList<>();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.add((byte) c);
        }
        byte[] a = new byte[b.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = b.get(i);
        }
        return new String(a, StandardCharsets.US_ASCII);
    }

    static void waitFor(java.util.function.BooleanSupplier condition) {
        Await.until(condition, Duration.ofSeconds(5), "the condition");
    }
}
