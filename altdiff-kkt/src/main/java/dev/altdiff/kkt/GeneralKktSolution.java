package dev.altdiff.kkt;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.SingularMatrixException;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.Objective;
import dev.altdiff.api.objective.ObjectiveGradients;
import dev.altdiff.core.GeneralAltDiff;
import dev.altdiff.core.Vectors;

/**
 * Implicit (KKT) differentiation for a general smooth convex objective ({@code ALTDIFF.md} §6 with P
 * replaced by the Hessian of f at the solution): at (x, λ, ν), with r = Gx − h,
 * <pre>
 *   K = [ ∇²f(x)    Aᵀ  Gᵀ      ]      Kᵀ(d_x, d_λ, d_ν) = −(v, 0, 0)
 *       [ A         0   0       ]
 *       [ diag(ν)G  0   diag(r) ]
 *   ∂ℓ/∂θ = Mᵀd_x (M = ∂(∇f)/∂θ at x),   ∂ℓ/∂b = −d_λ,   ∂ℓ/∂h = −diag(ν)d_ν,
 *   ∂ℓ/∂A = d_λxᵀ + λd_xᵀ,   ∂ℓ/∂G = diag(ν)d_ν xᵀ + νd_xᵀ
 * </pre>
 * The active-set identification (thresholds τ = {@link KktSolution#DEGENERACY_TOLERANCE} on νᵢ‖Gᵢ‖∞
 * against 1 + ‖∇f(x)‖∞ and on |rᵢ|), the column scaling of the d_ν columns and the degeneracy errors
 * are those of {@link KktSolution} (see there), with ‖∇f(x)‖∞ in place of ‖q‖∞ + ‖Px‖∞ as the dual scale.
 * One LU of the (n+p+m)-square Kᵀ on the backend, reused for every upstream gradient.
 */
public final class GeneralKktSolution {
    private final ConvexProgram program;
    private final Solution solution;
    private final LinearAlgebra la;
    private final int n;
    private final int p;
    private final int m;
    private final double[] x;
    private final double[] lambda;
    private final double[] nu;
    private double[] nuHat;
    private double[] columnScale;
    private Factorization lu;

    /** Differentiates at a given KKT point (x, λ, ν) of the program (not checked for optimality). */
    public GeneralKktSolution(ConvexProgram program, Solution solution, LinearAlgebra la) {
        this.program = program;
        this.solution = solution;
        this.la = la;
        this.n = program.n();
        this.p = program.p();
        this.m = program.m();
        this.x = solution.x().clone();
        this.lambda = solution.lambda().clone();
        this.nu = solution.nu().clone();
    }

    /** Solves with the general-objective ADMM (pick a tight tolerance for a reference) and differentiates there. */
    public static GeneralKktSolution solve(ConvexProgram program, Settings settings, LinearAlgebra la) {
        return new GeneralKktSolution(program, GeneralAltDiff.solveOnly(program, settings, la), la);
    }

    public Solution solution() {
        return solution;
    }

    /** @return the gradients for θ, b, h, A and G (null where the problem lacks the block) */
    public synchronized ObjectiveGradients backward(double[] v) {
        Vectors.checkUpstream(v, n);
        if (lu == null) {
            factorize();
        }
        double[] rhs = new double[n + p + m];
        for (int i = 0; i < n; i++) {
            rhs[i] = -v[i];
        }
        double[] y = lu.solve(la.vector(rhs)).toRowMajor();
        for (double value : y) {
            if (!Double.isFinite(value)) {
                throw new SingularKktException(-1, "the KKT matrix is numerically singular");
            }
        }
        double[] dx = new double[n];
        System.arraycopy(y, 0, dx, 0, n);
        double[] gTheta = program.objective().mixedTransposeTimes(x, dx);
        double[][] gA = null;
        double[] gb = null;
        if (p > 0) {
            gA = new double[p][n];
            gb = new double[p];
            for (int k = 0; k < p; k++) {
                double dl = y[n + k];
                gb[k] = -dl;
                for (int j = 0; j < n; j++) {
                    gA[k][j] = dl * x[j] + lambda[k] * dx[j];
                }
            }
        }
        double[][] gG = null;
        double[] gh = null;
        if (m > 0) {
            gG = new double[m][n];
            gh = new double[m];
            for (int i = 0; i < m; i++) {
                double nuDNu = nuHat[i] / columnScale[i] * y[n + p + i];
                gh[i] = -nuDNu;
                for (int j = 0; j < n; j++) {
                    gG[i][j] = nuDNu * x[j] + nuHat[i] * dx[j];
                }
            }
        }
        return new ObjectiveGradients(gTheta, gA, gb, gG, gh);
    }

    private void factorize() {
        Objective f = program.objective();
        int size = n + p + m;
        double[] hess = new double[n * n];
        f.addHessian(x, 1.0, hess);
        double[] a = program.rowMajorA();
        double[] g = program.rowMajorG();
        double[] h = m > 0 ? program.h() : new double[0];
        double[] r = new double[m];
        double[] c = new double[m];
        nuHat = nu.clone();
        double dualScale = 1 + normInf(f.gradient(x));
        double tau = KktSolution.DEGENERACY_TOLERANCE;
        for (int i = 0; i < m; i++) {
            double rowNorm = 0;
            double primalScale = 1 + Math.abs(h[i]);
            double gx = 0;
            for (int j = 0; j < n; j++) {
                rowNorm = Math.max(rowNorm, Math.abs(g[i * n + j]));
                primalScale += Math.abs(g[i * n + j] * x[j]);
                gx += g[i * n + j] * x[j];
            }
            r[i] = gx - h[i];
            double nuPart = nu[i] * rowNorm;
            if (nuPart <= tau * dualScale && Math.abs(r[i]) <= tau * primalScale) {
                throw new SingularKktException(i, "the KKT matrix K is singular: inequality constraint " + i
                        + " is weakly active (nu = " + nu[i] + ", Gx - h = " + r[i] + ")");
            }
            if (Math.abs(r[i]) <= tau * primalScale) {
                r[i] = 0;
            } else if (nuPart <= tau * dualScale) {
                nuHat[i] = 0;
                nuPart = 0;
            }
            c[i] = Math.max(nuPart, Math.abs(r[i]));
        }
        columnScale = c;
        double[] kt = new double[size * size];
        for (int i = 0; i < n; i++) { // rows 0..n−1: [∇²f  Aᵀ  Gᵀdiag(ν)/c]
            System.arraycopy(hess, i * n, kt, i * size, n);
            for (int k = 0; k < p; k++) {
                kt[i * size + n + k] = a[k * n + i];
            }
            for (int l = 0; l < m; l++) {
                kt[i * size + n + p + l] = g[l * n + i] * (nuHat[l] / c[l]);
            }
        }
        for (int k = 0; k < p; k++) {
            System.arraycopy(a, k * n, kt, (n + k) * size, n);
        }
        for (int l = 0; l < m; l++) {
            System.arraycopy(g, l * n, kt, (n + p + l) * size, n);
            kt[(n + p + l) * size + n + p + l] = r[l] / c[l];
        }
        try {
            lu = la.lu(la.matrix(size, size, kt));
        } catch (SingularMatrixException e) {
            SingularKktException singular = new SingularKktException(-1, "the KKT matrix K of order " + size
                    + " is singular (dependent active constraints)");
            singular.initCause(e);
            throw singular;
        }
    }

    private static double normInf(double[] v) {
        double max = 0;
        for (double value : v) {
            max = Math.max(max, Math.abs(value));
        }
        return max;
    }
}
