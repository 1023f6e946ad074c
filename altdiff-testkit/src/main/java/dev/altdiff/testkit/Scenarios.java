package dev.altdiff.testkit;

import dev.altdiff.api.QuadraticProgram;

import java.util.Random;

/**
 * Many scenarios of one model, the common case of solving at scale: shared P = ZᵀZ/n + ½I, A (p×n) and
 * G (m×n) from {@link RandomQp#dense} (G's first two rows replaced by e₀ and −e₀ when m ≥ 2); scenario
 * {@code id} has its own q, upstream gradient v, and b = Az, h = Gz + s (s ≥ 0.1) for its own z, so it
 * is feasible — except every {@code infeasibleEvery}-th scenario, whose h₀ = h₁ = −1 ask for x₀ ≤ −1
 * and x₀ ≥ 1. A scenario depends only on (seed, id), so it can be drawn anywhere, in any order.
 *
 * @param n, p, m         the sizes (m ≥ 2 when infeasibleEvery &gt; 0)
 * @param seed            the seed of the model and of every scenario
 * @param infeasibleEvery 0 for none
 */
public record Scenarios(int n, int p, int m, long seed, int infeasibleEvery) {

    /** One scenario's data. */
    public record Scenario(long id, double[] q, double[] b, double[] h, double[] v) {
    }

    /** @throws IllegalArgumentException for sizes out of range */
    public Scenarios {
        if (n < 1 || p < 0 || m < 0 || p > n || infeasibleEvery < 0 || (infeasibleEvery > 0 && m < 2)) {
            throw new IllegalArgumentException("need n >= 1, 0 <= p <= n, m >= 0 (m >= 2 for infeasible scenarios)"
                    + " and infeasibleEvery >= 0, got n=" + n + ", p=" + p + ", m=" + m + ", every " + infeasibleEvery);
        }
    }

    /** @return the shared model (its q, b, h are the draw's, not a scenario's) */
    public QuadraticProgram model() {
        QuadraticProgram drawn = RandomQp.dense(null, seed, n, p, m, n, 0.5, "scenarios");
        if (m < 2) {
            return drawn;
        }
        double[][] g = drawn.G();
        g[0] = new double[n];
        g[0][0] = 1;
        g[1] = new double[n];
        g[1][0] = -1;
        QuadraticProgram.Builder b = QuadraticProgram.builder(n).name("scenarios").P(drawn.P()).q(drawn.q())
                .inequalities(g, drawn.h());
        if (p > 0) {
            b.equalities(drawn.A(), drawn.b());
        }
        return b.build();
    }

    /** @return scenario {@code id} of the model (pass {@link #model()}'s A and G, drawn once) */
    public Scenario scenario(long id, double[][] a, double[][] g) {
        Random r = new Random(seed * 1_000_003L + id);
        double[] z = Gaussian.vector(r, n);
        double[] q = Gaussian.vector(r, n);
        double[] v = Gaussian.vector(r, n);
        double[] b = times(a, z);
        double[] h = times(g, z);
        for (int i = 0; i < h.length; i++) {
            h[i] += 0.1 + Math.abs(r.nextGaussian());
        }
        if (infeasibleEvery > 0 && id % infeasibleEvery == infeasibleEvery - 1) {
            h[0] = -1;
            h[1] = -1;
        }
        return new Scenario(id, q, b, h, v);
    }

    private static double[] times(double[][] a, double[] x) {
        if (a == null) {
            return new double[0];
        }
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < x.length; j++) {
                y[i] += a[i][j] * x[j];
            }
        }
        return y;
    }
}
