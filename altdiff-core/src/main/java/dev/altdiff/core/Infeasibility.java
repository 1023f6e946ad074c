package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.Certificate;
import dev.altdiff.api.Status;

import java.util.Arrays;

/**
 * The infeasibility tests of {@link Admm} on the differences of two successive iterates, per
 * column of a batch (Banjac et al., JOTA 2019; the tests OSQP runs, for the constraint set
 * {Ax = b, Gx ≤ h}). With ε = {@link dev.altdiff.api.Settings#infeasibilityTolerance()}:
 * <ul>
 *   <li>primal: δy = (δλ, δν) = (λ⁺ − λ, ν⁺ − ν), the step of the multipliers: ‖Aᵀδλ + Gᵀδν‖∞ ≤ ε‖δy‖∞,
 *       bᵀδλ + hᵀδν ≤ −ε‖δy‖∞ and δν ≥ −ε‖δy‖∞ ({@link #primal}, which the general-objective path runs
 *       too);</li>
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

    /** Aᵀδλ + Gᵀδν (n×B) for the blocks δλ (p×B, null when p = 0) and δν (m×B, null when m = 0). */
    interface TransposeTimes {
        double[] apply(double[] dLambda, double[] dNu, int width);
    }

    /**
     * @param dy (p+m)×B row-major: λ⁺ − λ over ν⁺ − ν per column ({@link Dense})
     * @param b  the columns' b (p×B, null when p = 0), h likewise (m×B)
     * @param dx x⁺ − x (n×B)
     * @param q  the columns' q, column j of the block as q[j]
     * @return per column the verdict, or null where neither test holds
     */
    static Verdict[] test(QpData d, double[] dy, double[] b, double[] h, double[] dx, double[][] q, int width,
                          double eps) {
        int n = d.n;
        int p = d.p;
        int m = d.m;
        Verdict[] out = primal(n, p, m, dy, b, h, width, eps, (dLambda, dNu, w) -> {
            double[] aty = new double[n * w];
            if (p > 0) {
                Dense.add(aty, d.times(Block.A, true, dLambda, w));
            }
            if (m > 0) {
                Dense.add(aty, d.times(Block.G, true, dNu, w));
            }
            return aty;
        });
        double[] dxInf = Dense.colNormInf(dx, n, width, null, 0, new double[width]);
        double[][] dxCols = new double[width][];
        boolean any = false;
        for (int j = 0; j < width; j++) {
            if (out[j] == null && dxInf[j] > 0) {
                double[] dxj = Dense.column(dx, n, width, j);
                if (Vectors.dot(q[j], dxj) <= -eps * dxInf[j]) {
                    dxCols[j] = dxj;
                    any = true;
                }
            }
        }
        if (!any) {
            return out;
        }
        double[] pdxInf = d.problem.hasP() ? Dense.colNormInf(d.times(Block.P, false, dx, width), n, width, null, 0,
                new double[width]) : new double[width];
        double[] adxInf = p > 0 ? Dense.colNormInf(d.times(Block.A, false, dx, width), p, width, null, 0,
                new double[width]) : new double[width];
        double[] gdxMax = new double[width];
        if (m > 0) {
            double[] gdx = d.times(Block.G, false, dx, width);
            Arrays.fill(gdxMax, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < width; j++) {
                    gdxMax[j] = Math.max(gdxMax[j], gdx[i * width + j]);
                }
            }
        }
        for (int j = 0; j < width; j++) {
            double t = eps * dxInf[j];
            if (dxCols[j] != null && pdxInf[j] <= t && adxInf[j] <= t && gdxMax[j] <= t) {
                out[j] = new Verdict(Status.DUAL_INFEASIBLE, new Certificate(null, null, normalized(dxCols[j],
                        dxInf[j], false)));
            }
        }
        return out;
    }

    /**
     * The primal test alone ({@link #test}'s first), for B columns of n variables with p equality and m
     * inequality rows.
     *
     * @param transposeTimes Aᵀδλ + Gᵀδν, made only when some column passes the cheap conditions
     * @return per column the PRIMAL_INFEASIBLE verdict, or null
     */
    static Verdict[] primal(int n, int p, int m, double[] dy, double[] b, double[] h, int width, double eps,
                            TransposeTimes transposeTimes) {
        int pw = p * width;
        Verdict[] out = new Verdict[width];
        if (p + m > 0) {
            double[] yInf = new double[width];
            double[] support = new double[width];
            double[] nuMin = new double[width];
            Arrays.fill(nuMin, Double.POSITIVE_INFINITY);
            double[] eq = Arrays.copyOf(dy, pw);
            double[] in = Arrays.copyOfRange(dy, pw, pw + m * width);
            if (p > 0) {
                accumulate(eq, b, p, width, yInf, support, null);
            }
            if (m > 0) {
                accumulate(in, h, m, width, yInf, support, nuMin);
            }
            boolean[] candidate = new boolean[width];
            boolean any = false;
            for (int j = 0; j < width; j++) {
                double y = yInf[j];
                candidate[j] = y > 0 && support[j] <= -eps * y && (m == 0 || nuMin[j] >= -eps * y);
                any |= candidate[j];
            }
            if (any) {
                double[] aty = transposeTimes.apply(p > 0 ? eq : null, m > 0 ? in : null, width);
                double[] atyInf = Dense.colNormInf(aty, n, width, null, 0, new double[width]);
                for (int j = 0; j < width; j++) {
                    double y = yInf[j];
                    if (candidate[j] && atyInf[j] <= eps * y) {
                        out[j] = new Verdict(Status.PRIMAL_INFEASIBLE, new Certificate(
                                p > 0 ? normalized(Dense.column(eq, p, width, j), y, false) : new double[0],
                                m > 0 ? normalized(Dense.column(in, m, width, j), y, true) : new double[0], null));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Adds max|y| to yInf, ⟨y, rhs⟩ to support and min(y) to min (when given), per column of the
     * rows×width blocks y and rhs.
     */
    private static void accumulate(double[] y, double[] rhs, int rows, int width, double[] yInf, double[] support,
                                   double[] min) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < width; j++) {
                double v = y[i * width + j];
                yInf[j] = Math.max(yInf[j], Math.abs(v));
                support[j] += v * rhs[i * width + j];
                if (min != null) {
                    min[j] = Math.min(min[j], v);
                }
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
