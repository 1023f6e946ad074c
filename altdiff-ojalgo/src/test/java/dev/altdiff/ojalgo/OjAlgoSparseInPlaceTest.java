package dev.altdiff.ojalgo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.altdiff.api.Block;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.Matrix;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The backend's sparse matrices read the {@link SparseMatrix}'s arrays in place: its transpose is a view whose
 * products equal, bit for bit, those of the transpose formed in compressed columns (every α, β and operand
 * transposition), and the factor of a permuted upper triangle leaves the triangle's arrays as they were.
 */
class OjAlgoSparseInPlaceTest {
    private static final OjAlgoLinearAlgebra LA = new OjAlgoLinearAlgebra();

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void aTransposeViewMultipliesAsTheFormedTranspose(long seed) {
        Random rng = new Random(seed);
        int rows = 1 + rng.nextInt(9);
        int cols = 1 + rng.nextInt(9);
        SparseMatrix m = random(rng, rows, cols);
        Matrix view = LA.transpose(LA.sparse(m));
        Matrix formed = LA.sparse(m.transpose());
        assertSame(m.columns().values(), ((OjAlgoLinearAlgebra.Sparse) view).columns.values(), "no copy");
        assertEquals(cols, view.rows());
        assertEquals(rows, view.cols());
        assertArrayEquals(formed.toRowMajor(), view.toRowMajor());
        assertEquals(formed.get(cols - 1, 0), view.get(cols - 1, 0));
        assertArrayEquals(m.toRowMajor(), LA.transpose(view).toRowMajor());
        sameProducts(rng, formed, view, cols, rows);
    }

    /**
     * A scaled problem's blocks (the caller's values read through the factors, {@link SparseMatrix.Scaling}) multiply as
     * the scaled copy does, bit for bit, and so do their transposes: each entry is formed as the copy formed it, and the
     * sums take the same terms in the same order. Arbitrary factors read P's entries with their mirror term, powers of
     * two (an equilibration's) without it, to the same bits.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void aScaledBlockMultipliesAsItsScaledCopy(long seed) {
        Random rng = new Random(seed);
        int n = 1 + rng.nextInt(9);
        int m = 1 + rng.nextInt(9);
        SparseMatrix half = random(rng, n, n);
        QuadraticProgram caller = QuadraticProgram.builder(n).sparseP(half.plus(1.0, half.transpose()))
                .q(new double[n]).sparseInequalities(random(rng, m, n), new double[m]).build();
        boolean powersOfTwo = seed % 2 == 0;
        double[] d = factors(rng, n, powersOfTwo);
        double[] e = factors(rng, m, powersOfTwo);
        QuadraticProgram scaled = caller.scaledDiagonally("scaled", d, factors(rng, 1, powersOfTwo)[0], null, e,
                new double[n], new double[0], new double[m]);
        for (Block block : new Block[]{Block.P, Block.G}) {
            SparseMatrix s = scaled.sparse(block);
            assertSame(caller.sparse(block).columns().values(), s.columns().values(), "the caller's values");
            SparseMatrix copy = SparseMatrix.fromCsc("C", s.rows(), s.cols(), s.colStart(), s.rowIndex(), s.values());
            sameProducts(rng, LA.sparse(copy), LA.sparse(s), s.rows(), s.cols());
            sameProducts(rng, LA.transpose(LA.sparse(copy)), LA.transpose(LA.sparse(s)), s.cols(), s.rows());
        }
    }

    /** want and got (rows×cols) make the same products c ← α·op(·)·b + β·c, bit for bit, for every α, β and op. */
    private static void sameProducts(Random rng, Matrix want, Matrix got, int rows, int cols) {
        int width = 1 + rng.nextInt(3);
        for (double alpha : new double[]{1.0, -0.3, 2.5}) {
            for (double beta : new double[]{0.0, 1.0, 0.7}) {
                for (boolean transposeA : new boolean[]{false, true}) {
                    int out = transposeA ? cols : rows;
                    int inner = transposeA ? rows : cols;
                    double[] b = gaussian(rng, inner * width);
                    b[0] = 0.0; // a zero term, skipped as the formed transpose skips it
                    double[] c0 = gaussian(rng, out * width);
                    Matrix cView = LA.matrix(out, width, c0);
                    Matrix cFormed = LA.matrix(out, width, c0);
                    LA.gemm(alpha, got, transposeA, LA.matrix(inner, width, b), false, beta, cView);
                    LA.gemm(alpha, want, transposeA, LA.matrix(inner, width, b), false, beta, cFormed);
                    assertArrayEquals(cFormed.toRowMajor(), cView.toRowMajor(),
                            "alpha " + alpha + ", beta " + beta + ", transposeA " + transposeA);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void theFactorOfAnUpperTriangleLeavesItsArraysAsTheyWere(long seed) {
        Random rng = new Random(seed);
        int n = 2 + rng.nextInt(20);
        SparseMatrix half = random(rng, n, n);
        SparseMatrix spd = half.transpose().times(half).plus(1.0, SparseMatrix.diagonal(n, 1.0));
        int[] identity = new int[n];
        for (int k = 0; k < n; k++) {
            identity[k] = k;
        }
        SparseMatrix upper = spd.permutedUpperTriangle(identity);
        double[] values = upper.values();
        int[] rowIndex = upper.rowIndex();
        Factorization f = LA.sparseCholeskyOfUpper(upper, identity);
        assertArrayEquals(values, upper.columns().values());
        assertArrayEquals(rowIndex, upper.columns().rowIndex());
        Matrix b = LA.matrix(n, 1, gaussian(rng, n));
        assertArrayEquals(LA.sparseCholesky(spd, identity).solve(b).toRowMajor(), f.solve(b).toRowMajor());
    }

    private static SparseMatrix random(Random rng, int rows, int cols) {
        double[][] dense = new double[rows][cols];
        for (double[] row : dense) {
            for (int j = 0; j < cols; j++) {
                row[j] = rng.nextDouble() < 0.4 ? rng.nextGaussian() : 0.0;
            }
        }
        return SparseMatrix.fromRows("M", dense, cols);
    }

    private static double[] factors(Random rng, int length, boolean powersOfTwo) {
        double[] out = new double[length];
        for (int k = 0; k < length; k++) {
            out[k] = Math.scalb(powersOfTwo ? 1.0 : 0.5 + rng.nextDouble(), rng.nextInt(9) - 4);
        }
        return out;
    }

    private static double[] gaussian(Random rng, int length) {
        double[] out = new double[length];
        for (int k = 0; k < length; k++) {
            out[k] = rng.nextGaussian();
        }
        return out;
    }
}
