package dev.altdiff.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SparseMatrix}: construction, validation, and its operations against dense arithmetic. */
class SparseMatrixTest {

    @Test
    void tripletsAreSortedPerColumnAndDuplicatesSummed() {
        SparseMatrix s = SparseMatrix.fromTriplets("A", 3, 2, new int[]{2, 0, 2, 1, 0}, new int[]{0, 0, 0, 1, 0},
                new double[]{1, 2, 3, 4, 5});
        assertArrayEquals(new int[]{0, 2, 3}, s.colStart());
        assertArrayEquals(new int[]{0, 2, 1}, s.rowIndex());
        assertArrayEquals(new double[]{7, 4, 4}, s.values());
        assertArrayEquals(new double[]{7, 0, 0, 4, 4, 0}, s.toRowMajor());
        assertEquals(4, s.get(2, 0));
        assertEquals(0, s.get(1, 0));
    }

    @Test
    void cscInputIsValidatedLikeTriplets() {
        SparseMatrix s = SparseMatrix.fromCsc("G", 2, 2, new int[]{0, 1, 3}, new int[]{1, 1, 0}, new double[]{1, 2, 3});
        assertArrayEquals(new double[]{0, 3, 1, 2}, s.toRowMajor());
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> SparseMatrix.fromCsc("G", 2, 3, new int[]{0, 2, 1, 2}, new int[]{0, 1}, new double[]{1, 2}));
        assertTrue(e.getMessage().contains("column pointers decrease at column 1"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"row", "col", "negativeRow", "nan", "lengths", "dims"})
    void invalidTripletsNameTheBlockAndEntry(String what) {
        int[] i = {0, 1};
        int[] j = {0, 1};
        double[] x = {1, 2};
        int rows = 2;
        switch (what) {
            case "row" -> i[1] = 2;
            case "col" -> j[1] = 5;
            case "negativeRow" -> i[0] = -1;
            case "nan" -> x[1] = Double.NaN;
            case "lengths" -> x = new double[]{1};
            default -> rows = -1;
        }
        int r = rows;
        double[] xv = x;
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> SparseMatrix.fromTriplets("P", r, 2, i, j, xv));
        assertEquals("P", e.block());
        String expected = switch (what) {
            case "row", "col", "negativeRow" -> "outside the 2x2 matrix";
            case "nan" -> "P[1][1] is not finite";
            case "lengths" -> "different lengths";
            default -> "negative dimensions";
        };
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void operationsAgreeWithDenseArithmetic() {
        Random r = new Random(5);
        SparseMatrix a = random(r, 7, 5);
        SparseMatrix b = random(r, 5, 6);
        SparseMatrix c = random(r, 7, 5);
        double[] ad = a.toRowMajor();
        double[] bd = b.toRowMajor();
        double[] cd = c.toRowMajor();
        double[] product = a.times(b).toRowMajor();
        double[] sum = a.plus(-2.0, c).toRowMajor();
        double[] transposed = a.transpose().toRowMajor();
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 6; j++) {
                double s = 0;
                for (int k = 0; k < 5; k++) {
                    s += ad[i * 5 + k] * bd[k * 6 + j];
                }
                assertEquals(s, product[i * 6 + j], 1e-14);
            }
            for (int j = 0; j < 5; j++) {
                assertEquals(ad[i * 5 + j] - 2 * cd[i * 5 + j], sum[i * 5 + j], 1e-15);
                assertEquals(ad[i * 5 + j], transposed[j * 7 + i]);
            }
        }
        double[] x = {1, -2, 3, 0.5, -1};
        double[] y = a.times(x);
        for (int i = 0; i < 7; i++) {
            double s = 0;
            for (int k = 0; k < 5; k++) {
                s += ad[i * 5 + k] * x[k];
            }
            assertEquals(s, y[i], 1e-14);
        }
        SparseMatrix square = random(r, 6, 6);
        int[] perm = {3, 0, 5, 1, 4, 2};
        double[] sq = square.toRowMajor();
        double[] permuted = square.permuted(perm).toRowMajor();
        double[] upper = square.upperTriangle().toRowMajor();
        for (int k = 0; k < 6; k++) {
            for (int l = 0; l < 6; l++) {
                assertEquals(sq[perm[k] * 6 + perm[l]], permuted[k * 6 + l]);
                assertEquals(k <= l ? sq[k * 6 + l] : 0.0, upper[k * 6 + l]);
            }
        }
    }

    private static SparseMatrix random(Random r, int rows, int cols) {
        double[][] dense = new double[rows][cols];
        for (double[] row : dense) {
            for (int j = 0; j < cols; j++) {
                row[j] = r.nextDouble() < 0.4 ? r.nextGaussian() : 0.0;
            }
        }
        return SparseMatrix.fromRows("M", dense, cols);
    }

    @Test
    void sparseProblemValidatesShapesSymmetryAndPairs() {
        SparseMatrix asym = SparseMatrix.fromTriplets("P", 2, 2, new int[]{0, 0, 1}, new int[]{0, 1, 1},
                new double[]{1, 0.5, 1});
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> QuadraticProgram.builder(2).sparseP(asym).build());
        assertEquals("P", e.block());
        assertEquals(0, e.row());
        assertEquals(1, e.col());
        SparseMatrix wide = SparseMatrix.fromTriplets("A", 1, 3, new int[]{0}, new int[]{0}, new double[]{1});
        e = assertThrows(InvalidProblemException.class,
                () -> QuadraticProgram.builder(2).sparseEqualities(wide, new double[]{1}).build());
        assertTrue(e.getMessage().contains("A is 1x3, expected 1x2"), e.getMessage());
        SparseMatrix g = SparseMatrix.fromTriplets("G", 1, 2, new int[]{0}, new int[]{0}, new double[]{1});
        e = assertThrows(InvalidProblemException.class,
                () -> QuadraticProgram.builder(2).sparseInequalities(g, null).build());
        assertEquals("h", e.block());
        e = assertThrows(InvalidProblemException.class,
                () -> QuadraticProgram.builder(2).sparseInequalities(g, new double[]{1, 2}).build());
        assertEquals("h", e.block());
        // a symmetric P given with one triangle's entries off by rounding is symmetrized
        SparseMatrix nearly = SparseMatrix.fromTriplets("P", 2, 2, new int[]{0, 0, 1, 1}, new int[]{0, 1, 0, 1},
                new double[]{2, 1, 1 + 1e-12, 2});
        QuadraticProgram qp = QuadraticProgram.builder(2).sparseP(nearly).build();
        assertEquals(qp.sparse(Block.P).get(0, 1), qp.sparse(Block.P).get(1, 0));
        assertEquals(0.5 * (2 + 2 + 2 * (1 + 0.5e-12)), qp.objective(new double[]{1, 1}), 1e-15);
    }
}
