package org.domus.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.domus.engine.xen.Hypercall.Stage1;
import org.domus.xen.internal.GuestMemory;
import org.domus.xen.internal.GuestVirtual;
import org.domus.xen.internal.XenError;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The walker against garbage: tables full of random descriptors (many pointing back into RAM, so walks go
 * deep), random translation registers, random addresses. A walk ends in an address or -EFAULT, nothing else.
 */
class WalkerProperties {
    static final TestRam RAM = new TestRam(2 << 20);
    static final GuestMemory MEM = new GuestMemory(RAM);

    @AfterContainer
    static void close() {
        RAM.close();
    }

    @Property(tries = 100)
    void walksEndInAnAddressOrAFault(@ForAll long seed, @ForAll long tcr, @ForAll long va) {
        Random r = new Random(seed);
        for (long off = 0; off < RAM.size(); off += 8) {
            long desc = r.nextLong();
            if (r.nextInt(3) > 0) {
                // a plausible descriptor: valid, table or page, pointing inside RAM, access flag set
                desc = (TestRam.BASE + (r.nextLong() & (RAM.size() - 1) & ~0xfffL)) | (r.nextInt(4)) | (r.nextBoolean() ? 1 << 10 : 0)
                        | (desc & 0xfff0_0000_0000_0000L);
            }
            RAM.writeLong(TestRam.BASE + off, desc);
        }
        long ttbr = TestRam.BASE + (r.nextLong() & (RAM.size() - 1));
        // half the time a TCR a kernel could use, so the walks do not all stop at the register checks
        long usedTcr = r.nextBoolean() ? (tcr & ~0x3f_003fL & ~(3L << 14) & ~(3L << 30) & ~(1L << 7) & ~(1L << 23))
                | (16 + r.nextInt(24)) | ((16L + r.nextInt(24)) << 16) | (2L << 30) : tcr;
        Stage1 s1 = new Stage1(r.nextInt(8) == 0 ? 0 : 1, usedTcr, ttbr, ttbr ^ 0x800);
        GuestVirtual g = new GuestVirtual(MEM, s1);
        for (int i = 0; i < 16; i++) {
            long at = i == 0 ? va : (r.nextBoolean() ? r.nextLong() : va + i * 4093L);
            try {
                MemorySegmentCheck.bytes(g.copyIn(at, 1 + r.nextInt(64)));
                g.checkWritable(at, 1 + r.nextInt(64));
            } catch (XenError e) {
                assertThat(e.errno()).isEqualTo(14);
            }
        }
    }

    static final class MemorySegmentCheck {
        static void bytes(java.lang.foreign.MemorySegment s) {
            assertThat(s.byteSize()).isBetween(1L, 64L);
        }
    }
}
