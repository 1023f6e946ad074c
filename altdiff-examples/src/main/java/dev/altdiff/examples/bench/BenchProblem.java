package dev.altdiff.examples.bench;

import dev.altdiff.api.QuadraticProgram;

import java.util.Random;

/**
 * The paper's dense QP for the benchmarks (as {@code RandomQp.paper} in the core tests): P = ZᵀZ with
 * Z standard normal n×n, p = n/2 equalities and m = n/5 inequalities with standard normal A, b, G, h.
 */
final class BenchProblem {
    private BenchProblem() {
    }

    static QuadraticProgram paper(long seed, int n) {
        Random r = new Random(seed);
        int p = n / 2;
        int m = n / 5;
        double[][] z = gaussian(r, n, n);
        double[][] pm = new double[n][n];
        for (int k = 0; k < n; k++) { // P = ZᵀZ, accumulated row by row of Z (cache friendly)
            double[] zk = z[k];
            for (int i = 0; i < n; i++) {
                double zki = zk[i];
                double[] row = pm[i];
                for (int j = 0; j <= i; j++) {
                    row[j] += zki * zk[j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                pm[j][i] = pm[i][j];
            }
        }
        return QuadraticProgram.builder(n).P(pm).q(gaussian(r, n))
                .equalities(gaussian(r, p, n), gaussian(r, p))
                .inequalities(gaussian(r, m, n), gaussian(r, m))
                .build();
    }

    static double[][] gaussian(Random r, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return a;
    }

    static double[] gaussian(Random r, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }
}
