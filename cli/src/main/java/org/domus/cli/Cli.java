package org.domus.cli;

import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli's programmatic model, which Domus's commands declare theirs with. picocli reads annotations through
 * reflection, and the JVM builds a proxy class per annotation type for that at every start (an AOT cache cannot hold
 * them): 55 ms of the 60 ms it took to model {@code domus boot}, on the path every boot waits for. Declared in code,
 * the same model takes under 10 ms.
 */
final class Cli {
    private Cli() {
    }

    /** A command run by {@code command}'s {@code call()}, with -h/--help; each description element is a paragraph. */
    static CommandSpec command(Object command, String name, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
        spec.usageMessage().description(description);
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help message and exit.").build());
        return spec;
    }

    /** An option taking one value of {@code type}, absent (null) unless given. */
    static OptionSpec option(CommandSpec spec, String name, String label, Class<?> type, String description) {
        return add(spec, OptionSpec.builder(name).paramLabel(label).type(type).description(description));
    }

    /** An option taking one value of {@code type}, {@code defaultValue} unless given. */
    static OptionSpec option(CommandSpec spec, String name, String label, Class<?> type, String defaultValue, String description) {
        return add(spec, OptionSpec.builder(name).paramLabel(label).type(type).defaultValue(defaultValue).description(description));
    }

    /** An option that may be given several times, each a string; see {@link #values}. */
    static OptionSpec repeatable(CommandSpec spec, String name, String label, String description) {
        return add(spec, OptionSpec.builder(name).paramLabel(label).type(List.class).auxiliaryTypes(String.class)
                .description(description));
    }

    /** The values a {@link #repeatable} option or {@link #positionals} were given, in order; empty when none. */
    static List<String> values(ArgSpec listOfStrings) {
        List<String> v = listOfStrings.getValue();
        return v == null ? List.of() : v;
    }

    /** An option without a value: true when given. */
    static OptionSpec flag(CommandSpec spec, String name, String description) {
        return flag(spec, new String[] {name}, description);
    }

    /** A flag with several names ({@code -w}, {@code --wait}). */
    static OptionSpec flag(CommandSpec spec, String[] names, String description) {
        return add(spec, OptionSpec.builder(names).type(boolean.class).arity("0").initialValue(false).description(description));
    }

    /** The required positional parameter at {@code index}. */
    static PositionalParamSpec positional(CommandSpec spec, int index, String label, Class<?> type, String description) {
        PositionalParamSpec.Builder p = PositionalParamSpec.builder().index(Integer.toString(index)).arity("1").required(true)
                .paramLabel(label).type(type).description(description);
        if (type == Path.class) {
            p.converters(pathConverter());
        }
        PositionalParamSpec built = p.build();
        spec.addPositional(built);
        return built;
    }

    /** An optional positional parameter at {@code index}: null when not given. */
    static PositionalParamSpec optionalPositional(CommandSpec spec, int index, String label, String description) {
        PositionalParamSpec p = PositionalParamSpec.builder().index(Integer.toString(index)).arity("0..1").paramLabel(label)
                .type(String.class).description(description).build();
        spec.addPositional(p);
        return p;
    }

    /** Positional parameters from {@code index} on, any number of them; see {@link #values}. */
    static PositionalParamSpec positionals(CommandSpec spec, int index, String label, String description) {
        PositionalParamSpec p = PositionalParamSpec.builder().index(index + "..*").arity("0..*").paramLabel(label)
                .type(List.class).auxiliaryTypes(String.class).description(description).build();
        spec.addPositional(p);
        return p;
    }

    /**
     * picocli converts to {@link Path} by calling {@code Paths.get} reflectively (it supports Java 5), and a
     * reflective call spins method handles at its first use, ~2 ms of every boot.
     */
    private static ITypeConverter<Path> pathConverter() {
        return value -> Path.of(value);
    }

    /** Adds an option built by hand (several names, required…), converting paths as the others do. */
    static OptionSpec add(CommandSpec spec, OptionSpec.Builder option) {
        if (option.type() == Path.class) {
            option.converters(pathConverter());
        }
        OptionSpec o = option.build();
        spec.addOption(o);
        return o;
    }
}
