package dev.altdiff.ojalgo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

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
        assertSame(m.columns().values(), ((OjAlgoLinearAlgebra.Sparse) view).values, "no copy");
        assertEquals(cols, view.rows());
        assertEquals(rows, view.cols());
        assertArrayEquals(formed.toRowMajor(), view.toRowMajor());
        assertEquals(formed.get(cols - 1, 0), view.get(cols - 1, 0));
        assertArrayEquals(m.toRowMajor(), LA.transpose(view).toRowMajor());
        int width = 1 + rng.nextInt(3);
        for (double alpha : new double[]{1.0, -0.3, 2.5}) {
            for (double beta : new double[]{0.0, 1.0, 0.7}) {
                for (boolean transposeA : new boolean[]{false, true}) {
                    int out = transposeA ? rows : cols; // op(view) is cols×rows, op(view)ᵀ rows×cols
                    int inner = transposeA ? cols : rows;
                    double[] b = gaussian(rng, inner * width);
                    b[0] = 0.0; // a zero term, skipped as the formed transpose skips it
                    double[] c0 = gaussian(rng, out * width);
                    Matrix cView = LA.matrix(out, width, c0);
                    Matrix cFormed = LA.matrix(out, width, c0);
                    LA.gemm(alpha, view, transposeA, LA.matrix(inner, width, b), false, beta, cView);
                    LA.gemm(alpha, formed, transposeA, LA.matrix(inner, width, b), false, beta, cFormed);
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

    private static double[] gaussian(Random rng, int length) {
        double[] out = new double[length];
        for (int k = 0; k < length; k++) {
            out[k] = rng.nextGaussian();
        }
        return out;
    }
}
