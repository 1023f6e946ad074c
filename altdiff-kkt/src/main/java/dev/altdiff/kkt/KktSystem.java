package dev.altdiff.kkt;

import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.SingularMatrixException;

import java.util.ArrayList;
import java.util.List;

/**
 * The factored KKT system at a point (x, λ, ν), shared by {@link KktSolution} (curvature P) and
 * {@link GeneralKktSolution} (curvature ∇²f(x)): the active-set identification, the column-scaled
 * Kᵀ and its LU, the adjoint solve Kᵀ(d_x, d_λ, d_ν) = −(v, 0, 0) and the constraint blocks of the
 * gradient. The conventions, thresholds and error cases are documented on {@link KktSolution}.
 *
 * @param lu          LU factors of the column-scaled Kᵀ, order n + p + m
 * @param columnScale cᵢ = max(ν̂ᵢ‖Gᵢ‖∞, |rᵢ|), the scale of the d_ν,ᵢ column (length m)
 * @param nuHat       ν with the clearly inactive entries set to 0 (length m)
 * @param residual    r = Gx − h at the point (length m), for error messages
 * @param linear      whether the objective has no curvature (an LP), for error messages
 * @param n           variables
 * @param p           equality rows
 * @param m           inequality rows
 */
record KktSystem(Factorization lu, double[] columnScale, double[] nuHat, double[] residual, boolean linear,
                 int n, int p, int m) {

    /** The constraint blocks of a KKT gradient; A, b null without equalities, G, h null without inequalities. */
    record Blocks(double[] dx, double[][] A, double[] b, double[][] G, double[] h) {
    }

    /**
     * Identifies the active set and factors the column-scaled Kᵀ.
     *
     * @param curvature the n×n curvature block (P or ∇²f(x)), row-major
     * @param a         A, p×n row-major; {@code g} G, m×n row-major; {@code h} length m
     * @param dualScale 1 + the size of the stationarity terms (‖q‖∞ + ‖Px‖∞, or ‖∇f(x)‖∞)
     * @param linear    whether the objective has no curvature (an LP), for the error message
     * @throws SingularKktException when a constraint is weakly active or Kᵀ is singular
     */
    static KktSystem factor(LinearAlgebra la, int n, int p, int m, double[] curvature, double[] a, double[] g,
                            double[] h, double[] x, double[] nu, double dualScale, boolean linear) {
        int size = n + p + m;
        double tau = KktSolution.DEGENERACY_TOLERANCE;
        double[] r = residualG(g, h, x, n, m);
        double[] c = new double[m];
        double[] nuHat = nu.clone();
        for (int i = 0; i < m; i++) {
            double rowNorm = 0;
            double primalScale = 1 + Math.abs(h[i]);
            for (int j = 0; j < n; j++) {
                rowNorm = Math.max(rowNorm, Math.abs(g[i * n + j]));
                primalScale += Math.abs(g[i * n + j] * x[j]);
            }
            double nuPart = nu[i] * rowNorm;
            if (nuPart <= tau * dualScale && Math.abs(r[i]) <= tau * primalScale) {
                throw new SingularKktException(i, "the KKT matrix K is singular: inequality constraint " + i
                        + " is weakly active (nu[" + i + "] = " + nu[i] + " and (Gx - h)[" + i + "] = " + r[i]
                        + " are both zero to relative tolerance " + tau + "), so the solution"
                        + " has no strict complementarity and x*(theta) is not differentiable there;"
                        + " perturb h[" + i + "] or the data, or drop the constraint");
            }
            if (Math.abs(r[i]) <= tau * primalScale) {
                r[i] = 0; // clearly active (νᵢ is not small): its exact residual is 0
            } else if (nuPart <= tau * dualScale) {
                nuHat[i] = 0; // clearly inactive (rᵢ is not small): its exact multiplier is 0
                nuPart = 0;
            }
            c[i] = Math.max(nuPart, Math.abs(r[i]));
        }
        double[] kt = new double[size * size];
        for (int i = 0; i < n; i++) { // rows 0..n−1: [curvature  Aᵀ  Gᵀdiag(ν̂)/c]
            System.arraycopy(curvature, i * n, kt, i * size, n);
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
            return new KktSystem(la.lu(la.matrix(size, size, kt)), c, nuHat, residualG(g, h, x, n, m), linear, n, p, m);
        } catch (SingularMatrixException e) {
            SingularKktException singular = new SingularKktException(-1, "the KKT matrix K of order " + size
                    + " is singular: " + degenerateCause(nuHat, residualG(g, h, x, n, m), n, p, m, linear));
            singular.initCause(e);
            throw singular;
        }
    }

    /**
     * Solves Kᵀ(d_x, d_λ, d_ν) = −(v, 0, 0) and returns d_x and the constraint blocks of the gradient:
     * ∂ℓ/∂b = −d_λ, ∂ℓ/∂A = d_λxᵀ + λd_xᵀ, ∂ℓ/∂h = −diag(ν̂)d_ν, ∂ℓ/∂G = diag(ν̂)d_ν xᵀ + ν̂d_xᵀ.
     * Not thread-safe (the factorization need not be): callers serialize.
     *
     * @throws SingularKktException when the solve gives a non-finite value
     */
    Blocks adjoint(LinearAlgebra la, double[] v, double[] x, double[] lambda) {
        double[] rhs = new double[n + p + m];
        for (int i = 0; i < n; i++) {
            rhs[i] = -v[i];
        }
        double[] y = lu.solve(la.vector(rhs)).toRowMajor();
        for (double value : y) {
            if (!Double.isFinite(value)) {
                throw new SingularKktException(-1, "the KKT matrix K of order " + (n + p + m)
                        + " is numerically singular (its solve gave a non-finite value): "
                        + degenerateCause(nuHat, residual, n, p, m, linear));
            }
        }
        double[] dx = new double[n];
        System.arraycopy(y, 0, dx, 0, n);
        double[][] gA = null;
        double[] gb = null;
        if (p > 0) {
            gA = new double[p][n];
            gb = new double[p];
            for (int k = 0; k < p; k++) {
                double dLambda = y[n + k];
                gb[k] = -dLambda;
                for (int j = 0; j < n; j++) {
                    gA[k][j] = dLambda * x[j] + lambda[k] * dx[j];
                }
            }
        }
        double[][] gG = null;
        double[] gh = null;
        if (m > 0) {
            gG = new double[m][n];
            gh = new double[m];
            for (int i = 0; i < m; i++) {
                double nuDNu = nuHat[i] / columnScale[i] * y[n + p + i]; // ν̂ᵢd_ν,ᵢ = (ν̂ᵢ/cᵢ)(cᵢd_ν,ᵢ)
                gh[i] = -nuDNu;
                for (int j = 0; j < n; j++) {
                    gG[i][j] = nuDNu * x[j] + nuHat[i] * dx[j];
                }
            }
        }
        return new Blocks(dx, gA, gb, gG, gh);
    }

    /** @return the likely cause of a singular K that no single weakly active constraint explains */
    private static String degenerateCause(double[] nuHat, double[] r, int n, int p, int m, boolean linear) {
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            if (nuHat[i] > 0) {
                active.add(i);
            }
        }
        double maxR = 0;
        for (int i : active) {
            maxR = Math.max(maxR, Math.abs(r[i]));
        }
        return "the solution is degenerate: the " + p + " equality rows of A and the " + active.size()
                + " active inequality rows of G (nu > 0: " + (active.size() <= 20 ? active : active.size() + " rows")
                + ") are linearly dependent (dependent equality rows, or more than n = " + n
                + " active constraints at a vertex), so the multipliers are not unique"
                + (linear ? "; or, for this LP (P = 0), fewer than n independent constraints are"
                + " active, so the optimal x is not unique" : "")
                + (m > 0 ? "; max |Gx - h| over those rows " + maxR : "");
    }

    /** @return r = Gx − h */
    private static double[] residualG(double[] g, double[] h, double[] x, int n, int m) {
        double[] r = new double[m];
        for (int i = 0; i < m; i++) {
            double s = -h[i];
            for (int j = 0; j < n; j++) {
                s += g[i * n + j] * x[j];
            }
            r[i] = s;
        }
        return r;
    }
}
