package org.domus.xenstore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Domain connections are held to the nodes' permissions; the host is not. */
class PermissionsTest {
    private final Xenstored daemon = new Xenstored(Quotas.DEFAULT);
    private final TestConnection host = new TestConnection(daemon, 0);
    private final TestConnection dom1 = new TestConnection(daemon, 1);
    private final TestConnection dom2 = new TestConnection(daemon, 2);

    @BeforeEach
    void homes() {
        for (int d = 1; d <= 2; d++) {
            host.write("/local/domain/" + d, "");
            host.ask(XsType.SET_PERMS, "/local/domain/" + d, "n0", "r" + d);
            host.write("/local/domain/" + d + "/name", "dom" + d);
            host.ask(XsType.SET_PERMS, "/local/domain/" + d + "/name", "n" + d, "r0");
            host.write("/local/domain/" + d + "/data", "");
            host.ask(XsType.SET_PERMS, "/local/domain/" + d + "/data", "n" + d, "r0");
        }
    }

    @Test
    void aDomainWritesItsOwnSubtreeButNothingOutsideIt() {
        assertThat(dom1.write("/local/domain/1/data/x", "1")).isEqualTo("OK");
        assertThat(dom1.write("/local/domain/2/data/x", "1")).isEqualTo("ERROR EACCES");
        assertThat(dom1.write("/local/domain/2/name", "stolen")).isEqualTo("ERROR EACCES");
        assertThat(dom1.write("/tool/x", "1")).isEqualTo("ERROR EACCES");
        assertThat(dom1.ask(XsType.RM, "/local/domain/2/name")).isEqualTo("ERROR EACCES");
        assertThat(host.read("/local/domain/2/name")).isEqualTo("dom2");
    }

    @Test
    void aDomainCannotReadAnotherDomainsNodesNorLearnWhetherTheyExist() {
        assertThat(dom1.read("/local/domain/1/name")).isEqualTo("dom1");
        assertThat(dom1.read("/local/domain/2/name")).isEqualTo("ERROR EACCES");
        assertThat(dom1.read("/local/domain/2/nothing")).isEqualTo("ERROR EACCES");
        assertThat(dom1.ask(XsType.DIRECTORY, "/local/domain/2")).isEqualTo("ERROR EACCES");
        assertThat(dom1.read("/local/domain/1/nothing")).isEqualTo("ERROR ENOENT");
    }

    @Test
    void newNodesInheritTheParentsPermissionsWithTheCreatorAsOwner() {
        dom1.write("/local/domain/1/data/new", "v");
        assertThat(host.call(XsType.GET_PERMS, 0, "/local/domain/1/data/new").payloadStrings())
            .containsExactly("n1", "r0");
        host.write("/local/domain/1/data/fromhost", "v");
        assertThat(host.call(XsType.GET_PERMS, 0, "/local/domain/1/data/fromhost").payloadStrings())
            .containsExactly("n1", "r0");
    }

    @Test
    void grantsByEntryAndByDefault() {
        host.write("/shared/ro", "x");
        host.ask(XsType.SET_PERMS, "/shared/ro", "n0", "r2");
        assertThat(dom2.read("/shared/ro")).isEqualTo("x");
        assertThat(dom2.write("/shared/ro", "y")).isEqualTo("ERROR EACCES");
        assertThat(dom1.read("/shared/ro")).isEqualTo("ERROR EACCES");
        host.ask(XsType.SET_PERMS, "/shared/ro", "r0", "w2");
        assertThat(dom1.read("/shared/ro")).isEqualTo("x");
        assertThat(dom2.read("/shared/ro")).isEqualTo("ERROR EACCES");
        assertThat(dom2.write("/shared/ro", "z")).isEqualTo("OK");
        host.ask(XsType.SET_PERMS, "/shared/ro", "n0", "b1");
        assertThat(dom1.write("/shared/ro", "w")).isEqualTo("OK");
        assertThat(dom1.read("/shared/ro")).isEqualTo("w");
    }

    @Test
    void onlyTheOwnerSetsPermissionsAndOnlyDom0ChangesTheOwner() {
        dom1.write("/local/domain/1/data/p", "");
        assertThat(dom1.ask(XsType.SET_PERMS, "/local/domain/1/data/p", "n1", "r2")).isEqualTo("OK");
        assertThat(dom2.read("/local/domain/1/data/p")).isEmpty();
        assertThat(dom2.ask(XsType.SET_PERMS, "/local/domain/1/data/p", "b2")).isEqualTo("ERROR EACCES");
        assertThat(dom1.ask(XsType.SET_PERMS, "/local/domain/1/data/p", "b2")).isEqualTo("ERROR EPERM");
        assertThat(host.ask(XsType.SET_PERMS, "/local/domain/1/data/p", "b2")).isEqualTo("OK");
        assertThat(host.ask(XsType.SET_PERMS, "/local/domain/1/data/p", "x2")).isEqualTo("ERROR EINVAL");
        assertThat(host.ask(XsType.SET_PERMS, "/local/domain/1/data/p", "r")).isEqualTo("ERROR EINVAL");
    }

    @Test
    void setTargetGivesAStubDomainItsTargetsRights() {
        daemon.locked(() -> {
            daemon.introduce(1, 0, 0);
            daemon.introduce(2, 0, 0);
            return null;
        });
        assertThat(dom2.write("/local/domain/1/data/dm", "1")).isEqualTo("ERROR EACCES");
        assertThat(host.ask(XsType.SET_TARGET, "2", "1")).isEqualTo("OK");
        assertThat(dom2.write("/local/domain/1/data/dm", "1")).isEqualTo("OK");
        assertThat(dom1.ask(XsType.SET_TARGET, "1", "2")).isEqualTo("ERROR EACCES");
    }

    @Test
    void domainManagementIsForDom0Only() {
        assertThat(dom1.ask(XsType.INTRODUCE, "5", "0", "1")).isEqualTo("ERROR EACCES");
        assertThat(dom1.ask(XsType.RELEASE, "2")).isEqualTo("ERROR EACCES");
        assertThat(dom1.ask(XsType.SET_PERMS, "@introduceDomain", "r1")).isEqualTo("ERROR EACCES");
    }

    @Test
    void releaseGivesADomainsNodesToDom0AndDropsItsEntries() {
        daemon.locked(() -> {
            daemon.introduce(1, 0, 0);
            return null;
        });
        host.write("/shared/x", "");
        host.ask(XsType.SET_PERMS, "/shared/x", "n0", "b1");
        assertThat(host.ask(XsType.RELEASE, "1")).isEqualTo("OK");
        assertThat(dom1.closed).isTrue();
        assertThat(host.call(XsType.GET_PERMS, 0, "/local/domain/1/name").payloadStrings())
            .containsExactly("n0", "r0");
        assertThat(host.call(XsType.GET_PERMS, 0, "/shared/x").payloadStrings()).containsExactly("n0");
        assertThat(host.ask(XsType.RELEASE, "1")).isEqualTo("ERROR ENOENT");
    }
}
