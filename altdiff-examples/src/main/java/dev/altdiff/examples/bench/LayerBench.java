package dev.altdiff.examples.bench;

import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.core.BatchLayer;
import dev.altdiff.core.BatchResult;
import dev.altdiff.core.BatchSettings;
import dev.altdiff.core.SharedBatch;
import dev.altdiff.examples.demo.PaperDemo;
import dev.altdiff.testkit.Gaussian;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Throughput of the batched layer on the paper's classification layer: n variables, p equalities,
 * m inequalities, P = 0.1·I, A and G standard normal and shared, per sample q standard normal,
 * b = Ax₀ and h = Gx₀ + 1 for a standard normal x₀ (feasible, with slack). Three ways to run a batch
 * of B samples: {@code shared} ({@link BatchLayer#forward(SharedBatch)}: one factorization, n×B
 * iterations), {@code loop} (the single-problem layer, one sample after the other) and
 * {@code per-sample} ({@link BatchLayer#forward(List)}: every sample with its own matrices, in
 * parallel). Backward: v_b = 1 (the gradient of Σ_b 1ᵀx_b).
 */
public final class LayerBench {
    /** The paper's classification layer. */
    public static final String DEFAULT_SIZE = "200x50x50";
    public static final String DEFAULT_BATCHES = "1,64,128";

    private LayerBench() {
    }

    /** The shared matrices and per-sample vectors of one batch. */
    public record Data(double[][] P, double[][] A, double[][] G, double[][] q, double[][] b, double[][] h) {
        SharedBatch shared() {
            return new SharedBatch(P, A, G, q, b, h);
        }

        public List<QuadraticProgram> problems() {
            List<QuadraticProgram> out = new ArrayList<>();
            for (int c = 0; c < q.length; c++) {
                QuadraticProgram.Builder builder = QuadraticProgram.builder(P.length).P(P).q(q[c]);
                if (A != null) {
                    builder.equalities(A, b[c]);
                }
                if (G != null) {
                    builder.inequalities(G, h[c]);
                }
                out.add(builder.build());
            }
            return out;
        }
    }

    /**
     * One measurement: samples per second of the forward pass, of forward plus backward (every gradient) and of
     * forward plus the backward pass of a layer whose P, A, G are fixed data (the gradients of q, b, h only:
     * {@code backward(v, false)}).
     */
    record Row(int batch, String mode, double meanIterations, double forwardPerSecond, double totalPerSecond,
               double vectorsPerSecond) {
    }

    public static Data data(PaperDemo.Size size, int batch, long seed) {
        Random r = new Random(seed);
        int n = size.n();
        double[][] pm = new double[n][n];
        for (int i = 0; i < n; i++) {
            pm[i][i] = 0.1;
        }
        double[][] a = size.p() > 0 ? Gaussian.matrix(r, size.p(), n) : null;
        double[][] g = size.m() > 0 ? Gaussian.matrix(r, size.m(), n) : null;
        double[][] q = new double[batch][];
        double[][] b = a != null ? new double[batch][] : null;
        double[][] h = g != null ? new double[batch][] : null;
        for (int c = 0; c < batch; c++) {
            q[c] = Gaussian.vector(r, n);
            double[] x0 = Gaussian.vector(r, n);
            if (a != null) {
                b[c] = times(a, x0, 0);
            }
            if (g != null) {
                h[c] = times(g, x0, 1);
            }
        }
        return new Data(pm, a, g, q, b, h);
    }

    /**
     * How the cells are timed: first every cell in turn, untimed, until {@code warmupSeconds} have passed (at least
     * once each), then per cell one more untimed call and {@code repeats} timed ones.
     */
    public record Timing(double warmupSeconds, int repeats) {
        /** @throws IllegalArgumentException for a negative or non-finite warm-up or fewer than one repeat */
        public Timing {
            if (!(warmupSeconds >= 0) || Double.isInfinite(warmupSeconds)) {
                throw new IllegalArgumentException("--warmup must be a finite number of seconds >= 0, got "
                        + warmupSeconds);
            }
            if (repeats < 1) {
                throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);
            }
        }
    }

    /** One repetition of a cell: the forward, forward + backward and forward + q, b, h-only backward, in seconds. */
    private record Times(double forward, double total, double vectors, double iterations) {
    }

    /** One cell of the table: a batch size and a mode, with its data. */
    private record Cell(int batch, String mode, Data data, List<QuadraticProgram> problems, double[][] v) {
    }

    /**
     * Measures the three modes for each batch size, warm (as a training loop calls the layer: its code compiled by
     * the JIT, which on a 2-core machine takes several seconds of calls, and its set-ups reused), each cell given as
     * the median of {@code timing.repeats()} calls.
     */
    public static List<Row> run(LinearAlgebra la, Settings settings, BatchSettings options, PaperDemo.Size size,
                                List<Integer> batches, long seed, Timing timing) {
        List<Cell> cells = new ArrayList<>();
        for (int batch : batches) {
            Data d = data(size, batch, seed);
            List<QuadraticProgram> problems = d.problems();
            double[][] v = new double[batch][size.n()];
            for (double[] row : v) {
                java.util.Arrays.fill(row, 1.0);
            }
            for (String mode : new String[]{"shared", "loop", "per-sample"}) {
                cells.add(new Cell(batch, mode, d, problems, v));
            }
        }
        List<Row> rows = new ArrayList<>();
        try (BatchLayer layer = new BatchLayer(la, settings, options)) {
            long warmEnd = System.nanoTime() + (long) (timing.warmupSeconds() * 1e9);
            do {
                for (Cell cell : cells) {
                    once(la, settings, layer, cell);
                }
            } while (System.nanoTime() < warmEnd);
            for (Cell cell : cells) {
                once(la, settings, layer, cell); // the set-ups of this cell's data are the ones reused
                List<Times> times = new ArrayList<>();
                for (int rep = 0; rep < timing.repeats(); rep++) {
                    times.add(once(la, settings, layer, cell));
                }
                rows.add(new Row(cell.batch(), cell.mode(), times.get(0).iterations(),
                        cell.batch() / median(times, Times::forward), cell.batch() / median(times, Times::total),
                        cell.batch() / median(times, Times::vectors)));
            }
        }
        return rows;
    }

    /** One repetition of a cell (see {@link Row} for what is timed). */
    private static Times once(LinearAlgebra la, Settings settings, BatchLayer layer, Cell cell) {
        String mode = cell.mode();
        Data d = cell.data();
        List<QuadraticProgram> problems = cell.problems();
        double[][] v = cell.v();
        int batch = v.length;
        long t0 = System.nanoTime();
        List<Solution> solutions;
        Runnable backward;
        Runnable vectorsOnly;
        if (mode.equals("loop")) {
            List<DifferentiableSolution> singles = new ArrayList<>();
            solutions = new ArrayList<>();
            for (QuadraticProgram qp : problems) {
                DifferentiableSolution s = new AltDiffDifferentiator().solve(qp, settings, la);
                singles.add(s);
                solutions.add(s.solution());
            }
            backward = () -> {
                for (int c = 0; c < batch; c++) {
                    singles.get(c).backward(v[c]);
                }
            };
            vectorsOnly = () -> {
                for (int c = 0; c < batch; c++) {
                    singles.get(c).backward(v[c], false);
                }
            };
        } else if (mode.equals("shared")) { // q, b, h alone: a forward pass that records the masks alone
            BatchResult result = layer.forward(d.shared());
            solutions = result.solutions();
            backward = () -> result.backward(v);
            vectorsOnly = () -> layer.forward(d.shared(), false).backward(v, false);
        } else {
            BatchResult result = layer.forward(problems);
            solutions = result.solutions();
            backward = () -> result.backward(v);
            vectorsOnly = () -> result.backward(v, false);
        }
        long t1 = System.nanoTime();
        backward.run();
        long t2 = System.nanoTime();
        vectorsOnly.run();
        long t3 = System.nanoTime();
        // shared: vectorsOnly made its own forward pass; elsewhere it reuses the one timed above
        double vectors = ((mode.equals("shared") ? 0 : t1 - t0) + t3 - t2) / 1e9;
        return new Times((t1 - t0) / 1e9, (t2 - t0) / 1e9, vectors,
                solutions.stream().mapToInt(Solution::iterations).average().orElse(0));
    }

    private static double median(List<Times> times, java.util.function.ToDoubleFunction<Times> field) {
        return Trial.median(times.stream().mapToDouble(field).toArray());
    }

    public static void print(PrintWriter out, LinearAlgebra la, Settings settings, BatchSettings options,
                             PaperDemo.Size size, Timing timing, List<Row> rows) {
        out.printf(Locale.ROOT, "batched layer %s (n x p x m), P = 0.1 I, backend %s, tolerance %.0e, %d threads, "
                        + "shared runs of <= %s columns; medians of %d calls after %.1f s warm-up; %s%n",
                size, la.name(), settings.tolerance(), Runtime.getRuntime().availableProcessors(),
                options.runColumns() == Integer.MAX_VALUE ? "B" : String.valueOf(options.runColumns()),
                timing.repeats(), timing.warmupSeconds(), dev.altdiff.api.linalg.JvmBlas.kernels());
        out.printf(Locale.ROOT, "%6s  %-10s  %10s  %16s  %18s  %22s%n", "B", "mode", "mean iter", "forward [1/s]",
                "fwd+bwd [1/s]", "fwd+bwd q,b,h [1/s]");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%6d  %-10s  %10.1f  %16.1f  %18.1f  %22.1f%n", r.batch(), r.mode(),
                    r.meanIterations(), r.forwardPerSecond(), r.totalPerSecond(), r.vectorsPerSecond());
        }
        for (Row shared : rows) {
            if (!shared.mode().equals("shared") || shared.batch() == 1) {
                continue;
            }
            for (Row loop : rows) {
                if (loop.batch() == shared.batch() && loop.mode().equals("loop")) {
                    out.printf(Locale.ROOT, "B = %d: shared / loop = %.1fx forward, %.1fx fwd+bwd, %.1fx fwd+bwd q,b,h%n",
                            shared.batch(), shared.forwardPerSecond() / loop.forwardPerSecond(),
                            shared.totalPerSecond() / loop.totalPerSecond(),
                            shared.vectorsPerSecond() / loop.vectorsPerSecond());
                }
            }
        }
        out.flush();
    }

    /** @throws IllegalArgumentException unless the text is a comma-separated list of positive integers */
    public static List<Integer> parseBatches(String text) {
        List<Integer> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            int b;
            try {
                b = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad batch size '" + part.strip() + "': expected a positive integer");
            }
            if (b < 1) {
                throw new IllegalArgumentException("bad batch size '" + part.strip() + "': must be >= 1");
            }
            out.add(b);
        }
        return out;
    }

    private static double[] times(double[][] a, double[] x, double plus) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = plus;
            for (int j = 0; j < x.length; j++) {
                s += a[i][j] * x[j];
            }
            out[i] = s;
        }
        return out;
    }
}
