package dev.altdiff.core;

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
