package dev.altdiff.spark.cli;

import dev.altdiff.testkit.Scenarios;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code altdiff spark generate}: seeded scenario rows over shared matrices (the testkit's {@link Scenarios}). */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write OUT/shared.json (P, A, G) and OUT/rows (id, q, b, h, v; Parquet or JSON lines):"
                + " seeded scenarios over one model, the input of 'spark solve --shared OUT/shared.json --in OUT/rows'."})
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    SparkCommand.Cluster cluster;

    @Option(names = "--rows", paramLabel = "N", required = true, description = "number of rows")
    long rows;
    @Option(names = "--n", paramLabel = "N", defaultValue = "50", description = "variables (default: ${DEFAULT-VALUE})")
    int n;
    @Option(names = "--p", paramLabel = "P", description = "equality rows (default: n/10)")
    Integer p;
    @Option(names = "--m", paramLabel = "M", description = "inequality rows (default: n/2)")
    Integer m;
    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--infeasible-every", paramLabel = "K", defaultValue = "0",
            description = "make every K-th row primal infeasible (default: ${DEFAULT-VALUE}, none)")
    int infeasibleEvery;
    @Option(names = "--partitions", paramLabel = "K", defaultValue = "8",
            description = "partitions, i.e. files, of the rows (default: ${DEFAULT-VALUE})")
    int partitions;
    @Option(names = "--format", paramLabel = "parquet|json", defaultValue = "parquet",
            description = "format of OUT/rows (default: ${DEFAULT-VALUE})")
    String format;
    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "output folder, local or a Hadoop URI such as hdfs://… (its rows/ replaced)")
    String out;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        if (rows < 1 || partitions < 1 || !(format.equals("parquet") || format.equals("json"))) {
            throw new ParameterException(cl, "--rows and --partitions must be >= 1 and --format parquet or json");
        }
        ScenarioRows model;
        try {
            model = new ScenarioRows(new Scenarios(n, p == null ? n / 10 : p, m == null ? n / 2 : m, seed,
                    infeasibleEvery));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        }
        SparkSession spark = cluster.session("generate");
        try {
            long t0 = System.nanoTime();
            Storage.write(spark, Storage.child(out, "shared.json"), SharedFile.json(model.matrices()));
            model.frame(spark, rows, partitions).write().mode(SaveMode.Overwrite).format(format)
                    .save(Storage.child(out, "rows"));
            cl.getOut().printf(Locale.ROOT, "%d rows (n=%d, p=%d, m=%d) in %s, shared matrices in %s (%.1f s)%n", rows,
                    n, p == null ? n / 10 : p, m == null ? n / 2 : m, Storage.child(out, "rows"), Storage.child(out, "shared.json"),
                    (System.nanoTime() - t0) / 1e9);
            cl.getOut().flush();
            return 0;
        } finally {
            spark.stop();
        }
    }
}
