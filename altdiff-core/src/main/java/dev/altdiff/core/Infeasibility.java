package dev.altdiff.core;

import dev.altdiff.api.Certificate;
import dev.altdiff.api.Status;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;

/**
 * The infeasibility tests of {@link Admm} on the differences of two successive iterates, per
 * column of a batch (Banjac et al., JOTA 2019; the tests OSQP runs, for the constraint set
 * {Ax = b, Gx ≤ h}). With ε = {@link dev.altdiff.api.Settings#infeasibilityTolerance()}:
 * <ul>
 *   <li>primal: δy = (δλ, δν) = ρ(Ax⁺ − b, Gx⁺ + s⁺ − h) (the ρ cancels): ‖Aᵀδλ + Gᵀδν‖∞ ≤ ε‖δy‖∞,
 *       bᵀδλ + hᵀδν ≤ −ε‖δy‖∞ and δν ≥ −ε‖δy‖∞;</li>
 *   <li>dual: δx = x⁺ − x: ‖Pδx‖∞ ≤ ε‖δx‖∞, qᵀδx ≤ −ε‖δx‖∞, ‖Aδx‖∞ ≤ ε‖δx‖∞ and
 *       max(Gδx) ≤ ε‖δx‖∞.</li>
 * </ul>
 * For a feasible, bounded problem both differences tend to zero without their normalized
 * versions satisfying the tests (up to the caveat on ε in {@link dev.altdiff.api.Settings}); for an
 * infeasible one they converge to a certificate ({@link Certificate}).
 */
final class Infeasibility {
    private Infeasibility() {
    }

    /** A detected certificate and its status. */
    record Verdict(Status status, Certificate certificate) {
    }

    /**
     * @param eq Ax⁺ − b per column (p×B, null when p = 0)
     * @param in Gx⁺ + s⁺ − h per column (m×B, null when m = 0)
     * @param b  the columns' b (p×B, null when p = 0)
     * @param h  the columns' h (m×B, null when m = 0)
     * @param dx x⁺ − x (n×B)
     * @param q  the columns' q, column j of the block as q[j]
     * @return per column the verdict, or null where neither test holds
     */
    static Verdict[] test(QpData d, Matrix eq, Matrix in, Matrix b, Matrix h, Matrix dx, double[][] q, double eps) {
        LinearAlgebra la = d.la;
        int width = dx.cols();
        Verdict[] out = new Verdict[width];
        if (d.p + d.m > 0) {
            double[] yInf = new double[width];
            double[] support = new double[width];
            double[] nuMin = new double[width];
            Matrix aty = la.zeros(d.n, width);
            double[][] eqCols = d.p > 0 ? Admm.columns(eq) : null;
            double[][] inCols = d.m > 0 ? Admm.columns(in) : null;
            if (d.p > 0) {
                la.gemm(1.0, d.At, false, eq, false, 0.0, aty);
                accumulate(eqCols, Admm.columns(b), yInf, support, null);
            }
            if (d.m > 0) {
                la.gemm(1.0, d.Gt, false, in, false, 1.0, aty);
                accumulate(inCols, Admm.columns(h), yInf, support, nuMin);
            }
            double[] atyInf = Admm.colNormInf(aty);
            for (int j = 0; j < width; j++) {
                double y = yInf[j];
                if (y > 0 && atyInf[j] <= eps * y && support[j] <= -eps * y && nuMin[j] >= -eps * y) {
                    out[j] = new Verdict(Status.PRIMAL_INFEASIBLE, new Certificate(
                            d.p > 0 ? normalized(eqCols[j], y, false) : new double[0],
                            d.m > 0 ? normalized(inCols[j], y, true) : new double[0], null));
                }
            }
        }
        double[] dxInf = Admm.colNormInf(dx);
        double[] pdxInf = d.P != null ? Admm.colNormInf(la.multiply(d.P, dx)) : new double[width];
        double[] adxInf = d.p > 0 ? Admm.colNormInf(la.multiply(d.A, dx)) : new double[width];
        double[] gdxMax = new double[width];
        if (d.m > 0) {
            double[][] gdx = Admm.columns(la.multiply(d.G, dx));
            for (int j = 0; j < width; j++) {
                gdxMax[j] = Double.NEGATIVE_INFINITY;
                for (double value : gdx[j]) {
                    gdxMax[j] = Math.max(gdxMax[j], value);
                }
            }
        }
        double[][] dxCols = Admm.columns(dx);
        for (int j = 0; j < width; j++) {
            double t = eps * dxInf[j];
            if (out[j] == null && dxInf[j] > 0 && pdxInf[j] <= t && adxInf[j] <= t && gdxMax[j] <= t
                    && Vectors.dot(q[j], dxCols[j]) <= -t) {
                out[j] = new Verdict(Status.DUAL_INFEASIBLE,
                        new Certificate(null, null, normalized(dxCols[j], dxInf[j], false)));
            }
        }
        return out;
    }

    /** Adds max|y| to yInf, ⟨y, rhs⟩ to support and min(y) to min (when given), per column. */
    private static void accumulate(double[][] y, double[][] rhs, double[] yInf, double[] support, double[] min) {
        for (int j = 0; j < y.length; j++) {
            double lowest = Double.POSITIVE_INFINITY;
            for (int i = 0; i < y[j].length; i++) {
                yInf[j] = Math.max(yInf[j], Math.abs(y[j][i]));
                support[j] += y[j][i] * rhs[j][i];
                lowest = Math.min(lowest, y[j][i]);
            }
            if (min != null) {
                min[j] = lowest;
            }
        }
    }


    /** @return v/scale, with negative entries set to 0 when nonNegative (the ν part of a certificate) */
    private static double[] normalized(double[] v, double scale, boolean nonNegative) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = nonNegative ? Math.max(0.0, v[i] / scale) : v[i] / scale;
        }
        return out;
    }
}
