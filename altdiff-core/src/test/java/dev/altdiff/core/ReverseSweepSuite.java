package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reverse mode against its definitions, on the backend of the subclass: the dot-product identity
 * vᵀẋ_K(dθ) = ⟨grad, dθ⟩ against the literal forward recursion ({@link AltDiffSolution#jvp}) for a
 * random direction in every block at once, to 1e-10 relative; the q, b, h gradients against the
 * contraction of the forward-mode Jacobians to 1e-10; the P, A, G gradients, and the gradient along the
 * random direction in all six blocks at once, against central differences of the truncated map x_K
 * (fixed K); the forward-mode Jacobian of q against the recursion along dq. Each case runs with the paper's
 * steps (α = 1, one ρ) or with over-relaxation α, the equality rows at a multiple of ρ and the proximal term σ
 * ({@link Settings#alpha()}, {@link Settings#equalityRhoScale()}, {@link Settings#sigma()}).
 */
public abstract class ReverseSweepSuite {
    /** The backend under test; every backend module runs this suite with its own. */
    protected abstract LinearAlgebra backend();

    @ParameterizedTest
    @CsvSource({"1, 8, 3, 6, 25, 1, false, 1, 1, 0", "2, 10, 0, 5, 40, 1, false, 1, 1, 0", "3, 9, 4, 0, 15, 1, false, 1, 1, 0",
            "4, 12, 3, 8, 1, 1, false, 1, 1, 0", "5, 6, 2, 9, 60, 1, false, 1, 1, 0",
            // adaptive ρ from a badly chosen start: the run switches ρ (asserted), so the sweep crosses segments
            "6, 10, 3, 6, 45, 1000, true, 1, 1, 0", "7, 9, 4, 5, 60, 0.001, true, 1, 1, 0", "8, 8, 0, 6, 35, 100, true, 1, 1, 0",
            // over-relaxation and the equality rows' own ρ (the defaults' 1.6 and 10³; under- and other values)
            "11, 8, 3, 6, 25, 1, false, 1.6, 1000, 0", "12, 10, 0, 5, 40, 1, false, 1.6, 1000, 0",
            "13, 9, 4, 0, 15, 1, false, 0.7, 10, 0", "14, 6, 2, 9, 60, 0.1, false, 1.9, 1, 0",
            "15, 10, 3, 6, 45, 0.01, true, 1.6, 1000, 0", "16, 9, 4, 5, 60, 0.001, true, 1.3, 100, 0",
            // the proximal term σ (ẋ_k carries ẋ_{k−1} in n-space): alone, with α and ρ_eq, with adaptive ρ
            "21, 8, 3, 6, 25, 1, false, 1, 1, 0.5", "22, 10, 0, 5, 40, 1, false, 1.6, 1000, 1",
            "23, 9, 4, 5, 60, 0.001, true, 1, 1000, 0.1", "24, 6, 2, 9, 60, 0.1, false, 1.9, 1, 2"})
    void reverseEqualsForwardModeContractionForQBH(long seed, int n, int p, int m, int k, double rho,
                                                   boolean adaptive, double alpha, double rhoEqScale, double sigma) {
        QuadraticProgram qp = RandomQp.paper(seed, n, p, m, 0.5);
        Settings fixedK = new Settings(rho, 1e-300, k, Truncation.RELATIVE_CHANGE).withAdaptiveRho(adaptive)
                .withAlpha(alpha).withEqualityRhoScale(rhoEqScale).withSigma(sigma);
        Admm.Run run = Admm.solve(data(qp, fixedK), fixedK, true);
        assertEquals(adaptive, run.segments().size() > 1, "ρ switched");
        AltDiffSolution forward = new AltDiffSolution(run, AltDiffDifferentiator.Mode.FORWARD);
        double[] v = Gaussian.vector(new Random(seed), n);
        Gradients reverse = ReverseSweep.gradients(run, v, true);
        Gradients contraction = forward.contractJacobians(v);
        // dot-product identity vᵀẋ_K(dθ) = ⟨grad, dθ⟩ against the literal forward recursion, every block at once
        Gradients direction = RandomQp.direction(new Random(seed + 7), n, p, m);
        double[] xDot = forward.jvp(direction);
        double lhs = 0;
        for (int i = 0; i < n; i++) {
            lhs += v[i] * xDot[i];
        }
        double rhs = 0;
        double scale = 0;
        for (double[][][] pair : new double[][][][]{{direction.P(), reverse.P()}, {direction.A(), reverse.A()}, {direction.G(), reverse.G()}}) {
            if (pair[0] != null) {
                for (int i = 0; i < pair[0].length; i++) {
                    for (int j = 0; j < n; j++) {
                        rhs += pair[0][i][j] * pair[1][i][j];
                        scale += Math.abs(pair[0][i][j] * pair[1][i][j]);
                    }
                }
            }
        }
        for (double[][] pair : new double[][][]{{direction.q(), reverse.q()}, {direction.b(), reverse.b()}, {direction.h(), reverse.h()}}) {
            if (pair[0] != null) {
                for (int i = 0; i < pair[0].length; i++) {
                    rhs += pair[0][i] * pair[1][i];
                    scale += Math.abs(pair[0][i] * pair[1][i]);
                }
            }
        }
        assertEquals(lhs, rhs, 1e-10 * scale, "dot-product identity");
        // the forward-mode Jacobian of q against the literal recursion along dq alone
        double[] dq = direction.q();
        double[] alongQ = forward.jvp(new Gradients(null, dq, null, null, null, null));
        double[][] jq = forward.jacobian(Block.q);
        double[] product = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                product[i] += jq[i][j] * dq[j];
            }
        }
        assertClose(alongQ, product);
        assertClose(contraction.q(), reverse.q());
        if (p > 0) {
            assertClose(contraction.b(), reverse.b());
        }
        if (m > 0) {
            assertClose(contraction.h(), reverse.h());
        }
        // central differences of the truncated map x_K (piecewise linear-rational, smooth where no mask
        // flips), along the direction in every block at once and along P, A, G alone, step 1e-5: with the
        // equality rows at 10³ρ, κ(H) reaches ~1e5, so rounding contributes ~κ·1e-16/1e-5 = 1e-6 relative,
        // and the truncation error O(eps²) = O(1e-10) is below it
        double eps = 1e-5;
        double[] xPlus = Admm.solve(data(shift(qp, direction, eps), fixedK), fixedK, false).solution().x();
        double[] xMinus = Admm.solve(data(shift(qp, direction, -eps), fixedK), fixedK, false).solution().x();
        double all = 0;
        for (int i = 0; i < n; i++) {
            all += v[i] * (xPlus[i] - xMinus[i]) / (2 * eps);
        }
        assertEquals(all, rhs, 1e-6 * (1 + Math.abs(all)), "directional derivative along every block at once");
        Random r = new Random(seed + 100);
        for (Block block : new Block[]{Block.P, Block.A, Block.G}) {
            if (block == Block.A && p == 0 || block == Block.G && m == 0) {
                continue;
            }
            int rows = block == Block.P ? n : block == Block.A ? p : m;
            double[][] dir = Gaussian.matrix(r, rows, n);
            if (block == Block.P) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < i; j++) {
                        dir[i][j] = dir[j][i];
                    }
                }
            }
            // recorded, so that their ρ segments are kept (a run that records nothing keeps only its last)
            Admm.Run plus = Admm.solve(data(shift(qp, block, dir, eps), fixedK), fixedK, true);
            Admm.Run minus = Admm.solve(data(shift(qp, block, dir, -eps), fixedK), fixedK, true);
            // the schedule (rounded to 10^(j/4)) is piecewise constant: the differences see the same ρ's
            assertEquals(TruncatedJacobianSuite.schedule(run), TruncatedJacobianSuite.schedule(plus));
            assertEquals(TruncatedJacobianSuite.schedule(run), TruncatedJacobianSuite.schedule(minus));
            double[] xp = plus.solution().x();
            double[] xm = minus.solution().x();
            double fd = 0;
            for (int i = 0; i < n; i++) {
                fd += v[i] * (xp[i] - xm[i]) / (2 * eps);
            }
            double[][] g = block == Block.P ? reverse.P() : block == Block.A ? reverse.A() : reverse.G();
            double inner = 0;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < n; j++) {
                    inner += g[i][j] * dir[i][j];
                }
            }
            assertEquals(fd, inner, 1e-6 * (1 + Math.abs(fd)), block + " directional derivative");
        }
    }

    /**
     * A batch sweep in which no column takes part (e.g. every sample of a shared batch failed) gives zero
     * matrix gradients and no vectors, with the reduced x-step's inputs recorded as with any other.
     */
    @org.junit.jupiter.api.Test
    void aSweepWithoutColumnsGivesZeroMatrixGradients() {
        QuadraticProgram qp = RandomQp.paper(3, 10, 2, 3, 0.5); // p + m ≤ n: the reduced x-step
        Settings settings = new Settings(1.0, 1e-300, 20, Truncation.RELATIVE_CHANGE);
        Admm.Run run = Admm.solve(data(qp, settings), settings, true);
        Admm.Column column = new Admm.Column(run.solution(), run.masks(), run.trajectory(), run.segments(),
                run.schedule());
        ReverseSweep.Result r = ReverseSweep.sweep(run.data(), java.util.List.of(column, column), new double[2][],
                new boolean[]{false, false}, true);
        assertNull(r.q()[0]);
        for (double[][] block : new double[][][]{r.P(), r.A(), r.G()}) {
            for (double[] row : block) {
                for (double value : row) {
                    assertEquals(0.0, value, 0.0);
                }
            }
        }
    }

    /**
     * Asked without the matrices' gradients (a layer with fixed P, A, G), the public backward pass gives the same
     * gradients of q, b, h as with them, scaling and adaptive ρ on, and none of P, A, G.
     */
    @ParameterizedTest
    @CsvSource({"31, 12, 3, 5", "32, 9, 0, 6", "33, 8, 4, 0", "34, 6, 3, 9"})
    void vectorsOnlyGiveTheSameVectorGradients(long seed, int n, int p, int m) {
        QuadraticProgram qp = RandomQp.paper(seed, n, p, m, 0.5);
        dev.altdiff.api.DifferentiableSolution solution = new AltDiffDifferentiator().solve(qp,
                Settings.DEFAULTS.withTolerance(1e-6), backend());
        double[] v = Gaussian.vector(new Random(seed), n);
        Gradients all = solution.backward(v);
        Gradients vectors = solution.backward(v, false);
        assertNull(vectors.P());
        assertNull(vectors.A());
        assertNull(vectors.G());
        assertClose(all.q(), vectors.q());
        if (p > 0) {
            assertClose(all.b(), vectors.b());
        }
        if (m > 0) {
            assertClose(all.h(), vectors.h());
        }
    }

    private static void assertClose(double[] expected, double[] actual) {
        double scale = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(err <= 1e-10 * Math.max(scale, 1e-300), "error " + err + " at scale " + scale);
    }

    private QpData data(QuadraticProgram qp, Settings settings) {
        return new QpData(qp, backend(), settings.rho(), settings.equalityRhoScale(), settings.sigma(),
                Equilibration.OFF);
    }

    /** @return qp + eps·direction in every block the direction has */
    private static QuadraticProgram shift(QuadraticProgram qp, Gradients direction, double eps) {
        int n = qp.n();
        double[][] pm = qp.P();
        double[] q = qp.q();
        for (int i = 0; i < n; i++) {
            q[i] += eps * direction.q()[i];
            for (int j = 0; j < n; j++) {
                pm[i][j] += eps * direction.P()[i][j];
            }
        }
        QuadraticProgram.Builder b = QuadraticProgram.builder(n).P(pm).q(q);
        if (qp.hasEqualities()) {
            b.equalities(shifted(qp.A(), direction.A(), eps), shifted(qp.b(), direction.b(), eps));
        }
        if (qp.hasInequalities()) {
            b.inequalities(shifted(qp.G(), direction.G(), eps), shifted(qp.h(), direction.h(), eps));
        }
        return b.build();
    }

    private static double[][] shifted(double[][] a, double[][] d, double eps) {
        for (int i = 0; i < a.length; i++) {
            a[i] = shifted(a[i], d[i], eps);
        }
        return a;
    }

    private static double[] shifted(double[] a, double[] d, double eps) {
        double[] out = a.clone();
        for (int i = 0; i < a.length; i++) {
            out[i] += eps * d[i];
        }
        return out;
    }

    private static QuadraticProgram shift(QuadraticProgram qp, Block block, double[][] dir, double eps) {
        double[][] pm = qp.P();
        double[][] a = qp.A();
        double[][] g = qp.G();
        double[][] target = block == Block.P ? pm : block == Block.A ? a : g;
        for (int i = 0; i < target.length; i++) {
            for (int j = 0; j < target[i].length; j++) {
                target[i][j] += eps * dir[i][j];
            }
        }
        QuadraticProgram.Builder b = QuadraticProgram.builder(qp.n()).P(pm).q(qp.q());
        if (qp.hasEqualities()) {
            b.equalities(a, qp.b());
        }
        if (qp.hasInequalities()) {
            b.inequalities(g, qp.h());
        }
        return b.build();
    }
}
