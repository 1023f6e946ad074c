package dev.altdiff.kkt;

import dev.altdiff.api.Block;
import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.SingularMatrixException;
import dev.altdiff.core.Vectors;

import java.util.ArrayList;
import java.util.List;

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
    private Factored factored;

    /**
     * The LU factors of the column-scaled Kᵀ, the column scales cᵢ and the multipliers ν̂ K was built
     * with (ν with the clearly inactive entries set to 0).
     */
    private record Factored(Factorization lu, double[] columnScale, double[] nuHat) {
    }

    KktSolution(QuadraticProgram problem, Solution solution, LinearAlgebra la) {
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
        double[] rhs = new double[n + p + m];
        for (int i = 0; i < n; i++) {
            rhs[i] = -v[i];
        }
        double[] y;
        Factored f;
        synchronized (this) { // the factorization is not required to be thread-safe
            if (factored == null) {
                factored = factorize();
            }
            f = factored;
            y = f.lu().solve(la.vector(rhs)).toRowMajor();
        }
        double[] c = f.columnScale();
        double[] nuHat = f.nuHat();
        for (double value : y) {
            if (!Double.isFinite(value)) {
                throw new SingularKktException(-1, "the KKT matrix K of order " + (n + p + m)
                        + " is numerically singular (its solve gave a non-finite value): " + degenerateCause(nuHat));
            }
        }
        double[] dx = new double[n];
        System.arraycopy(y, 0, dx, 0, n);
        double[] dLambda = new double[p];
        System.arraycopy(y, n, dLambda, 0, p);
        double[] nuDNu = new double[m]; // ν̂ᵢ·d_ν,ᵢ = (ν̂ᵢ/cᵢ)·(cᵢd_ν,ᵢ)
        for (int i = 0; i < m; i++) {
            nuDNu[i] = nuHat[i] / c[i] * y[n + p + i];
        }
        double[][] gP = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                gP[i][j] = 0.5 * (dx[i] * x[j] + x[i] * dx[j]);
            }
        }
        double[][] gA = null;
        double[] gb = null;
        if (p > 0) {
            gA = new double[p][n];
            gb = new double[p];
            for (int k = 0; k < p; k++) {
                gb[k] = -dLambda[k];
                for (int j = 0; j < n; j++) {
                    gA[k][j] = dLambda[k] * x[j] + lambda[k] * dx[j];
                }
            }
        }
        double[][] gG = null;
        double[] gh = null;
        if (m > 0) {
            gG = new double[m][n];
            gh = new double[m];
            for (int i = 0; i < m; i++) {
                gh[i] = -nuDNu[i];
                for (int j = 0; j < n; j++) {
                    gG[i][j] = nuDNu[i] * x[j] + nuHat[i] * dx[j];
                }
            }
        }
        return new Gradients(gP, dx, gA, gb, gG, gh);
    }

    /** Builds the column-scaled Kᵀ and factors it. */
    private Factored factorize() {
        int size = n + p + m;
        double[] pm = problem.rowMajor(Block.P); // zeros for an LP
        double[] a = problem.rowMajor(Block.A);
        double[] g = problem.rowMajor(Block.G);
        double[] h = problem.rowMajor(Block.h);
        double[] r = residualG(g, h);
        double[] c = new double[m];
        double[] nuHat = nu.clone();
        double dualScale = 1 + normInf(problem.rowMajor(Block.q)) + normInf(times(pm, n, n, x));
        for (int i = 0; i < m; i++) {
            double rowNorm = 0;
            double primalScale = 1 + Math.abs(h[i]);
            for (int j = 0; j < n; j++) {
                rowNorm = Math.max(rowNorm, Math.abs(g[i * n + j]));
                primalScale += Math.abs(g[i * n + j] * x[j]);
            }
            double nuPart = nu[i] * rowNorm;
            if (nuPart <= DEGENERACY_TOLERANCE * dualScale && Math.abs(r[i]) <= DEGENERACY_TOLERANCE * primalScale) {
                throw new SingularKktException(i, "the KKT matrix K is singular: inequality constraint " + i
                        + " is weakly active (nu[" + i + "] = " + nu[i] + " and (Gx - h)[" + i + "] = " + r[i]
                        + " are both zero to relative tolerance " + DEGENERACY_TOLERANCE + "), so the solution"
                        + " has no strict complementarity and x*(theta) is not differentiable there;"
                        + " perturb h[" + i + "] or the data, or drop the constraint");
            }
            if (Math.abs(r[i]) <= DEGENERACY_TOLERANCE * primalScale) {
                r[i] = 0; // clearly active (νᵢ is not small): its exact residual is 0
            } else if (nuPart <= DEGENERACY_TOLERANCE * dualScale) {
                nuHat[i] = 0; // clearly inactive (rᵢ is not small): its exact multiplier is 0
                nuPart = 0;
            }
            c[i] = Math.max(nuPart, Math.abs(r[i]));
        }
        double[] kt = new double[size * size];
        for (int i = 0; i < n; i++) { // rows 0..n−1: [P  Aᵀ  Gᵀdiag(ν)/c]
            System.arraycopy(pm, i * n, kt, i * size, n);
            for (int k = 0; k < p; k++) {
                kt[i * size + n + k] = a[k * n + i];
            }
            for (int l = 0; l < m; l++) {
                kt[i * size + n + p + l] = g[l * n + i] * (nuHat[l] / c[l]);
            }
        }
        for (int k = 0; k < p; k++) { // rows n..n+p−1: [A  0  0]
            System.arraycopy(a, k * n, kt, (n + k) * size, n);
        }
        for (int l = 0; l < m; l++) { // rows n+p..: [G  0  diag(r)/c]
            System.arraycopy(g, l * n, kt, (n + p + l) * size, n);
            kt[(n + p + l) * size + n + p + l] = r[l] / c[l];
        }
        try {
            return new Factored(la.lu(la.matrix(size, size, kt)), c, nuHat);
        } catch (SingularMatrixException e) {
            SingularKktException singular = new SingularKktException(-1, "the KKT matrix K of order " + size
                    + " is singular: " + degenerateCause(nuHat));
            singular.initCause(e);
            throw singular;
        }
    }

    /** @return the likely cause of a singular K that no single weakly active constraint explains */
    private String degenerateCause(double[] nuHat) {
        double[] r = residualG(problem.rowMajor(Block.G), problem.rowMajor(Block.h));
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            if (nuHat[i] > 0) {
                active.add(i);
            }
        }
        return "the solution is degenerate: the " + p + " equality rows of A and the " + active.size()
                + " active inequality rows of G (nu > 0: " + (active.size() <= 20 ? active : active.size() + " rows")
                + ") are linearly dependent (dependent equality rows, or more than n = " + n
                + " active constraints at a vertex), so the multipliers are not unique"
                + (problem.hasP() ? "" : "; or, for this LP (P = 0), fewer than n independent constraints are"
                + " active, so the optimal x is not unique")
                + (m > 0 ? "; max |Gx - h| over those rows " + maxAbs(r, active) : "");
    }

    private static String maxAbs(double[] r, List<Integer> rows) {
        double max = 0;
        for (int i : rows) {
            max = Math.max(max, Math.abs(r[i]));
        }
        return String.valueOf(max);
    }

    /** @return r = Gx − h */
    private double[] residualG(double[] g, double[] h) {
        double[] gx = times(g, m, n, x);
        for (int i = 0; i < m; i++) {
            gx[i] -= h[i];
        }
        return gx;
    }

    private static double[] times(double[] rowMajor, int rows, int cols, double[] v) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += rowMajor[i * cols + j] * v[j];
            }
            out[i] = s;
        }
        return out;
    }

    private static double normInf(double[] v) {
        double max = 0;
        for (double value : v) {
            max = Math.max(max, Math.abs(value));
        }
        return max;
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
        double[] stationarity = times(pm, n, n, x);
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
        double[] ax = times(a, p, n, x);
        for (int k = 0; k < p; k++) {
            primal = Math.max(primal, Math.abs(ax[k] - b[k]));
        }
        double[] gx = times(g, m, n, x);
        double[] s = new double[m];
        for (int i = 0; i < m; i++) {
            s[i] = Math.max(0, h[i] - gx[i]);
            primal = Math.max(primal, gx[i] + s[i] - h[i]);
        }
        return new Solution(x.clone(), lambda.clone(), nu.clone(), s, Status.SOLVED, 0, primal,
                normInf(stationarity), problem.objective(x));
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
