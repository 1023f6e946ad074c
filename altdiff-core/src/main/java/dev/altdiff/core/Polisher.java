package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.Polish;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;

import java.util.Arrays;

/**
 * Optional solution polishing ({@link Settings#polish()}), in the manner of OSQP: guess the active
 * set from the final ADMM iterate, solve the KKT system of the equality-constrained problem it
 * defines, and keep the result only if it is at least as good.
 *
 * <p><b>Active set.</b> Row i of G is taken as active when νᵢ + ρ(Gx − h)ᵢ &gt; 0 at the final
 * iterate (x, ν): this is the multiplier the next ADMM step would produce with s = 0, so the rule
 * counts a row as active when its multiplier is positive or the row is violated, and as inactive
 * when it has slack larger than νᵢ/ρ. With k active rows G_act (k × n) and h_act, the polished
 * point z = (x, λ, ν_act) solves the unregularized reduced KKT system
 * <pre>
 *         [ P       Aᵀ   G_actᵀ ]        [ −q    ]     n rows
 *   K₀ =  [ A       0    0      ]  z  =  [  b    ]     p rows
 *         [ G_act   0    0      ]        [ h_act ]     k rows
 * </pre>
 * (P = 0 for an LP). K₀ may be singular (an LP with fewer than n − p active rows, dependent active
 * rows), so the quasi-definite regularization K_δ = K₀ + diag(δI_n, −δI_p, −δI_k) with
 * δ = {@value #REGULARIZATION}·max(1, max|K₀ᵢⱼ|) is factored instead ({@link QuasiDefiniteSystem}), and at
 * most {@value #MAX_REFINEMENT_STEPS} steps of iterative refinement z ← z + K_δ⁻¹(rhs − K₀z) remove the
 * regularization's bias; refinement stops early when the residual ‖rhs − K₀z‖∞ stops decreasing (the
 * best z is kept). The refinement starts from the iterate z₀ = (x, λ, ν_act) of the run, not from 0: its
 * first step is the proximal step from the iterate, so where K₀ is singular (an LP or a QP with fewer
 * active rows than degrees of freedom) the undetermined components stay at the iterate's values instead
 * of being pulled to 0, far from the feasible set.
 *
 * <p><b>Active-set steps.</b> When the point does not pass the test, the rule is applied again at the
 * polished point (x, with its unclipped multipliers, zero off the active set): rows with a negative
 * multiplier leave, violated rows enter. This is the primal–dual active-set method (Hintermüller, Ito
 * and Kunisch, SIAM J. Optim. 2002), which converges in a few steps from a close guess; it is run for at
 * most {@value #MAX_ACTIVE_SET_ROUNDS} active sets, stops when a set repeats, when a point's
 * ‖r_prim‖∞ + ‖r_dual‖∞ exceeds {@value #DIVERGENCE_FACTOR}× the first one's or when the run's time limit
 * has passed, and each step starts from the previous point. On QSCAGR7 of the Maros–Meszaros set (a run stopped at ε = 1e-5, objective
 * 1.8e-5 off) the first guess misses 15 rows and the fifth set gives the optimum to 1e-6.
 *
 * <p><b>The polished point.</b> x and λ are taken from z; νᵢ = 0 off the active set, and on it
 * νᵢ = max(0, z_νᵢ): a negative multiplier means the row was wrongly guessed active, and instead of
 * re-solving with the row dropped, the clipped point is left to the residual test below (clipping
 * keeps ν dual feasible; if it hurts stationarity the dual residual grows and the point is rejected).
 * s = max(0, h − Gx), so the primal residual is max(‖Ax − b‖∞, ‖max(Gx − h, 0)‖∞), the dual residual
 * ‖Px + q + Aᵀλ + Gᵀν‖∞ as for an ADMM iterate.
 *
 * <p><b>Acceptance.</b> The polished point replaces the iterate ({@link Polish#ACCEPTED}) only when it
 * is finite and passes the termination test of {@link Settings} on the caller's problem
 * ({@link Termination}); it is then {@link Status#SOLVED}, whatever stopped the run. Otherwise the
 * iterate is returned, with its own status, and {@link Polish#REJECTED}, or {@link Polish#FAILED} when
 * the LU throws (numerically singular K_δ) or the solve gives non-finite values. An accepted point keeps
 * the run's iteration count K. Infeasibility and numerical-error statuses are never polished (returned
 * unchanged, {@link Polish#NOT_REQUESTED}).
 *
 * <p><b>Gradients.</b> Polishing changes the returned point only. Alt-Diff's backward pass is the
 * derivative of the ADMM iterations that were run (masks and trajectory of the run, {@link Admm}),
 * which are not changed; it is not the derivative of the polished point. Both approximate the
 * solution map's derivative to the run's accuracy.
 *
 * <p><b>Sparse problems</b> ({@link QpData#sparse}) get K₀ in compressed columns and an LDLᵀ of the
 * quasi-definite K_δ under a fill-reducing ordering ({@link SparseCholesky#quasiDefinite}), as OSQP's
 * polish; dense problems a dense K₀ and the backend's LU.
 *
 * <p>Cost: per active set tried, one factorization of order n + p + k (dense: an LU, O((n + p + k)³);
 * sparse: the factor's fill), plus one solve and one product with K₀ per refinement step. Stateless and
 * thread-safe.
 */
public final class Polisher {
    /** Relative regularization δ/max(1, max|K₀ᵢⱼ|) of the factored reduced KKT matrix. */
    public static final double REGULARIZATION = 1e-6;

    /** Most iterative-refinement steps against the unregularized system. */
    public static final int MAX_REFINEMENT_STEPS = 10;

    /** Most active sets tried (one LU each): the ADMM iterate's, then primal–dual active-set steps. */
    public static final int MAX_ACTIVE_SET_ROUNDS = 8;

    /** The active-set steps stop when a point's ‖r_prim‖∞ + ‖r_dual‖∞ exceeds the first one's by this factor. */
    static final double DIVERGENCE_FACTOR = 10;

    private Polisher() {
    }

    /**
     * Polishes a solution of the problem d holds (with d's own q, b, h), e.g. the end of a run cut into
     * chunks (each chunk run without polishing).
     *
     * @param d        the problem's data (its ρ is the one of the active-set rule)
     * @param solution the final iterate
     * @param settings its tolerance ε is the one of the termination test
     * @return the polished solution, or {@code solution} with its {@link Solution#polish()} set
     */
    public static Solution polish(QpData d, Solution solution, Settings settings) {
        double[] q = d.q.toRowMajor();
        double[] b = d.p > 0 ? d.b.toRowMajor() : new double[0];
        double[] h = d.m > 0 ? d.h.toRowMajor() : new double[0];
        return polish(d, solution, q, b, h, Termination.of(d, settings), 0);
    }

    /**
     * Polishes one column of a batch run (d's P, A, G with this column's q, b, h).
     *
     * @param q           length n
     * @param b           length p (empty without A)
     * @param h           length m (empty without G)
     * @param termination the test a polished point must pass
     * @param deadline    {@link System#nanoTime()} after which no further active set is tried (0: none); the
     *                    first is always tried
     */
    static Solution polish(QpData d, Solution admm, double[] q, double[] b, double[] h, Termination termination,
                           long deadline) {
        if (admm.status() == Status.PRIMAL_INFEASIBLE || admm.status() == Status.DUAL_INFEASIBLE
                || admm.status() == Status.NUMERICAL_ERROR) {
            return admm;
        }
        LinearAlgebra la = d.la;
        int m = d.m;
        double[] gx = m > 0 ? la.multiply(d.matrix(Block.G, false), la.vector(admm.x())).toRowMajor() : new double[0];
        int[] active = activeSet(admm.nu(), gx, h, d.rho);
        java.util.Set<String> tried = new java.util.HashSet<>();
        Polish outcome = Polish.FAILED;
        double first = 0; // ‖r_prim‖∞ + ‖r_dual‖∞ of the first polished point
        double[] anchorX = admm.x();
        double[] anchorLambda = admm.lambda();
        double[] anchorNu = admm.nu();
        for (int round = 0; round < MAX_ACTIVE_SET_ROUNDS && tried.add(Arrays.toString(active)); round++) {
            Candidate c = solveActiveSet(d, active, q, b, h, anchorX, anchorLambda, anchorNu);
            if (c == null) {
                break; // the LU failed or z is not finite: outcome stays as the last round left it
            }
            if (termination.passes(d, c.x, c.lambda, c.nu, c.s, q, b, h)) {
                return new Solution(c.x, c.lambda, c.nu, c.s, Status.SOLVED, admm.iterations(), c.primal, c.dual,
                        c.objective, null, Polish.ACCEPTED);
            }
            outcome = Polish.REJECTED;
            double residual = c.primal + c.dual;
            if (round == 0) {
                first = residual;
            } else if (!(residual <= DIVERGENCE_FACTOR * first)) {
                break; // the steps move away from the iterate's neighbourhood: the guess was not close enough
            }
            if (deadline != 0 && System.nanoTime() - deadline > 0) {
                break; // the run's time limit has passed
            }
            // the primal–dual active-set step: the rule again, at the polished point with its unclipped ν
            active = activeSet(c.nuUnclipped, c.gx, h, d.rho);
            anchorX = c.x;
            anchorLambda = c.lambda;
            anchorNu = c.nuUnclipped;
        }
        return admm.withPolish(outcome);
    }

    /**
     * A polished point for one active set: x, λ, ν (clipped at 0), s = max(0, h − Gx), its residuals and
     * objective, the multipliers before clipping (0 off the active set) and Gx.
     */
    private record Candidate(double[] x, double[] lambda, double[] nu, double[] s, double primal, double dual,
                             double objective, double[] nuUnclipped, double[] gx) {
    }

    /**
     * @param anchorX, anchorLambda, anchorNu the point the refinement starts from (ν: all m rows)
     * @return the polished point of the given active set, or null when the LU fails or it is not finite
     */
    private static Candidate solveActiveSet(QpData d, int[] active, double[] q, double[] b, double[] h,
                                            double[] anchorX, double[] anchorLambda, double[] anchorNu) {
        LinearAlgebra la = d.la;
        int n = d.n;
        int p = d.p;
        int m = d.m;
        int k = active.length;
        int size = n + p + k;
        double[] rhs = new double[size];
        for (int i = 0; i < n; i++) {
            rhs[i] = -q[i];
        }
        System.arraycopy(b, 0, rhs, n, p);
        for (int t = 0; t < k; t++) {
            rhs[n + p + t] = h[active[t]];
        }
        double[] start = new double[size];
        System.arraycopy(anchorX, 0, start, 0, n);
        System.arraycopy(anchorLambda, 0, start, n, p);
        for (int t = 0; t < k; t++) {
            start[n + p + t] = anchorNu[active[t]];
        }
        QuasiDefiniteSystem kkt = QuasiDefiniteSystem.reduced(d, active, REGULARIZATION);
        double[] z = kkt == null ? null : kkt.solveRefined(rhs, start, MAX_REFINEMENT_STEPS);
        if (z == null) {
            return null;
        }
        double[] x = new double[n];
        double[] lambda = new double[p];
        double[] nu = new double[m];
        double[] nuUnclipped = new double[m];
        System.arraycopy(z, 0, x, 0, n);
        System.arraycopy(z, n, lambda, 0, p);
        for (int t = 0; t < k; t++) {
            nuUnclipped[active[t]] = z[n + p + t];
            nu[active[t]] = Math.max(0.0, z[n + p + t]);
        }
        Matrix xv = la.vector(x);
        double[] px = d.problem.hasP() ? la.multiply(d.matrix(Block.P, false), xv).toRowMajor() : null;
        double primal = 0;
        if (p > 0) {
            double[] ax = la.multiply(d.matrix(Block.A, false), xv).toRowMajor();
            for (int r = 0; r < p; r++) {
                primal = Math.max(primal, Math.abs(ax[r] - b[r]));
            }
        }
        double[] s = new double[m];
        double[] gx = m > 0 ? la.multiply(d.matrix(Block.G, false), xv).toRowMajor() : new double[0];
        for (int i = 0; i < m; i++) {
            s[i] = Math.max(0.0, h[i] - gx[i]);
            primal = Math.max(primal, gx[i] + s[i] - h[i]); // = max(Gx − h, 0)ᵢ
        }
        double dual = Admm.stationarityResidual(d, new double[][] {x}, new double[][] {q},
                px == null ? null : new double[][] {px}, p > 0 ? new double[][] {lambda} : null,
                m > 0 ? new double[][] {nu} : null)[0];
        double objective = Admm.objective(x, q, px);
        if (!Double.isFinite(primal) || !Double.isFinite(dual) || !Double.isFinite(objective)
                || !Vectors.finite(x) || !Vectors.finite(lambda) || !Vectors.finite(nu)) {
            return null;
        }
        return new Candidate(x, lambda, nu, s, primal, dual, objective, nuUnclipped, gx);
    }

    /** @return the rows i with νᵢ + ρ(Gx − h)ᵢ &gt; 0, in increasing order */
    static int[] activeSet(double[] nu, double[] gx, double[] h, double rho) {
        int count = 0;
        int[] rows = new int[nu.length];
        for (int i = 0; i < nu.length; i++) {
            if (nu[i] + rho * (gx[i] - h[i]) > 0) {
                rows[count++] = i;
            }
        }
        return Arrays.copyOf(rows, count);
    }
}
