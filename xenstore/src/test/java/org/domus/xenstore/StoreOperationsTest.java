package org.domus.xenstore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The tree operations as a host client sees them, message by message. */
class StoreOperationsTest {
    private final Xenstored daemon = new Xenstored(Quotas.DEFAULT);
    private final TestConnection host = new TestConnection(daemon, 0);

    @Test
    void writeCreatesMissingParentsWithEmptyValues() {
        assertThat(host.write("/a/b/c", "v")).isEqualTo("OK");
        assertThat(host.read("/a/b/c")).isEqualTo("v");
        assertThat(host.read("/a/b")).isEmpty();
        assertThat(host.directory("/a")).containsExactly("b");
        assertThat(daemon.check()).isNull();
    }

    @Test
    void readOfAMissingNodeIsEnoent() {
        assertThat(host.read("/nothing")).isEqualTo("ERROR ENOENT");
    }

    @Test
    void directoryListsChildrenInCreationOrder() {
        host.write("/d/zeta", "");
        host.write("/d/alpha", "");
        host.write("/d/mid", "");
        assertThat(host.directory("/d")).containsExactly("zeta", "alpha", "mid");
    }

    @Test
    void valuesAreBytesNotStrings() {
        byte[] payload = {'/', 'b', 0, 1, 0, (byte) 0xff};
        assertThat(host.request(XsType.WRITE, 0, payload).payloadText()).isEqualTo("OK");
        assertThat(host.call(XsType.READ, 0, "/b").payload()).containsExactly(1, 0, 0xff);
    }

    @Test
    void mkdirKeepsAnExistingValue() {
        host.write("/m", "keep");
        assertThat(host.ask(XsType.MKDIR, "/m")).isEqualTo("OK");
        assertThat(host.read("/m")).isEqualTo("keep");
        assertThat(host.ask(XsType.MKDIR, "/m/n/o")).isEqualTo("OK");
        assertThat(host.read("/m/n/o")).isEmpty();
    }

    @Test
    void rmRemovesTheSubtreeAndIsFineOnAMissingLeafButNotAMissingParent() {
        host.write("/r/a/b", "1");
        host.write("/r/c", "2");
        assertThat(host.ask(XsType.RM, "/r/a")).isEqualTo("OK");
        assertThat(host.read("/r/a/b")).isEqualTo("ERROR ENOENT");
        assertThat(host.directory("/r")).containsExactly("c");
        assertThat(host.ask(XsType.RM, "/r/a")).isEqualTo("OK");
        assertThat(host.ask(XsType.RM, "/r/x/y")).isEqualTo("ERROR ENOENT");
        assertThat(host.ask(XsType.RM, "/")).isEqualTo("ERROR EINVAL");
        assertThat(daemon.check()).isNull();
    }

    @Test
    void badPathsAreEinval() {
        for (String p : new String[] {"", "/a//b", "/a/", "/a b", "/a.b", "/" + "x".repeat(3072)}) {
            assertThat(host.write(p, "v")).as(p).isEqualTo("ERROR EINVAL");
        }
    }

    @Test
    void relativePathsAreUnderTheCallersHome() {
        TestConnection dom3 = new TestConnection(daemon, 3);
        host.write("/local/domain/3", "");
        host.ask(XsType.SET_PERMS, "/local/domain/3", "n3");
        assertThat(dom3.write("data/x", "y")).isEqualTo("OK");
        assertThat(host.read("/local/domain/3/data/x")).isEqualTo("y");
        assertThat(host.ask(XsType.GET_DOMAIN_PATH, "3")).isEqualTo("/local/domain/3");
    }

    @Test
    void requestsMustBeNulTerminated() {
        assertThat(host.request(XsType.READ, 0, "/a".getBytes()).payloadText()).isEqualTo("EINVAL");
        assertThat(host.request(XsType.WRITE, 0, "/a".getBytes()).payloadText()).isEqualTo("EINVAL");
    }

    @Test
    void unknownAndRemovedTypesAreEnosys() {
        assertThat(host.request(XsType.ERROR, 0, new byte[0]).payloadText()).isEqualTo("EINVAL");
        XsMessage r = new XsMessage(20, 7, 0, new byte[0]);
        XsMessage[] got = new XsMessage[1];
        Transport t = new Transport() {
            public int domid() {
                return 0;
            }

            public void send(java.nio.ByteBuffer m) {
                new MessageReader().feed(m, x -> got[0] = x);
            }

            public long pendingOutputBytes() {
                return 0;
            }

            public void close() {
            }
        };
        daemon.connect(t).receive(r.encode());
        assertThat(got[0].type()).isEqualTo(XsType.ERROR.number());
        assertThat(got[0].reqId()).isEqualTo(7);
        assertThat(got[0].payloadText()).isEqualTo("ENOSYS");
    }

    @Test
    void directoryTooLongForOnePayloadIsE2bigAndDirectoryPartPagesIt() {
        for (int i = 0; i < 400; i++) {
            host.write("/big/child-with-a-long-name-" + i, "");
        }
        assertThat(host.ask(XsType.DIRECTORY, "/big")).isEqualTo("ERROR E2BIG");
        java.util.List<String> all = new java.util.ArrayList<>();
        int offset = 0;
        String gen = null;
        while (true) {
            XsMessage r = host.call(XsType.DIRECTORY_PART, 0, "/big", Integer.toString(offset));
            java.util.List<String> s = r.payloadStrings();
            if (gen == null) {
                gen = s.getFirst();
            }
            assertThat(s.getFirst()).isEqualTo(gen);
            int chunk = r.payload().length - (gen.length() + 1);
            offset += chunk;
            java.util.List<String> names = s.subList(1, s.size());
            if (names.getLast().isEmpty()) {
                all.addAll(names.subList(0, names.size() - 1));
                break;
            }
            all.addAll(names);
        }
        assertThat(all).hasSize(400).startsWith("child-with-a-long-name-0").endsWith("child-with-a-long-name-399");
    }

    @Test
    void controlCheckAndQuotas() {
        assertThat(host.ask(XsType.CONTROL, "check")).isEqualTo("OK");
        assertThat(host.ask(XsType.CONTROL, "frobnicate")).isEqualTo("ERROR EINVAL");
        assertThat(host.ask(XsType.GET_QUOTA, "nodes")).isEqualTo("1000");
        assertThat(host.ask(XsType.SET_QUOTA, "nodes", "50")).isEqualTo("OK");
        assertThat(host.ask(XsType.GET_QUOTA, "nodes")).isEqualTo("50");
        assertThat(new TestConnection(daemon, 2).ask(XsType.CONTROL, "check")).isEqualTo("ERROR EACCES");
    }
}
