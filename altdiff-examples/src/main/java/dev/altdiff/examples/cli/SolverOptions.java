package dev.altdiff.examples.cli;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiff;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The solver options of every command, declared once: the backend and the fields of {@link Settings}.
 * A command mixes them in with {@code @Mixin SolverOptions solver} and names {@link Defaults}, the
 * table of every command's defaults, as its {@code @Command(defaultValueProvider = …)}, so that its
 * help shows its own defaults; options a command does not use are refused by {@link #usesOnly}, saying what to do
 * instead.
 */
public final class SolverOptions {
    /** Every option of the mixin, by its first name. */
    private static final List<String> OPTIONS = List.of("--backend", "--rho", "--tol", "--max-iter", "--truncation",
            "--infeasibility-tol", "--polish", "--adaptive-rho", "--scaling", "--time-limit");

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--backend", paramLabel = "NAME", order = 100,
            description = "linear algebra backend: ojalgo, nd4j or any other on the class path (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--rho", paramLabel = "R", order = 101,
            description = "ADMM penalty > 0; the starting value with --adaptive-rho (default: ${DEFAULT-VALUE})")
    double rho;

    @Option(names = {"--tol", "--tolerance"}, paramLabel = "T", order = 102,
            description = "tolerance > 0 of the truncation rule (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = {"--max-iter", "--max-iterations"}, paramLabel = "K", order = 103,
            description = "iteration cap >= 1 (default: ${DEFAULT-VALUE})")
    int maxIterations;

    @Option(names = "--truncation", paramLabel = "RULE", order = 104,
            description = "truncation rule: residuals or relative-change (default: ${DEFAULT-VALUE})")
    String truncation;

    @Option(names = {"--infeasibility-tol"}, paramLabel = "E", order = 105,
            description = "tolerance of the infeasibility tests (Settings.infeasibilityTolerance, 0 = off; default:"
                    + " ${DEFAULT-VALUE})")
    double infeasibilityTolerance;

    @Option(names = "--polish", negatable = true, order = 106,
            description = "polish the final iterate (Settings.polish): solve the KKT system of the active set it"
                    + " identifies and keep the result if it passes the termination test; QPs only (default:"
                    + " ${DEFAULT-VALUE})")
    boolean polish;

    @Option(names = "--adaptive-rho", negatable = true, order = 107,
            description = "adapt rho to the residuals (Settings.adaptiveRho: OSQP's residual balancing every 10"
                    + " iterations; --rho is the starting value); QPs only (default: ${DEFAULT-VALUE})")
    boolean adaptiveRho;

    @Option(names = "--scaling", paramLabel = "N", order = 108,
            description = "Ruiz equilibration passes (Settings.scaling, 0 = off; default: ${DEFAULT-VALUE}): ADMM runs"
                    + " on the scaled problem, solution and gradients are mapped back; dense QPs only")
    int scaling;

    @Option(names = "--time-limit", paramLabel = "S", order = 109,
            description = "wall-clock limit of one solve in seconds (Settings.timeLimit, 0 = none; default:"
                    + " ${DEFAULT-VALUE}); reaching it gives the status time_limit unless the termination test passes")
    double timeLimit;

    /** @return the settings the options give (each option not given is the command's default) */
    public Settings settings() {
        try {
            return new Settings(rho, tolerance, maxIterations, truncation(truncation), infeasibilityTolerance, polish,
                    adaptiveRho, scaling, timeLimit);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "bad option value (--rho, --tol, --max-iter,"
                    + " --infeasibility-tol, --scaling, --time-limit): " + e.getMessage(), e);
        }
    }

    /** @return the backend named by --backend */
    public LinearAlgebra backend() {
        try {
            return AltDiff.backend(backend);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "unknown --backend: " + e.getMessage(), e);
        }
    }

    /** @return the name given to --backend (or the command's default) */
    public String backendName() {
        return backend;
    }

    /** @return whether the option (any of its names) was given on the command line */
    public boolean given(String option) {
        return mixee.commandLine().getParseResult().hasMatchedOption(option);
    }

    /**
     * Refuses every option of this mixin, given on the command line, that the command does not use.
     *
     * @param instead what to do instead, for the message
     * @param used    the options the command uses, e.g. "--backend"
     */
    public void usesOnly(String instead, String... used) {
        List<String> keep = List.of(used);
        for (String option : OPTIONS) {
            if (!keep.contains(option) && given(option)) {
                throw new ParameterException(mixee.commandLine(), option + " does not apply to altdiff "
                        + mixee.name() + ": " + instead);
            }
        }
    }

    private static Truncation truncation(String rule) {
        return switch (rule.toLowerCase(Locale.ROOT)) {
            case "residuals" -> Truncation.RESIDUALS;
            case "relative-change" -> Truncation.RELATIVE_CHANGE;
            default -> throw new IllegalArgumentException("--truncation must be residuals or relative-change, got "
                    + rule);
        };
    }

    /**
     * The defaults of these options, per command, in one table: picocli asks the provider named by
     * {@code @Command(defaultValueProvider = SolverOptions.Defaults.class)} for every option of the
     * command (a {@code train} example asks for {@code train}'s), and takes null as "no default here".
     */
    public static final class Defaults implements IDefaultValueProvider {
        private static final Map<String, Settings> SETTINGS = Map.of(
                "solve", Settings.DEFAULTS,
                // the residual test at 1e-9 without adaptive rho or scaling, 30 s per problem: the time limit ends most runs
                "maros", Settings.PAPER.withTruncation(Truncation.RESIDUALS).withTolerance(1e-9).withMaxIterations(1_000_000)
                        .withTimeLimit(30),
                "bench", Settings.PAPER,
                "bench-layer", Settings.PAPER.withTolerance(1e-4),
                "bench-sparse", Settings.PAPER,
                "demo", Settings.PAPER,
                "train", Settings.PAPER.withTolerance(1e-4).withMaxIterations(2000));
        /** bench: nd4j is 4-15x faster than ojalgo at n >= 1000 (docs/benchmarks.md); elsewhere ojalgo. */
        private static final Map<String, String> BACKEND = Map.of("bench", "nd4j");

        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            CommandSpec command = arg.command();
            String name = SETTINGS.containsKey(command.name()) || command.parent() == null ? command.name()
                    : command.parent().name();
            Settings settings = SETTINGS.get(name);
            if (settings == null) {
                throw new IllegalStateException("no solver defaults for altdiff " + name);
            }
            return switch (option.longestName()) {
                case "--backend" -> BACKEND.getOrDefault(name, "ojalgo");
                case "--rho" -> number(settings.rho());
                case "--tolerance" -> number(settings.tolerance());
                case "--max-iterations" -> String.valueOf(settings.maxIterations());
                case "--truncation" -> settings.truncation() == Truncation.RESIDUALS ? "residuals" : "relative-change";
                case "--infeasibility-tol" -> number(settings.infeasibilityTolerance());
                case "--polish" -> String.valueOf(settings.polish());
                case "--adaptive-rho" -> String.valueOf(settings.adaptiveRho());
                case "--scaling" -> String.valueOf(settings.scaling());
                case "--time-limit" -> number(settings.timeLimit());
                default -> null;
            };
        }

        /** @return x as Java writes it, without a trailing ".0": 1, 0.001, 1e-6, 2.5e-7 */
        private static String number(double x) {
            return Double.toString(x).replace(".0E", "E").replace('E', 'e').replaceAll("\\.0$", "");
        }
    }
}
