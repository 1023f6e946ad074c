package dev.altdiff.testkit;

import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.NegativeEntropy;

import java.util.Random;

/**
 * The paper's negative-entropy problem: minimize −yᵀx + Σ xᵢ log xᵢ s.t. Ax = b, Gx ≤ h (x &gt; 0 is
 * the domain), y uniform on [0, 1), A and G standard normal.
 * <ul>
 *   <li>{@link Draw#PAPER}: b and h standard normal too, as the paper's code draws them. Feasible with
 *       high probability when n is well above 2(p + m) (n random Gaussian columns of [A 0; G I] then
 *       positively span the space, Wendel), but the solution then has entries far below 1, which
 *       makes H(x) = diag(1/x) + ρ(AᵀA + GᵀG) badly conditioned and ADMM slow; not guaranteed feasible.</li>
 *   <li>{@link Draw#PLANTED}: b = Ax₀ and h = Gx₀ + |ξ| (ξ standard normal) for x₀ uniform on
 *       [0.5, 1.5): feasible by construction, with a strictly feasible point x₀ &gt; 0 (Slater), and the
 *       inequality slacks at x₀ of order 1. The default of the demo and the tests.</li>
 * </ul>
 */
public final class EntropyProblem {
    /** How b and h are drawn. */
    public enum Draw { PAPER, PLANTED }

    private EntropyProblem() {
    }

    /** @return the problem of size (n, p, m) drawn from the seed (p or m may be 0) */
    public static ConvexProgram generate(long seed, int n, int p, int m, Draw draw) {
        Random random = new Random(seed);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextDouble();
        }
        double[][] a = Gaussian.matrix(random, p, n);
        double[][] g = Gaussian.matrix(random, m, n);
        double[] x0 = new double[n];
        for (int i = 0; i < n; i++) {
            x0[i] = 0.5 + random.nextDouble();
        }
        double[] b = new double[p];
        double[] h = new double[m];
        for (int k = 0; k < p; k++) {
            b[k] = draw == Draw.PAPER ? random.nextGaussian() : dot(a[k], x0);
        }
        for (int i = 0; i < m; i++) {
            h[i] = draw == Draw.PAPER ? random.nextGaussian() : dot(g[i], x0) + Math.abs(random.nextGaussian());
        }
        return new ConvexProgram(new NegativeEntropy(y), p > 0 ? a : null, p > 0 ? b : null, m > 0 ? g : null,
                m > 0 ? h : null);
    }

    private static double dot(double[] u, double[] w) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            s += u[i] * w[i];
        }
        return s;
    }
}
