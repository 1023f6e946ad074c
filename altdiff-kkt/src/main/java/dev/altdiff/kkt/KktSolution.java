package dev.altdiff.kkt;

import dev.altdiff.api.Block;
import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.UnsupportedOptionException;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.Vectors;

/**
 * A solved problem with its implicit (KKT) gradients ({@code ALTDIFF.md} §6). At the solution
 * (x, λ, ν) of {@code minimize ½xᵀPx + qᵀx s.t. Ax = b, Gx ≤ h}, with r = Gx − h, the KKT conditions
 * Px + q + Aᵀλ + Gᵀν = 0, Ax = b, diag(ν)(Gx − h) = 0 differentiate to K·(dx, dλ, dν) = −(…) with
 * <pre>
 *       [ P         Aᵀ   Gᵀ      ]   n rows
 *   K = [ A         0    0       ]   p rows
 *       [ diag(ν)G  0    diag(r) ]   m rows
 * </pre>
 * For an upstream gradient v = ∂ℓ/∂x, {@link #backward} solves Kᵀ(d_x, d_λ, d_ν) = −(v, 0, 0) and returns
 * <pre>
 *   ∂ℓ/∂q = d_x                      ∂ℓ/∂P = ½(d_x xᵀ + x d_xᵀ)     (n×n, symmetric)
 *   ∂ℓ/∂b = −d_λ                     ∂ℓ/∂A = d_λ xᵀ + λ d_xᵀ        (p×n)
 *   ∂ℓ/∂h = −diag(ν) d_ν             ∂ℓ/∂G = diag(ν) d_ν xᵀ + ν d_xᵀ (m×n)
 * </pre>
 * Conventions: λ is free and ν ≥ 0 with stationarity Px + q + Aᵀλ + Gᵀν = 0. Since a problem only
 * ever holds a symmetric P (it stores ½(P + Pᵀ)), ∂ℓ/∂P is the symmetric gradient: the change of ℓ
 * under a symmetric perturbation E is ⟨∂ℓ/∂P, E⟩ = Σᵢⱼ (∂ℓ/∂P)ᵢⱼEᵢⱼ, so moving P_ij and P_ji
 * (i ≠ j) together by ε changes ℓ by 2ε(∂ℓ/∂P)ᵢⱼ. Blocks the problem lacks (A and b without
 * equalities, G and h without inequalities) are {@code null} in the {@link Gradients}.
 *
 * <p><b>Linear programs.</b> Without P the problem is an LP and K is built with P = 0; the P gradient
 * is still returned: it is the gradient with respect to a quadratic term added at P = 0 (meaningful for
 * perturbations that keep P positive semidefinite). At a non-degenerate vertex [A; G_active] is square
 * and nonsingular, so d_x = 0: ∂ℓ/∂q = 0 and ∂ℓ/∂P = 0, while ∂ℓ/∂b, ∂ℓ/∂h, ∂ℓ/∂A, ∂ℓ/∂G are not.
 *
 * <p><b>Numerics.</b> Kᵀ is assembled as a row-major array (O((n+p+m)²)) and factored once with the
 * backend's LU, lazily on the first {@link #backward} and then reused. Column n+p+i of Kᵀ (the
 * d_ν,ᵢ column: νᵢGᵢᵀ above, rᵢ on the diagonal) is divided by cᵢ = max(νᵢ‖Gᵢ‖∞, |rᵢ|), i.e. the
 * system is solved for cᵢ·d_ν,ᵢ; this changes nothing mathematically (only νᵢ·d_ν,ᵢ = (νᵢ/cᵢ)(cᵢd_ν,ᵢ)
 * enters the gradients) but keeps the columns of an active (rᵢ ≈ 0) and an inactive (νᵢ = 0)
 * constraint of the same size, so that the LU's singularity test reflects degeneracy rather than
 * the size of ν. K is singular, and {@link #backward} throws {@link SingularKktException}, when
 * <ul>
 *   <li>a constraint is weakly active: νᵢ‖Gᵢ‖∞ ≤ τ(1 + ‖q‖∞ + ‖Px‖∞) and
 *       |rᵢ| ≤ τ(1 + |hᵢ| + Σⱼ|G_ij xⱼ|), τ = {@value #DEGENERACY_TOLERANCE} (a zero column of K up to
 *       the solve's accuracy), or</li>
 *   <li>the LU finds Kᵀ numerically singular: dependent rows of [A; G_active] (LICQ fails) or, for an
 *       LP, a non-unique optimum.</li>
 * </ul>
 * A constraint with νᵢ above that threshold and |rᵢ| below it is active, and its rᵢ (a solve error,
 * ~ the primal residual) enters K as the exact value 0; a constraint with |rᵢ| above and νᵢ below
 * it is inactive, and its νᵢ (ADMM leaves rounding-level values) enters K and the gradients as 0.
 * K is then the exact KKT matrix of the identified active set (the change is below the solve's
 * accuracy), inactive constraints get exactly zero ∂ℓ/∂hᵢ and ∂ℓ/∂Gᵢ, and a degenerate vertex (more
 * than n − p active rows) makes K exactly singular instead of singular up to the solve's residuals,
 * which an LU cannot tell from regular. A consequence: once the active set is identified, the
 * q, b and h gradients depend on it and the data only (ν enters through νᵢ/cᵢ = 1/‖Gᵢ‖∞), not on
 * the solve error of x, λ, ν; the P, A, G gradients carry that error linearly.
 * Nearly degenerate solutions (a constraint with both νᵢ and rᵢ small but above the threshold, as a
 * loosely solved weakly active constraint gives) yield finite but unstable gradients: solve tightly,
 * or ensure strict complementarity.
 *
 * <p>Thread-safe: the factorization is computed once and every solve with it runs under a lock.
 */
public final class KktSolution implements DifferentiableSolution {
    /**
     * Relative threshold τ below which both νᵢ and rᵢ = (Gx − h)ᵢ count as zero, making constraint i
     * weakly active (see the class comment).
     */
    public static final double DEGENERACY_TOLERANCE = 1e-10;

    private final QuadraticProgram problem;
    private final Solution solution;
    private final LinearAlgebra la;
    private final int n;
    private final int p;
    private final int m;
    private final double[] x;
    private final double[] lambda;
    private final double[] nu;
    /** Guarded by {@code this}; null until the first backward. */
    private KktSystem system;

    /** @throws UnsupportedOperationException for a sparse problem (the KKT matrix is factored dense) */
    static void requireDense(QuadraticProgram problem) {
        if (problem.isSparse()) {
            throw new UnsupportedOptionException("differentiator kkt", "the kkt differentiator factors a dense"
                    + " (n+p+m)-square KKT matrix and does not take sparse problems (problem '" + problem.name() + "')",
                    "the altdiff differentiator");
        }
    }

    KktSolution(QuadraticProgram problem, Solution solution, LinearAlgebra la) {
        requireDense(problem);
        this.problem = problem;
        this.solution = solution;
        this.la = la;
        this.n = problem.n();
        this.p = problem.p();
        this.m = problem.m();
        this.x = solution.x().clone();
        this.lambda = solution.lambda().clone();
        this.nu = solution.nu().clone();
    }

    @Override public Solution solution() {
        return new Solution(x.clone(), lambda.clone(), nu.clone(), solution.s().clone(), solution.status(),
                solution.iterations(), solution.primalResidual(), solution.dualResidual(), solution.objective(),
                solution.certificate(), solution.polish());
    }

    /**
     * {@inheritDoc}
     *
     * @return all six blocks (P also for an LP, see the class comment); A, b are null without
     *         equalities, G, h null without inequalities
     * @throws SingularKktException when K is singular (weakly active constraint or degenerate solution)
     */
    @Override public Gradients backward(double[] v) {
        Vectors.checkUpstream(v, n);
        KktSystem.Blocks k;
        synchronized (this) { // the factorization is not required to be thread-safe
            if (system == null) {
                double[] pm = problem.rowMajor(Block.P); // zeros for an LP
                double dualScale = 1 + Vectors.normInf(problem.rowMajor(Block.q))
                        + Vectors.normInf(Vectors.times(pm, n, n, x));
                system = KktSystem.factor(la, n, p, m, pm, problem.rowMajor(Block.A), problem.rowMajor(Block.G),
                        problem.rowMajor(Block.h), x, nu, dualScale, !problem.hasP());
            }
            k = system.adjoint(la, v, x, lambda);
        }
        double[] dx = k.dx();
        double[][] gP = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                gP[i][j] = 0.5 * (dx[i] * x[j] + x[i] * dx[j]);
            }
        }
        return new Gradients(gP, dx, k.A(), k.b(), k.G(), k.h());
    }


    /** The {@link Solution} of a given point (see {@link KktDifferentiator#at}). */
    static Solution pointSolution(QuadraticProgram problem, double[] x, double[] lambda, double[] nu) {
        int n = problem.n();
        int p = problem.p();
        int m = problem.m();
        check("x", x, n);
        check("lambda", lambda, p);
        check("nu", nu, m);
        for (int i = 0; i < m; i++) {
            if (nu[i] < 0) {
                throw new InvalidProblemException("nu", i, -1, "nu[" + i + "] = " + nu[i] + " is negative");
            }
        }
        double[] pm = problem.rowMajor(Block.P);
        double[] a = problem.rowMajor(Block.A);
        double[] g = problem.rowMajor(Block.G);
        double[] b = problem.rowMajor(Block.b);
        double[] h = problem.rowMajor(Block.h);
        double[] stationarity = Vectors.times(pm, n, n, x);
        double[] q = problem.rowMajor(Block.q);
        for (int j = 0; j < n; j++) {
            stationarity[j] += q[j];
            for (int k = 0; k < p; k++) {
                stationarity[j] += a[k * n + j] * lambda[k];
            }
            for (int i = 0; i < m; i++) {
                stationarity[j] += g[i * n + j] * nu[i];
            }
        }
        double primal = 0;
        double[] ax = Vectors.times(a, p, n, x);
        for (int k = 0; k < p; k++) {
            primal = Math.max(primal, Math.abs(ax[k] - b[k]));
        }
        double[] gx = Vectors.times(g, m, n, x);
        double[] s = new double[m];
        for (int i = 0; i < m; i++) {
            s[i] = Math.max(0, h[i] - gx[i]);
            primal = Math.max(primal, gx[i] + s[i] - h[i]);
        }
        // a point from outside is a run truncated at 0 iterations: SOLVED only when it passes the test
        Status status = dev.altdiff.core.Termination.passes(problem, x, lambda, nu, s,
                dev.altdiff.api.Settings.DEFAULTS.tolerance()) ? Status.SOLVED : Status.TRUNCATED;
        return new Solution(x.clone(), lambda.clone(), nu.clone(), s, status, 0, primal,
                Vectors.normInf(stationarity), problem.objective(x));
    }

    private static void check(String name, double[] v, int length) {
        if (v == null || v.length != length) {
            throw new InvalidProblemException(name, -1, -1, name + " has length "
                    + (v == null ? "null" : String.valueOf(v.length)) + ", expected " + length);
        }
        for (int i = 0; i < length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new InvalidProblemException(name, i, -1, name + "[" + i + "] is not finite (" + v[i] + ")");
            }
        }
    }
}
