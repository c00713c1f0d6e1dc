package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.domus.hypervisor.ExitPolicies;
import org.domus.hypervisor.ExitPolicy;
import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code --on-poweroff|--on-reboot|--on-crash destroy|restart|preserve}, xl's defaults when not given. */
class BootOptionsTest {
    private static BootOptions parse(String... args) {
        CommandSpec spec = CommandSpec.create();
        BootOptions options = new BootOptions(spec);
        new CommandLine(spec).parseArgs(args);
        return options;
    }

    @Test
    void exitPoliciesAreXlsDefaultsUnlessGiven() {
        assertThat(parse().policies()).isEqualTo(ExitPolicies.XL_DEFAULTS)
                .isEqualTo(new ExitPolicies(ExitPolicy.DESTROY, ExitPolicy.RESTART, ExitPolicy.DESTROY));
        assertThat(parse("--on-poweroff", "restart", "--on-reboot", "destroy", "--on-crash", "preserve").policies())
                .isEqualTo(new ExitPolicies(ExitPolicy.RESTART, ExitPolicy.DESTROY, ExitPolicy.PRESERVE));
        assertThat(parse("--on-poweroff", "preserve").policies())
                .isEqualTo(new ExitPolicies(ExitPolicy.PRESERVE, ExitPolicy.RESTART, ExitPolicy.DESTROY));
        BootOptions bad = parse("--on-crash", "coredump");
        assertThatThrownBy(bad::policies).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("a policy is destroy, restart or preserve");
    }
}
