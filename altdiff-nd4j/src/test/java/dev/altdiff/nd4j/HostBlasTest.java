package dev.altdiff.nd4j;

import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.JvmBlas;
import dev.altdiff.api.linalg.NotPositiveDefiniteException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocked OpenBLAS kernels on JVM arrays ({@link HostBlas}) against the JVM's ({@link JvmBlas}), with blocks far
 * smaller than the matrices so that every edge case of the blocking (partial blocks in each dimension, the first and
 * last block rows, several column chunks) is crossed; and the backend's factorization over them.
 */
class HostBlasTest {
    private static final Nd4jLinearAlgebra LA = new Nd4jLinearAlgebra();

    @BeforeAll
    static void start() {
        LA.start();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void blockedProductsAgreeWithTheJvmKernel(int seed) {
        Random r = new Random(seed);
        int rows = 3 + r.nextInt(30);
        int inner = 1 + r.nextInt(30);
        int width = 1 + r.nextInt(30);
        int edge = 1 + r.nextInt(9);
        double alpha = r.nextGaussian();
        double beta = seed % 2 == 0 ? 0.0 : r.nextGaussian();
        double[] a = gaussian(r, rows * inner);
        double[] b = gaussian(r, inner * width);
        double[] c = gaussian(r, rows * width);
        if (beta == 0.0) {
            c[0] = Double.NaN; // β = 0 ignores c's old values, even NaN
        }
        double[] expected = c.clone();
        JvmBlas.gemm(rows, inner, width, alpha, a, b, beta, expected);
        double[] actual = c.clone();
        HostBlas.gemm(false, rows, inner, width, alpha, a, b, beta, actual, edge);
        assertClose(expected, actual, 1e-12);

        double[] oneBlock = c.clone(); // within one block: the arrays passed as they are
        HostBlas.gemm(false, rows, inner, width, alpha, a, b, beta, oneBlock);
        assertClose(expected, oneBlock, 1e-12);

        double[] at = gaussian(r, inner * rows); // aᵀ stored inner×rows
        double[] expectedT = c.clone();
        JvmBlas.gemmTransposed(inner, rows, width, alpha, at, b, beta, expectedT);
        double[] actualT = c.clone();
        HostBlas.gemm(true, rows, inner, width, alpha, at, b, beta, actualT, edge);
        assertClose(expectedT, actualT, 1e-12);
    }

    /** The public entry point past one block ({@value HostBlas#EDGE} rows) blocks, as the tests' small edges do. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aProductPastOneBlockIsBlocked(boolean transposeA) {
        Random r = new Random(7);
        int rows = HostBlas.EDGE + 7;
        int inner = 5;
        int width = 9;
        double[] a = gaussian(r, rows * inner);
        double[] b = gaussian(r, inner * width);
        double[] c = gaussian(r, rows * width);
        double[] expected = c.clone();
        if (transposeA) {
            JvmBlas.gemmTransposed(inner, rows, width, 0.5, a, b, 2.0, expected);
        } else {
            JvmBlas.gemm(rows, inner, width, 0.5, a, b, 2.0, expected);
        }
        HostBlas.gemm(transposeA, rows, inner, width, 0.5, a, b, 2.0, c);
        assertClose(expected, c, 1e-12);
    }

    /** aᵀa on and below the diagonal blocks, mirrored above: c's own upper entries still get β·c (c not symmetric). */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void aGramProductIsFormedOnItsLowerBlocksAndMirrored(int seed) {
        Random r = new Random(seed);
        int n = 1 + r.nextInt(30);
        int inner = 1 + r.nextInt(30);
        int edge = 1 + r.nextInt(9);
        double alpha = r.nextGaussian();
        double beta = seed % 2 == 0 ? 0.0 : r.nextGaussian();
        double[] a = gaussian(r, inner * n);
        double[] c = gaussian(r, n * n);
        double[] expected = c.clone();
        JvmBlas.gemmTransposed(inner, n, n, alpha, a, a, beta, expected);
        double[] actual = c.clone();
        HostBlas.gemm(true, n, inner, n, alpha, a, a, beta, actual, edge);
        assertClose(expected, actual, 1e-12);
        if (beta == 0.0) { // outside the diagonal blocks the upper triangle is the lower one's mirror, exactly
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i / edge * edge; j++) {
                    assertEquals(actual[i * n + j], actual[j * n + i], 0.0, "(" + i + ", " + j + ")");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void blockedCholeskyAgreesWithTheJvmFactorAndReadsOnlyTheLowerTriangle(int seed) {
        Random r = new Random(seed);
        int n = 1 + r.nextInt(40);
        int nb = 1 + r.nextInt(9);
        int rowBlock = 1 + r.nextInt(9);
        double[] spd = spd(r, n);
        double[] expected = spd.clone();
        JvmBlas.choleskyInPlace(n, expected);
        double[] actual = spd.clone();
        for (int i = 0; i < n; i++) {
            Arrays.fill(actual, i * n + i + 1, (i + 1) * n, Double.NaN); // the upper triangle is not read
        }
        HostBlas.choleskyInPlace(n, actual, nb, rowBlock);
        assertClose(expected, actual, 1e-12); // zeros above the diagonal, as the JVM factor leaves them
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 17, 29})
    void aMatrixThatIsNotPositiveDefiniteIsRejectedAtItsLeadingMinorInAnyBlock(int bad) {
        int n = 30;
        double[] spd = spd(new Random(bad), n);
        double[] negative = spd.clone();
        negative[bad * n + bad] = -1e6; // leading minors 1..bad are positive, bad+1 is not
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class,
                () -> HostBlas.choleskyInPlace(n, negative, 4, 3));
        assertTrue(e.getMessage().contains("leading minor " + (bad + 1)), e.getMessage());
        double[] nan = spd.clone();
        nan[bad * n] = Double.NaN; // row bad, column 0: reaches pivot bad only (pivot 0 itself when bad = 0)
        e = assertThrows(NotPositiveDefiniteException.class, () -> HostBlas.choleskyInPlace(n, nan, 4, 3));
        assertTrue(e.getMessage().contains("leading minor " + (bad + 1)), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void blockedSolvesAgreeWithTheJvmSolveAndLeaveTheRestOfTheArray(int seed) {
        Random r = new Random(seed);
        int n = 1 + r.nextInt(40);
        int width = 1 + r.nextInt(20);
        int nb = 1 + r.nextInt(9);
        int columns = 1 + r.nextInt(7);
        double[] l = spd(r, n);
        JvmBlas.choleskyInPlace(n, l);
        double[] b = gaussian(r, n * width + 3); // a longer scratch: the tail is not touched
        double[] expected = b.clone();
        JvmBlas.choleskySolve(n, width, l, expected);
        HostBlas.choleskySolve(n, width, l, b, nb, columns);
        assertClose(expected, b, 1e-11);
        assertArrayEquals(Arrays.copyOfRange(expected, n * width, b.length), Arrays.copyOfRange(b, n * width, b.length));
    }

    /**
     * The backend's factorization of a JVM array: L in the array itself, narrow solves in the JVM and wide ones by
     * OpenBLAS (n·n·width at least {@link Nd4jLinearAlgebra#NATIVE_SOLVE_WORK}) agree with each other and solve M.
     */
    @ParameterizedTest
    @ValueSource(ints = {300, 333})
    void theFactorOfAJvmArrayStaysInItAndSolvesNarrowAndWide(int n) {
        Random r = new Random(n);
        double[] spd = spd(r, n);
        double[] a = spd.clone();
        Factorization f = LA.cholesky(n, a);
        assertArrayEquals(a, f.choleskyFactor());
        int width = 600;
        assertTrue((long) n * n * width >= Nd4jLinearAlgebra.NATIVE_SOLVE_WORK);
        double[] x = gaussian(r, n * width);
        double[] b = new double[n * width];
        JvmBlas.gemm(n, n, width, 1.0, spd, x, 0.0, b);
        double[] wide = b.clone();
        assertTrue(f.solveInPlace(wide, width));
        assertClose(x, wide, 1e-8);
        for (int j = 0; j < width; j += 13) { // one column at a time: the JVM solve
            double[] column = new double[n];
            for (int i = 0; i < n; i++) {
                column[i] = b[i * width + j];
            }
            assertTrue(f.solveInPlace(column, 1));
            for (int i = 0; i < n; i++) {
                assertEquals(wide[i * width + j], column[i], 1e-10 * (1 + Math.abs(column[i])));
            }
        }
        double[] viaMatrix = f.solve(LA.matrix(n, width, b)).toRowMajor();
        assertClose(wide, viaMatrix, 0);
    }

    private static double[] gaussian(Random r, int length) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = r.nextGaussian();
        }
        return out;
    }

    /** @return a well-conditioned SPD matrix CᵀC/n + I, row-major */
    private static double[] spd(Random r, int n) {
        double[] c = gaussian(r, n * n);
        double[] m = new double[n * n];
        JvmBlas.gemmTransposed(n, n, n, 1.0 / n, c, c, 0.0, m);
        for (int i = 0; i < n; i++) {
            m[i * n + i] += 1.0;
        }
        return m;
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance * (1 + Math.abs(expected[i])), "entry " + i);
        }
    }
}
