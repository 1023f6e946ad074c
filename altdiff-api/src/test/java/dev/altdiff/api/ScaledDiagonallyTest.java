package dev.altdiff.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link QuadraticProgram#scaledDiagonally}: a scaled problem that reads the caller's arrays in place holds, through
 * every accessor, the entries a copy built from the scaled rows holds (bit for bit, P symmetrized the same way), and
 * shares the arrays instead of copying them ({@link QuadraticProgram#dense}).
 */
class ScaledDiagonallyTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void readsTheEntriesACopyWouldHold(long seed) {
        Random rng = new Random(seed);
        int n = 1 + rng.nextInt(9);
        int p = rng.nextInt(4);
        int m = rng.nextInt(5);
        double[][] pm = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                pm[i][j] = pm[j][i] = rng.nextGaussian() * Math.pow(10, rng.nextInt(7) - 3);
            }
        }
        double[][] a = rows(rng, p, n);
        double[][] g = rows(rng, m, n);
        QuadraticProgram.Builder builder = QuadraticProgram.builder(n).name("caller").P(pm).q(vector(rng, n));
        if (p > 0) {
            builder.equalities(a, vector(rng, p));
        }
        if (m > 0) {
            builder.inequalities(g, vector(rng, m));
        }
        QuadraticProgram caller = builder.build();
        double[] d = positive(rng, n);
        double c = Math.pow(2, rng.nextInt(5) - 2) * (1 + rng.nextDouble());
        double[] eA = positive(rng, p);
        double[] eG = positive(rng, m);
        double[] q = vector(rng, n);
        double[] b = vector(rng, p);
        double[] h = vector(rng, m);

        QuadraticProgram view = caller.scaledDiagonally("scaled", d, c, eA, eG, q, b, h);

        // the copy: each entry scaled as alpha·left_i·right_j, then built (P symmetrized as ½(P + Pᵀ))
        QuadraticProgram.Builder copy = QuadraticProgram.builder(n).name("scaled").P(scaledRows(pm, d, c, d)).q(q);
        if (p > 0) {
            copy.equalities(scaledRows(a, eA, 1.0, d), b);
        }
        if (m > 0) {
            copy.inequalities(scaledRows(g, eG, 1.0, d), h);
        }
        QuadraticProgram expected = copy.build();
        for (Block block : Block.values()) {
            assertArrayEquals(expected.rowMajor(block), view.rowMajor(block), block.name());
        }
        double[] x = vector(rng, n);
        assertEquals(expected.objective(x), view.objective(x));
        for (Block block : new Block[]{Block.P, Block.A, Block.G}) {
            DenseBlock shared = view.dense(block);
            DenseBlock own = caller.dense(block);
            if (own == null) {
                assertNull(shared);
                continue;
            }
            assertSame(own.stored(), shared.stored(), "read in place, not copied: " + block);
            assertTrue(shared.isScaled());
            assertFalse(own.isScaled());
            double[] row = new double[n];
            for (int i = 0; i < shared.rows(); i++) {
                shared.row(i, row, 0);
                for (int j = 0; j < n; j++) {
                    assertEquals(expected.rowMajor(block)[i * n + j], row[j]);
                    assertEquals(row[j], shared.entry(i, j));
                }
            }
        }
        assertTrue(view.sameMatrices(caller.scaledDiagonally("again", d, c, eA, eG, q, b, h)));
        assertFalse(view.sameMatrices(caller), "the scaled matrices are not the caller's");
        assertTrue(view.sameMatrices(view.withVectors("vectors", q, b, h)));
        // scaled again: a copy first, then the new factors on its entries
        QuadraticProgram twice = view.scaledDiagonally("twice", d, 1.0, eA, eG, q, b, h);
        assertArrayEquals(scaledRows(expected.P(), d, 1.0, d)[0], twice.P()[0]);
    }

    /**
     * Seeds 1–5 scale by arbitrary factors (P's entries read with their mirror term), 6–10 by powers of two as an
     * equilibration does (the mirror term is the same double and skipped): either way the view reads the copy's entries
     * and makes its products, bit for bit, while holding no values of its own.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void aSparseProblemIsScaledInTheCallersPatterns(long seed) {
        Random rng = new Random(seed);
        boolean powersOfTwo = seed > 5;
        int n = 1 + rng.nextInt(12);
        int p = rng.nextInt(4);
        int m = rng.nextInt(6);
        SparseMatrix half = SparseInPlaceTest.random(rng, n, n, 0.4);
        SparseMatrix symmetric = half.plus(1.0, half.transpose());
        SparseMatrix pm = rng.nextBoolean() ? symmetric : symmetric.plus(1e-13, half); // kept, or ½(P + Pᵀ)
        SparseMatrix a = SparseInPlaceTest.random(rng, p, n, 0.5);
        SparseMatrix g = SparseInPlaceTest.random(rng, m, n, 0.5);
        QuadraticProgram.Builder builder = QuadraticProgram.builder(n).name("caller").sparseP(pm).q(vector(rng, n));
        if (p > 0) {
            builder.sparseEqualities(a, vector(rng, p));
        }
        if (m > 0) {
            builder.sparseInequalities(g, vector(rng, m));
        }
        QuadraticProgram caller = builder.build();
        double[] d = powersOfTwo ? powersOfTwo(rng, n) : positive(rng, n);
        double c = Math.pow(2, rng.nextInt(5) - 2) * (powersOfTwo ? 1 : 1 + rng.nextDouble());
        double[] eA = powersOfTwo ? powersOfTwo(rng, p) : positive(rng, p);
        double[] eG = powersOfTwo ? powersOfTwo(rng, m) : positive(rng, m);
        double[] q = vector(rng, n);
        double[] b = vector(rng, p);
        double[] h = vector(rng, m);

        QuadraticProgram view = caller.scaledDiagonally("scaled", d, c, eA, eG, q, b, h);

        // the copy the equilibration built before: each stored entry scaled as v·((alpha·left_i)·right_j), in compressed
        // columns, then built as a problem (P symmetrized as ½(P + Pᵀ))
        QuadraticProgram.Builder copy = QuadraticProgram.builder(n).name("scaled").q(q)
                .sparseP(scaledCopy(caller.sparse(Block.P), d, c, d));
        if (p > 0) {
            copy.sparseEqualities(scaledCopy(caller.sparse(Block.A), eA, 1.0, d), b);
        }
        if (m > 0) {
            copy.sparseInequalities(scaledCopy(caller.sparse(Block.G), eG, 1.0, d), h);
        }
        QuadraticProgram expected = copy.build();
        for (Block block : new Block[]{Block.P, Block.A, Block.G}) {
            SparseMatrix want = expected.sparse(block);
            SparseMatrix got = view.sparse(block);
            if (want == null) {
                assertNull(got, block.name());
                continue;
            }
            assertArrayEquals(want.colStart(), got.colStart(), block.name());
            assertArrayEquals(want.rowIndex(), got.rowIndex(), block.name());
            assertArrayEquals(want.values(), got.values(), block.name()); // bit for bit
            SparseMatrix.Columns own = caller.sparse(block).columns();
            assertSame(own.rowIndex(), got.columns().rowIndex(), "the caller's pattern, shared: " + block);
            assertSame(own.colStart(), got.columns().colStart(), "the caller's pattern, shared: " + block);
            assertSame(own.values(), got.columns().values(), "the caller's values, read through the factors: " + block);
            assertArrayEquals(want.values(), got.columns().entries(), block.name());
            assertEquals(block == Block.P && !powersOfTwo, got.columns().scaling().mirrored(), block.name());
            sameProducts(rng, want, got);
        }
        for (Block block : Block.values()) {
            assertArrayEquals(expected.rowMajor(block), view.rowMajor(block), block.name());
        }
        double[] x = vector(rng, n);
        assertEquals(expected.objective(x), view.objective(x));
        assertTrue(view.isSparse());
        assertNull(view.dense(Block.P));
    }

    /** The view's products, accessors and derived matrices equal the copy's, bit for bit (the same terms in order). */
    private static void sameProducts(Random rng, SparseMatrix want, SparseMatrix got) {
        double[] x = vector(rng, want.cols());
        x[0] = 0.0; // a skipped column
        double[] y = vector(rng, want.rows());
        assertArrayEquals(want.times(x), got.times(x));
        assertArrayEquals(want.transposeTimes(y), got.transposeTimes(y));
        assertArrayEquals(want.toRowMajor(), got.toRowMajor());
        assertArrayEquals(want.transpose().values(), got.transpose().values());
        assertArrayEquals(want.scaled(-0.7).values(), got.scaled(-0.7).values());
        assertEquals(want.normInf(), got.normInf());
        for (int i = 0; i < want.rows(); i++) {
            assertEquals(want.get(i, want.cols() - 1), got.get(i, want.cols() - 1));
        }
        SparseMatrix gramWant = SparseMatrix.shiftedGramSum(want.cols(), 0.5, null, new double[]{1.5}, want);
        SparseMatrix gramGot = SparseMatrix.shiftedGramSum(want.cols(), 0.5, null, new double[]{1.5}, got);
        assertArrayEquals(gramWant.values(), gramGot.values());
        if (want.rows() == want.cols()) {
            int[] perm = new int[want.rows()];
            for (int k = 0; k < perm.length; k++) {
                perm[k] = perm.length - 1 - k;
            }
            assertArrayEquals(want.permutedUpperTriangle(perm).values(), got.permutedUpperTriangle(perm).values());
            assertArrayEquals(want.permuted(perm).values(), got.permuted(perm).values());
            assertArrayEquals(want.plus(2.0, want).values(), got.plus(2.0, got).values());
            assertArrayEquals(want.times(want).values(), got.times(got).values());
            SparseMatrix baseWant = SparseMatrix.shiftedGramSum(perm, want.cols(), 0.5, want, new double[0]);
            SparseMatrix baseGot = SparseMatrix.shiftedGramSum(perm, want.cols(), 0.5, got, new double[0]);
            assertArrayEquals(baseWant.values(), baseGot.values());
        }
    }

    private static SparseMatrix scaledCopy(SparseMatrix s, double[] left, double alpha, double[] right) {
        int[] start = s.colStart();
        int[] row = s.rowIndex();
        double[] values = s.values();
        for (int j = 0; j < s.cols(); j++) {
            for (int k = start[j]; k < start[j + 1]; k++) {
                values[k] *= alpha * left[row[k]] * right[j];
            }
        }
        return SparseMatrix.fromCsc("M", s.rows(), s.cols(), start, row, values);
    }

    private static double[][] scaledRows(double[][] rows, double[] left, double alpha, double[] right) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new double[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                out[i][j] = rows[i][j] * ((alpha * left[i]) * right[j]);
            }
        }
        return out;
    }

    private static double[][] rows(Random rng, int r, int c) {
        double[][] out = new double[r][];
        for (int i = 0; i < r; i++) {
            out[i] = vector(rng, c);
        }
        return out;
    }

    private static double[] vector(Random rng, int length) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = rng.nextGaussian();
        }
        return out;
    }

    private static double[] powersOfTwo(Random rng, int length) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = Math.scalb(1.0, rng.nextInt(9) - 4);
        }
        return out;
    }

    private static double[] positive(Random rng, int length) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = Math.pow(2, rng.nextInt(9) - 4) * (0.5 + rng.nextDouble());
        }
        return out;
    }
}
