package dev.altdiff.core;

import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.Objective;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;
import dev.altdiff.api.linalg.NotPositiveDefiniteException;

/**
 * A {@link ConvexProgram}'s constraint data as row-major arrays, with the constant part
 * ρAᵀA + ρGᵀG of H(x) = ∇²f(x) + ρAᵀA + ρGᵀG formed once on the backend. {@link #factor} assembles
 * and factors H(x) (Cholesky, on the backend) at any x of the domain. The vector work of the general
 * path (products with A, Aᵀ, G, Gᵀ: O((p+m)n) per call, against the O(n³) factorization) is done
 * on plain arrays.
 */
final class GeneralData {
    final ConvexProgram program;
    final Objective f;
    final LinearAlgebra la;
    final double rho;
    final int n;
    final int p;
    final int m;
    final double[] a;
    final double[] b;
    final double[] g;
    final double[] h;
    /** ρAᵀA + ρGᵀG, n×n row-major. */
    private final double[] base;

    GeneralData(ConvexProgram program, LinearAlgebra la, double rho) {
        this.program = program;
        this.f = program.objective();
        this.la = la;
        this.rho = rho;
        this.n = program.n();
        this.p = program.p();
        this.m = program.m();
        this.a = program.rowMajorA();
        this.b = p > 0 ? program.b() : new double[0];
        this.g = program.rowMajorG();
        this.h = m > 0 ? program.h() : new double[0];
        Matrix c = la.zeros(n, n);
        if (p > 0) {
            Matrix am = la.matrix(p, n, a);
            la.gemm(rho, am, true, am, false, 1.0, c);
        }
        if (m > 0) {
            Matrix gm = la.matrix(m, n, g);
            la.gemm(rho, gm, true, gm, false, 1.0, c);
        }
        this.base = c.toRowMajor();
    }

    /**
     * @return the Cholesky factor of H(x) = ∇²f(x) + ρAᵀA + ρGᵀG
     * @throws InvalidProblemException (block "H") when H(x) is not positive definite
     */
    Factorization factor(double[] x) {
        double[] hx = base.clone();
        f.addHessian(x, 1.0, hx);
        try {
            return la.cholesky(la.matrix(n, n, hx));
        } catch (NotPositiveDefiniteException e) {
            throw new InvalidProblemException("H", -1, -1, "H(x) = ∇²f(x) + ρAᵀA + ρGᵀG (ρ = " + rho
                    + ") is not positive definite at the current x: f must be strictly convex on the null"
                    + " space of [A; G]");
        }
    }

    /** @return H⁻¹r with the given factor */
    double[] solve(Factorization factor, double[] r) {
        return factor.solve(la.vector(r)).toRowMajor();
    }

    /** @return M·x for a rows×cols row-major M */
    static double[] times(double[] mat, int rows, int cols, double[] x) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                s += mat[o + j] * x[j];
            }
            out[i] = s;
        }
        return out;
    }

    /** out += α·Mᵀy for a rows×cols row-major M */
    static void addTransposeTimes(double alpha, double[] mat, int rows, int cols, double[] y, double[] out) {
        for (int i = 0; i < rows; i++) {
            double yi = alpha * y[i];
            if (yi == 0) {
                continue;
            }
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                out[j] += mat[o + j] * yi;
            }
        }
    }

    /** out (rows×cols row-major) += α·u wᵀ */
    static void addOuter(double alpha, double[] u, double[] w, double[] out) {
        int cols = w.length;
        for (int i = 0; i < u.length; i++) {
            double ui = alpha * u[i];
            if (ui == 0) {
                continue;
            }
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                out[o + j] += ui * w[j];
            }
        }
    }

    static double normInf(double[] v) {
        double max = 0;
        for (double value : v) {
            max = Math.max(max, Math.abs(value));
        }
        return max;
    }

    static double dot(double[] u, double[] w) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            s += u[i] * w[i];
        }
        return s;
    }
}
