package dev.altdiff.examples.cli;

import dev.altdiff.api.Settings;
import dev.altdiff.api.XStepForm;
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
    private static final List<String> OPTIONS = List.of("--backend", "--preset", "--rho", "--tol", "--max-iter",
            "--truncation", "--infeasibility-tol", "--polish", "--adaptive-rho", "--scaling", "--time-limit", "--alpha",
            "--rho-eq-scale", "--sigma", "--x-step");

    /** The options that set a field of {@link Settings} (all but --backend and --preset). */
    private static final List<String> FIELDS = OPTIONS.subList(2, OPTIONS.size());

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--backend", paramLabel = "NAME", order = 100,
            description = "linear algebra backend: ojalgo, nd4j or any other on the class path (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--preset", paramLabel = "NAME", order = 100,
            description = "start from a named preset instead of this command's defaults: default (Settings.DEFAULTS:"
                    + " adaptive rho, 10 Ruiz passes, the residual termination test at 1e-7) or paper (Settings.PAPER:"
                    + " rho = 1 fixed, the relative-change rule at 1e-6, no scaling); the other options given"
                    + " override its fields")
    String preset;

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

    // the two switches are Boolean without a picocli default: picocli turns a negatable option whose default
    // is true off when its positive form is given, so null (not given) takes the command's row instead
    @Option(names = "--polish", negatable = true, order = 106,
            description = "polish the final iterate (Settings.polish): solve the KKT system of the active set it"
                    + " identifies and keep the result if it passes the termination test; QPs only (default:"
                    + " on for maros and for solve --method kkt, else off)")
    Boolean polish;

    @Option(names = "--adaptive-rho", negatable = true, order = 107,
            description = "adapt rho to the residuals (Settings.adaptiveRho: OSQP's residual balancing every 10"
                    + " iterations; --rho is the starting value; default: on for solve and maros, else off)")
    Boolean adaptiveRho;

    @Option(names = "--scaling", paramLabel = "N", order = 108,
            description = "Ruiz equilibration passes (Settings.scaling, 0 = off; default: ${DEFAULT-VALUE}): ADMM runs"
                    + " on the scaled problem, solution and gradients are mapped back; QPs (dense or sparse) and"
                    + " general objectives")
    int scaling;

    @Option(names = "--time-limit", paramLabel = "S", order = 109,
            description = "wall-clock limit of one solve in seconds (Settings.timeLimit, 0 = none; default:"
                    + " ${DEFAULT-VALUE}); reaching it gives the status time_limit unless the termination test passes")
    double timeLimit;

    @Option(names = "--alpha", paramLabel = "A", order = 110,
            description = "over-relaxation in [0.01, 1.99] (Settings.alpha, OSQP's alpha; 1 = none; default:"
                    + " ${DEFAULT-VALUE}); QPs only")
    double alpha;

    @Option(names = "--rho-eq-scale", paramLabel = "F", order = 111,
            description = "penalty of the equality rows as a multiple of rho, in [1, 1e6] (Settings.equalityRhoScale,"
                    + " OSQP's per-row rho; 1 = one rho for every row; default: ${DEFAULT-VALUE})")
    double equalityRhoScale;

    @Option(names = "--sigma", paramLabel = "S", order = 112,
            description = "proximal weight in [0, 1e6] (Settings.sigma, OSQP's sigma; 0 = none; default: ${DEFAULT-VALUE}):"
                    + " H = P + sigma I + ..., so an LP with fewer constraint rows than variables or rank-deficient"
                    + " constraints can be solved (1e-6 is OSQP's); QPs only")
    double sigma;

    @Option(names = "--x-step", paramLabel = "FORM", order = 113,
            description = "how a dense QP's x-step is evaluated (Settings.xStep; the same map up to rounding): reused"
                    + " (W = H^-1 [A' G'] and M = [A; G] W formed at each rho when p + m <= n, cheap per iteration: for"
                    + " batches and calls that reuse the set-up), one-run (that form only where its set-up pays within"
                    + " one run, else one solve with H's factor per iteration: faster and leaner for one large problem),"
                    + " full or reduced (default: ${DEFAULT-VALUE})")
    String xStep;

    /**
     * @return the settings the options give: each option not given is the command's default, or with
     *     --preset the preset's field
     */
    public Settings settings() {
        try {
            Settings row = Defaults.of(mixee.commandLine().getCommandSpec());
            Settings fields = new Settings(rho, tolerance, maxIterations, truncation(truncation),
                    infeasibilityTolerance, polish != null ? polish : row.polish(),
                    adaptiveRho != null ? adaptiveRho : row.adaptiveRho(), scaling, timeLimit, alpha, equalityRhoScale,
                    sigma, xStep(xStep));
            if (preset == null) {
                return fields;
            }
            Settings out = switch (preset.toLowerCase(Locale.ROOT)) {
                case "default" -> Settings.DEFAULTS;
                case "paper" -> Settings.PAPER;
                default -> throw new IllegalArgumentException("--preset must be default or paper, got " + preset);
            };
            for (String option : FIELDS) {
                if (given(option)) {
                    out = with(out, option, fields);
                }
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "bad option value (--rho, --tol, --max-iter,"
                    + " --infeasibility-tol, --scaling, --time-limit, --alpha, --rho-eq-scale, --sigma, --x-step): "
                    + e.getMessage(), e);
        }
    }

    /** @return the settings with the field that the option sets taken from {@code from} */
    private static Settings with(Settings to, String option, Settings from) {
        return switch (option) {
            case "--rho" -> to.withRho(from.rho());
            case "--tol" -> to.withTolerance(from.tolerance());
            case "--max-iter" -> to.withMaxIterations(from.maxIterations());
            case "--truncation" -> to.withTruncation(from.truncation());
            case "--infeasibility-tol" -> to.withInfeasibilityTolerance(from.infeasibilityTolerance());
            case "--polish" -> to.withPolish(from.polish());
            case "--adaptive-rho" -> to.withAdaptiveRho(from.adaptiveRho());
            case "--scaling" -> to.withScaling(from.scaling());
            case "--time-limit" -> to.withTimeLimit(from.timeLimit());
            case "--alpha" -> to.withAlpha(from.alpha());
            case "--rho-eq-scale" -> to.withEqualityRhoScale(from.equalityRhoScale());
            case "--sigma" -> to.withSigma(from.sigma());
            case "--x-step" -> to.withXStep(from.xStep());
            default -> throw new IllegalStateException(option);
        };
    }

    /** @return the name of the preset the settings start from: the --preset given, else the command's row */
    public String presetName() {
        return preset != null ? preset.toLowerCase(Locale.ROOT) : "command defaults";
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

    private static XStepForm xStep(String form) {
        for (XStepForm known : XStepForm.values()) {
            if (name(known).equals(form.toLowerCase(Locale.ROOT))) {
                return known;
            }
        }
        throw new IllegalArgumentException("--x-step must be reused, one-run, full or reduced, got " + form);
    }

    /** @return the form as the option spells it: reused, one-run, full, reduced */
    private static String name(XStepForm form) {
        return form.name().toLowerCase(Locale.ROOT).replace('_', '-');
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
                // one run of one problem: the x-step's reduced form only where its set-up pays within the run
                "solve", Settings.DEFAULTS.withXStep(XStepForm.ONE_RUN),
                // the robust defaults with polishing, 30 s per problem and an iteration cap the time limit reaches first
                "maros", Settings.DEFAULTS.withPolish(true).withMaxIterations(1_000_000).withTimeLimit(30),
                "bench", Settings.PAPER,
                // the classification layer with the robust defaults at the training tolerance: ~50 iterations, not 1 500
                "bench-layer", Settings.DEFAULTS.withTolerance(1e-4),
                "bench-sparse", Settings.DEFAULTS,
                "bench-speed", Settings.DEFAULTS,
                "demo", Settings.PAPER,
                "train", Settings.DEFAULTS.withTolerance(1e-4).withMaxIterations(2000));
        /** bench: nd4j is 4-15x faster than ojalgo at n >= 1000 (docs/benchmarks.md); elsewhere ojalgo. */
        private static final Map<String, String> BACKEND = Map.of("bench", "nd4j");

        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            CommandSpec command = arg.command();
            String name = rowName(command);
            Settings settings = of(command);
            return switch (option.longestName()) {
                case "--backend" -> BACKEND.getOrDefault(name, "ojalgo");
                case "--rho" -> number(settings.rho());
                case "--tolerance" -> number(settings.tolerance());
                case "--max-iterations" -> String.valueOf(settings.maxIterations());
                case "--truncation" -> settings.truncation() == Truncation.RESIDUALS ? "residuals" : "relative-change";
                case "--infeasibility-tol" -> number(settings.infeasibilityTolerance());
                case "--scaling" -> String.valueOf(settings.scaling());
                case "--time-limit" -> number(settings.timeLimit());
                case "--alpha" -> number(settings.alpha());
                case "--rho-eq-scale" -> number(settings.equalityRhoScale());
                case "--sigma" -> number(settings.sigma());
                case "--x-step" -> name(settings.xStep());
                default -> null;
            };
        }

        /** @return the name of the command's row: its own, or its parent's (a {@code train} example) */
        private static String rowName(CommandSpec command) {
            return SETTINGS.containsKey(command.name()) || command.parent() == null ? command.name()
                    : command.parent().name();
        }

        /** @return the command's row of defaults */
        static Settings of(CommandSpec command) {
            Settings settings = SETTINGS.get(rowName(command));
            if (settings == null) {
                throw new IllegalStateException("no solver defaults for altdiff " + rowName(command));
            }
            return settings;
        }

        /** @return x as Java writes it, without a trailing ".0": 1, 0.001, 1e-6, 2.5e-7 */
        private static String number(double x) {
            return Double.toString(x).replace(".0E", "E").replace('E', 'e').replaceAll("\\.0$", "");
        }
    }
}
