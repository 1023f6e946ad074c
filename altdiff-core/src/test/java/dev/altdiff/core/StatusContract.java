package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status contract checked independently of the solver's own code: the termination test of
 * {@link dev.altdiff.api.Settings} (primal and dual residuals and the duality gap) recomputed here from the
 * caller's problem in plain loops.
 */
final class StatusContract {
    /** Relative slack for rounding: the solver tests scaled data, exact up to the products' rounding. */
    private static final double ROUNDING = 1e-9;

    private StatusContract() {
    }

    /**
     * Asserts that a SOLVED solution passes the test at ε (to rounding) and that TRUNCATED, MAX_ITERATIONS
     * and TIME_LIMIT solutions fail it (to rounding).
     */
    static void assertHonest(QuadraticProgram qp, Solution s, double eps, String what) {
        double[] r = residuals(qp, s);
        String detail = what + ": " + s.status() + " with primal " + r[0] + " (scale " + r[1] + "), dual " + r[2]
                + " (scale " + r[3] + "), gap " + r[4] + " (scale " + r[5] + "), eps " + eps;
        if (s.status() == Status.SOLVED) {
            assertTrue(passes(r, eps, 1 + ROUNDING), detail);
        } else if (s.status() == Status.TRUNCATED || s.status() == Status.MAX_ITERATIONS
                || s.status() == Status.TIME_LIMIT) {
            assertFalse(passes(r, eps, 1 - ROUNDING), detail);
        }
    }

    /** @return whether the residuals, each against ε + ε·scale times slack, pass (primal, dual and gap) */
    private static boolean passes(double[] r, double eps, double slack) {
        for (int i = 0; i < 6; i += 2) {
            if (!(Math.abs(r[i]) <= (eps + eps * r[i + 1]) * slack)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return {primal residual, its scale, dual residual, its scale, duality gap xᵀPx + qᵀx + bᵀλ + hᵀν, its
     *     scale max(|xᵀPx|, |qᵀx|, |bᵀλ|, |hᵀν|)} of a solution on the problem
     */
    static double[] residuals(QuadraticProgram qp, Solution s) {
        int n = qp.n();
        int p = qp.p();
        int m = qp.m();
        double[] x = s.x();
        double[] pm = qp.hasP() ? qp.rowMajor(Block.P) : null;
        double[] a = qp.rowMajor(Block.A);
        double[] g = qp.rowMajor(Block.G);
        double primal = 0;
        double primalScale = 0;
        for (int i = 0; i < p; i++) {
            double ax = 0;
            for (int j = 0; j < n; j++) {
                ax += a[i * n + j] * x[j];
            }
            primal = Math.max(primal, Math.abs(ax - qp.b()[i]));
            primalScale = Math.max(primalScale, Math.max(Math.abs(ax), Math.abs(qp.b()[i])));
        }
        for (int i = 0; i < m; i++) {
            double gx = 0;
            for (int j = 0; j < n; j++) {
                gx += g[i * n + j] * x[j];
            }
            primal = Math.max(primal, Math.abs(gx + s.s()[i] - qp.h()[i]));
            primalScale = Math.max(primalScale, Math.max(Math.abs(gx), Math.abs(qp.h()[i])));
        }
        double dual = 0;
        double[] px = new double[n];
        double[] atl = new double[n];
        double[] gtn = new double[n];
        for (int j = 0; j < n; j++) {
            for (int k = 0; pm != null && k < n; k++) {
                px[j] += pm[j * n + k] * x[k];
            }
            for (int i = 0; i < p; i++) {
                atl[j] += a[i * n + j] * s.lambda()[i];
            }
            for (int i = 0; i < m; i++) {
                gtn[j] += g[i * n + j] * s.nu()[i];
            }
        }
        double dualScale = 0;
        for (int j = 0; j < n; j++) {
            double q = qp.q()[j];
            dual = Math.max(dual, Math.abs(px[j] + q + atl[j] + gtn[j]));
            dualScale = Math.max(dualScale, Math.max(Math.max(Math.abs(px[j]), Math.abs(q)),
                    Math.max(Math.abs(atl[j]), Math.abs(gtn[j]))));
        }
        double xPx = 0;
        double qx = 0;
        for (int j = 0; j < n; j++) {
            xPx += x[j] * px[j];
            qx += qp.q()[j] * x[j];
        }
        double bLambda = 0;
        for (int i = 0; i < p; i++) {
            bLambda += qp.b()[i] * s.lambda()[i];
        }
        double hNu = 0;
        for (int i = 0; i < m; i++) {
            hNu += qp.h()[i] * s.nu()[i];
        }
        double gapScale = Math.max(Math.max(Math.abs(xPx), Math.abs(qx)), Math.max(Math.abs(bLambda), Math.abs(hNu)));
        return new double[]{primal, primalScale, dual, dualScale, xPx + qx + bLambda + hNu, gapScale};
    }
}
