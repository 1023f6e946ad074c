package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.Status;

/**
 * A second forward solver: Mehrotra's primal–dual interior-point method (predictor–corrector, as CVXOPT's
 * {@code coneqp} for the nonnegative orthant, qpth and PIQP) on the slack form of the problem,
 * <pre>
 *   minimize ½xᵀPx + qᵀx   subject to   Ax = b,   Gx + s = h,   s ≥ 0,
 * </pre>
 * with multipliers λ (equalities) and ν ≥ 0 (inequalities), the project's own variables: its solution
 * is a {@link Solution} like ADMM's, which the KKT differentiator (altdiff-kkt) differentiates at the
 * point ({@code KktDifferentiator.at}). Where ADMM needs 10⁵ iterations (badly conditioned or degenerate
 * problems of the Maros–Meszaros set), this method needs tens, each one sparse factorization.
 *
 * <p><b>Iteration.</b> With the residuals r_d = Px + q + Aᵀλ + Gᵀν, r_p = Ax − b, r_i = Gx + s − h, the
 * duality measure μ = sᵀν/m and W = diag(s/ν), both directions solve
 * <pre>
 *   [ P   Aᵀ   Gᵀ ] [Δx]     [ −r_d           ]
 *   [ A   0    0  ] [Δλ]  =  [ −r_p           ]          Δs = −(r_c + s∘Δν)/ν
 *   [ G   0   −W  ] [Δν]     [ r_c/ν − r_i    ]
 * </pre>
 * (the third row is GΔx + Δs = −r_i with Δs eliminated through the linearized complementarity
 * ν∘Δs + s∘Δν = −r_c, which then gives Δs, see {@link #slackStep}): the
 * affine direction with r_c = s∘ν; then σ = (μ_aff/μ)³ from the affine step's μ_aff, and the corrector with
 * r_c = s∘ν + Δs_aff∘Δν_aff − σμ. The step is 0.99 of the largest keeping s, ν &gt; 0, at most 1. The
 * matrix is quasi-definite; its regularization is factored ({@link QuasiDefiniteSystem#sparse}: LDLᵀ under
 * a fill-reducing ordering, once per iteration for both directions) and iterative refinement solves the
 * unregularized system. The start is CVXOPT's: the solution of the system with W = I, its s and ν moved
 * into the interior.
 *
 * <p><b>Scaling and status.</b> The method runs on the Ruiz-equilibrated problem of {@link Settings#scaling()}
 * ({@link Equilibration}). After every iteration the point is mapped back and {@link Termination}'s test at
 * {@link Settings#tolerance()} (residuals and duality gap on the caller's problem) decides
 * {@link Status#SOLVED}: no other rule says it. Otherwise the run ends {@link Status#MAX_ITERATIONS} (at
 * the smaller of {@link Settings#maxIterations()} and {@value #MAX_ITERATIONS}), {@link Status#TIME_LIMIT}
 * or {@link Status#NUMERICAL_ERROR} (a failed factorization or a non-finite step), with the last point.
 * Infeasibility is not detected (no homogeneous embedding): an infeasible or unbounded problem ends with
 * one of those statuses, never {@code SOLVED}. Settings of ADMM (ρ, α, the truncation rule, polishing)
 * do not apply. It runs on the JVM whatever the backend (the factorization is {@link QuasiDefiniteLdl}'s);
 * dense problems are factored in compressed columns too (fine up to a few thousand rows).
 */
public final class InteriorPoint {
    /** The most iterations: it converges in tens; a run that needs more has stalled. */
    public static final int MAX_ITERATIONS = 200;

    /** The fraction of the step to the boundary of s, ν &gt; 0 that is taken. */
    static final double STEP_FRACTION = 0.99;

    /** The relative regularization δ of the factored KKT matrix (refinement removes its bias). */
    static final double REGULARIZATION = 1e-8;

    /** The most iterative-refinement steps per solve. */
    static final int REFINEMENT_STEPS = 10;

    private InteriorPoint() {
    }

    /**
     * @return the solution of the caller's problem, its status decided as in the class comment
     * @throws dev.altdiff.api.InvalidProblemException when P is not positive semidefinite, or (a
     *         {@link dev.altdiff.api.TooLargeException}) when the KKT matrix's factor would not fit in memory
     */
    public static Solution solve(QuadraticProgram problem, Settings settings) {
        long deadline = settings.timeLimit() > 0 ? System.nanoTime() + (long) (settings.timeLimit() * 1e9) : 0;
        Equilibration scaling = Equilibration.of(problem, settings.scaling());
        QuadraticProgram qp = sparse(scaling.scale(problem));
        requirePositiveSemidefinite(qp);
        return new Run(problem, qp, scaling, settings, deadline).solve();
    }

    /** One run on the scaled problem qp. */
    private static final class Run {
        private final QuadraticProgram caller;
        private final QuadraticProgram qp;
        private final Equilibration scaling;
        private final Settings settings;
        private final long deadline;
        private final int n;
        private final int p;
        private final int m;
        private final SparseMatrix pm;
        private final SparseMatrix a;
        private final SparseMatrix g;
        private final double[] q;
        private final double[] b;
        private final double[] h;

        Run(QuadraticProgram caller, QuadraticProgram qp, Equilibration scaling, Settings settings, long deadline) {
            this.caller = caller;
            this.qp = qp;
            this.scaling = scaling;
            this.settings = settings;
            this.deadline = deadline;
            this.n = qp.n();
            this.p = qp.p();
            this.m = qp.m();
            this.pm = qp.hasP() ? qp.sparse(Block.P) : null;
            this.a = p > 0 ? qp.sparse(Block.A) : null;
            this.g = m > 0 ? qp.sparse(Block.G) : null;
            this.q = qp.q();
            this.b = qp.b();
            this.h = qp.h();
        }

        Solution solve() {
            double[] x;
            double[] lambda;
            double[] nu = new double[m];
            double[] s = new double[m];
            // the start: [P Aᵀ Gᵀ; A 0 0; G 0 −I](x, λ, z) = (−q, b, h), then s = h − Gx = −z and ν = z, each moved
            // into the interior by 1 + its most negative entry when it has one (CVXOPT)
            double[] w = new double[m];
            java.util.Arrays.fill(w, 1.0);
            double[] z0 = solveKkt(w, concat(negated(q), b, h));
            if (z0 == null) {
                return end(new double[n], new double[p], nu, s, Status.NUMERICAL_ERROR, 0);
            }
            x = java.util.Arrays.copyOfRange(z0, 0, n);
            lambda = java.util.Arrays.copyOfRange(z0, n, n + p);
            if (m == 0) { // an equality-constrained QP: the start solves its KKT system
                return end(x, lambda, nu, s, Status.MAX_ITERATIONS, 1);
            }
            for (int i = 0; i < m; i++) {
                s[i] = -z0[n + p + i];
                nu[i] = z0[n + p + i];
            }
            interior(s);
            interior(nu);
            int maxIterations = Math.min(settings.maxIterations(), MAX_ITERATIONS);
            for (int k = 1; k <= maxIterations; k++) {
                double[] rd = dualResidual(x, lambda, nu);
                double[] rp = a == null ? new double[0] : a.times(x);
                for (int i = 0; i < p; i++) {
                    rp[i] -= b[i];
                }
                double[] ri = g.times(x);
                for (int i = 0; i < m; i++) {
                    ri[i] += s[i] - h[i];
                }
                double mu = Vectors.dot(s, nu) / m;
                for (int i = 0; i < m; i++) {
                    w[i] = s[i] / nu[i];
                }
                QuasiDefiniteSystem kkt = QuasiDefiniteSystem.sparse(qp, null, lowerDiagonal(w), REGULARIZATION);
                if (kkt == null) {
                    return end(x, lambda, nu, s, Status.NUMERICAL_ERROR, k - 1);
                }
                // the affine (predictor) direction: r_c = s∘ν, so r_c/ν = s
                double[] third = new double[m];
                for (int i = 0; i < m; i++) {
                    third[i] = s[i] - ri[i];
                }
                double[] affine = kkt.solveRefined(concat(negated(rd), negated(rp), third), new double[n + p + m],
                        REFINEMENT_STEPS);
                if (affine == null) {
                    return end(x, lambda, nu, s, Status.NUMERICAL_ERROR, k - 1);
                }
                double[] dnuAffine = java.util.Arrays.copyOfRange(affine, n + p, n + p + m);
                double[] dsAffine = new double[m];
                for (int i = 0; i < m; i++) {
                    dsAffine[i] = slackStep(s[i] * nu[i], s[i], nu[i], dnuAffine[i]);
                }
                double stepAffine = Math.min(1.0, Math.min(maxStep(s, dsAffine), maxStep(nu, dnuAffine)));
                double muAffine = 0;
                for (int i = 0; i < m; i++) {
                    muAffine += (s[i] + stepAffine * dsAffine[i]) * (nu[i] + stepAffine * dnuAffine[i]);
                }
                muAffine /= m;
                double sigma = Math.min(1.0, Math.pow(muAffine / mu, 3));
                // the corrector: r_c = s∘ν + Δs_aff∘Δν_aff − σμ
                for (int i = 0; i < m; i++) {
                    third[i] = (s[i] * nu[i] + dsAffine[i] * dnuAffine[i] - sigma * mu) / nu[i] - ri[i];
                }
                double[] direction = kkt.solveRefined(concat(negated(rd), negated(rp), third), new double[n + p + m],
                        REFINEMENT_STEPS);
                if (direction == null) {
                    return end(x, lambda, nu, s, Status.NUMERICAL_ERROR, k - 1);
                }
                double[] dnu = java.util.Arrays.copyOfRange(direction, n + p, n + p + m);
                double[] ds = new double[m];
                for (int i = 0; i < m; i++) {
                    ds[i] = slackStep(s[i] * nu[i] + dsAffine[i] * dnuAffine[i] - sigma * mu, s[i], nu[i], dnu[i]);
                }
                double step = Math.min(1.0, STEP_FRACTION * Math.min(maxStep(s, ds), maxStep(nu, dnu)));
                for (int i = 0; i < n; i++) {
                    x[i] += step * direction[i];
                }
                for (int i = 0; i < p; i++) {
                    lambda[i] += step * direction[n + i];
                }
                for (int i = 0; i < m; i++) {
                    s[i] += step * ds[i];
                    nu[i] += step * dnu[i];
                }
                if (!Vectors.finite(x) || !Vectors.finite(s) || !Vectors.finite(nu) || !Vectors.finite(lambda)) {
                    return end(x, lambda, nu, s, Status.NUMERICAL_ERROR, k);
                }
                Solution candidate = unscaled(x, lambda, nu, s, Status.SOLVED, k);
                if (Termination.passes(caller, candidate.x(), candidate.lambda(), candidate.nu(), candidate.s(),
                        settings.tolerance())) {
                    return candidate;
                }
                if (deadline != 0 && System.nanoTime() - deadline > 0) {
                    return end(x, lambda, nu, s, Status.TIME_LIMIT, k);
                }
            }
            return end(x, lambda, nu, s, Status.MAX_ITERATIONS, maxIterations);
        }

        /**
         * The end of a run that did not stop at the test: SOLVED if the point passes it after all (an
         * equality-constrained QP's start), else the given status.
         */
        private Solution end(double[] x, double[] lambda, double[] nu, double[] s, Status status, int iterations) {
            Solution out = unscaled(x, lambda, nu, s, status, iterations);
            if (status != Status.NUMERICAL_ERROR && Vectors.finite(out.x()) && Termination.passes(caller, out.x(),
                    out.lambda(), out.nu(), out.s(), settings.tolerance())) {
                return unscaled(x, lambda, nu, s, Status.SOLVED, iterations);
            }
            return out;
        }

        /** @return the scaled point as a solution of the caller's problem (residuals recomputed there) */
        private Solution unscaled(double[] x, double[] lambda, double[] nu, double[] s, Status status, int k) {
            double[] px = pm == null ? null : pm.times(x);
            Solution scaled = new Solution(x.clone(), lambda.clone(), nu.clone(), s.clone(), status, k, Double.NaN,
                    Double.NaN, Admm.objective(x, q, px));
            Solution out = scaling.unscale(scaled, caller);
            if (scaling.isOff()) { // unscale returns its argument: the residuals are still to be computed
                out = new Solution(out.x(), out.lambda(), out.nu(), out.s(), status, k, primalResidual(x, s),
                        Vectors.normInf(dualResidual(x, lambda, nu)), out.objective());
            }
            return out;
        }

        /** @return max(‖Ax − b‖∞, ‖Gx + s − h‖∞) on the data of the run */
        private double primalResidual(double[] x, double[] s) {
            double out = 0;
            if (p > 0) {
                double[] ax = a.times(x);
                for (int i = 0; i < p; i++) {
                    out = Math.max(out, Math.abs(ax[i] - b[i]));
                }
            }
            if (m > 0) {
                double[] gx = g.times(x);
                for (int i = 0; i < m; i++) {
                    out = Math.max(out, Math.abs(gx[i] + s[i] - h[i]));
                }
            }
            return out;
        }

        /** @return r_d = Px + q + Aᵀλ + Gᵀν */
        private double[] dualResidual(double[] x, double[] lambda, double[] nu) {
            double[] r = pm == null ? new double[n] : pm.times(x);
            for (int i = 0; i < n; i++) {
                r[i] += q[i];
            }
            if (p > 0) {
                Dense.add(r, a.transposeTimes(lambda));
            }
            if (m > 0) {
                Dense.add(r, g.transposeTimes(nu));
            }
            return r;
        }

        /** @return the solution of [P Aᵀ Gᵀ; A 0 0; G 0 −W]z = rhs, or null when the factorization fails */
        private double[] solveKkt(double[] w, double[] rhs) {
            QuasiDefiniteSystem kkt = QuasiDefiniteSystem.sparse(qp, null, lowerDiagonal(w), REGULARIZATION);
            return kkt == null ? null : kkt.solveRefined(rhs, new double[rhs.length], REFINEMENT_STEPS);
        }

        /** @return C = (0 for the p equality rows, W for the m inequality rows) */
        private double[] lowerDiagonal(double[] w) {
            double[] c = new double[p + m];
            System.arraycopy(w, 0, c, p, m);
            return c;
        }
    }

    /**
     * @return Δs from the linearized complementarity ν∘Δs + s∘Δν = −r_c of one row. The direction's Δν
     *         comes from the factored system; Δs is taken from this row rather than from Δs = −r_i − GΔx
     *         (equal for an exact solve): near the end, where W = s/ν spans many decades, the solve's
     *         error in Δx, amplified by G, would otherwise drive a tiny sᵢ to the boundary and block the
     *         step, while here it only shows in the primal residual, which the next iterations reduce.
     */
    private static double slackStep(double rc, double s, double nu, double dnu) {
        return -(rc + s * dnu) / nu;
    }

    /**
     * The PSD check of {@link QpData} (P + δI positive definite, δ = {@link QpData#PSD_SHIFT}·max|P|), here by
     * the JVM's LDLᵀ with every pivot required positive: a pivot the dynamic regularization had to replace is
     * one that was not.
     *
     * @throws dev.altdiff.api.InvalidProblemException when P is not positive semidefinite
     */
    private static void requirePositiveSemidefinite(QuadraticProgram qp) {
        if (!qp.hasP()) {
            return;
        }
        SparseMatrix pm = qp.sparse(Block.P);
        double scale = pm.normInf();
        if (scale == 0) {
            return;
        }
        boolean[] positive = new boolean[qp.n()];
        java.util.Arrays.fill(positive, true);
        SparseMatrix shifted = pm.plus(1.0, SparseMatrix.diagonal(qp.n(), QpData.PSD_SHIFT * scale));
        if (QuasiDefiniteLdl.factor(shifted, positive, scale).replacedPivots() > 0) {
            throw QpData.notPositiveSemidefinite(scale);
        }
    }

    /** @return the problem itself when sparse, else the same problem with its blocks in compressed columns */
    private static QuadraticProgram sparse(QuadraticProgram problem) {
        if (problem.isSparse()) {
            return problem;
        }
        QuadraticProgram.Builder builder = QuadraticProgram.builder(problem.n()).name(problem.name()).q(problem.q());
        if (problem.hasP()) {
            builder.sparseP(problem.sparse(Block.P));
        }
        if (problem.p() > 0) {
            builder.sparseEqualities(problem.sparse(Block.A), problem.b());
        }
        if (problem.m() > 0) {
            builder.sparseInequalities(problem.sparse(Block.G), problem.h());
        }
        return builder.build();
    }

    /** In place: v ← v + (1 + max(0, −min v))·1 when min v ≤ 0 (CVXOPT's move into the interior). */
    private static void interior(double[] v) {
        double min = Double.POSITIVE_INFINITY;
        for (double value : v) {
            min = Math.min(min, value);
        }
        if (min <= 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] += 1.0 - min;
            }
        }
    }

    /** @return the largest α ∈ (0, ∞] with v + αΔv ≥ 0 (v &gt; 0) */
    private static double maxStep(double[] v, double[] dv) {
        double step = Double.POSITIVE_INFINITY;
        for (int i = 0; i < v.length; i++) {
            if (dv[i] < 0) {
                step = Math.min(step, -v[i] / dv[i]);
            }
        }
        return step;
    }

    private static double[] negated(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    private static double[] concat(double[] first, double[] second, double[] third) {
        double[] out = new double[first.length + second.length + third.length];
        System.arraycopy(first, 0, out, 0, first.length);
        System.arraycopy(second, 0, out, first.length, second.length);
        System.arraycopy(third, 0, out, first.length + second.length, third.length);
        return out;
    }
}
