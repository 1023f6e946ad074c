package dev.altdiff.examples.demo;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.ObjectiveGradients;
import dev.altdiff.core.GeneralAltDiff;
import dev.altdiff.kkt.GeneralKktSolution;
import dev.altdiff.testkit.EntropyProblem;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The paper's negative-entropy experiment ({@link EntropyProblem}): Alt-Diff (Newton x-step, reverse
 * sweep) over a sweep of truncation tolerances (the paper's relative-change rule, ρ = 1) against the
 * implicit KKT reference at a tight solve. The backward pass is the gradient of ℓ = 1ᵀx.
 */
public final class EntropyDemo {
    public static final String DEFAULT_SIZES = "1000x300x100";
    public static final String DEFAULT_TOLERANCES = "1e-3,1e-4,1e-5,1e-6,1e-8";
    /** The reference forward solve: relative change ≤ 1e-10 (the KKT gradient is evaluated there). */
    public static final Settings REFERENCE = new Settings(1.0, 1e-10, 200_000, Truncation.RELATIVE_CHANGE);

    private EntropyDemo() {
    }

    record Row(String label, Status status, int iterations, int factorizations, double forwardMs, double backwardMs,
               double relErrX, double cosY, double cosB, double cosH) {
    }

    /**
     * One recorded run at the reference tolerance; the Alt-Diff row at ε is that run truncated at the
     * first iteration K_ε where the relative-change rule holds ({@link GeneralAltDiff.Solved#truncated}),
     * which is exactly the run a solve at ε makes (same start, deterministic iterations), so its
     * forward time is the time of the first K_ε iterations. The KKT reference differentiates at the
     * full run's solution.
     */
    public static List<Row> run(LinearAlgebra la, PaperDemo.Size size, long seed, EntropyProblem.Draw draw,
                         double[] tolerances, PrintWriter progress) {
        ConvexProgram problem = EntropyProblem.generate(seed, size.n(), size.p(), size.m(), draw);
        double[] ones = new double[size.n()];
        Arrays.fill(ones, 1.0);
        long t0 = System.nanoTime();
        GeneralAltDiff.Solved refRun = GeneralAltDiff.solve(problem, REFERENCE, la);
        long t1 = System.nanoTime();
        Solution ref = refRun.solution();
        ObjectiveGradients kkt = new GeneralKktSolution(problem, ref, la).backward(ones);
        long t2 = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        for (double tol : tolerances) {
            int k = refRun.firstIterationWithin(tol);
            if (k < 0) {
                continue;
            }
            GeneralAltDiff.Solved alt = refRun.truncated(k);
            long s1 = System.nanoTime();
            ObjectiveGradients g = alt.backward(ones);
            long s2 = System.nanoTime();
            Solution s = alt.solution();
            Row row = new Row(String.format(Locale.ROOT, "Alt-Diff %.0e", tol), s.status(), s.iterations(),
                    alt.factorizations(), refRun.millisUpTo(k), (s2 - s1) / 1e6, PaperDemo.relativeError(s.x(), ref.x()),
                    PaperDemo.cosine(g.theta(), kkt.theta()), PaperDemo.cosine(g.b(), kkt.b()),
                    PaperDemo.cosine(g.h(), kkt.h()));
            rows.add(row);
            if (progress != null) {
                printRow(progress, row);
            }
        }
        Row refRow = new Row(String.format(Locale.ROOT, "KKT (ref, rel %.0e)", REFERENCE.tolerance()), ref.status(),
                ref.iterations(), refRun.factorizations(), (t1 - t0) / 1e6, (t2 - t1) / 1e6, 0, 1, 1, 1);
        rows.add(refRow);
        if (progress != null) {
            printRow(progress, refRow);
        }
        return rows;
    }

    public static void printHeader(PrintWriter out, PaperDemo.Size s, long seed, EntropyProblem.Draw draw, String backend) {
        out.printf(Locale.ROOT, "negative entropy -y'x + sum x log x, A, G ~ N(0,1), y ~ U[0,1), b, h %s | n=%d p=%d"
                        + " m=%d | seed %d | backend %s | %d cores%n",
                draw == EntropyProblem.Draw.PAPER ? "~ N(0,1) (paper)" : "= Ax0, Gx0 + |N(0,1)| (planted x0 > 0)",
                s.n(), s.p(), s.m(), seed, backend, Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%-21s %-15s %7s %6s %12s %12s %10s %12s %12s %12s%n", "method", "status", "iters",
                "chol", "forward ms", "backward ms", "rel err x", "cos dy", "cos db", "cos dh");
        out.flush();
    }

    static void printRow(PrintWriter out, Row r) {
        boolean ref = r.label().startsWith("KKT");
        out.printf(Locale.ROOT, "%-21s %-15s %7d %6d %12.1f %12.1f %10s %12s %12s %12s%n", r.label(),
                r.status().jsonName(), r.iterations(), r.factorizations(), r.forwardMs(), r.backwardMs(),
                ref ? "ref" : String.format(Locale.ROOT, "%.2e", r.relErrX()), ref ? "ref" : fixed(r.cosY()),
                ref ? "ref" : fixed(r.cosB()), ref ? "ref" : fixed(r.cosH()));
        out.flush();
    }

    public static double[] parseTolerances(String text) {
        String[] parts = text.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad tolerance '" + parts[i].strip() + "'");
            }
            if (!(out[i] > 0) || Double.isInfinite(out[i])) {
                throw new IllegalArgumentException("tolerance must be finite and > 0: " + parts[i].strip());
            }
        }
        return out;
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.8f", v);
    }
}
