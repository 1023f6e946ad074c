package dev.altdiff.examples.bench;

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
import dev.altdiff.testkit.SparseQp;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scaling of the sparse path with n at a fixed number of nonzeros per row, on a banded-local family
 * ({@link SparseQp#bandedLocal}). Per size: load and factor (setup), the ADMM forward pass recording its
 * trajectory, and one reverse-mode gradient (q, b, h), after a warm-up at the smallest size; with
 * R repeats each time is the best of R runs (the runs are identical) and the memory the largest
 * peak resident set of the process ({@link MemoryProbe}) over them. "Retained" is the live heap
 * after a garbage collection with the problem, its loaded data and factor, and the solved run (with
 * its stored trajectory) still referenced: the memory the sparse path really holds, without the
 * garbage the JVM lets accumulate before collecting (which the peak resident set includes).
 */
public final class SparseBench {
    public static final String DEFAULT_SIZES = "1000,3000,10000,30000,100000";

    private SparseBench() {
    }

    /** One size's measurements (seconds, MiB). */
    record Row(int n, int p, int m, long nonzeros, long factorNonzeros, String ordering, int iterations, String status,
               double setupSeconds, double forwardSeconds, double backwardSeconds, double peakMb, double retainedMb) {
    }

    /** Runs every size {@code repeats} times (after an untimed warm-up at the first size), best times. */
    public static List<Row> run(LinearAlgebra la, Settings settings, List<Integer> sizes, long seed, int repeats) {
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
        QuadraticProgram qp = SparseQp.bandedLocal(n, seed);
        System.gc();
        MemoryProbe.resetPeak();
        long t0 = System.nanoTime();
        QpData d = new QpData(qp, la, settings.rho(), settings.equalityRhoScale(), dev.altdiff.core.Equilibration.OFF);
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
        SparseCholesky factor = (SparseCholesky) d.factor();
        return new Row(n, qp.p(), qp.m(), nnz, factor.nonzeros(), factor.ordering().name(), s.iterations(),
                s.status().name(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, peak, retained);
    }

    /** A Markdown table with each row's ratios to the previous one. */
    public static void print(PrintWriter out, LinearAlgebra la, Settings settings, int repeats, List<Row> rows) {
        out.printf(Locale.ROOT, "banded-local sparse QPs (P: 5 per row; A, G: n/10 rows x %d nonzeros in a window"
                        + " of %d), backend %s, rho %s, tolerance %s (%s), reverse-mode gradient of 1'x,"
                        + " best of %d%n%n",
                SparseQp.ROW_NONZEROS, SparseQp.WINDOW, la.name(), settings.rho(), settings.tolerance(), settings.truncation(), repeats);
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
    public static List<Integer> parseSizes(String text) {
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
