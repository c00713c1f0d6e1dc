package org.domus.dom0less;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import org.domus.fdt.Fdt;
import org.domus.fdt.FdtException;

/** The fixtures under resources/validate/ and what tests read from a loaded system. */
final class ValidatorFixtures {
    /** A fixed host, so that expected lines do not depend on the machine running the tests. */
    static final Host HOST = new Host(8, 16L << 30);

    private ValidatorFixtures() {
    }

    static Path dir() {
        try {
            return Path.of(ValidatorFixtures.class.getResource("/validate").toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static Fdt fixture(String name) {
        try {
            return Fdt.fromDts(dir().resolve(name));
        } catch (FdtException e) {
            throw new AssertionError(name + ": " + e.getMessage(), e);
        }
    }

    static SystemConfig load(String name, ModuleSource modules) {
        return Validator.load(fixture(name), modules, HOST);
    }

    /** Every problem as the user sees it: "/path: error: message". */
    static List<String> lines(SystemConfig system) {
        return system.problems().stream().map(Problem::toString).toList();
    }

    static List<String> errors(SystemConfig system) {
        return system.problems().stream().filter(Problem::isError).map(Problem::toString).toList();
    }

    static List<String> warnings(SystemConfig system) {
        return system.problems().stream().filter(p -> !p.isError()).map(Problem::toString).toList();
    }

    static List<String> checks(SystemConfig system) {
        return system.problems().stream().map(Problem::check).toList();
    }

    static DomainConfig domain(SystemConfig system, String name) {
        return system.domains().stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no domain " + name));
    }
}
