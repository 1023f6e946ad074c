package dev.altdiff.core;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.Gaussian;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The set-up kept between calls ({@link QpData#load}, {@link QpData#withRho}, {@link BatchLayer}): reused
 * exactly when the matrices and scaling factors are equal, and the results are those of a set-up formed
 * anew, bit for bit (the same factor and products, applied to the same vectors).
 */
class SetupReuseTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    /** A random strictly convex QP with the given matrices' seed and vectors' seed. */
    private static QuadraticProgram problem(long matrices, long vectors, int n, int p, int m) {
        Random r = new Random(matrices);
        double[][] z = Gaussian.matrix(r, n, n);
        double[][] pm = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    pm[i][j] += z[k][i] * z[k][j] / n;
                }
            }
            pm[i][i] += 1;
        }
        double[][] a = Gaussian.matrix(r, p, n);
        double[][] g = Gaussian.matrix(r, m, n);
        Random v = new Random(vectors);
        double[] x0 = Gaussian.vector(v, n);
        double[] b = new double[p];
        for (int i = 0; i < p; i++) {
            b[i] = Vectors.dot(a[i], x0);
        }
        double[] h = new double[m];
        for (int i = 0; i < m; i++) {
            h[i] = Vectors.dot(g[i], x0) + v.nextDouble();
        }
        return QuadraticProgram.builder(n).P(pm).q(Gaussian.vector(v, n)).equalities(a, b).inequalities(g, h).build();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 10})
    void equalMatricesReuseTheFactorAndGiveTheResultsOfAFreshSetUp(int scaling) {
        Settings settings = Settings.DEFAULTS.withScaling(scaling).withAdaptiveRho(false);
        QuadraticProgram first = problem(1, 1, 12, 3, 7);
        QuadraticProgram second = problem(1, 2, 12, 3, 7); // same P, A, G; other q, b, h
        QpData d1 = QpData.load(first, LA, settings);
        QpData d2 = QpData.load(second, LA, settings);
        Equilibration scaling2 = scaling == 0 ? Equilibration.of(second, 0)
                : Equilibration.computed(second, java.util.List.of(second.q()), scaling); // not the kept factors
        QpData fresh = new QpData(scaling2.scale(second), LA, settings.rho(), settings.equalityRhoScale(), scaling2);
        if (d1.scaling.sameFactors(d2.scaling)) {
            assertSame(d1.factor(), d2.factor(), "the factor of H is reused");
        }
        Solution reused = Admm.solve(d2, settings, false).solution();
        Solution formed = Admm.solve(fresh, settings, false).solution();
        assertArrayEquals(formed.x(), reused.x(), 0.0);
        assertArrayEquals(formed.nu(), reused.nu(), 0.0);
        assertEquals(formed.iterations(), reused.iterations());
    }

    /**
     * The factors kept for recent matrices ({@link Equilibration#of}) are those the passes give, bit for bit: the
     * same matrices and q get the kept factors, q vectors of other scales (which move the cost normalization and
     * then D) get theirs, and the scaled problem built from the kept matrices equals one built anew.
     */
    @ParameterizedTest
    @ValueSource(doubles = {1, 1e-3, 1e3, 1e8})
    void keptScalingFactorsAreThoseOfThePasses(double qScale) {
        for (long seed = 0; seed < 4; seed++) {
            QuadraticProgram first = problem(10 + seed, 1, 9, 2, 6);
            QuadraticProgram copy = problem(10 + seed, 2, 9, 2, 6); // equal matrices, another object
            double[] q = qScale == 1 ? first.q() : copy.q(); // the same q (only b, h change), or another one scaled
            for (int i = 0; i < q.length; i++) {
                q[i] *= qScale;
            }
            QuadraticProgram second = copy.withVectors("second", q, copy.b(), copy.h());
            Equilibration kept = Equilibration.of(first, 10);
            Equilibration reused = Equilibration.of(second, 10);
            Equilibration fresh = Equilibration.computed(second, java.util.List.of(second.q()), 10);
            assertTrue(reused.sameFactors(fresh), "seed " + seed);
            if (qScale == 1) {
                assertSame(kept, reused, "the same q: the kept factors (seed " + seed + ")");
            }
            QuadraticProgram scaled = reused.scale(second);
            QuadraticProgram formed = fresh.scale(second);
            for (dev.altdiff.api.Block block : dev.altdiff.api.Block.values()) {
                assertArrayEquals(formed.rowMajor(block), scaled.rowMajor(block), 0.0, block + ", seed " + seed);
            }
        }
    }

    @Test
    void withVectorsSharesTheMatricesAndChecksTheVectors() {
        QuadraticProgram problem = problem(20, 1, 6, 2, 3);
        QuadraticProgram other = problem.withVectors("other", new double[6], new double[2], new double[]{1, 2, 3});
        assertTrue(problem.sameMatrices(other));
        assertArrayEquals(new double[]{1, 2, 3}, other.h(), 0.0);
        assertEquals("other", other.name());
        dev.altdiff.api.InvalidProblemException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.altdiff.api.InvalidProblemException.class,
                () -> problem.withVectors("x", new double[6], new double[3], new double[3]));
        assertTrue(e.getMessage().contains("b has length 3"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(dev.altdiff.api.InvalidProblemException.class,
                () -> problem.withVectors("x", new double[6], new double[2], new double[]{1, Double.NaN, 3}));
    }

    @Test
    void otherMatricesGetTheirOwnSetUp() {
        Settings settings = Settings.DEFAULTS.withScaling(0);
        QpData d1 = QpData.load(problem(3, 1, 10, 2, 5), LA, settings);
        QpData d2 = QpData.load(problem(4, 1, 10, 2, 5), LA, settings);
        assertNotSame(d1.factor(), d2.factor());
        QpData rhoTen = d1.withRho(10);
        assertSame(rhoTen.factor(), d1.withRho(10).factor(), "a ρ met before is not factored again");
        assertEquals(10, rhoTen.rho);
    }

    @Test
    void aLayerSeesMatricesChangedInPlace() {
        Settings settings = Settings.DEFAULTS.withTolerance(1e-6);
        int n = 8;
        Random r = new Random(5);
        double[][] pm = new double[n][n];
        for (int i = 0; i < n; i++) {
            pm[i][i] = 1;
        }
        double[][] a = Gaussian.matrix(r, 2, n);
        double[][] g = Gaussian.matrix(r, 4, n);
        double[][] q = {Gaussian.vector(r, n), Gaussian.vector(r, n)};
        double[][] b = {Gaussian.vector(r, 2), Gaussian.vector(r, 2)};
        double[][] h = {{1, 1, 1, 1}, {2, 2, 2, 2}};
        try (BatchLayer layer = new BatchLayer(LA, settings)) {
            layer.forward(new SharedBatch(pm, a, g, q, b, h));
            a[1][3] += 0.5; // a learnable A updated in place by a training step
            BatchResult changed = layer.forward(new SharedBatch(pm, a, g, q, b, h));
            for (int c = 0; c < 2; c++) { // a stale set-up would converge to the old A's solution
                Solution s = changed.solution(c);
                assertEquals(dev.altdiff.api.Status.SOLVED, s.status());
                for (int i = 0; i < 2; i++) {
                    assertEquals(b[c][i], Vectors.dot(a[i], s.x()), 1e-5);
                }
            }
        }
    }

    /**
     * A dense problem's data read the caller's arrays in place (the scaled problem shares them under its factors), and
     * a set-up that a run released (a run that records nothing lets go of the ρ it leaves, the first one's too) gives
     * the same results, bit for bit, whether the collector took it and it is formed again or not.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 10})
    void theCallersArraysAreReadInPlaceAndAReleasedSetUpGivesTheSameResults(int scaling) {
        Settings settings = Settings.DEFAULTS.withScaling(scaling);
        QuadraticProgram caller = problem(3, 4, 15, 2, 9);
        QpData d = QpData.load(caller, LA, settings);
        for (dev.altdiff.api.Block block : new dev.altdiff.api.Block[]{dev.altdiff.api.Block.P,
            dev.altdiff.api.Block.A, dev.altdiff.api.Block.G}) {
            assertSame(caller.dense(block).stored(), d.dense(block).stored(), "no copy of " + block);
        }
        Solution before = Admm.solve(d, settings, false).solution();
        d.release();
        Solution released = Admm.solve(d, settings, false).solution();
        QpData formed = new QpData(d.problem, LA, settings.rho(), settings.equalityRhoScale(), d.scaling);
        Solution fresh = Admm.solve(formed, settings, false).solution();
        for (Solution s : new Solution[]{released, fresh}) {
            assertArrayEquals(before.x(), s.x(), 0.0);
            assertArrayEquals(before.lambda(), s.lambda(), 0.0);
            assertArrayEquals(before.nu(), s.nu(), 0.0);
            assertEquals(before.iterations(), s.iterations());
        }
    }
}
