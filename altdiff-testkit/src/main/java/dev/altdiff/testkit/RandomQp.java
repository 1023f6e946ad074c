package dev.altdiff.testkit;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;

import java.util.Random;

/**
 * Seeded dense random QPs: the paper's draw, the well-conditioned draw, sparsemax, and random
 * directions dθ. The dense draws take, from {@code new Random(seed)} in this order, Z (n×n, row by
 * row), q, A, b, G, h, all standard normal, and set P = ZᵀZ/divisor + shift·I.
 */
public final class RandomQp {
    private RandomQp() {
    }

    /**
     * @return a standard normal direction dθ in every block present (dP symmetric), in the layout of
     *     {@link Gradients}; absent blocks (p = 0, m = 0) are null
     */
    public static Gradients direction(Random r, int n, int p, int m) {
        double[][] dP = Gaussian.matrix(r, n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                dP[i][j] = dP[j][i];
            }
        }
        return new Gradients(dP, Gaussian.vector(r, n), p > 0 ? Gaussian.matrix(r, p, n) : null,
                p > 0 ? Gaussian.vector(r, p) : null, m > 0 ? Gaussian.matrix(r, m, n) : null,
                m > 0 ? Gaussian.vector(r, m) : null);
    }

    /** P = ZᵀZ (+ shift·I), all other data standard normal: the paper's dense QP. */
    public static QuadraticProgram paper(long seed, int n, int p, int m, double shift) {
        return dense(null, seed, n, p, m, 1.0, shift, null);
    }

    /** The paper's benchmark size: P = ZᵀZ, p = n/2 equalities, m = n/5 inequalities. */
    public static QuadraticProgram paper(long seed, int n) {
        return paper(seed, n, n / 2, n / 5, 0);
    }

    /** P = ZᵀZ/n + I (eigenvalues in about [1, 5]), the other blocks the paper's draws. */
    public static QuadraticProgram wellConditioned(long seed, int n, int p, int m) {
        return dense(null, seed, n, p, m, n, 1.0, null);
    }

    /**
     * The dense draw with P = ½(G + Gᵀ)/divisor + shift·I for the Gram matrix G = ZᵀZ.
     *
     * @param la   the backend whose gemm forms G (fast at large n), or null for a plain Java loop
     * @param name the problem's name (null: the builder's default)
     */
    public static QuadraticProgram dense(LinearAlgebra la, long seed, int n, int p, int m, double divisor, double shift,
                                         String name) {
        Random r = new Random(seed);
        double[][] z = Gaussian.matrix(r, n, n);
        double[][] pm = gram(la, z, divisor, shift);
        QuadraticProgram.Builder b = QuadraticProgram.builder(n).name(name).P(pm).q(Gaussian.vector(r, n));
        if (p > 0) {
            b.equalities(Gaussian.matrix(r, p, n), Gaussian.vector(r, p));
        }
        if (m > 0) {
            b.inequalities(Gaussian.matrix(r, m, n), Gaussian.vector(r, m));
        }
        return b.build();
    }

    /**
     * @return ½(ZᵀZ + (ZᵀZ)ᵀ)/divisor + shift·I for a square Z, by the backend's gemm or (la null) by a
     *         plain loop accumulating row by row of Z, which is symmetric as computed
     */
    static double[][] gram(LinearAlgebra la, double[][] z, double divisor, double shift) {
        int n = z.length;
        double[][] pm = new double[n][n];
        if (la != null) {
            double[] flat = new double[n * n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(z[i], 0, flat, i * n, n);
            }
            Matrix zm = la.matrix(n, n, flat);
            double[] ztz = la.multiply(zm, true, zm, false).toRowMajor();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    pm[i][j] = 0.5 * (ztz[i * n + j] + ztz[j * n + i]) / divisor;
                }
            }
        } else {
            for (double[] zk : z) { // cache friendly: G += z_k z_kᵀ on the lower triangle
                for (int i = 0; i < n; i++) {
                    double zki = zk[i];
                    double[] row = pm[i];
                    for (int j = 0; j <= i; j++) {
                        row[j] += zki * zk[j];
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    pm[i][j] /= divisor;
                    pm[j][i] = pm[i][j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            pm[i][i] += shift;
        }
        return pm;
    }

    /**
     * The sparsemax projection as a QP: minimize ½‖x‖² − zᵀx s.t. 1ᵀx = 1, 0 ≤ x ≤ 1, with z standard
     * normal from {@code new Random(seed)} (p = 1, m = 2n).
     */
    public static QuadraticProgram sparsemax(int n, long seed) {
        double[] z = Gaussian.vector(new Random(seed), n);
        double[][] identity = new double[n][n];
        double[][] g = new double[2 * n][n];
        double[] h = new double[2 * n];
        double[] q = new double[n];
        double[][] ones = new double[1][n];
        for (int i = 0; i < n; i++) {
            identity[i][i] = 1.0;
            g[i][i] = 1.0; // x_i <= 1
            h[i] = 1.0;
            g[n + i][i] = -1.0; // -x_i <= 0
            q[i] = -z[i];
            ones[0][i] = 1.0;
        }
        return QuadraticProgram.builder(n).name("sparsemax-" + n + "-seed" + seed).P(identity).q(q)
                .equalities(ones, new double[] {1.0}).inequalities(g, h).build();
    }
}
