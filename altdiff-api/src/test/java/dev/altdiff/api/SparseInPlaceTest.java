package dev.altdiff.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sparse operations that read a matrix's arrays in place or form a result at its size, against the copies and
 * chains of operations they replace, bit for bit: {@link SparseMatrix#columns} (shared) beside the accessors (copies),
 * P kept as given when it is exactly symmetric, {@link SparseMatrix#permutedUpperTriangle} and
 * {@link SparseMatrix#shiftedGramSum} (whole, as a permuted triangle, as a pattern).
 */
class SparseInPlaceTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void columnsAreSharedAndTheAccessorsCopies(long seed) {
        SparseMatrix s = random(new Random(seed), 6, 5, 0.4);
        SparseMatrix.Columns columns = s.columns();
        assertSame(columns.values(), s.columns().values());
        assertSame(columns.rowIndex(), s.columns().rowIndex());
        assertSame(columns.colStart(), s.columns().colStart());
        double[] values = s.values();
        int[] rows = s.rowIndex();
        int[] starts = s.colStart();
        assertNotSame(columns.values(), values);
        assertArrayEquals(columns.values(), values);
        assertArrayEquals(columns.rowIndex(), rows);
        assertArrayEquals(columns.colStart(), starts);
        java.util.Arrays.fill(values, 99.0); // a caller's copy: changing it leaves the matrix as it was
        java.util.Arrays.fill(rows, 0);
        java.util.Arrays.fill(starts, 0);
        assertArrayEquals(columns.values(), s.values());
        assertArrayEquals(columns.rowIndex(), s.rowIndex());
        assertArrayEquals(columns.colStart(), s.colStart());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void anExactlySymmetricPIsKeptAsGivenAndAnyOtherMerged(long seed) {
        Random rng = new Random(seed);
        int n = 2 + rng.nextInt(8);
        SparseMatrix half = random(rng, n, n, 0.5);
        SparseMatrix exact = half.plus(1.0, half.transpose()); // entries equal their mirror images bit for bit
        assertSame(exact, QuadraticProgram.builder(n).sparseP(exact).build().sparse(Block.P), "no copy");
        // nearly symmetric (last bits), an upper triangle only, a -0.0 against a 0.0: ½(P + Pᵀ) on the union
        double[] nudged = exact.values();
        for (int k = 0; k < nudged.length; k++) {
            if (rng.nextBoolean()) {
                nudged[k] = Math.nextUp(nudged[k]);
            }
        }
        SparseMatrix[] others = {SparseMatrix.fromCsc("P", n, n, exact.colStart(), exact.rowIndex(), nudged),
            exact.upperTriangle(), SparseMatrix.fromTriplets("P", 2, 2, new int[]{0, 1}, new int[]{1, 0},
                new double[]{-0.0, 0.0})};
        for (SparseMatrix given : others) {
            int order = given.rows();
            SparseMatrix stored = given.symmetricPart("P", Double.MAX_VALUE);
            SparseMatrix expected = given.plus(1.0, given.transpose()).scaled(0.5); // ½(a + b), entry for entry
            assertArrayEquals(expected.colStart(), stored.colStart());
            assertArrayEquals(expected.rowIndex(), stored.rowIndex());
            assertArrayEquals(expected.values(), stored.values());
            assertEquals(order, stored.rows());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void thePermutedUpperTriangleIsTheTriangleOfThePermutation(long seed) {
        Random rng = new Random(seed);
        int n = 1 + rng.nextInt(12);
        SparseMatrix s = random(rng, n, n, 0.3);
        int[] perm = permutation(rng, n);
        same(s.permuted(perm).upperTriangle(), s.permutedUpperTriangle(perm));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void theShiftedGramSumIsTheChainOfSumsBitForBit(long seed) {
        Random rng = new Random(seed);
        int n = 1 + rng.nextInt(12);
        SparseMatrix half = random(rng, n, n, 0.3);
        SparseMatrix base = rng.nextBoolean() ? half.plus(1.0, half.transpose()) : null;
        SparseMatrix a = rng.nextBoolean() ? random(rng, 1 + rng.nextInt(4), n, 0.4) : null;
        SparseMatrix g = random(rng, 1 + rng.nextInt(9), n, 0.3);
        double shift = rng.nextBoolean() ? 0.0 : rng.nextDouble();
        double[] weights = {0.1 + 1e3 * rng.nextDouble(), 0.1 + rng.nextDouble()};

        SparseMatrix expected = SparseMatrix.diagonal(n, shift);
        if (base != null) {
            expected = expected.plus(1.0, base);
        }
        if (a != null) {
            expected = expected.plus(weights[0], a.transpose().times(a));
        }
        expected = expected.plus(weights[1], g.transpose().times(g));

        SparseMatrix formed = SparseMatrix.shiftedGramSum(n, shift, base, weights, a, g);
        same(expected, formed);
        int[] perm = permutation(rng, n);
        same(expected.permutedUpperTriangle(perm), SparseMatrix.shiftedGramSum(perm, n, shift, base, weights, a, g));
        SparseMatrix.Columns pattern = SparseMatrix.shiftedGramPattern(n, base, a, g);
        assertArrayEquals(expected.colStart(), pattern.colStart());
        assertArrayEquals(expected.rowIndex(), pattern.rowIndex());
        assertNull(pattern.values());
        SparseMatrix.Columns triangle = SparseMatrix.shiftedGramPattern(perm, n, base, a, g);
        assertArrayEquals(expected.permutedUpperTriangle(perm).colStart(), triangle.colStart());
        assertArrayEquals(expected.permutedUpperTriangle(perm).rowIndex(), triangle.rowIndex());
    }

    private static void same(SparseMatrix expected, SparseMatrix actual) {
        assertEquals(expected.rows(), actual.rows());
        assertEquals(expected.cols(), actual.cols());
        assertArrayEquals(expected.colStart(), actual.colStart());
        assertArrayEquals(expected.rowIndex(), actual.rowIndex());
        assertArrayEquals(expected.values(), actual.values()); // Double.equals: bit for bit, -0.0 ≠ 0.0
    }

    private static int[] permutation(Random rng, int n) {
        int[] perm = new int[n];
        for (int k = 0; k < n; k++) {
            perm[k] = k;
        }
        for (int k = n - 1; k > 0; k--) {
            int other = rng.nextInt(k + 1);
            int t = perm[k];
            perm[k] = perm[other];
            perm[other] = t;
        }
        return perm;
    }

    /** A rows×cols matrix with about density of its entries present (some of them explicit zeros). */
    static SparseMatrix random(Random rng, int rows, int cols, double density) {
        int[] i = new int[rows * cols];
        int[] j = new int[rows * cols];
        double[] x = new double[rows * cols];
        int nnz = 0;
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                if (rng.nextDouble() < density) {
                    i[nnz] = r;
                    j[nnz] = c;
                    x[nnz++] = rng.nextInt(10) == 0 ? 0.0 : rng.nextGaussian() * Math.pow(10, rng.nextInt(5) - 2);
                }
            }
        }
        return SparseMatrix.fromTriplets("M", rows, cols, java.util.Arrays.copyOf(i, nnz),
                java.util.Arrays.copyOf(j, nnz), java.util.Arrays.copyOf(x, nnz));
    }
}
