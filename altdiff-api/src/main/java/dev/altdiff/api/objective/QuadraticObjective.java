package dev.altdiff.api.objective;

import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Limits;

/**
 * f(x; q) = ½xᵀPx + qᵀx with P symmetric positive semidefinite (null or omitted: the linear
 * objective qᵀx), θ = q: ∇f = Px + q, ∇²f = P, ∂(∇f)/∂q = I. On this general path a quadratic
 * objective is solved with a Newton x-step that converges in one step; for speed, a pure QP should
 * go through {@link dev.altdiff.api.QuadraticProgram} and the QP path, whose H is factored once.
 */
public final class QuadraticObjective implements Objective {
    private final double[] p;
    private final double[] q;
    private final int n;

    /**
     * @param pMatrix n×n symmetric PSD (its symmetric part ½(P + Pᵀ) is used), or null for a linear objective
     * @param q       the linear term
     */
    public QuadraticObjective(double[][] pMatrix, double[] q) {
        this.q = Checks.finite("q", q).clone();
        this.n = q.length;
        if (pMatrix == null) {
            this.p = null;
            return;
        }
        if (pMatrix.length != n) {
            throw new InvalidProblemException("P", -1, -1, "P has " + pMatrix.length + " rows, expected " + n);
        }
        this.p = new double[Limits.length("P", (long) n * n, "P as a dense " + n + "×" + n + " matrix")];
        for (int i = 0; i < n; i++) {
            if (pMatrix[i] == null || pMatrix[i].length != n) {
                throw new InvalidProblemException("P", i, -1, "P row " + i + " has the wrong length");
            }
            for (int j = 0; j < n; j++) {
                Limits.value("P", i, j, pMatrix[i][j]);
                p[i * n + j] = 0.5 * (pMatrix[i][j] + pMatrix[j][i]);
            }
        }
    }

    private QuadraticObjective(double[] p, double[] q, int n) {
        this.p = p;
        this.q = q;
        this.n = n;
    }

    /** @return the linear objective qᵀx */
    public static QuadraticObjective linear(double[] q) {
        return new QuadraticObjective(null, q);
    }

    /** @return whether P is absent (a linear objective) */
    public boolean isLinear() { return p == null; }

    /** @return P as rows (null for a linear objective) */
    public double[][] P() {
        if (p == null) {
            return null;
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(p, i * n, out[i], 0, n);
        }
        return out;
    }

    @Override public int n() { return n; }

    @Override public String type() { return p == null ? "linear" : "quadratic"; }

    @Override public String parameterName() { return "q"; }

    @Override public double[] parameters() { return q.clone(); }

    @Override public QuadraticObjective withParameters(double[] theta) {
        Checks.length("q", theta, n);
        return new QuadraticObjective(p, Checks.finite("q", theta).clone(), n);
    }

    private double[] px(double[] x) {
        double[] out = new double[n];
        if (p != null) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += p[i * n + j] * x[j];
                }
                out[i] = s;
            }
        }
        return out;
    }

    @Override public double value(double[] x) {
        double[] px = px(x);
        double f = 0;
        for (int i = 0; i < n; i++) {
            f += x[i] * (0.5 * px[i] + q[i]);
        }
        return f;
    }

    @Override public double[] gradient(double[] x) {
        double[] g = px(x);
        for (int i = 0; i < n; i++) {
            g[i] += q[i];
        }
        return g;
    }

    @Override public void addHessian(double[] x, double alpha, double[] rowMajor) {
        if (p != null) {
            for (int i = 0; i < p.length; i++) {
                rowMajor[i] += alpha * p[i];
            }
        }
    }

    @Override public double[] mixedTimes(double[] x, double[] dTheta) {
        return dTheta.clone();
    }

    @Override public double[] mixedTransposeTimes(double[] x, double[] u) {
        return u.clone();
    }
}
