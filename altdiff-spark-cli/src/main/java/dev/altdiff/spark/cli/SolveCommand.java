package dev.altdiff.spark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.altdiff.api.Settings;
import dev.altdiff.spark.QpFrames;
import dev.altdiff.spark.SharedMatrices;
import dev.altdiff.spark.SolveOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code altdiff spark solve}: a file or folder of problems (JSON lines or Parquet, one problem per row,
 * columns as in {@link QpFrames}) to OUT/rows (Parquet) and OUT/summary.json (counts by status, phases,
 * throughput). Exit 0 when every row was read and written, whatever the rows' statuses; 1 for an input
 * that cannot be read; 2 for bad options.
 */
@Command(name = "solve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Solve (and differentiate, with --gradients) every row of IN on Spark; write OUT/rows (Parquet:"
                + " id, status, error, iterations, objective, residuals, x, lambda, nu, grad_*) and OUT/summary.json."})
final class SolveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    SparkCommand.Cluster cluster;
    @Mixin
    SparkCommand.Solver solver;

    @Option(names = "--in", paramLabel = "FILE|DIR", required = true,
            description = "the problems, one per row (a local path or a Hadoop URI such as hdfs://…)")
    String in;
    @Option(names = "--out", paramLabel = "DIR", required = true, description = "output folder (its rows/ replaced)")
    String out;
    @Option(names = "--shared", paramLabel = "FILE",
            description = "JSON with the P, A, G every row shares (broadcast once); without it rows carry their own")
    String shared;
    @Option(names = "--format", paramLabel = "auto|json|parquet", defaultValue = "auto",
            description = "input format (default: ${DEFAULT-VALUE}: from the file names)")
    String format;
    @Option(names = "--gradients", paramLabel = "none|vectors|all", defaultValue = "vectors",
            description = "gradients of rows with a v column: none, vectors (q, b, h), all (also P, A, G of rows with"
                    + " their own matrices) (default: ${DEFAULT-VALUE})")
    String gradients;
    @Option(names = "--rows-per-batch", paramLabel = "B", defaultValue = "" + QpFrames.DEFAULT_ROWS_PER_BATCH,
            description = "rows per factorization (default: ${DEFAULT-VALUE})")
    int rowsPerBatch;
    @Option(names = "--partitions", paramLabel = "K", description = "repartition the input into K partitions")
    Integer partitions;
    @Option(names = "--always-batch", description = {"batch rows that share matrices even with adaptive rho or"
            + " scaling (about 2x faster; a row's result then depends on its chunk of --rows-per-batch rows, so it is"
            + " reproducible for a fixed partitioning only)"})
    boolean alwaysBatch;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        Settings settings = solver.settings(cl);
        SolveOptions.GradientBlocks blocks;
        try {
            blocks = SolveOptions.GradientBlocks.valueOf(gradients.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, "--gradients must be none, vectors or all, got " + gradients);
        }
        if (rowsPerBatch < 1 || (partitions != null && partitions < 1)) {
            throw new ParameterException(cl, "--rows-per-batch and --partitions must be >= 1");
        }
        SolveOptions options = SolveOptions.of(settings, solver.backend, blocks).withAlwaysBatch(alwaysBatch);
        SparkSession spark = cluster.session("solve");
        try {
            if (!Storage.exists(spark, in)) {
                cl.getErr().println("altdiff spark solve: " + in + " does not exist");
                return 1;
            }
            SharedMatrices matrices = null;
            if (shared != null) {
                try {
                    matrices = SharedFile.parse(shared, Storage.read(spark, shared));
                } catch (IOException e) {
                    cl.getErr().println("altdiff spark solve: " + e.getMessage());
                    return 1;
                }
            }
            Map<String, Double> seconds = new LinkedHashMap<>();
            long t0 = System.nanoTime();
            Dataset<Row> rows = spark.read().format(format(spark)).load(in);
            if (partitions != null) {
                rows = rows.repartition(partitions);
            }
            int parts = rows.rdd().getNumPartitions();
            seconds.put("read", (System.nanoTime() - t0) / 1e9);
            Dataset<Row> solved;
            try {
                solved = matrices != null ? QpFrames.solveShared(rows, QpFrames.broadcast(spark, matrices), options,
                        rowsPerBatch) : QpFrames.solve(rows, options, rowsPerBatch);
            } catch (IllegalArgumentException e) {
                cl.getErr().println("altdiff spark solve: " + in + ": " + e.getMessage());
                return 1;
            }
            long t1 = System.nanoTime();
            solved.write().mode(SaveMode.Overwrite).parquet(Storage.child(out, "rows"));
            seconds.put("solve_and_write", (System.nanoTime() - t1) / 1e9);
            long t2 = System.nanoTime();
            Map<String, Long> counts = new TreeMap<>();
            Map<String, Map<String, Object>> iterations = new TreeMap<>();
            for (Row r : spark.read().parquet(Storage.child(out, "rows")).groupBy("status")
                    .agg(functions.count("*"), functions.avg("iterations"), functions.max("iterations")).collectAsList()) {
                counts.put(r.getString(0), r.getLong(1));
                if (!r.isNullAt(2)) {
                    iterations.put(r.getString(0), Map.of("mean", r.getDouble(2), "max", r.getInt(3)));
                }
            }
            seconds.put("summary", (System.nanoTime() - t2) / 1e9);
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("input", in);
            summary.put("master", spark.sparkContext().master());
            summary.put("cores", spark.sparkContext().defaultParallelism());
            summary.put("partitions", parts);
            summary.put("shared_matrices", matrices != null);
            summary.put("rows", total);
            summary.put("by_status", counts);
            summary.put("iterations_by_status", iterations);
            summary.put("seconds", seconds);
            summary.put("rows_per_second", total / seconds.get("solve_and_write"));
            summary.put("settings", settings.toString());
            summary.put("rows_per_batch", rowsPerBatch);
            summary.put("always_batch", alwaysBatch);
            Storage.write(spark, Storage.child(out, "summary.json"),
                    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
            cl.getOut().printf(Locale.ROOT, "%d rows %s in %.1f s (%.4g rows/s on %s, %d partitions); %s%n", total, counts,
                    seconds.get("solve_and_write"), total / seconds.get("solve_and_write"), spark.sparkContext().master(),
                    parts, Storage.child(out, "summary.json"));
            cl.getOut().flush();
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** @return the input format: as given, else parquet when IN is or holds a *.parquet file, else json */
    private String format(SparkSession spark) throws IOException {
        if (!format.equals("auto")) {
            if (!format.equals("json") && !format.equals("parquet")) {
                throw new ParameterException(spec.commandLine(), "--format must be auto, json or parquet, got " + format);
            }
            return format;
        }
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(in);
        org.apache.hadoop.fs.FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.getFileStatus(path).isDirectory()) {
            for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(path)) {
                if (f.getPath().getName().endsWith(".parquet")) {
                    return "parquet";
                }
            }
            return "json";
        }
        return in.endsWith(".parquet") ? "parquet" : "json";
    }
}
