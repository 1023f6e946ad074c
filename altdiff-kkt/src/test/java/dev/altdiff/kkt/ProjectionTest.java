package dev.altdiff.kkt;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.NegativeEntropy;
import dev.altdiff.api.objective.ObjectiveGradients;
import dev.altdiff.api.objective.QuadraticObjective;
import dev.altdiff.core.GeneralAltDiff;
import dev.altdiff.testkit.Gaussian;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static dev.altdiff.kkt.Fixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Projections with closed-form solutions and Jacobians, solved and differentiated on the
 * general-objective path (Newton x-step ADMM, Alt-Diff reverse sweep), on every backend:
 * <ul>
 *   <li>softmax = argmin −zᵀx + Σ xᵢ log xᵢ s.t. 1ᵀx = 1 (entropy objective, θ = y = z):
 *       ∂ℓ/∂z = x ⊙ v − x(xᵀv); with 1ᵀx = b, x = b·softmax(z), so ∂ℓ/∂b = vᵀsoftmax(z);</li>
 *   <li>entropy with a box x ≤ u (G = I): x = min(exp(z − 1), u), ∂ℓ/∂zᵢ = vᵢxᵢ off the bound,
 *       ∂ℓ/∂uᵢ = vᵢ on it;</li>
 *   <li>sparsemax = argmin ½‖x − z‖² s.t. 1ᵀx = 1, x ≥ 0 (quadratic objective, θ = q = −z): the sort
 *       algorithm (Martins &amp; Astudillo 2016), ∂x/∂z = diag(s) − ssᵀ/|S| on the support S;</li>
 *   <li>the box projection clip(z, l, u) (G = [I; −I], h = [u; −l]): ∂x/∂z = diag(1[l &lt; z &lt; u]),
 *       ∂xᵢ/∂uᵢ = 1 where clipped above, ∂xᵢ/∂lᵢ = 1 (so ∂ℓ/∂h_{n+i} = −vᵢ) where clipped below.</li>
 * </ul>
 * The draws have a strict-complementarity margin (checked: no zᵢ within 1e-3 of a kink), so the
 * solution maps are smooth there. Tolerance: the solve stops at relative change 1e-13; with ADMM's
 * linear rate r the iterate error is then ≲ 1e-13·r/(1 − r), and the truncated gradient's error is
 * of the same order (ALTDIFF.md §4) times the amplification of the recursion; at 1e-11 the
 * box-constrained entropy (G = I, whose clipped entries converge slowest) still had 4.5e-7 error in
 * ∂ℓ/∂u, so its rate constant is ~5e4, and 1e-13 puts the errors near 5e-9: 1e-7 absolute on O(1)
 * values leaves a 20× margin.
 */
class ProjectionTest {
    static final Settings TIGHT = new Settings(1.0, 1e-13, 200_000, Truncation.RELATIVE_CHANGE);
    static final double TOL = 1e-7;

    static Stream<Arguments> cases() {
        return Fixtures.onEveryBackend(new Object[]{1L, 8}, new Object[]{2L, 30});
    }

    @ParameterizedTest(name = "seed {0}: n={1} on {2}")
    @MethodSource("cases")
    void softmax(long seed, int n, LinearAlgebra la) {
        double[] z = Gaussian.vector(new Random(seed), n, 1.0);
        double[] v = Gaussian.vector(new Random(seed + 100), n, 1.0);
        ConvexProgram problem = new ConvexProgram(new NegativeEntropy(z), new double[][]{ones(n)}, new double[]{1},
                null, null);
        GeneralAltDiff.Solved alt = GeneralAltDiff.solve(problem, TIGHT, la);
        Fixtures.assertStoppedByItsRule(alt.solution().status());
        double max = Arrays.stream(z).max().orElseThrow();
        double[] x = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            x[i] = Math.exp(z[i] - max);
            sum += x[i];
        }
        double xv = 0;
        for (int i = 0; i < n; i++) {
            x[i] /= sum;
            xv += x[i] * v[i];
        }
        double[] gz = new double[n];
        for (int i = 0; i < n; i++) {
            gz[i] = x[i] * v[i] - x[i] * xv;
        }
        ObjectiveGradients g = alt.backward(v);
        assertTrue(maxAbsDiff(alt.solution().x(), x) <= TOL, "x");
        assertTrue(maxAbsDiff(g.theta(), gz) <= TOL, "d/dz " + maxAbsDiff(g.theta(), gz));
        assertEquals(xv, g.b()[0], TOL, "d/db");
    }

    @ParameterizedTest(name = "seed {0}: n={1} on {2}")
    @MethodSource("cases")
    void entropyOnABox(long seed, int n, LinearAlgebra la) {
        double[] z = Gaussian.vector(new Random(seed), n, 1.0);
        double[] v = Gaussian.vector(new Random(seed + 100), n, 1.0);
        double[] u = new double[n];
        Random r = new Random(seed + 200);
        double[][] eye = new double[n][n];
        for (int i = 0; i < n; i++) {
            eye[i][i] = 1;
            // half the entries clipped: u = exp(z − 1)·(1 ± (0.2..0.7)), a margin ≥ 20 % either way
            u[i] = Math.exp(z[i] - 1) * (i % 2 == 0 ? 1 - (0.2 + 0.5 * r.nextDouble()) : 1.2 + 0.5 * r.nextDouble());
        }
        ConvexProgram problem = new ConvexProgram(new NegativeEntropy(z), null, null, eye, u);
        GeneralAltDiff.Solved alt = GeneralAltDiff.solve(problem, TIGHT, la);
        Fixtures.assertStoppedByItsRule(alt.solution().status());
        double[] x = new double[n];
        double[] gz = new double[n];
        double[] gu = new double[n];
        for (int i = 0; i < n; i++) {
            double free = Math.exp(z[i] - 1);
            x[i] = Math.min(free, u[i]);
            if (free < u[i]) {
                gz[i] = v[i] * x[i];
            } else {
                gu[i] = v[i];
            }
        }
        ObjectiveGradients g = alt.backward(v);
        assertTrue(maxAbsDiff(alt.solution().x(), x) <= TOL, "x");
        assertTrue(maxAbsDiff(g.theta(), gz) <= TOL, "d/dz " + maxAbsDiff(g.theta(), gz));
        assertTrue(maxAbsDiff(g.h(), gu) <= TOL, "d/du " + maxAbsDiff(g.h(), gu));
    }

    @ParameterizedTest(name = "seed {0}: n={1} on {2}")
    @MethodSource("cases")
    void sparsemax(long seed, int n, LinearAlgebra la) {
        double[] z = Gaussian.vector(new Random(seed), n, 1.0);
        double[] v = Gaussian.vector(new Random(seed + 100), n, 1.0);
        double[] sorted = z.clone();
        Arrays.sort(sorted);
        double cum = 0;
        double tau = 0;
        for (int k = 1; k <= n; k++) {
            double zk = sorted[n - k];
            cum += zk;
            if (1 + k * zk > cum) {
                tau = (cum - 1) / k;
            }
        }
        double[] x = new double[n];
        boolean[] support = new boolean[n];
        int size = 0;
        double vSupport = 0;
        for (int i = 0; i < n; i++) {
            assertTrue(Math.abs(z[i] - tau) > 1e-3, "draw without margin");
            x[i] = Math.max(0, z[i] - tau);
            support[i] = z[i] > tau;
            if (support[i]) {
                size++;
                vSupport += v[i];
            }
        }
        double[] gq = new double[n]; // θ = q = −z: ∂ℓ/∂q = −Jᵀv, J = diag(s) − ssᵀ/|S|
        for (int i = 0; i < n; i++) {
            gq[i] = support[i] ? -(v[i] - vSupport / size) : 0;
        }
        double[][] g = new double[n][n];
        double[] q = new double[n];
        double[][] eye = new double[n][n];
        for (int i = 0; i < n; i++) {
            eye[i][i] = 1;
            g[i][i] = -1;
            q[i] = -z[i];
        }
        ConvexProgram problem = new ConvexProgram(new QuadraticObjective(eye, q), new double[][]{ones(n)},
                new double[]{1}, g, new double[n]);
        GeneralAltDiff.Solved alt = GeneralAltDiff.solve(problem, TIGHT, la);
        Fixtures.assertStoppedByItsRule(alt.solution().status());
        ObjectiveGradients grad = alt.backward(v);
        assertTrue(maxAbsDiff(alt.solution().x(), x) <= TOL, "x " + maxAbsDiff(alt.solution().x(), x));
        assertTrue(maxAbsDiff(grad.theta(), gq) <= TOL, "d/dq " + maxAbsDiff(grad.theta(), gq));
    }

    @ParameterizedTest(name = "seed {0}: n={1} on {2}")
    @MethodSource("cases")
    void boxProjection(long seed, int n, LinearAlgebra la) {
        double[] z = Gaussian.vector(new Random(seed), n, 2.0);
        double[] v = Gaussian.vector(new Random(seed + 100), n, 1.0);
        double lo = -1;
        double hi = 1;
        double[][] eye = new double[n][n];
        double[][] g = new double[2 * n][n];
        double[] h = new double[2 * n];
        double[] q = new double[n];
        double[] x = new double[n];
        double[] gq = new double[n];
        double[] gh = new double[2 * n];
        for (int i = 0; i < n; i++) {
            assertTrue(Math.abs(Math.abs(z[i]) - 1) > 1e-3, "draw without margin");
            eye[i][i] = 1;
            g[i][i] = 1;
            g[n + i][i] = -1;
            h[i] = hi;
            h[n + i] = -lo;
            q[i] = -z[i];
            x[i] = Math.max(lo, Math.min(hi, z[i]));
            if (z[i] > hi) {
                gh[i] = v[i];
            } else if (z[i] < lo) {
                gh[n + i] = -v[i];
            } else {
                gq[i] = -v[i];
            }
        }
        ConvexProgram problem = new ConvexProgram(new QuadraticObjective(eye, q), null, null, g, h);
        GeneralAltDiff.Solved alt = GeneralAltDiff.solve(problem, TIGHT, la);
        Fixtures.assertStoppedByItsRule(alt.solution().status());
        ObjectiveGradients grad = alt.backward(v);
        assertTrue(maxAbsDiff(alt.solution().x(), x) <= TOL, "x");
        assertTrue(maxAbsDiff(grad.theta(), gq) <= TOL, "d/dq " + maxAbsDiff(grad.theta(), gq));
        assertTrue(maxAbsDiff(grad.h(), gh) <= TOL, "d/dh " + maxAbsDiff(grad.h(), gh));
    }

    private static double[] ones(int n) {
        double[] o = new double[n];
        Arrays.fill(o, 1.0);
        return o;
    }
}
