package org.domus.dom0less;

import static org.assertj.core.api.Assertions.assertThat;
import static org.domus.dom0less.ValidatorFixtures.HOST;
import static org.domus.dom0less.ValidatorFixtures.fixture;
import static org.domus.dom0less.ValidatorFixtures.lines;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import org.domus.fdt.Fdt;
import org.domus.fdt.Node;
import org.domus.fdt.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture reads the same from its DTB as from its source, and no mutation of any fixture makes the
 * validator throw: a broken tree is a list of problems, never a stack trace.
 */
class ValidatorRobustnessTest {
    private static final int MUTATIONS = 300;

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(ValidatorFixtures.dir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dts")).sorted().toList()
                    .stream();
        }
    }

    /** Something at every address: an Arm64 Image the size the address's low bits say (so sizes vary). */
    private static ModuleSource everywhere(Random random) {
        return new ModuleSource() {
            @Override
            public Optional<ModuleBytes> at(long address) {
                int size = random.nextInt(3) == 0 ? 0x1000 : 1 + random.nextInt(0x2000);
                byte[] b = random.nextBoolean() ? Payloads.arm64Image(Math.max(size, 64)) : Payloads.noise(size);
                return random.nextInt(5) == 0 ? Optional.empty() : Optional.of(new ModuleBytes("file", b));
            }

            @Override
            public Optional<ModuleBytes> uefiBinary(String fileName) {
                return at(0);
            }
        };
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void sameProblemsFromSourceAndBlob(String name) throws Exception {
        Fdt source = fixture(name);
        Fdt blob = Fdt.fromDtb(source.toDtb());
        List<String> fromSource = lines(Validator.load(source, everywhere(new Random(1)), HOST));
        List<String> fromBlob = lines(Validator.load(blob, everywhere(new Random(1)), HOST));
        assertThat(fromBlob).isEqualTo(fromSource);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void mutatedTreesNeverThrow(String name) {
        Fdt original = fixture(name);
        Random random = new Random(name.hashCode());
        for (int i = 0; i < MUTATIONS; i++) {
            Fdt mutated = new Fdt(original.reservations(), original.bootCpuid(), mutate(original.root(), random));
            SystemConfig system = Validator.load(mutated, everywhere(random), HOST);
            assertThat(system.problems()).allSatisfy(p -> assertThat(p.path()).startsWith("/"));
        }
    }

    /** The tree with one property of one node replaced by random bytes, emptied, or removed. */
    private static Node mutate(Node root, Random random) {
        List<List<Integer>> paths = new ArrayList<>();
        collect(root, new ArrayList<>(), paths);
        List<Integer> target = paths.get(random.nextInt(paths.size()));
        return rebuild(root, target, 0, random);
    }

    private static void collect(Node node, List<Integer> at, List<List<Integer>> out) {
        if (!node.properties().isEmpty()) {
            out.add(List.copyOf(at));
        }
        for (int i = 0; i < node.children().size(); i++) {
            at.add(i);
            collect(node.children().get(i), at, out);
            at.removeLast();
        }
    }

    private static Node rebuild(Node node, List<Integer> target, int depth, Random random) {
        if (depth == target.size()) {
            List<Property> props = new ArrayList<>(node.properties());
            int which = random.nextInt(props.size());
            String propName = props.get(which).name();
            switch (random.nextInt(4)) {
                case 0 -> props.remove(which);
                case 1 -> props.set(which, Property.empty(propName));
                case 2 -> props.set(which, Property.ofCells(propName, random.nextInt(), random.nextInt(4)));
                default -> {
                    byte[] bytes = new byte[random.nextInt(13)];
                    random.nextBytes(bytes);
                    props.set(which, new Property(propName, bytes));
                }
            }
            return new Node(node.name(), props, node.children());
        }
        List<Node> children = new ArrayList<>(node.children());
        int i = target.get(depth);
        children.set(i, rebuild(children.get(i), target, depth + 1, random));
        return new Node(node.name(), node.properties(), children);
    }
}
