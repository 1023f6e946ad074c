package dev.altdiff.examples;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.core.AltDiffSolution;
import dev.altdiff.core.QpData;
import dev.altdiff.core.SparseCholesky;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Scaling of the sparse path with n at a fixed number of nonzeros per row, on a banded-local family
 * ({@link #bandedLocal}). Per size: load and factor (setup), the ADMM forward pass recording its
 * trajectory, and one reverse-mode gradient (q, b, h), after a warm-up at the smallest size; with
 * R repeats each time is the best of R runs (the runs are identical) and the memory the largest
 * peak resident set of the process ({@link MemoryProbe}) over them. "Retained" is the live heap
 * after a garbage collection with the problem, its loaded data and factor, and the solved run (with
 * its stored trajectory) still referenced: the memory the sparse path really holds, without the
 * garbage the JVM lets accumulate before collecting (which the peak resident set includes).
 */
final class SparseBench {
    static final String DEFAULT_SIZES = "1000,3000,10000,30000,100000";
    /** Width of the window of consecutive variables a constraint row draws its 5 nonzeros from. */
    static final int WINDOW = 10;
    /** Nonzeros per constraint row. */
    static final int ROW_NONZEROS = 5;

    private SparseBench() {
    }

    /** One size's measurements (seconds, MiB). */
    record Row(int n, int p, int m, long nonzeros, long factorNonzeros, String ordering, int iterations, String status,
               double setupSeconds, double forwardSeconds, double backwardSeconds, double peakMb, double retainedMb) {
    }

    /**
     * The banded-local family at size n (seeded): P = D + off-diagonals at distance 1 and 2
     * (D_ii ∈ [1, 2], |P_{i,i±1}| ≤ 0.3, |P_{i,i±2}| ≤ 0.1: strictly diagonally dominant, so PD);
     * p = m = n/10 constraint rows, each with {@value #ROW_NONZEROS} standard normal nonzeros at
     * distinct columns of a window of {@value #WINDOW} consecutive variables (row r of A starts at
     * 10r, row r of G at 10r + 5, wrapped to fit); q standard normal; b = Ax₀ and
     * h = Gx₀ + s₀ for a standard normal x₀ and s₀ = 0 on odd rows, uniform [0, 1] on even rows.
     * Nonzeros per row of P, A, G are fixed, so nnz grows like n, and H = P + ρAᵀA + ρGᵀG has
     * bandwidth below {@value #WINDOW}.
     */
    static QuadraticProgram bandedLocal(int n, long seed) {
        Random r = new Random(seed);
        Triplets pt = new Triplets();
        for (int i = 0; i < n; i++) {
            pt.add(i, i, 1 + r.nextDouble());
            for (int d = 1; d <= 2; d++) {
                if (i + d < n) {
                    double v = (d == 1 ? 0.3 : 0.1) * (2 * r.nextDouble() - 1);
                    pt.add(i, i + d, v);
                    pt.add(i + d, i, v);
                }
            }
        }
        int rows = Math.max(1, n / 10);
        double[] x0 = new double[n];
        for (int i = 0; i < n; i++) {
            x0[i] = r.nextGaussian();
        }
        SparseMatrix a = localRows(r, "A", rows, n, 0);
        SparseMatrix g = localRows(r, "G", rows, n, WINDOW / 2);
        double[] h = g.times(x0);
        for (int i = 0; i < rows; i += 2) {
            h[i] += r.nextDouble();
        }
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = r.nextGaussian();
        }
        return QuadraticProgram.builder(n).name("banded-local-" + n).sparseP(pt.build("P", n, n)).q(q)
                .sparseEqualities(a, a.times(x0)).sparseInequalities(g, h).build();
    }

    private static SparseMatrix localRows(Random r, String block, int rows, int n, int offset) {
        Triplets t = new Triplets();
        int window = Math.min(WINDOW, n);
        for (int row = 0; row < rows; row++) {
            int start = Math.min(WINDOW * row + offset, n - window);
            // ROW_NONZEROS distinct columns of the window: a partial Fisher–Yates shuffle
            int[] cols = new int[window];
            for (int k = 0; k < window; k++) {
                cols[k] = start + k;
            }
            for (int k = 0; k < Math.min(ROW_NONZEROS, window); k++) {
                int pick = k + r.nextInt(window - k);
                int c = cols[pick];
                cols[pick] = cols[k];
                cols[k] = c;
                t.add(row, c, r.nextGaussian());
            }
        }
        return t.build(block, rows, n);
    }

    /** A growing list of (i, j, x). */
    private static final class Triplets {
        private int[] i = new int[16];
        private int[] j = new int[16];
        private double[] x = new double[16];
        private int size;

        void add(int row, int col, double value) {
            if (size == i.length) {
                i = java.util.Arrays.copyOf(i, 2 * size);
                j = java.util.Arrays.copyOf(j, 2 * size);
                x = java.util.Arrays.copyOf(x, 2 * size);
            }
            i[size] = row;
            j[size] = col;
            x[size++] = value;
        }

        SparseMatrix build(String block, int rows, int cols) {
            return SparseMatrix.fromTriplets(block, rows, cols, java.util.Arrays.copyOf(i, size),
                    java.util.Arrays.copyOf(j, size), java.util.Arrays.copyOf(x, size));
        }
    }

    /** Runs every size {@code repeats} times (after an untimed warm-up at the first size), best times. */
    static List<Row> run(LinearAlgebra la, Settings settings, List<Integer> sizes, long seed, int repeats) {
        measure(la, settings, sizes.get(0), seed + 1); // JIT warm-up
        List<Row> rows = new ArrayList<>();
        for (int n : sizes) {
            Row best = measure(la, settings, n, seed);
            for (int k = 1; k < repeats; k++) {
                Row r = measure(la, settings, n, seed);
                best = new Row(n, r.p(), r.m(), r.nonzeros(), r.factorNonzeros(), r.ordering(), r.iterations(),
                        r.status(), Math.min(best.setupSeconds(), r.setupSeconds()),
                        Math.min(best.forwardSeconds(), r.forwardSeconds()),
                        Math.min(best.backwardSeconds(), r.backwardSeconds()), Math.max(best.peakMb(), r.peakMb()),
                        Math.max(best.retainedMb(), r.retainedMb()));
            }
            rows.add(best);
        }
        return rows;
    }

    static Row measure(LinearAlgebra la, Settings settings, int n, long seed) {
        QuadraticProgram qp = bandedLocal(n, seed);
        System.gc();
        MemoryProbe.resetPeak();
        long t0 = System.nanoTime();
        QpData d = new QpData(qp, la, settings.rho());
        long t1 = System.nanoTime();
        AltDiffSolution solved = new AltDiffDifferentiator().solve(d, settings);
        long t2 = System.nanoTime();
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0); // the gradient of 1ᵀx
        Gradients g = solved.backward(v);
        long t3 = System.nanoTime();
        double peak = MemoryProbe.peakMb();
        if (g.q() == null || !Double.isFinite(g.q()[0])) {
            throw new IllegalStateException("no gradient at n = " + n);
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        double retained = (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0);
        java.lang.ref.Reference.reachabilityFence(solved); // held until the heap is read
        java.lang.ref.Reference.reachabilityFence(d);
        Solution s = solved.solution();
        long nnz = (long) qp.sparse(dev.altdiff.api.Block.P).nonzeros() + qp.sparse(dev.altdiff.api.Block.A).nonzeros()
                + qp.sparse(dev.altdiff.api.Block.G).nonzeros();
        SparseCholesky factor = (SparseCholesky) d.H;
        return new Row(n, qp.p(), qp.m(), nnz, factor.nonzeros(), factor.ordering().name(), s.iterations(),
                s.status().name(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, peak, retained);
    }

    /** A Markdown table with each row's ratios to the previous one. */
    static void print(PrintWriter out, LinearAlgebra la, Settings settings, int repeats, List<Row> rows) {
        out.printf(Locale.ROOT, "banded-local sparse QPs (P: 5 per row; A, G: n/10 rows x %d nonzeros in a window"
                        + " of %d), backend %s, rho %s, tolerance %s (%s), reverse-mode gradient of 1'x,"
                        + " best of %d%n%n",
                ROW_NONZEROS, WINDOW, la.name(), settings.rho(), settings.tolerance(), settings.truncation(), repeats);
        out.println("| n | nnz(P,A,G) | nnz(L+D) | ordering | K | status | setup s | forward s | backward s"
                + " | fwd ms/K | peak MiB | retained MiB | n x | nnz x | L x | setup x | fwd x | bwd x | fwd/K x"
                + " | peak x | retained x |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        Row prev = null;
        for (Row r : rows) {
            out.printf(Locale.ROOT, "| %d | %d | %d | %s | %d | %s | %.3f | %.3f | %.3f | %.2f | %.0f | %.0f | %s | %s"
                            + " | %s | %s | %s | %s | %s | %s | %s |%n", r.n(), r.nonzeros(), r.factorNonzeros(),
                    r.ordering(), r.iterations(), r.status(), r.setupSeconds(), r.forwardSeconds(),
                    r.backwardSeconds(), perIteration(r), r.peakMb(), r.retainedMb(),
                    ratio(prev == null ? Double.NaN : (double) r.n() / prev.n()),
                    ratio(prev == null ? Double.NaN : (double) r.nonzeros() / prev.nonzeros()),
                    ratio(prev == null ? Double.NaN : (double) r.factorNonzeros() / prev.factorNonzeros()),
                    ratio(prev == null ? Double.NaN : r.setupSeconds() / prev.setupSeconds()),
                    ratio(prev == null ? Double.NaN : r.forwardSeconds() / prev.forwardSeconds()),
                    ratio(prev == null ? Double.NaN : r.backwardSeconds() / prev.backwardSeconds()),
                    ratio(prev == null ? Double.NaN : perIteration(r) / perIteration(prev)),
                    ratio(prev == null ? Double.NaN : r.peakMb() / prev.peakMb()),
                    ratio(prev == null ? Double.NaN : r.retainedMb() / prev.retainedMb()));
            prev = r;
        }
        out.flush();
    }

    /** @return forward milliseconds per ADMM iteration */
    private static double perIteration(Row r) {
        return 1e3 * r.forwardSeconds() / r.iterations();
    }

    private static String ratio(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.2f", value);
    }

    /** @return the sizes of a comma-separated list, each ≥ 10 */
    static List<Integer> parseSizes(String text) {
        List<Integer> out = new ArrayList<>();
        for (String part : text.split(",")) {
            int n;
            try {
                n = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--sizes: '" + part.trim() + "' is not an integer");
            }
            if (n < 10) {
                throw new IllegalArgumentException("--sizes: n must be >= 10, got " + n);
            }
            out.add(n);
        }
        return out;
    }
}
