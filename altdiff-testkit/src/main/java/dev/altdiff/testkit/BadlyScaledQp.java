package dev.altdiff.testkit;

import dev.altdiff.api.QuadraticProgram;

import java.util.Random;

/**
 * A planted problem ({@link PlantedQp}) after the change of variables x = S y and row scalings R_A,
 * R_G, with S, R_A, R_G log-uniform over 10^±spread: a badly scaled problem whose KKT point is
 * known exactly, for tests of equilibration (Ruiz scaling in altdiff-core).
 *
 * @param problem the badly scaled problem
 * @param y       its solution S⁻¹x*
 * @param lambda  its equality multipliers R_A⁻¹λ*
 * @param nu      its inequality multipliers R_G⁻¹ν*
 */
public record BadlyScaledQp(QuadraticProgram problem, double[] y, double[] lambda, double[] nu) {
    /**
     * P' = S P S, q' = S q, A' = R_A A S, b' = R_A b, G' = R_G G S, h' = R_G h, with S, R_A, R_G
     * entries 10^U(−spread, spread); the KKT point is y = S⁻¹x*, λ' = R_A⁻¹λ*, ν' = R_G⁻¹ν*.
     */
    public static BadlyScaledQp generate(PlantedQp planted, double spread, long seed) {
        QuadraticProgram qp = planted.problem();
        int n = qp.n();
        int p = qp.p();
        int m = qp.m();
        Random r = new Random(seed);
        double[] s = logUniform(r, n, spread);
        double[] ra = logUniform(r, p, spread);
        double[] rg = logUniform(r, m, spread);
        double[][] pm = qp.P();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                pm[i][j] *= s[i] * s[j];
            }
        }
        double[] q = qp.q();
        double[] y = planted.x().clone();
        for (int i = 0; i < n; i++) {
            q[i] *= s[i];
            y[i] /= s[i];
        }
        QuadraticProgram.Builder b = QuadraticProgram.builder(n).P(pm).q(q);
        double[] lambda = planted.lambda().clone();
        double[] nu = planted.nu().clone();
        if (p > 0) {
            double[][] a = qp.A();
            double[] bv = qp.b();
            rowScale(a, bv, ra, s, lambda);
            b.equalities(a, bv);
        }
        if (m > 0) {
            double[][] g = qp.G();
            double[] h = qp.h();
            rowScale(g, h, rg, s, nu);
            b.inequalities(g, h);
        }
        return new BadlyScaledQp(b.build(), y, lambda, nu);
    }

    private static void rowScale(double[][] a, double[] rhs, double[] rows, double[] cols, double[] multiplier) {
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < cols.length; j++) {
                a[i][j] *= rows[i] * cols[j];
            }
            rhs[i] *= rows[i];
            multiplier[i] /= rows[i];
        }
    }

    private static double[] logUniform(Random r, int len, double spread) {
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
            out[i] = Math.pow(10, spread * (2 * r.nextDouble() - 1));
        }
        return out;
    }
}
