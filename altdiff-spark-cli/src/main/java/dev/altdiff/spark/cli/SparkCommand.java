package dev.altdiff.spark.cli;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Truncation;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code altdiff spark solve|generate|train}: altdiff on Apache Spark (docs/scale.md). Started by
 * {@code bin/altdiff spark …} (local or {@code --master URL}) or by
 * {@code spark-submit --class dev.altdiff.spark.cli.SparkCommand altdiff-spark.jar …}.
 */
@Command(name = "altdiff spark", mixinStandardHelpOptions = true,
        description = "Solve, differentiate and train on Apache Spark (docs/scale.md).",
        subcommands = {SolveCommand.class, GenerateCommand.class, TrainCommand.class})
public final class SparkCommand implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkCommand()).execute(args));
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: solve, generate or train");
    }

    /** Where Spark runs. */
    static final class Cluster {
        @Option(names = "--master", paramLabel = "URL",
                description = "Spark master, e.g. local[2], local[*], spark://host:7077, yarn (default: the one"
                        + " spark-submit gives, else local[*])")
        String master;

        SparkSession session(String app) {
            SparkSession.Builder builder = SparkSession.builder().appName("altdiff " + app)
                    .config("spark.ui.showConsoleProgress", "true");
            if (master != null) {
                builder.master(master);
            } else if (!new SparkConf().contains("spark.master")) {
                builder.master("local[*]");
            }
            return builder.getOrCreate();
        }
    }

    /** The solver settings, defaulting to {@link Settings#DEFAULTS}. */
    static final class Solver {
        @Option(names = "--backend", paramLabel = "NAME", defaultValue = "ojalgo",
                description = "linear algebra backend (default: ${DEFAULT-VALUE})")
        String backend;
        @Option(names = "--tolerance", paramLabel = "E", description = "ε of the stopping rule (default: the library's)")
        Double tolerance;
        @Option(names = "--max-iterations", paramLabel = "K", description = "iteration cap (default: the library's)")
        Integer maxIterations;
        @Option(names = "--rho", paramLabel = "R", description = "ADMM penalty (the starting one with adaptive rho)")
        Double rho;
        @Option(names = "--truncation", paramLabel = "RULE", description = "RESIDUALS or RELATIVE_CHANGE")
        Truncation truncation;
        @Option(names = "--adaptive-rho", negatable = true, description = "adapt rho (default: the library's)")
        Boolean adaptiveRho;
        @Option(names = "--scaling", paramLabel = "PASSES", description = "Ruiz passes, 0: off (default: the library's)")
        Integer scaling;

        Settings settings(CommandLine cl) {
            try {
                Settings s = Settings.DEFAULTS;
                s = tolerance == null ? s : s.withTolerance(tolerance);
                s = maxIterations == null ? s : s.withMaxIterations(maxIterations);
                s = rho == null ? s : s.withRho(rho);
                s = truncation == null ? s : s.withTruncation(truncation);
                s = adaptiveRho == null ? s : s.withAdaptiveRho(adaptiveRho);
                s = scaling == null ? s : s.withScaling(scaling);
                dev.altdiff.core.AltDiff.backend(backend);
                return s;
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, e.getMessage(), e);
            }
        }
    }
}
