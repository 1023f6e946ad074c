package dev.altdiff.spark;

import dev.altdiff.api.Layer;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A DataFrame of mixed problems over shared matrices, solved on {@code local[2]}, equals the
 * single-machine library row by row, whatever the partitioning and the chunk size, and survives a task
 * that dies mid-partition.
 */
class QpFramesTest {
    /** Fixed ρ, no scaling: rows share one factorization per chunk. */
    private static final Settings BATCHED = Settings.DEFAULTS.withAdaptiveRho(false).withScaling(0)
            .withMaxIterations(3000);
    private static final SolveOptions OPTIONS = SolveOptions.of(BATCHED, "ojalgo", SolveOptions.GradientBlocks.VECTORS);
    private static final int ROWS = 1200;

    private static SparkSession spark;
    private static SharedMatrices shared;
    private static Broadcast<SharedMatrices> broadcast;
    private static List<MixedRows.Data> data;

    @BeforeAll
    static void start() {
        spark = LocalSpark.session();
        shared = MixedRows.matrices();
        broadcast = QpFrames.broadcast(spark, shared);
        data = MixedRows.rows(shared, ROWS);
    }

    private static Dataset<Row> frame(int partitions) {
        List<Row> rows = data.stream().map(MixedRows.Data::row).toList();
        return spark.createDataFrame(new JavaSparkContext(spark.sparkContext()).parallelize(rows, partitions),
                MixedRows.SCHEMA);
    }

    private static Map<Long, Row> byId(List<Row> rows) {
        Map<Long, Row> out = new TreeMap<>();
        for (Row r : rows) {
            Row previous = out.put(r.getAs("id"), r);
            assertEquals(null, previous, "duplicate row " + r.getAs("id"));
        }
        return out;
    }

    /** Batched settings, and the defaults (adaptive ρ and scaling: each row is solved on its own). */
    static List<Settings> settings() {
        return List.of(BATCHED, Settings.DEFAULTS);
    }

    @ParameterizedTest
    @MethodSource("settings")
    void everyRowEqualsTheSingleMachineLibrary(Settings settings) {
        SolveOptions options = SolveOptions.of(settings, "ojalgo", SolveOptions.GradientBlocks.VECTORS);
        Map<Long, Row> out = byId(QpFrames.solveShared(frame(4), broadcast, options, 100).collectAsList());
        assertEquals(ROWS, out.size());
        Layer layer = SingleMachine.layer(settings);
        for (MixedRows.Data d : data) {
            QuadraticProgram.Builder qp = QuadraticProgram.builder(MixedRows.N).P(shared.P()).q(d.q())
                    .equalities(shared.A(), d.b()).inequalities(shared.G(), d.h());
            SingleMachine.assertRow(SingleMachine.solve(layer, qp, d.v()), out.get(d.id()));
        }
        Map<String, Long> counts = out.values().stream()
                .collect(Collectors.groupingBy(r -> r.getAs("status"), TreeMap::new, Collectors.counting()));
        assertTrue(counts.getOrDefault("solved", 0L) > 900, counts.toString());
        assertTrue(counts.getOrDefault("primal_infeasible", 0L) >= 40, counts.toString());
        assertTrue(counts.getOrDefault(RowCodec.INVALID, 0L) >= 60, counts.toString());
    }

    /** The rows from 2 partitions in chunks of 256, computed once. */
    private static List<Row> reference;

    /** Bit-for-bit the same rows from 1 or 7 partitions and chunks of 1000 or 7 rows. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7})
    void resultsDoNotDependOnThePartitioning(int partitions) {
        if (reference == null) {
            reference = new ArrayList<>(byId(QpFrames.solveShared(frame(2), broadcast, OPTIONS,
                    QpFrames.DEFAULT_ROWS_PER_BATCH).collectAsList()).values());
        }
        List<Row> chunked = new ArrayList<>(byId(QpFrames.solveShared(frame(partitions), broadcast, OPTIONS,
                partitions == 1 ? 1000 : partitions).collectAsList()).values());
        assertEquals(reference, chunked);
    }

    /**
     * Partition 1's first attempt dies after handing on ten rows; Spark runs it again and the output
     * has every row once, equal to a run without failures.
     */
    @Test
    void aTaskKilledMidPartitionLosesAndDuplicatesNothing() {
        Dataset<Row> solved = QpFrames.solveShared(frame(4), broadcast, OPTIONS, 64);
        FAILURES.set(0);
        List<Row> flaky = solved.mapPartitions(new FailOnce(), Encoders.row(solved.schema())).collectAsList();
        assertEquals(1, FAILURES.get());
        List<Row> clean = QpFrames.solveShared(frame(4), broadcast, OPTIONS, 64).collectAsList();
        assertEquals(ROWS, flaky.size());
        assertEquals(ROWS, byId(flaky).size());
        assertEquals(clean, flaky);
    }

    /** Counts injected failures (local mode: the executor is this JVM; accumulators drop failed tasks' updates). */
    private static final AtomicInteger FAILURES = new AtomicInteger();

    /** Fails the first attempt of partition 1 after ten of its rows. */
    private record FailOnce() implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            TaskContext task = TaskContext.get();
            if (task.partitionId() != 1 || task.attemptNumber() > 0) {
                return rows;
            }
            return new Iterator<>() {
                private int handed;

                @Override public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override public Row next() {
                    if (handed++ == 10) {
                        FAILURES.incrementAndGet();
                        throw new IllegalStateException("injected failure in partition 1, attempt 0");
                    }
                    return rows.next();
                }
            };
        }
    }

    /** Batching under the default (batch-dependent) settings: the same rows again for the same partitioning. */
    @Test
    void alwaysBatchIsReproducibleForAFixedPartitioning() {
        SolveOptions batched = SolveOptions.of(Settings.DEFAULTS, "ojalgo", SolveOptions.GradientBlocks.VECTORS)
                .withAlwaysBatch(true);
        List<Row> first = QpFrames.solveShared(frame(3), broadcast, batched, 128).collectAsList();
        assertEquals(first, QpFrames.solveShared(frame(3), broadcast, batched, 128).collectAsList());
        assertTrue(first.stream().filter(r -> "solved".equals(r.getAs("status"))).count() > 900);
    }

    /**
     * Without gradients (the layer's forward-only pass, which records no iterates) every row is the
     * row with gradients less its gradient columns, bit for bit; a row refused only for its upstream
     * gradient v is solved, since v is not read. (One row per chunk: that refusal re-solves the rest
     * of a chunk, and a chunk's rows need not be bit for bit independent of its other rows.)
     */
    @Test
    void rowsWithoutGradientsAreTheRowsWithGradientsLessThoseColumns() {
        SolveOptions none = SolveOptions.of(BATCHED, "ojalgo", SolveOptions.GradientBlocks.NONE);
        Map<Long, Row> plain = byId(QpFrames.solveShared(frame(2), broadcast, none, 1).collectAsList());
        Map<Long, Row> full = byId(QpFrames.solveShared(frame(2), broadcast, OPTIONS, 1).collectAsList());
        assertEquals(full.keySet(), plain.keySet());
        for (Map.Entry<Long, Row> e : plain.entrySet()) {
            Row row = e.getValue();
            Row with = full.get(e.getKey());
            String error = with.getAs("error");
            if (error != null && error.startsWith("upstream gradient")) {
                assertEquals("solved", row.getAs("status"), "row " + e.getKey());
                continue;
            }
            assertTrue(row.length() < with.length(), "gradient columns in " + row.schema());
            Object[] head = new Object[row.length()];
            for (int i = 0; i < head.length; i++) {
                assertEquals(with.schema().fields()[i].name(), row.schema().fields()[i].name());
                head[i] = with.get(i);
            }
            assertEquals(RowFactory.create(head), row, "row " + e.getKey());
        }
    }

    @Test
    void anExecutorBuildsAtMostOneLayerPerTaskSlot() {
        QpFrames.solveShared(frame(8), broadcast, OPTIONS, 50).count();
        QpFrames.solveShared(frame(8), broadcast, OPTIONS, 50).count();
        String key = "altdiff-spark/broadcast-" + broadcast.id() + "/" + OPTIONS;
        int idle = JvmPool.idle(key);
        assertTrue(idle >= 1 && idle <= 2, "idle layers: " + idle);
    }
}
