package org.domus.engine.qemu;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import org.domus.engine.EngineException;
import org.domus.engine.xen.Hypercall;
import org.domus.engine.xen.XenAbi;

/**
 * One vCPU's line to the EL2 program: the vCPU's channel page in guest RAM (the mailbox of el2.c) and the chardev
 * socket of the virtio-serial device the EL2 program drives. A byte from the guest means "a hypercall is in the
 * mailbox"; a byte to the guest means "look at the mailbox" (an answer to a vCPU asleep in WFI, or an upcall). One platform thread per
 * vCPU blocks on the socket, so an idle guest costs nothing here.
 */
final class El2Channel implements AutoCloseable {
    static final long SEQ = 0x00, DONE = 0x08, OP = 0x10, ARGS = 0x18, SCTLR = 0x48, TCR = 0x50, TTBR0 = 0x58,
            TTBR1 = 0x60, RESULT = 0x68, UPCALLS_RAISED = 0x70, UPCALLS_SEEN = 0x78, SLEEPING = 0x88;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final long ENOSYS = -38;

    private final int vcpu;
    private final MemorySegment page;
    private final SocketChannel socket;
    private final ByteBuffer kick = ByteBuffer.allocateDirect(1);
    private final Object raising = new Object();
    private volatile boolean closed;

    private El2Channel(int vcpu, MemorySegment page, SocketChannel socket) {
        this.vcpu = vcpu;
        this.page = page;
        this.socket = socket;
    }

    static El2Channel connect(String name, int vcpu, MemorySegment page, Path socketPath) throws EngineException {
        try {
            SocketChannel socket = SocketChannel.open(UnixDomainSocketAddress.of(socketPath));
            return new El2Channel(vcpu, page, socket);
        } catch (IOException e) {
            throw new EngineException("%s: cannot connect to vCPU %d's EL2 channel %s: %s".formatted(name, vcpu, socketPath, e.getMessage()), e);
        }
    }

    /**
     * Serves hypercalls on a thread of its own until QEMU closes the socket. The mailbox's sequence number is read
     * here, while the machine is still stopped: read by the new thread, it could already be the guest's first call
     * (the thread may first run after {@code cont}, on a loaded host), which would then count as answered and the
     * vCPU would wait for it forever.
     */
    void serve(String name, XenAbi abi) {
        long answered = get(SEQ);
        Thread.ofPlatform().daemon().name("el2-" + name + "-vcpu" + vcpu).start(() -> loop(abi, answered));
    }

    private void loop(XenAbi abi, long answeredBefore) {
        ByteBuffer in = ByteBuffer.allocateDirect(64);
        ByteBuffer answer = ByteBuffer.allocateDirect(1);
        long answered = answeredBefore;
        try {
            while (socket.read(in.clear()) >= 0) {
                long seq = get(SEQ);
                if (seq == answered) {
                    continue; // a stray byte: nothing new in the mailbox
                }
                answered = seq;
                long x0 = call(abi);
                set(RESULT, x0);
                VarHandle.fullFence();
                set(DONE, seq);
                VarHandle.fullFence();
                // a vCPU still waiting awake sees done by itself; one asleep in WFI needs the byte (its SPI)
                if (get(SLEEPING) != 0) {
                    synchronized (socket) {
                        socket.write(answer.clear());
                    }
                }
            }
        } catch (IOException | IllegalStateException e) {
            // QEMU is gone (or the RAM unmapped after it): the domain's exit handling reports why
        }
    }

    private long call(XenAbi abi) {
        var mmu = new Hypercall.Stage1(get(SCTLR), get(TCR), get(TTBR0), get(TTBR1));
        var call = new Hypercall(vcpu, get(OP), get(ARGS), get(ARGS + 8), get(ARGS + 16), get(ARGS + 24), get(ARGS + 32), mmu);
        try {
            return abi.hypercall(call);
        } catch (RuntimeException e) {
            return ENOSYS; // XenAbi never throws; if it does, the guest sees a failed call, not a dead channel
        }
    }

    /**
     * Counts a raise and rings only when the EL2 program had seen every earlier one: it writes {@code seen} then
     * re-reads {@code raised}, we write {@code raised} then read {@code seen}, so one of us always notices.
     */
    void raise() {
        if (closed) {
            return;
        }
        synchronized (raising) {
            long raised = get(UPCALLS_RAISED) + 1;
            set(UPCALLS_RAISED, raised);
            VarHandle.fullFence();
            if (get(UPCALLS_SEEN) != raised - 1) {
                return; // an earlier raise is still being taken: that one injects this too
            }
        }
        try {
            synchronized (socket) {
                socket.write(kick.clear());
            }
        } catch (IOException | IllegalStateException e) {
            // the domain is ending
        }
    }

    private long get(long offset) {
        return (long) LONG.getVolatile(page, offset);
    }

    private void set(long offset, long value) {
        LONG.setVolatile(page, offset, value);
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // already closed by QEMU's exit
        }
    }
}
