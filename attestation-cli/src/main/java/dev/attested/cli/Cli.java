package dev.attested.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Range;

/**
 * The commands are declared with picocli's programmatic API, through these few helpers, and never with its
 * annotations: picocli reads annotations by reflection, and the JDK makes each annotation instance a dynamic proxy
 * whose class is generated at run time, which no start-up cache (CDS archive, AOT cache) can hold. Declared here,
 * a command's model costs a few milliseconds to build; annotated, it cost more than the rest of a short run.
 * A command reads its values back from its {@code CommandSpec} after parsing.
 */
final class Cli {
    private Cli() {}

    /**
     * picocli's default factory, created only when picocli asks for an instance: initialising it probes the class
     * path for Groovy's {@code Closure}, a failed class lookup that a short run need not pay for.
     */
    static final CommandLine.IFactory FACTORY = new CommandLine.IFactory() {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            return CommandLine.defaultFactory().create(cls);
        }
    };

    /** A command whose work is {@code work} (a {@code Runnable} or a {@code Callable}), described so. */
    static CommandSpec command(Object work, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(work, FACTORY);
        spec.usageMessage().description(description);
        return spec;
    }

    /**
     * Adds the options, then {@code -h, --help} and {@code -V, --version} as picocli's
     * {@code mixinStandardHelpOptions} declares them (after the command's own options, where the mixin puts them:
     * the completion script lists them in that order).
     */
    static CommandSpec withStandardHelp(CommandSpec spec, OptionSpec.Builder... options) {
        options(spec, options);
        spec.addOption(help());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class)
                .description("Print version information and exit.").build());
        return spec;
    }

    /** {@code -h, --help} alone. */
    static OptionSpec help() {
        return OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class)
                .description("Show this help message and exit.").build();
    }

    /** Adds the options in this order (the order of the help when the command does not sort its options). */
    static CommandSpec options(CommandSpec spec, OptionSpec.Builder... options) {
        for (OptionSpec.Builder option : options) {
            spec.addOption(option.build());
        }
        return spec;
    }

    /** An option taking one value shown as {@code label}, a string unless {@code .type(...)} says otherwise. */
    static OptionSpec.Builder option(String name, String label, String description) {
        return OptionSpec.builder(name).paramLabel(label).type(String.class).description(description);
    }

    /** An option that takes no value: true when given. */
    static OptionSpec.Builder flag(String name, String description) {
        return OptionSpec.builder(name).type(boolean.class).description(description);
    }

    /** A positional parameter shown as {@code label}, taking {@code arity} values (required when at least one). */
    static PositionalParamSpec.Builder parameter(String arity, String label, String description) {
        Range range = Range.valueOf(arity);
        return PositionalParamSpec.builder().arity(range).required(range.min() > 0).paramLabel(label).type(String.class)
                .description(description);
    }

    /** The parsed value of an option (its default when it was not given; null without one). */
    static <T> T value(CommandSpec spec, String option) {
        OptionSpec o = spec.findOption(option);
        if (o == null) {
            throw new IllegalStateException("'" + spec.qualifiedName() + "' declares no option " + option);
        }
        return o.getValue();
    }

    /** Whether a flag was given (or defaults to true). */
    static boolean isSet(CommandSpec spec, String flag) {
        return Boolean.TRUE.equals(value(spec, flag));
    }

    /** The parsed value of the positional parameter at {@code index}. */
    static <T> T parameter(CommandSpec spec, int index) {
        return spec.positionalParameters().get(index).getValue();
    }
}
