package org.domus.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.domus.hypervisor.ConsoleSwitch.Command;
import org.domus.hypervisor.ConsoleSwitch.Send;
import org.domus.hypervisor.ConsoleSwitch.Step;
import org.domus.hypervisor.ConsoleSwitch.Switch;
import org.junit.jupiter.api.Test;

class ConsoleSwitchTest {
    private static final byte CTRL_A = 1;
    private static final int DOMUS = ConsoleSwitch.DOMUS;

    private final Set<Integer> finished = new HashSet<>();

    private ConsoleSwitch of(char letter, Integer... ids) {
        return new ConsoleSwitch(letter, List.of(ids), id -> !finished.contains(id));
    }

    /** Steps as short strings: "1:abc" for bytes to d1 (control bytes as ^A), "->2" for a switch, "!q" for a command. */
    private static List<String> feed(ConsoleSwitch sw, byte... bytes) {
        List<String> out = new ArrayList<>();
        for (Step s : sw.feed(bytes, 0, bytes.length)) {
            out.add(switch (s) {
                case Send send -> send.domain() + ":" + show(send.bytes());
                case Switch to -> "->" + to.domain();
                case Command c -> "!" + show(new byte[] {c.key()});
            });
        }
        return out;
    }

    private static List<String> feed(ConsoleSwitch sw, String text) {
        return feed(sw, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String show(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(b < 0x20 ? "^" + (char) ('@' + b) : String.valueOf((char) b));
        }
        return s.toString();
    }

    @Test
    void inputStartsAtTheFirstDomainAndGoesThereWhole() {
        ConsoleSwitch sw = of('a', 1, 2, 3);
        assertThat(sw.current()).isEqualTo(1);
        assertThat(feed(sw, "echo hi\r")).containsExactly("1:echo hi^M");
    }

    @Test
    void threeConswitchKeysMoveToTheNextDomainThenDomusThenWrap() {
        ConsoleSwitch sw = of('a', 1, 2);
        assertThat(feed(sw, CTRL_A, CTRL_A, CTRL_A)).containsExactly("->2");
        assertThat(feed(sw, CTRL_A, CTRL_A, CTRL_A)).containsExactly("->" + DOMUS);
        assertThat(feed(sw, CTRL_A, CTRL_A, CTRL_A)).containsExactly("->1");
        assertThat(sw.current()).isEqualTo(1);
    }

    @Test
    void bytesAroundASwitchGoToTheDomainTheyWereTypedFor() {
        ConsoleSwitch sw = of('a', 1, 2);
        assertThat(feed(sw, (byte) 'x', CTRL_A, CTRL_A, CTRL_A, (byte) 'y')).containsExactly("1:x", "->2", "2:y");
    }

    @Test
    void threeInARowCountAcrossReads() {
        ConsoleSwitch sw = of('a', 1, 2);
        assertThat(feed(sw, CTRL_A)).isEmpty();
        assertThat(feed(sw, CTRL_A)).isEmpty();
        assertThat(feed(sw, CTRL_A, (byte) 'l')).containsExactly("->2", "2:l");
    }

    @Test
    void aConswitchKeyFollowedByAnotherKeyReachesTheGuestWithIt() {
        ConsoleSwitch sw = of('a', 1, 2);
        assertThat(feed(sw, CTRL_A)).isEmpty();
        assertThat(feed(sw, (byte) 'd')).containsExactly("1:^Ad");
        assertThat(feed(sw, CTRL_A, CTRL_A, (byte) 'e')).containsExactly("1:^A^Ae");
        assertThat(sw.current()).isEqualTo(1);
        // the count starts again after a release: two more do not switch
        assertThat(feed(sw, CTRL_A, CTRL_A)).isEmpty();
        assertThat(feed(sw, (byte) 'f')).containsExactly("1:^A^Af");
    }

    @Test
    void fourConswitchKeysSwitchAndHoldTheFourth() {
        ConsoleSwitch sw = of('a', 1, 2);
        assertThat(feed(sw, CTRL_A, CTRL_A, CTRL_A, CTRL_A, (byte) 'z')).containsExactly("->2", "2:^Az");
    }

    @Test
    void theLetterIsConfigurableAndCtrlAThenPassesThrough() {
        ConsoleSwitch sw = of('b', 1, 2);
        assertThat(sw.letter()).isEqualTo('B');
        assertThat(feed(sw, CTRL_A, CTRL_A, CTRL_A)).containsExactly("1:^A^A^A");
        assertThat(feed(sw, (byte) 2, (byte) 2, (byte) 2)).containsExactly("->2");
    }

    @Test
    void finishedDomainsAreSkipped() {
        ConsoleSwitch sw = of('a', 1, 2, 3);
        finished.add(2);
        assertThat(feed(sw, CTRL_A, CTRL_A, CTRL_A)).containsExactly("->3");
        finished.add(1);
        assertThat(feed(sw, CTRL_A, CTRL_A, CTRL_A)).containsExactly("->" + DOMUS);
        assertThat(feed(sw, CTRL_A, CTRL_A, CTRL_A)).containsExactly("->3");
    }

    @Test
    void whenTheHolderFinishesInputMovesOnAndWhatWasTypedForItIsDropped() {
        ConsoleSwitch sw = of('a', 1, 2);
        assertThat(sw.followRunning()).isNull();
        finished.add(1);
        assertThat(feed(sw, "poweroff\r")).containsExactly("->2");
        assertThat(feed(sw, "ls\r")).containsExactly("2:ls^M");
        finished.add(2);
        assertThat(sw.followRunning()).isEqualTo(new Switch(DOMUS));
        assertThat(sw.followRunning()).isNull();
    }

    @Test
    void keysTypedToDomusAreCommandsAndReleasedSwitchKeysToo() {
        ConsoleSwitch sw = of('a', 1);
        assertThat(feed(sw, CTRL_A, CTRL_A, CTRL_A)).containsExactly("->" + DOMUS);
        assertThat(feed(sw, CTRL_A, (byte) 'q')).containsExactly("!^A", "!q");
        assertThat(feed(sw, (byte) 3)).containsExactly("!^C");
    }

    @Test
    void aSystemWithoutDomainsLeavesInputWithDomus() {
        ConsoleSwitch sw = of('a');
        assertThat(sw.current()).isEqualTo(DOMUS);
        assertThat(feed(sw, CTRL_A, CTRL_A, CTRL_A)).containsExactly("->" + DOMUS);
    }

    @Test
    void dom0IsAnOrdinaryStopOfTheCycle() {
        ConsoleSwitch sw = of('a', 0, 1);
        assertThat(sw.current()).isZero();
        assertThat(feed(sw, CTRL_A, CTRL_A, CTRL_A)).containsExactly("->1");
        assertThat(feed(sw, CTRL_A, CTRL_A, CTRL_A, CTRL_A, CTRL_A, CTRL_A)).containsExactly("->" + DOMUS, "->0");
    }
}
