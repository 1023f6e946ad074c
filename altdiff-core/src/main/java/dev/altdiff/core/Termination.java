package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Status;

import java.util.Arrays;

/**
 * The termination test of {@link Settings} (OSQP's, with ε_abs = ε_rel = ε), the one place that decides
 * whether an iterate is a solution:
 * <pre>
 *   ‖r_prim‖∞ = max(‖Ax − b‖∞, ‖Gx + s − h‖∞) ≤ ε + ε·max(‖Ax‖∞, ‖Gx‖∞, ‖b‖∞, ‖h‖∞)
 *   ‖r_dual‖∞ = ‖Px + q + Aᵀλ + Gᵀν‖∞        ≤ ε + ε·max(‖Px‖∞, ‖Aᵀλ‖∞, ‖Gᵀν‖∞, ‖q‖∞)
 *   |gap|     = |xᵀPx + qᵀx + bᵀλ + hᵀν|     ≤ ε + ε·max(|xᵀPx|, |qᵀx|, |bᵀλ|, |hᵀν|)
 * </pre>
 * always on the caller's problem. The gap is the primal objective minus the dual one (OSQP 1.0 checks it
 * by default): the residual conditions are relative to scales that can dwarf the objective on badly
 * scaled data (on QPCBOEI2 of the Maros–Meszaros set they passed at ε = 1e-7 with the objective 5 % off),
 * the gap's bounds the objective error directly. For an ADMM iterate (νᵢsᵢ = 0) it equals
 * xᵀr_dual − λᵀ(Ax − b) − νᵀ(Gx + s − h), so it needs only inner products. Each of its terms is c times
 * the caller's under equilibration, so the test divides by c. When ADMM runs on the equilibrated problem ({@link Equilibration}:
 * Ā = E_A A D, P̄ = c D P D, …), every quantity of the caller's problem is a row-scaled quantity of the
 * scaled one: Ax − b = E_A⁻¹(Āx̄ − b̄), Gx + s − h = E_G⁻¹(Ḡx̄ + s̄ − h̄), and Px, q, Aᵀλ, Gᵀν are
 * (cD)⁻¹ times P̄x̄, q̄, Āᵀλ̄, Ḡᵀν̄. So the test reads the scaled blocks with row weights 1/E (primal)
 * and 1/(cD) (dual); the factors are powers of 2, so the weighted norms are the caller's to rounding.
 * The same norms, unweighted, are OSQP's residual balancing ({@link Admm#proposeRho}).
 *
 * <p><b>Screening.</b> The direct dual residual and its scale cost a product with P, Aᵀ and Gᵀ per column,
 * as much as an iteration, so the residual rule computes them only every
 * {@link Settings#TERMINATION_CHECK_INTERVAL} iterations and where a cheap screen says the test may pass
 * ({@link #mayPass}): the primal residual and its scale are by-products of the iteration, the dual
 * residual of an ADMM iterate is ρGᵀ(s⁺ − s) (exactly, for an exact x-step), and the dual scale is
 * bounded above by max(‖P‖·‖x‖∞, ‖Aᵀ‖·‖λ‖∞, ‖Gᵀ‖·‖ν‖∞, ‖q‖∞) with weighted ∞-norms of the matrices
 * formed once ({@link #bounds}). That bound can be far above the scale (at (1000, 500, 200) of the paper's
 * draw, 13 direct tests in a row failed the dual condition the bound let through), so once a column has been
 * tested the screen also caps the scale at {@value #DUAL_SCALE_GROWTH}× the scale its last direct test
 * found, an estimate of a quantity that moves slowly as the iterates converge: it can only make the screen
 * stricter, so a test it skips is one where the scale more than doubled since, and the periodic test (every
 * {@link Settings#TERMINATION_CHECK_INTERVAL} iterations, made whatever the screen says) still ends the run.
 * A failed screen therefore means a failed test up to the rounding of the shortcut and that cap; a passed
 * screen is confirmed by the direct test before any SOLVED.
 *
 * <p>Immutable and thread-safe.
 */
public final class Termination {
    private final double epsilon;
    /** The cost scale c of the equilibration (1 without scaling): the gap's terms are the scaled ones over c. */
    private final double costScale;
    /** 1/E_A then 1/E_G (length p + m), or null (no scaling). */
    private final double[] primalWeight;
    /** 1/(cD) (length n), or null (no scaling). */
    private final double[] dualWeight;

    private Termination(double epsilon, double costScale, double[] primalWeight, double[] dualWeight) {
        this.epsilon = epsilon;
        this.costScale = costScale;
        this.primalWeight = primalWeight;
        this.dualWeight = dualWeight;
    }

    /** @return the test at ε = settings' tolerance, on the caller's problem of the (possibly scaled) data d */
    static Termination of(QpData d, Settings settings) {
        return of(d, settings.tolerance());
    }

    /** @return the test at tolerance ε, on the caller's problem of the (possibly scaled) data d */
    static Termination of(QpData d, double epsilon) {
        return of(d.scaling, epsilon);
    }

    /**
     * @return the test at tolerance ε on the caller's problem, for residuals computed on the problem the
     *     scaling gives (a quadratic or a general program's: the weights are the same)
     */
    static Termination of(Equilibration scaling, double epsilon) {
        if (scaling.isOff()) {
            return new Termination(epsilon, 1.0, null, null);
        }
        double[] eA = scaling.eA();
        double[] eG = scaling.eG();
        double[] primal = new double[eA.length + eG.length];
        for (int i = 0; i < eA.length; i++) {
            primal[i] = 1.0 / eA[i];
        }
        for (int i = 0; i < eG.length; i++) {
            primal[eA.length + i] = 1.0 / eG[i];
        }
        double[] dd = scaling.d();
        double[] dual = new double[dd.length];
        for (int i = 0; i < dd.length; i++) {
            dual[i] = 1.0 / (scaling.c() * dd[i]);
        }
        return new Termination(epsilon, scaling.c(), primal, dual);
    }

    /** @return the unweighted test at tolerance ε (for data given on the caller's own scale) */
    static Termination unscaled(double epsilon) {
        return new Termination(epsilon, 1.0, null, null);
    }

    /**
     * Per-column residual norms and their scales, all ∞-norms on the caller's problem.
     *
     * @param primal      max(‖Ax − b‖∞, ‖Gx + s − h‖∞)
     * @param primalScale max(‖Ax‖∞, ‖Gx‖∞, ‖b‖∞, ‖h‖∞)
     * @param dual        ‖Px + q + Aᵀλ + Gᵀν‖∞
     * @param dualScale   max(‖Px‖∞, ‖Aᵀλ‖∞, ‖Gᵀν‖∞, ‖q‖∞)
     * @param gap         the duality gap xᵀPx + qᵀx + bᵀλ + hᵀν
     * @param gapScale    max(|xᵀPx|, |qᵀx|, |bᵀλ|, |hᵀν|)
     */
    record Residuals(double[] primal, double[] primalScale, double[] dual, double[] dualScale, double[] gap,
                     double[] gapScale) {
        /** @return whether every value of column j is finite */
        boolean finite(int j) {
            return Double.isFinite(primal[j]) && Double.isFinite(primalScale[j]) && Double.isFinite(dual[j])
                    && Double.isFinite(dualScale[j]) && Double.isFinite(gap[j]) && Double.isFinite(gapScale[j]);
        }
    }

    /**
     * The status of a run at an iteration where its residuals were computed, or null to go on: a
     * certificate first, then non-finite values, then the termination test (which every stopping rule
     * defers to), then the rule that fired. With {@link dev.altdiff.api.Truncation#RELATIVE_CHANGE} a
     * passing test ends the run only where a rule fired (so the paper's truncation points are kept).
     *
     * @param certificate  the status of an infeasibility certificate found here, or null
     * @param finite       whether the iterate and its residuals are finite
     * @param passes       whether the residuals pass the test
     * @param residualRule whether the test is the stopping rule ({@link dev.altdiff.api.Truncation#RESIDUALS})
     * @param truncated    whether the relative-change rule fired
     * @param capped       whether this is the last allowed iteration
     * @param timedOut     whether the time limit has passed
     */
    static Status status(Status certificate, boolean finite, boolean passes, boolean residualRule,
                         boolean truncated, boolean capped, boolean timedOut) {
        if (certificate != null) {
            return certificate;
        }
        if (!finite) {
            return Status.NUMERICAL_ERROR;
        }
        if (passes && (residualRule || truncated || capped || timedOut)) {
            return Status.SOLVED;
        }
        return truncated ? Status.TRUNCATED : capped ? Status.MAX_ITERATIONS : timedOut ? Status.TIME_LIMIT : null;
    }

    /** @return the row weights of the primal residual (1/E_A then 1/E_G), or null without scaling */
    double[] primalWeight() {
        return primalWeight;
    }

    /** @return the row weights of the dual residual (1/(cD)), or null without scaling */
    double[] dualWeight() {
        return dualWeight;
    }

    /**
     * The weighted ∞-norms ‖diag(w)P‖∞, ‖diag(w)Aᵀ‖∞, ‖diag(w)Gᵀ‖∞ (w the dual weights) of d's matrices,
     * which bound the dual scale's matrix terms: ‖diag(w)Px‖∞ ≤ ‖diag(w)P‖∞‖x‖∞.
     */
    record Bounds(double p, double at, double gt) {
    }

    /**
     * @return the {@link Bounds} of d's (possibly scaled, possibly sparse) matrices, once per run (dense data:
     *     from the sums {@link QpData#absoluteSums} keeps per problem)
     */
    Bounds bounds(QpData d) {
        return new Bounds(d.problem.hasP() ? weightedNormInf(d, Block.P, false) : 0,
                d.p > 0 ? weightedNormInf(d, Block.A, true) : 0, d.m > 0 ? weightedNormInf(d, Block.G, true) : 0);
    }

    /** @return max over the weighted rows of Σ|entries| of the block (of its transpose when asked) */
    private double weightedNormInf(QpData d, Block block, boolean transposed) {
        dev.altdiff.api.QuadraticProgram problem = d.problem;
        int rows = block == dev.altdiff.api.Block.P ? problem.n() : block == dev.altdiff.api.Block.A
                ? problem.p() : problem.m();
        int cols = problem.n();
        double[] sums;
        if (problem.isSparse()) {
            sums = new double[transposed ? cols : rows];
            dev.altdiff.api.SparseMatrix.Columns a = problem.sparse(block).columns(); // read in place
            int[] colStart = a.colStart();
            int[] rowIndex = a.rowIndex();
            double[] values = a.values();
            for (int j = 0; j < cols; j++) {
                for (int t = colStart[j]; t < colStart[j + 1]; t++) {
                    sums[transposed ? j : rowIndex[t]] += Math.abs(values[t]);
                }
            }
        } else {
            sums = d.absoluteSums(block); // kept with the set-up: formed once per problem
        }
        double out = 0;
        for (int i = 0; i < sums.length; i++) {
            out = Math.max(out, (dualWeight == null ? 1.0 : dualWeight[i]) * sums[i]);
        }
        return out;
    }

    /** How far the screen lets the dual scale grow over the one the column's last direct test found. */
    static final double DUAL_SCALE_GROWTH = 2.0;

    /**
     * The screen of the class comment for one column: false only when the test cannot pass (up to the
     * rounding of the ρGᵀ(s⁺ − s) shortcut, and the cap on the dual scale's growth).
     *
     * @param primal        weighted ‖r_prim‖∞
     * @param primalScale   weighted max(‖Ax‖∞, ‖Gx‖∞, ‖b‖∞, ‖h‖∞)
     * @param dual          weighted ‖ρGᵀ(s⁺ − s)‖∞ (0 without inequalities: the x-step then zeroes r_dual)
     * @param xInf          ‖x‖∞ (unweighted, of the data the run works on), λInf, νInf likewise
     * @param qInf          weighted ‖q‖∞
     * @param lastDualScale the dual scale of the column's last direct test (NaN before its first)
     */
    boolean mayPass(Bounds bounds, double primal, double primalScale, double dual, double xInf, double lambdaInf,
                    double nuInf, double qInf, double lastDualScale) {
        double dualScale = Math.max(Math.max(bounds.p() * xInf, bounds.at() * lambdaInf),
                Math.max(bounds.gt() * nuInf, qInf));
        if (lastDualScale >= 0) { // not NaN
            dualScale = Math.min(dualScale, Math.max(qInf, DUAL_SCALE_GROWTH * lastDualScale));
        }
        return passes(primal, primalScale, dual, dualScale);
    }

    /** @return whether column j of the residuals passes the test, the duality gap's condition included */
    boolean passes(Residuals r, int j) {
        return residualsPass(r, j) && gapPasses(r.gap[j], r.gapScale[j]);
    }

    /** @return whether column j's primal and dual residuals pass (the gap not read) */
    boolean residualsPass(Residuals r, int j) {
        return passes(r.primal[j], r.primalScale[j], r.dual[j], r.dualScale[j]);
    }

    /** @return |gap| ≤ ε + ε·gapScale (false for anything not finite) */
    boolean gapPasses(double gap, double gapScale) {
        return Math.abs(gap) <= epsilon + epsilon * gapScale;
    }

    /** @return whether residuals with these scales pass the test (false for anything not finite) */
    boolean passes(double primal, double primalScale, double dual, double dualScale) {
        return primal <= epsilon + epsilon * primalScale && dual <= epsilon + epsilon * dualScale;
    }

    /**
     * The residuals of B columns of iterates on d's (possibly scaled) data, each computed directly
     * (the dual residual from its four terms, not from the iterate's ρGᵀ(s⁺ − s) shortcut), on row-major
     * blocks ({@link Dense}; the products by {@link QpData#times}).
     *
     * @param x      n×B
     * @param lambda p×B, nu and s m×B (empty or null when p or m is 0)
     * @param q      n×B, b p×B, h m×B: the columns' data
     */
    Residuals residuals(QpData d, double[] x, double[] lambda, double[] nu, double[] s, double[] q, double[] b,
                        double[] h, int width) {
        return residuals(terms(d, x, lambda, nu, s, q, b, h, width));
    }

    /**
     * The products and blocks of one residual evaluation of B columns (row-major, width columns), from which
     * any test's weighted norms follow ({@link #residuals(Terms)}): the termination test and residual
     * balancing ({@link Admm#proposeRho}, unweighted) read one iterate's terms without making its products twice.
     *
     * @param px       Px (null for an LP)
     * @param ax       Ax, primalA = Ax − b (null when p = 0), atLambda = Aᵀλ
     * @param gx       Gx, primalG = Gx + s − h (null when m = 0), gtNu = Gᵀν
     * @param dual     Px + q + Aᵀλ + Gᵀν
     * @param xPx      the gap's terms per column: xᵀPx, qᵀx, bᵀλ, hᵀν (scaled data: each the caller's times c)
     */
    record Terms(int n, int p, int m, int width, double[] q, double[] b, double[] h, double[] px, double[] ax,
                 double[] primalA, double[] atLambda, double[] gx, double[] primalG, double[] gtNu, double[] dual,
                 double[] xPx, double[] qx, double[] bLambda, double[] hNu) {
    }

    /** @return the {@link Terms} of B columns of iterates on d's data (arguments as {@link #residuals}) */
    static Terms terms(QpData d, double[] x, double[] lambda, double[] nu, double[] s, double[] q, double[] b,
                       double[] h, int width) {
        int n = d.n;
        int p = d.p;
        int m = d.m;
        double[] r = Arrays.copyOf(q, n * width);
        double[] xPx = new double[width];
        double[] qx = columnDots(q, x, n, width);
        double[] bLambda = p > 0 ? columnDots(b, lambda, p, width) : new double[width];
        double[] hNu = m > 0 ? columnDots(h, nu, m, width) : new double[width];
        double[] px = null;
        if (d.problem.hasP()) {
            px = d.times(Block.P, false, x, width);
            Dense.add(r, px);
            xPx = columnDots(px, x, n, width);
        }
        double[] ax = null;
        double[] primalA = null;
        double[] atLambda = null;
        if (p > 0) {
            double[][] both = d.timesBoth(Block.A, x, lambda, width); // Ax and Aᵀλ
            ax = both[0];
            primalA = new double[p * width];
            for (int i = 0; i < p * width; i++) {
                primalA[i] = ax[i] - b[i];
            }
            atLambda = both[1];
            Dense.add(r, atLambda);
        }
        double[] gx = null;
        double[] primalG = null;
        double[] gtNu = null;
        if (m > 0) {
            double[][] both = d.timesBoth(Block.G, x, nu, width); // Gx and Gᵀν
            gx = both[0];
            primalG = new double[m * width];
            for (int i = 0; i < m * width; i++) {
                primalG[i] = gx[i] + s[i] - h[i];
            }
            gtNu = both[1];
            Dense.add(r, gtNu);
        }
        return new Terms(n, p, m, width, q, b, h, px, ax, primalA, atLambda, gx, primalG, gtNu, r, xPx, qx, bLambda,
                hNu);
    }

    /** @return this test's (weighted) residual norms and scales of the terms */
    Residuals residuals(Terms t) {
        int n = t.n();
        int p = t.p();
        int m = t.m();
        int width = t.width();
        double[] primal = new double[width];
        double[] primalScale = new double[width];
        double[] dualScale = Dense.colNormInf(t.q(), n, width, dualWeight, 0, new double[width]);
        double[] scratch = new double[width];
        if (t.px() != null) {
            max(dualScale, Dense.colNormInf(t.px(), n, width, dualWeight, 0, scratch));
        }
        if (p > 0) {
            max(primalScale, Dense.colNormInf(t.ax(), p, width, primalWeight, 0, scratch));
            max(primalScale, Dense.colNormInf(t.b(), p, width, primalWeight, 0, scratch));
            max(primal, Dense.colNormInf(t.primalA(), p, width, primalWeight, 0, scratch));
            max(dualScale, Dense.colNormInf(t.atLambda(), n, width, dualWeight, 0, scratch));
        }
        if (m > 0) {
            max(primalScale, Dense.colNormInf(t.gx(), m, width, primalWeight, p, scratch));
            max(primalScale, Dense.colNormInf(t.h(), m, width, primalWeight, p, scratch));
            max(primal, Dense.colNormInf(t.primalG(), m, width, primalWeight, p, scratch));
            max(dualScale, Dense.colNormInf(t.gtNu(), n, width, dualWeight, 0, scratch));
        }
        double[] gap = new double[width];
        double[] gapScale = new double[width];
        for (int j = 0; j < width; j++) {
            double xPx = t.xPx()[j];
            double qx = t.qx()[j];
            double bLambda = t.bLambda()[j];
            double hNu = t.hNu()[j];
            gap[j] = (xPx + qx + bLambda + hNu) / costScale;
            gapScale[j] = Math.max(Math.max(Math.abs(xPx), Math.abs(qx)), Math.max(Math.abs(bLambda), Math.abs(hNu)))
                    / costScale;
        }
        return new Residuals(primal, primalScale, Dense.colNormInf(t.dual(), n, width, dualWeight, 0, new double[width]),
                dualScale, gap, gapScale);
    }

    /** @return Σᵢ a[i, j]·b[i, j] per column j of two rows×width blocks */
    private static double[] columnDots(double[] a, double[] b, int rows, int width) {
        double[] out = new double[width];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < width; j++) {
                out[j] += a[i * width + j] * b[i * width + j];
            }
        }
        return out;
    }

    /** @return whether one iterate (vectors, with its own q, b, h) on d's data passes the test */
    boolean passes(QpData d, double[] x, double[] lambda, double[] nu, double[] s, double[] q, double[] b,
                   double[] h) {
        Residuals r = residuals(d, x, lambda, nu, s, q, b, h, 1);
        return r.finite(0) && passes(r, 0);
    }

    /**
     * The test on a point of a problem (dense or sparse) given from outside a run (e.g. one differentiated by the KKT
     * differentiator at a point another solver found), with s = max(0, h − Gx) when s is null.
     *
     * @return whether (x, λ, ν, s) passes the test at tolerance ε on the problem
     */
    public static boolean passes(dev.altdiff.api.QuadraticProgram problem, double[] x, double[] lambda,
                                 double[] nu, double[] s, double epsilon) {
        int n = problem.n();
        int p = problem.p();
        int m = problem.m();
        double[] px = problem.hasP() ? times(problem, Block.P, false, x) : new double[n];
        double[] ax = times(problem, Block.A, false, x);
        double[] gx = times(problem, Block.G, false, x);
        double[] atLambda = times(problem, Block.A, true, lambda);
        double[] gtNu = times(problem, Block.G, true, nu);
        double[] q = problem.q();
        double[] b = problem.b();
        double[] h = problem.h();
        double primal = 0;
        double primalScale = Math.max(Vectors.normInf(ax), Math.max(Vectors.normInf(gx),
                Math.max(Vectors.normInf(b), Vectors.normInf(h))));
        for (int i = 0; i < p; i++) {
            primal = Math.max(primal, Math.abs(ax[i] - b[i]));
        }
        for (int i = 0; i < m; i++) {
            double slack = s == null ? Math.max(0, h[i] - gx[i]) : s[i];
            primal = Math.max(primal, Math.abs(gx[i] + slack - h[i]));
        }
        double dual = 0;
        for (int i = 0; i < n; i++) {
            dual = Math.max(dual, Math.abs(px[i] + q[i] + atLambda[i] + gtNu[i]));
        }
        double dualScale = Math.max(Math.max(Vectors.normInf(px), Vectors.normInf(q)),
                Math.max(Vectors.normInf(atLambda), Vectors.normInf(gtNu)));
        double xPx = Vectors.dot(x, px);
        double qx = Vectors.dot(q, x);
        double bLambda = p > 0 ? Vectors.dot(b, lambda) : 0;
        double hNu = m > 0 ? Vectors.dot(h, nu) : 0;
        Termination test = unscaled(epsilon);
        return test.passes(primal, primalScale, dual, dualScale) && test.gapPasses(xPx + qx + bLambda + hNu,
                Math.max(Math.max(Math.abs(xPx), Math.abs(qx)), Math.max(Math.abs(bLambda), Math.abs(hNu))));
    }

    /** @return the block (transposed when asked) times v, in compressed columns for a sparse problem */
    private static double[] times(dev.altdiff.api.QuadraticProgram problem, Block block, boolean transpose, double[] v) {
        int rows = block == Block.P ? problem.n() : block == Block.A ? problem.p() : problem.m();
        if (problem.isSparse()) {
            dev.altdiff.api.SparseMatrix a = problem.sparse(block);
            return rows == 0 ? new double[transpose ? problem.n() : 0] : transpose ? a.transposeTimes(v) : a.times(v);
        }
        double[] a = Dense.entries(problem, block);
        if (a == null) {
            return new double[transpose ? problem.n() : 0];
        }
        return transpose ? Vectors.transposeTimes(a, rows, problem.n(), v) : Vectors.times(a, rows, problem.n(), v);
    }

    /** In place: a ← max(a, b) element-wise (NaN propagates). */
    private static void max(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] = Double.isNaN(b[i]) ? b[i] : Math.max(a[i], b[i]);
        }
    }

}
