package dev.altdiff.examples.demo;

import dev.altdiff.api.Differentiator;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiff;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.examples.bench.Trial;
import dev.altdiff.testkit.RandomQp;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The paper's numerical experiment (Sun et al., ICLR 2023, dense QPs): random problems with
 * P = ZᵀZ (Z n×n standard normal) and q, A, b, G, h standard normal, solved and differentiated by
 * Alt-Diff at two truncation tolerances (reverse mode, and the paper's forward mode where it is
 * affordable) and by the implicit KKT differentiator, which is the reference. The backward pass is the gradient of ℓ = 1ᵀx (v = 1).
 */
public final class PaperDemo {
    /** The paper's sizes (n, p, m) = (200, 100, 50) and (1000, 500, 200). */
    public static final String DEFAULT_SIZES = "200x100x50,1000x500x200";
    /**
     * The KKT reference's forward solve: ADMM to primal and dual residuals ≤ 1e-10 (relative, see
     * {@link Truncation#RESIDUALS}), a certified tight solution rather than a small last step.
     */
    public static final Settings REFERENCE = new Settings(1.0, 1e-10, 100_000, Truncation.RESIDUALS);

    private PaperDemo() {
    }

    /** Problem size: n variables, p equalities, m inequalities. */
    public record Size(int n, int p, int m) {
        private static final Pattern FORMAT = Pattern.compile("\\s*(\\d+)x(\\d+)x(\\d+)\\s*");

        /** @throws IllegalArgumentException unless the text is a comma-separated list of NxPxM, n ≥ 1 */
        public static List<Size> parseList(String text) {
            List<Size> sizes = new ArrayList<>();
            for (String part : text.split(",", -1)) {
                Matcher mt = FORMAT.matcher(part);
                if (!mt.matches()) {
                    throw new IllegalArgumentException("bad size '" + part.strip() + "': expected NxPxM, e.g. 200x100x50");
                }
                try {
                    Size s = new Size(Integer.parseInt(mt.group(1)), Integer.parseInt(mt.group(2)),
                            Integer.parseInt(mt.group(3)));
                    if (s.n < 1) {
                        throw new IllegalArgumentException("bad size '" + part.strip() + "': n must be >= 1");
                    }
                    sizes.add(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad size '" + part.strip() + "': number too large");
                }
            }
            return sizes;
        }

        @Override public String toString() { return n + "x" + p + "x" + m; }
    }

    /** One row of the table: a differentiator with its settings. */
    public record Method(String label, Differentiator differentiator, Settings settings, boolean reference) {
    }

    /** A method's measurements; the error columns are against the reference row (NaN for a missing block). */
    public record Row(Method method, Status status, int iterations, double forwardMs, double backwardMs, double[] x,
               double[] gradB, double[] gradQ, double relErrX, double cosB, double cosQ) {
    }

    /** The table of one problem size; {@code note} says which rows were left out and why (or is empty). */
    public record Table(Size size, long seed, String backend, List<Row> rows, String note) {
    }

    /**
     * Forward-mode rows are run only while p + m ≤ this: the forward recursion costs (p+m)³ per
     * iteration (about 0.2 s per iteration at p + m = 700 on ojAlgo, 2 cores).
     */
    static final int FORWARD_MODE_LIMIT = 300;

    /**
     * Alt-Diff at ε = 1e-3 and 1e-6 (ρ = 1, the paper's truncation rule {@link Truncation#RELATIVE_CHANGE}) in
     * reverse mode, the same in forward mode (the paper's Jacobian recursion) when p + m ≤
     * {@link #FORWARD_MODE_LIMIT}, then the KKT reference ({@link #REFERENCE}).
     */
    static List<Method> methods(Size size) {
        Settings paper = altDiffSettings(1e-3);
        Differentiator reverse = new AltDiffDifferentiator(AltDiffDifferentiator.Mode.REVERSE);
        Differentiator forward = new AltDiffDifferentiator(AltDiffDifferentiator.Mode.FORWARD);
        List<Method> methods = new ArrayList<>();
        methods.add(new Method("Alt-Diff 1e-3 reverse", reverse, paper.withTolerance(1e-3), false));
        methods.add(new Method("Alt-Diff 1e-6 reverse", reverse, paper.withTolerance(1e-6), false));
        if (size.p() + size.m() <= FORWARD_MODE_LIMIT) {
            methods.add(new Method("Alt-Diff 1e-3 forward", forward, paper.withTolerance(1e-3), false));
            methods.add(new Method("Alt-Diff 1e-6 forward", forward, paper.withTolerance(1e-6), false));
        }
        methods.add(new Method("KKT (ref, res 1e-10)", AltDiff.differentiator("kkt"), REFERENCE, true));
        return methods;
    }

    /** Alt-Diff as in the paper: ρ = 1, truncation rule {@link Truncation#RELATIVE_CHANGE} with this ε. */
    public static Settings altDiffSettings(double tolerance) {
        return Settings.PAPER.withTolerance(tolerance);
    }

    /**
     * The paper's random dense QP, drawn from {@code new Random(seed)} in the order Z (row-major), q,
     * A, b, G, h; P = ZᵀZ is formed by the backend's gemm and symmetrized.
     */
    public static QuadraticProgram problem(LinearAlgebra la, Size size, long seed) {
        return dense(la, size, seed, false);
    }

    /**
     * The paper's draw ({@link #problem}) with P = ZᵀZ, or with the well-conditioned
     * P = ZᵀZ/n + I (eigenvalues in about [1, 5]) when {@code wellConditioned}; the other blocks
     * are the same draws in both cases.
     */
    public static QuadraticProgram dense(LinearAlgebra la, Size size, long seed, boolean wellConditioned) {
        int n = size.n();
        return RandomQp.dense(la, seed, n, size.p(), size.m(), wellConditioned ? n : 1, wellConditioned ? 1 : 0,
                (wellConditioned ? "wellcond-dense-" : "paper-dense-") + size + "-seed" + seed);
    }

    /** Solves and differentiates the problem of this size with every method; the reference last. */
    public static Table run(LinearAlgebra la, Size size, long seed) {
        QuadraticProgram qp = problem(la, size, seed);
        List<Method> methods = methods(size);
        double[] ones = new double[size.n()];
        Arrays.fill(ones, 1.0);
        List<Row> raw = new ArrayList<>();
        for (Method method : methods) {
            Trial.Result t = Trial.run(method.differentiator(), method.settings(), qp, la, ones, 0, 1);
            Solution s = t.solution().solution();
            raw.add(new Row(method, s.status(), s.iterations(), t.forwardMs(), t.backwardMs(), s.x(), t.gradients().b(),
                    t.gradients().q(), Double.NaN, Double.NaN, Double.NaN));
        }
        Row ref = raw.stream().filter(r -> r.method().reference()).findFirst().orElseThrow();
        List<Row> rows = new ArrayList<>();
        for (Row r : raw) {
            rows.add(new Row(r.method(), r.status(), r.iterations(), r.forwardMs(), r.backwardMs(), r.x(), r.gradB(),
                    r.gradQ(), relativeError(r.x(), ref.x()), cosine(r.gradB(), ref.gradB()),
                    cosine(r.gradQ(), ref.gradQ())));
        }
        String note = size.p() + size.m() <= FORWARD_MODE_LIMIT ? ""
                : "forward-mode rows left out: p + m = " + (size.p() + size.m()) + " > " + FORWARD_MODE_LIMIT
                        + " ((p+m)^3 work per iteration; reverse mode gives the same gradients)";
        return new Table(size, seed, la.name(), List.copyOf(rows), note);
    }

    /** Prints the table with a header line naming the problem, seed, backend and cores. */
    public static void print(PrintWriter out, Table t) {
        Size s = t.size();
        out.printf(Locale.ROOT, "dense random QP (P = Z'Z; q, A, b, G, h ~ N(0,1)) n=%d p=%d m=%d | seed %d | backend %s"
                        + " | Alt-Diff rows: preset paper (Settings.PAPER at their eps) | %d cores%n", s.n(), s.p(),
                s.m(), t.seed(), t.backend(),
                Runtime.getRuntime().availableProcessors());
        String head = "%-21s %-15s %7s %12s %12s %10s %10s %10s%n";
        String line = "%-21s %-15s %7d %12.1f %12.1f %10s %10s %10s%n";
        out.printf(Locale.ROOT, head, "method", "status", "iters", "forward ms", "backward ms", "rel err x",
                "cos db", "cos dq");
        for (Row r : t.rows()) {
            boolean ref = r.method().reference();
            out.printf(Locale.ROOT, line, r.method().label(), r.status().jsonName(), r.iterations(), r.forwardMs(),
                    r.backwardMs(), ref ? "ref" : sci(r.relErrX()), ref ? "ref" : fixed(r.cosB()),
                    ref ? "ref" : fixed(r.cosQ()));
        }
        if (!t.note().isEmpty()) {
            out.println(t.note());
        }
        out.flush();
    }

    /** ‖x − ref‖₂ / ‖ref‖₂ (the absolute error when ref = 0). */
    public static double relativeError(double[] x, double[] ref) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            diff += (x[i] - ref[i]) * (x[i] - ref[i]);
            norm += ref[i] * ref[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    /** aᵀb / (‖a‖‖b‖); NaN when a block is absent (empty or null) or a vector is zero. */
    public static double cosine(double[] a, double[] b) {
        if (a == null || b == null || a.length == 0 || a.length != b.length) {
            return Double.NaN;
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? Double.NaN : dot / Math.sqrt(na * nb);
    }

    private static String sci(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2e", v);
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.6f", v);
    }
}
