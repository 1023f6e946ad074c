package dev.altdiff.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.altdiff.api.Block;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.SparseQp;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sparse set-up's lean forms against the ones they replace, bit for bit: AMD given the upper triangle of a
 * symmetric pattern orders as given both triangles, and the factor of H formed as the upper triangle of its
 * permutation under a plan ({@link SparseCholesky#factorGramSum}, {@link SparseCholesky#planGramSum}) solves as the
 * factor of the whole H does; the scaled problem, which reads the caller's values through the equilibration's
 * factors, runs as a scaled copy of P, A, G does.
 */
class SparseSetupTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    /**
     * The scaled problem holds no values of its own (its blocks read the caller's through D, E and c), and a run on it
     * gives what a run on a scaled copy of P, A and G gives, bit for bit (status, iterations, x, λ, ν): every entry,
     * product and set-up is formed as the copy's was.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void aRunOnTheCallersValuesThroughTheFactorsIsARunOnTheScaledCopy(long seed) {
        QuadraticProgram caller = SparseQp.bandedLocal(300, seed);
        Settings settings = Settings.DEFAULTS;
        QpData d = QpData.load(caller, LA, settings);
        QuadraticProgram scaled = d.problem;
        for (Block block : new Block[]{Block.P, Block.A, Block.G}) {
            assertSame(caller.sparse(block).columns().values(), scaled.sparse(block).columns().values(), "no copy");
        }
        QuadraticProgram copy = QuadraticProgram.builder(caller.n()).name("copy").q(scaled.q())
                .sparseP(copyOf(scaled.sparse(Block.P))).sparseEqualities(copyOf(scaled.sparse(Block.A)), scaled.b())
                .sparseInequalities(copyOf(scaled.sparse(Block.G)), scaled.h()).build();
        QpData formed = new QpData(copy, LA, settings.rho(), settings.equalityRhoScale(), d.scaling);
        Solution view = Admm.solve(d, settings, false).solution();
        Solution fromCopy = Admm.solve(formed, settings, false).solution();
        assertEquals(fromCopy.status(), view.status());
        assertEquals(fromCopy.iterations(), view.iterations());
        assertArrayEquals(fromCopy.x(), view.x(), 0.0);
        assertArrayEquals(fromCopy.lambda(), view.lambda(), 0.0);
        assertArrayEquals(fromCopy.nu(), view.nu(), 0.0);
    }

    private static SparseMatrix copyOf(SparseMatrix s) {
        return SparseMatrix.fromCsc("M", s.rows(), s.cols(), s.colStart(), s.rowIndex(), s.values());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void amdOfTheUpperTriangleIsAmdOfBothTriangles(long seed) {
        Random rng = new Random(seed);
        int n = 1 + rng.nextInt(60);
        SparseMatrix half = random(rng, n, n, 3.0 / n);
        SparseMatrix s = SparseMatrix.shiftedGramSum(n, 1.0, half.plus(1.0, half.transpose()), new double[0]);
        SparseMatrix.Columns both = s.columns();
        assertArrayEquals(SparseCholesky.approximateMinimumDegreeOf(n, both.colStart(), both.rowIndex()),
                SparseCholesky.approximateMinimumDegree(both));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void theFactorOfTheGramSumSolvesAsTheFactorOfH(long seed) {
        Random rng = new Random(seed);
        int n = 2 + rng.nextInt(40);
        SparseMatrix half = random(rng, n, n, 2.0 / n);
        SparseMatrix pm = half.transpose().times(half); // PSD
        SparseMatrix a = random(rng, 1 + rng.nextInt(3), n, 0.3);
        SparseMatrix g = random(rng, 1 + rng.nextInt(2 * n), n, 3.0 / n);
        double sigma = 1e-6;
        double[] weights = {1e3 * 0.1, 0.1};
        SparseMatrix h = SparseMatrix.shiftedGramSum(n, sigma, pm, weights, a, g);
        SparseCholesky.Plan plan = SparseCholesky.plan(SparseMatrix.shiftedGramPattern(n, pm, a, g));
        SparseCholesky whole = SparseCholesky.factor(LA, h);
        SparseCholesky planned = SparseCholesky.factorGramSum(LA, plan, n, sigma, pm, weights, a, g);
        double[] rhs = new double[n * 3];
        for (int k = 0; k < rhs.length; k++) {
            rhs[k] = rng.nextGaussian();
        }
        Matrix b = LA.matrix(n, 3, rhs);
        assertArrayEquals(whole.solve(b).toRowMajor(), planned.solve(b).toRowMajor());
        SparseCholesky formedTwice = SparseCholesky.factorGramSum(LA, SparseCholesky.planGramSum(n, pm, a, g), n, sigma,
                pm, weights, a, g);
        assertArrayEquals(whole.solve(b).toRowMajor(), formedTwice.solve(b).toRowMajor());
        assertEquals(whole.ordering(), formedTwice.ordering());
        assertEquals(whole.nonzeros(), formedTwice.nonzeros());
    }

    private static SparseMatrix random(Random rng, int rows, int cols, double density) {
        double[][] dense = new double[rows][cols];
        for (double[] row : dense) {
            for (int j = 0; j < cols; j++) {
                row[j] = rng.nextDouble() < density ? rng.nextGaussian() : 0.0;
            }
        }
        return SparseMatrix.fromRows("M", dense, cols);
    }
}
