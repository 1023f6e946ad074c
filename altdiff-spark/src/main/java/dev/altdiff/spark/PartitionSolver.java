package dev.altdiff.spark;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.core.AltDiff;
import dev.altdiff.core.BatchGradients;
import dev.altdiff.core.BatchLayer;
import dev.altdiff.core.BatchResult;
import dev.altdiff.core.BatchSettings;
import dev.altdiff.core.SharedBatch;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Solves the rows of one partition. Rows that share P, A, G (all of them with {@link SharedMatrices};
 * rows with equal dense matrices otherwise) go through {@link BatchLayer#forward(SharedBatch)} in
 * chunks of {@code rowsPerBatch} (one factorization per chunk); rows with sparse matrices, or whose
 * matrix gradients are asked for, through {@link BatchLayer#forward(List)}. When the solver refuses a
 * row ({@link InvalidProblemException} naming the sample) that row becomes {@value RowCodec#INVALID}
 * and the rest of its chunk is solved again without it; an error of the shared data makes the whole
 * chunk invalid. Results come back in input order. A row's result does not depend on the other rows
 * of its chunk when {@link SolveOptions#batchIndependent()}; otherwise every row is its own chunk, unless
 * {@link SolveOptions#alwaysBatch()}. When no gradient is asked ({@link SolveOptions.GradientBlocks#NONE}) the
 * chunks go through {@code BatchLayer.forwardOnly}, which records no iterates.
 */
final class PartitionSolver {
    private static final Pattern SAMPLE_PREFIX = Pattern.compile("^(sample -?\\d+: )+");

    private final RowCodec codec;
    private final SolveOptions options;
    private final int rowsPerBatch;

    PartitionSolver(RowCodec codec, SolveOptions options, int rowsPerBatch) {
        if (rowsPerBatch < 1) {
            throw new IllegalArgumentException("rowsPerBatch must be >= 1, got " + rowsPerBatch);
        }
        this.codec = codec;
        this.options = options;
        this.rowsPerBatch = options.batchIndependent() || options.alwaysBatch() ? rowsPerBatch : 1;
    }

    /**
     * @return a layer for these options, built on the backend named in them, with one thread: Spark runs a task per
     *         core, so a task's runs and samples take turns on it (the results are those of any number of threads)
     */
    static BatchLayer layer(SolveOptions options) {
        return new BatchLayer(AltDiff.backend(options.backend()), options.settings(),
                BatchSettings.DEFAULTS.withThreads(1));
    }

    /**
     * @param shared the matrices every row shares, or null when the rows carry their own
     * @param layer  the layer to solve with (used by this thread alone)
     * @return the output rows, in the order of {@code rows}
     */
    List<Row> solve(Iterator<Row> rows, SharedMatrices shared, BatchLayer layer) {
        List<ProblemRow> decoded = new ArrayList<>();
        while (rows.hasNext()) {
            decoded.add(codec.decode(decoded.size(), rows.next()));
        }
        Row[] out = new Row[decoded.size()];
        boolean differentiate = options.gradients() != SolveOptions.GradientBlocks.NONE;
        Map<MatrixKey, List<ProblemRow>> groups = new LinkedHashMap<>();
        List<ProblemRow> single = new ArrayList<>();
        for (ProblemRow row : decoded) {
            if (row.error() != null) {
                out[row.index()] = codec.invalid(row, row.error());
            } else if (shared != null) {
                groups.computeIfAbsent(MatrixKey.SHARED, k -> new ArrayList<>()).add(row);
            } else if (row.sparse() || options.gradients() == SolveOptions.GradientBlocks.ALL) {
                single.add(row);
            } else {
                groups.computeIfAbsent(new MatrixKey(row.P(), row.A(), row.G()), k -> new ArrayList<>()).add(row);
            }
        }
        for (Map.Entry<MatrixKey, List<ProblemRow>> group : groups.entrySet()) {
            MatrixKey key = group.getKey();
            SharedMatrices matrices = key == MatrixKey.SHARED ? shared : new SharedMatrices(key.P, key.A, key.G);
            for (List<ProblemRow> chunk : chunks(group.getValue())) {
                solveChunk(chunk, out, live -> differentiate ? layer.forward(batch(matrices, live))
                        : layer.forwardOnly(batch(matrices, live)));
            }
        }
        List<ProblemRow> own = new ArrayList<>();
        for (ProblemRow row : single) {
            try {
                row.program();
                own.add(row);
            } catch (InvalidProblemException e) {
                out[row.index()] = codec.invalid(row, e.getMessage());
            }
        }
        for (List<ProblemRow> chunk : chunks(own)) {
            solveChunk(chunk, out, live -> {
                List<QuadraticProgram> programs = live.stream().map(ProblemRow::program).toList();
                return differentiate ? layer.forward(programs) : layer.forwardOnly(programs);
            });
        }
        return Arrays.asList(out);
    }

    private List<List<ProblemRow>> chunks(List<ProblemRow> rows) {
        List<List<ProblemRow>> out = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += rowsPerBatch) {
            out.add(rows.subList(from, Math.min(rows.size(), from + rowsPerBatch)));
        }
        return out;
    }

    /** Solves (and differentiates) the chunk, taking out each row the solver refuses. */
    private void solveChunk(List<ProblemRow> chunk, Row[] out, Function<List<ProblemRow>, BatchResult> forward) {
        List<ProblemRow> live = new ArrayList<>(chunk);
        while (!live.isEmpty()) {
            try {
                BatchResult result = forward.apply(live);
                BatchGradients gradients = result.isDifferentiable() ? result.backward(upstream(live, result)) : null;
                for (int c = 0; c < live.size(); c++) {
                    ProblemRow row = live.get(c);
                    Solution s = result.solution(c);
                    Gradients g = gradients != null && row.v() != null && s.status() == Status.SOLVED
                            ? gradients.sample(c) : null;
                    out[row.index()] = codec.solved(row, s, g);
                }
                return;
            } catch (InvalidProblemException e) {
                String reason = SAMPLE_PREFIX.matcher(e.getMessage()).replaceFirst("");
                if (e.sample() < 0 || e.sample() >= live.size()) {
                    for (ProblemRow row : live) {
                        out[row.index()] = codec.invalid(row, reason);
                    }
                    return;
                }
                ProblemRow refused = live.remove(e.sample());
                out[refused.index()] = codec.invalid(refused, reason);
            }
        }
    }

    /** @return each row's v, or zeros (its gradients are not reported) for a row without one */
    private static double[][] upstream(List<ProblemRow> live, BatchResult result) {
        double[][] v = new double[live.size()][];
        for (int c = 0; c < v.length; c++) {
            double[] given = live.get(c).v();
            v[c] = given != null ? given : new double[result.solution(c).x().length];
        }
        return v;
    }

    /** @return the chunk as a batch over the shared matrices (a row's absent b or h: empty when there are no rows) */
    private static SharedBatch batch(SharedMatrices m, List<ProblemRow> live) {
        int size = live.size();
        double[][] q = new double[size][];
        double[][] b = new double[size][];
        double[][] h = new double[size][];
        double[] empty = new double[0];
        for (int c = 0; c < size; c++) {
            ProblemRow row = live.get(c);
            q[c] = row.q();
            b[c] = row.b() != null ? row.b() : m.p() == 0 ? empty : null;
            h[c] = row.h() != null ? row.h() : m.m() == 0 ? empty : null;
        }
        return new SharedBatch(m.P(), m.A(), m.G(), q, m.A() == null && allEmpty(b) ? null : b,
                m.G() == null && allEmpty(h) ? null : h);
    }

    private static boolean allEmpty(double[][] rows) {
        for (double[] r : rows) {
            if (r != null && r.length > 0) {
                return false;
            }
        }
        return true;
    }

    /** Dense P, A, G compared by content: rows with equal matrices share a factorization. */
    private static final class MatrixKey {
        static final MatrixKey SHARED = new MatrixKey(null, null, null);

        final double[][] P;
        final double[][] A;
        final double[][] G;
        private final int hash;

        MatrixKey(double[][] P, double[][] A, double[][] G) {
            this.P = P;
            this.A = A;
            this.G = G;
            this.hash = Arrays.deepHashCode(new Object[]{P, A, G});
        }

        @Override public boolean equals(Object o) {
            return o instanceof MatrixKey k && Arrays.deepEquals(P, k.P) && Arrays.deepEquals(A, k.A)
                    && Arrays.deepEquals(G, k.G);
        }

        @Override public int hashCode() {
            return hash;
        }
    }
}
