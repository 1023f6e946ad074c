package dev.altdiff.testkit;

import dev.altdiff.api.QuadraticProgram;

import java.util.Random;

/**
 * Seeded problems with a planted KKT point: x*, λ*, ν* are chosen first and the data are built
 * around them, so the exact solution is known.
 * <ul>
 *   <li>x*, λ*, A, G standard normal; an active set of k inequality rows (k = min(⌊m/2⌋, n − p) for
 *       a QP, k = n − p for an LP);</li>
 *   <li>ν*ᵢ ∈ [μ, 1 + μ] on active rows and 0 elsewhere;</li>
 *   <li>hᵢ = Gᵢx* on active rows and hᵢ = Gᵢx* + μ + Uᵢ (Uᵢ uniform in [0, 1)) on inactive rows;</li>
 *   <li>P = ZᵀZ/n + {@value #P_SHIFT}·I with Z standard normal n×n (positive definite), or absent
 *       for an LP;</li>
 *   <li>q = −Px* − Aᵀλ* − Gᵀν*.</li>
 * </ul>
 * Then (x*, λ*, ν*) satisfies the KKT conditions exactly (up to the rounding of q and h) with
 * strict complementarity margin μ: every active constraint has νᵢ ≥ μ, every inactive one slack
 * hᵢ − Gᵢx* ≥ μ. It is the unique KKT point: x* because P ≻ 0 (QP) or because the k = n − p active
 * rows with A form a square nonsingular [A; G_active] whose multipliers are all nonzero (LP: a
 * non-degenerate vertex); λ*, ν* because [A; G_active] has full row rank p + k ≤ n. A and G are
 * redrawn until the condition number of [A; G_active] is at most {@value #MAX_CONDITION_PER_N}·n,
 * which keeps the multipliers well determined and ADMM on the LPs reasonably fast (a random square
 * Gaussian matrix has condition number of order n, with a heavy tail). Note that a QP with
 * p + k = n (e.g. m ≥ 2(n − p)) also has a vertex solution: ∂x/∂q = 0 there, so gradient checks of q
 * want p + ⌊m/2⌋ &lt; n.
 *
 * <p>Optionally, {@code weaklyActive} of the inactive rows are made weakly active instead:
 * hᵢ = Gᵢx* (computed as the same left-to-right sum a solver's Gx − h uses, so rᵢ = 0 exactly) and
 * νᵢ = 0, a degenerate point where x*(θ) is not differentiable; for tests of that error.
 *
 * @param problem the problem
 * @param x       x*, length n
 * @param lambda  λ*, length p
 * @param nu      ν*, length m
 * @param active  whether row i of G is active with νᵢ ≥ μ
 * @param margin  the strict complementarity margin μ
 */
public record PlantedQp(QuadraticProgram problem, double[] x, double[] lambda, double[] nu, boolean[] active,
                        double margin) {
    /** The diagonal shift of P = ZᵀZ/n + shift·I. */
    public static final double P_SHIFT = 0.1;

    /** [A; G_active] is redrawn until its condition number is at most this times n. */
    public static final double MAX_CONDITION_PER_N = 10;

    /** @return a planted problem without weakly active rows (see the other overload) */
    public static PlantedQp generate(long seed, int n, int p, int m, double margin, boolean withP) {
        return generate(seed, n, p, m, margin, withP, 0);
    }

    /**
     * @param seed         random seed
     * @param n            variables, ≥ 1
     * @param p            equality rows, 0 ≤ p ≤ n
     * @param m            inequality rows, ≥ 0 (an LP needs m ≥ n − p + weaklyActive)
     * @param margin       μ &gt; 0
     * @param withP        false for an LP (P absent; x* is then a vertex)
     * @param weaklyActive number of rows with νᵢ = 0 and rᵢ = 0 (degenerate), taken from the inactive rows
     * @return the problem with its planted solution
     */
    public static PlantedQp generate(long seed, int n, int p, int m, double margin, boolean withP, int weaklyActive) {
        if (n < 1 || p < 0 || p > n || m < 0 || !(margin > 0) || weaklyActive < 0) {
            throw new IllegalArgumentException("need n >= 1, 0 <= p <= n, m >= 0, margin > 0, weaklyActive >= 0");
        }
        int k = withP ? Math.min(m / 2, n - p) : n - p;
        if (k + weaklyActive > m) {
            throw new IllegalArgumentException("m = " + m + " rows cannot hold " + k + " active and " + weaklyActive
                    + " weakly active ones" + (withP ? "" : " (an LP vertex needs n - p = " + (n - p) + " active rows)"));
        }
        Random r = new Random(seed);
        double[] x = Gaussian.vector(r, n);
        double[] lambda = Gaussian.vector(r, p);
        // a random permutation: its first k rows are active, the next weaklyActive ones weakly active
        int[] order = new int[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        for (int i = m - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        boolean[] active = new boolean[m];
        boolean[] weak = new boolean[m];
        for (int t = 0; t < k; t++) {
            active[order[t]] = true;
        }
        double[][] a;
        double[][] g;
        int draws = 0;
        do { // redraw until [A; G_active] is well conditioned
            if (++draws > 1000) {
                throw new IllegalStateException("no well-conditioned [A; G_active] in 1000 draws");
            }
            a = Gaussian.matrix(r, p, n);
            g = Gaussian.matrix(r, m, n);
        } while (condition(a, g, active) > MAX_CONDITION_PER_N * n);
        for (int t = k; t < k + weaklyActive; t++) {
            weak[order[t]] = true;
        }
        double[] nu = new double[m];
        double[] h = new double[m];
        for (int i = 0; i < m; i++) {
            double gx = 0;
            for (int j = 0; j < n; j++) {
                gx += g[i][j] * x[j];
            }
            double u = r.nextDouble();
            if (active[i]) {
                nu[i] = margin + u;
                h[i] = gx;
            } else if (weak[i]) {
                h[i] = gx;
            } else {
                h[i] = gx + margin + u;
            }
        }
        double[][] pm = null;
        if (withP) {
            pm = RandomQp.gram(null, Gaussian.matrix(r, n, n), n, P_SHIFT);
        }
        double[] q = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            if (pm != null) {
                for (int t = 0; t < n; t++) {
                    s += pm[j][t] * x[t];
                }
            }
            for (int t = 0; t < p; t++) {
                s += a[t][j] * lambda[t];
            }
            for (int i = 0; i < m; i++) {
                s += g[i][j] * nu[i];
            }
            q[j] = -s;
        }
        QuadraticProgram.Builder builder = QuadraticProgram.builder(n)
                .name("planted-" + seed + "-" + n + "-" + p + "-" + m + (withP ? "" : "-lp")).P(pm).q(q);
        if (p > 0) {
            builder.equalities(a, times(a, x));
        }
        if (m > 0) {
            builder.inequalities(g, h);
        }
        return new PlantedQp(builder.build(), x, lambda, nu, active, margin);
    }

    /**
     * @return the 2-norm condition number of M = [A; G_active] (full row rank), as √(‖W‖₁‖W⁻¹‖₁) of
     *         its Gram matrix W = MMᵀ (within a factor √(p+k) of the exact one); infinity when W is singular
     */
    static double condition(double[][] a, double[][] g, boolean[] active) {
        java.util.List<double[]> rows = new java.util.ArrayList<>(java.util.Arrays.asList(a));
        for (int i = 0; i < g.length; i++) {
            if (active[i]) {
                rows.add(g[i]);
            }
        }
        int k = rows.size();
        if (k == 0) {
            return 1;
        }
        double[][] w = new double[k][2 * k]; // [W | I], Gauss-Jordan to [I | W⁻¹]
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int t = 0; t < rows.get(i).length; t++) {
                    s += rows.get(i)[t] * rows.get(j)[t];
                }
                w[i][j] = s;
            }
            w[i][k + i] = 1;
        }
        double normW = norm1(w, 0, k);
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int i = col + 1; i < k; i++) {
                if (Math.abs(w[i][col]) > Math.abs(w[pivot][col])) {
                    pivot = i;
                }
            }
            if (Math.abs(w[pivot][col]) <= 1e-14 * normW) {
                return Double.POSITIVE_INFINITY;
            }
            double[] t = w[pivot];
            w[pivot] = w[col];
            w[col] = t;
            double d = w[col][col];
            for (int j = 0; j < 2 * k; j++) {
                w[col][j] /= d;
            }
            for (int i = 0; i < k; i++) {
                if (i != col && w[i][col] != 0) {
                    double f = w[i][col];
                    for (int j = 0; j < 2 * k; j++) {
                        w[i][j] -= f * w[col][j];
                    }
                }
            }
        }
        return Math.sqrt(normW * norm1(w, k, k));
    }

    /** @return the 1-norm (largest column sum) of the k columns of w starting at from */
    private static double norm1(double[][] w, int from, int k) {
        double max = 0;
        for (int j = from; j < from + k; j++) {
            double s = 0;
            for (double[] row : w) {
                s += Math.abs(row[j]);
            }
            max = Math.max(max, s);
        }
        return max;
    }

    private static double[] times(double[][] a, double[] x) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += a[i][j] * x[j];
            }
            out[i] = s;
        }
        return out;
    }
}
