package dev.altdiff.examples.bench;

import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.core.BatchLayer;
import dev.altdiff.core.BatchResult;
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

    /** Measures the three modes for each batch size; each timing is the best of {@code repeats}. */
    public static List<Row> run(LinearAlgebra la, Settings settings, PaperDemo.Size size, List<Integer> batches, long seed,
                         int repeats) {
        List<Row> rows = new ArrayList<>();
        try (BatchLayer layer = new BatchLayer(la, settings)) {
            for (int batch : batches) {
                Data d = data(size, batch, seed);
                List<QuadraticProgram> problems = d.problems();
                double[][] v = new double[batch][size.n()];
                for (double[] row : v) {
                    java.util.Arrays.fill(row, 1.0);
                }
                for (String mode : new String[]{"shared", "loop", "per-sample"}) {
                    double bestForward = Double.POSITIVE_INFINITY;
                    double bestTotal = Double.POSITIVE_INFINITY;
                    double bestVectors = Double.POSITIVE_INFINITY;
                    double iterations = 0;
                    for (int rep = 0; rep < repeats; rep++) {
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
                        bestForward = Math.min(bestForward, (t1 - t0) / 1e9);
                        bestTotal = Math.min(bestTotal, (t2 - t0) / 1e9);
                        // shared: vectorsOnly made its own forward pass; elsewhere it reuses the one timed above
                        bestVectors = Math.min(bestVectors, ((mode.equals("shared") ? 0 : t1 - t0) + t3 - t2) / 1e9);
                        iterations = solutions.stream().mapToInt(Solution::iterations).average().orElse(0);
                    }
                    rows.add(new Row(batch, mode, iterations, batch / bestForward, batch / bestTotal,
                            batch / bestVectors));
                }
            }
        }
        return rows;
    }

    public static void print(PrintWriter out, LinearAlgebra la, Settings settings, PaperDemo.Size size, List<Row> rows) {
        out.printf(Locale.ROOT, "batched layer %s (n x p x m), P = 0.1 I, backend %s, tolerance %.0e, %d threads%n",
                size, la.name(), settings.tolerance(), Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%6s  %-10s  %10s  %16s  %18s  %22s%n", "B", "mode", "mean iter", "forward [1/s]",
                "fwd+bwd [1/s]", "fwd+bwd q,b,h [1/s]");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%6d  %-10s  %10.1f  %16.1f  %18.1f  %22.1f%n", r.batch(), r.mode(),
                    r.meanIterations(), r.forwardPerSecond(), r.totalPerSecond(), r.vectorsPerSecond());
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
