package org.domus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

/**
 * The toolstack commands' arguments are checked by the request records before any system is asked: what a record
 * refuses is a usage error (exit 2) whose first line is the record's reason, whether or not a system runs. No
 * system is started here, and none is needed: {@code --name} names one that does not exist, so a command that
 * connected anyway would fail otherwise (exit 1, "no system").
 */
class ToolstackArgumentsCommandTest {
    private static final String NONE = "no-such-system-" + ProcessHandle.current().pid();

    @Test
    void anEmptyDomainOrPoolIsAUsageError() {
        assertUsage("no domain named: give its name, id or dN", "info", "");
        assertUsage("no domain named: give its name, id or dN", "list", "d1", "");
        assertUsage("no domain named: give its name, id or dN", "vcpu-list", "");
        assertUsage("no domain named: give its name, id or dN", "console", "");
        assertUsage("no domain named: give its name, id or dN", "pause", "");
        assertUsage("an empty cpupool name: give Pool-N or its node's name, or none for all", "cpupool-list", "");
    }

    @Test
    void aValueXlWouldRefuseIsAUsageError() {
        assertUsage("sysrq key 'hh': give one letter, digit or sign, as sysrq.rst lists them (h: help)", "sysrq", "d1", "hh");
        assertUsage("invalid memory size: '12x' (a number of MiB, or with a unit: 512m, 1g, 131072k)", "mem-set", "d1", "12x");
        assertUsage("requested 0 vCPUs: a domain keeps at least one", "vcpu-set", "d1", "0");
        assertUsage("'two' is not a number of vCPUs", "vcpu-set", "d1", "two");
        assertUsage("'x' is not a vCPU number (or all)", "vcpu-pin", "d1", "x", "all");
        assertUsage("--timeout must not be negative", "shutdown", "d1", "--timeout", "-1");
    }

    private static void assertUsage(String reason, String... args) {
        String[] withName = new String[args.length + 2];
        System.arraycopy(args, 0, withName, 0, args.length);
        withName[args.length] = "--name";
        withName[args.length + 1] = NONE;
        var out = new StringWriter();
        var err = new StringWriter();
        var cl = Main.commandLine(withName);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(withName);
        assertThat(err.toString().lines().findFirst().orElse("")).as(String.join(" ", args)).isEqualTo(reason);
        assertThat(exit).as(String.join(" ", args)).isEqualTo(Main.EXIT_USAGE);
        assertThat(out.toString()).as(String.join(" ", args)).isEmpty();
    }
}
