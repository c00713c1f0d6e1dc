package org.domus.xenstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The header layout, framing across any split, the payload limit, and the type numbers of xs_wire.h. */
class WireTest {
    @Test
    void typeNumbersAreXens() {
        assertThat(XsType.CONTROL.number()).isZero();
        assertThat(XsType.WRITE.number()).isEqualTo(11);
        assertThat(XsType.WATCH_EVENT.number()).isEqualTo(15);
        assertThat(XsType.ERROR.number()).isEqualTo(16);
        assertThat(XsType.RESET_WATCHES.number()).isEqualTo(21);
        assertThat(XsType.DIRECTORY_PART.number()).isEqualTo(22);
        assertThat(XsType.SET_QUOTA.number()).isEqualTo(26);
        assertThat(XsType.of(20)).as("XS_RESTRICT, removed").isNull();
    }

    @Test
    void headerIsFourHostOrderWordsThenThePayload() {
        ByteBuffer b = XsMessage.strings(XsType.READ, 7, 3, "/a").encode();
        assertThat(b.remaining()).isEqualTo(16 + 3);
        assertThat(b.getInt()).isEqualTo(2);
        assertThat(b.getInt()).isEqualTo(7);
        assertThat(b.getInt()).isEqualTo(3);
        assertThat(b.getInt()).isEqualTo(3);
    }

    @Test
    void framingSurvivesAnySplit() {
        ByteBuffer whole = ByteBuffer.allocate(200);
        whole.put(XsMessage.strings(XsType.READ, 1, 0, "/x").encode());
        whole.put(XsMessage.of(XsType.RESET_WATCHES, 2, 0, new byte[0]).encode());
        whole.put(XsMessage.strings(XsType.WRITE, 3, 0, "/y", "value").encode());
        whole.flip();
        byte[] all = new byte[whole.remaining()];
        whole.get(all);
        for (int cut = 0; cut <= all.length; cut++) {
            MessageReader r = new MessageReader();
            List<XsMessage> got = new ArrayList<>();
            assertThat(r.feed(ByteBuffer.wrap(all, 0, cut), got::add)).isTrue();
            assertThat(r.feed(ByteBuffer.wrap(all, cut, all.length - cut), got::add)).isTrue();
            assertThat(got).extracting(XsMessage::reqId).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aPayloadOverTheLimitIsAProtocolViolation() {
        ByteBuffer b = ByteBuffer.allocate(16).order(XsMessage.ORDER);
        b.putInt(2).putInt(1).putInt(0).putInt(4097).flip();
        assertThat(new MessageReader().feed(b, m -> { })).isFalse();
    }

    @Test
    void permissionStrings() {
        Perms p = Perms.of("n1", "r0", "w2", "b3");
        assertThat(p.owner()).isEqualTo(1);
        assertThat(p.wire()).containsExactly("n1", "r0", "w2", "b3");
        assertThat(p.without(1).wire()).containsExactly("n0", "r0", "w2", "b3");
        assertThat(p.without(2).wire()).containsExactly("n1", "r0", "b3");
    }
}
