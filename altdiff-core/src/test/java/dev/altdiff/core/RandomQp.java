package dev.altdiff.core;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;

import java.util.Random;

/** Seeded random problems for tests. */
public final class RandomQp {
    private RandomQp() {
    }

    public static double[][] gaussian(Random r, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return a;
    }

    public static double[] gaussian(Random r, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    /**
     * @return a standard normal direction dθ in every block present (dP symmetric), in the layout of
     *     {@link Gradients}; absent blocks (p = 0, m = 0) are null
     */
    public static Gradients direction(Random r, int n, int p, int m) {
        double[][] dP = gaussian(r, n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                dP[i][j] = dP[j][i];
            }
        }
        return new Gradients(dP, gaussian(r, n), p > 0 ? gaussian(r, p, n) : null, p > 0 ? gaussian(r, p) : null,
                m > 0 ? gaussian(r, m, n) : null, m > 0 ? gaussian(r, m) : null);
    }

    /** P = ZᵀZ (+ shift·I), all other data standard normal: the paper's dense QP. */
    public static QuadraticProgram paper(long seed, int n, int p, int m, double shift) {
        Random r = new Random(seed);
        double[][] z = gaussian(r, n, n);
        double[][] pm = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += z[k][i] * z[k][j];
                }
                pm[i][j] = s;
                pm[j][i] = s;
            }
            pm[i][i] += shift;
        }
        QuadraticProgram.Builder b = QuadraticProgram.builder(n).P(pm).q(gaussian(r, n));
        if (p > 0) {
            b.equalities(gaussian(r, p, n), gaussian(r, p));
        }
        if (m > 0) {
            b.inequalities(gaussian(r, m, n), gaussian(r, m));
        }
        return b.build();
    }
}
