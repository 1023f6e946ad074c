package dev.altdiff.spark;

import dev.altdiff.core.BatchLayer;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.reflect.ClassTag$;

import java.util.Iterator;
import java.util.Objects;

/**
 * Solves and differentiates a DataFrame of quadratic programs, one per row (columns: {@link RowCodec}).
 * The result is a DataFrame with the same partitioning and, in each partition, the rows in input
 * order; it is computed lazily by a map over the partitions (no shuffle), so Spark can recompute a
 * lost partition exactly: the solver is deterministic and a row's result does not depend on the
 * partitioning.
 * <pre>{@code
 *   Broadcast<SharedMatrices> shared = QpFrames.broadcast(spark, new SharedMatrices(P, A, G));
 *   Dataset<Row> out = QpFrames.solveShared(rows, shared, SolveOptions.of(Settings.DEFAULTS, "ojalgo",
 *           SolveOptions.GradientBlocks.VECTORS), QpFrames.DEFAULT_ROWS_PER_BATCH);
 * }</pre>
 *
 * <p>Memory per task: a chunk of B rows keeps its iterates for the backward pass, about
 * B·K·(n + p + m)·8 bytes for K iterations (the {@link BatchLayer} keeps them in the forward pass too).
 */
public final class QpFrames {
    /** Rows solved per {@link BatchLayer} call (per factorization) unless the caller says otherwise. */
    public static final int DEFAULT_ROWS_PER_BATCH = 256;

    private QpFrames() {
    }

    /** Broadcasts the shared matrices once to every executor. */
    public static Broadcast<SharedMatrices> broadcast(SparkSession spark, SharedMatrices shared) {
        Objects.requireNonNull(shared, "shared");
        return spark.sparkContext().broadcast(shared, ClassTag$.MODULE$.apply(SharedMatrices.class));
    }

    /**
     * Rows with per-row q, b, h (and v) over the broadcast P, A, G.
     *
     * @throws IllegalArgumentException when the input lacks q, a column has the wrong type, or
     *         {@link SolveOptions.GradientBlocks#ALL} is asked for (the rows share their matrices)
     */
    public static Dataset<Row> solveShared(Dataset<Row> rows, Broadcast<SharedMatrices> shared, SolveOptions options,
                                           int rowsPerBatch) {
        Objects.requireNonNull(shared, "shared");
        return run(rows, new RowCodec(rows.schema(), false, options.gradients()), shared, options, rowsPerBatch);
    }

    /**
     * Rows that carry their own P, A, G (dense or triplets; rows with equal dense matrices in a
     * partition still share one factorization).
     *
     * @throws IllegalArgumentException when the input lacks q or a column has the wrong type
     */
    public static Dataset<Row> solve(Dataset<Row> rows, SolveOptions options, int rowsPerBatch) {
        return run(rows, new RowCodec(rows.schema(), true, options.gradients()), null, options, rowsPerBatch);
    }

    private static Dataset<Row> run(Dataset<Row> rows, RowCodec codec, Broadcast<SharedMatrices> shared,
                                    SolveOptions options, int rowsPerBatch) {
        Objects.requireNonNull(options, "options");
        new PartitionSolver(codec, options, rowsPerBatch); // checks rowsPerBatch on the driver
        dev.altdiff.core.AltDiff.backend(options.backend()); // and the backend's name
        return rows.mapPartitions(new Task(codec, shared, options, rowsPerBatch), Encoders.row(codec.schema()));
    }

    /** The per-partition function Spark ships to the executors. */
    private record Task(RowCodec codec, Broadcast<SharedMatrices> shared, SolveOptions options, int rowsPerBatch)
            implements MapPartitionsFunction<Row, Row> {

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            PartitionSolver solver = new PartitionSolver(codec, options, rowsPerBatch);
            SharedMatrices matrices = shared == null ? null : shared.value();
            String key = "altdiff-spark/" + (shared == null ? "rows" : "broadcast-" + shared.id()) + "/" + options;
            return JvmPool.with(key, () -> PartitionSolver.layer(options),
                    (BatchLayer layer) -> solver.solve(rows, matrices, layer)).iterator();
        }
    }
}
