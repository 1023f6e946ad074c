package dev.altdiff.api.linalg;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JVM kernels' promise that a batch column gets the bits it gets alone: every column of a product (and of
 * a Cholesky solve) with B columns equals, bit for bit, the same product with that column alone, whatever the
 * row blocking (four rows of c at a time, then the rest), the cache panels and the split between two threads.
 * The values themselves are checked against the definition by the backends' conformance suite.
 */
class JvmBlasTest {
    @ParameterizedTest(name = "[{index}] {0}x{1}x{2}")
    @CsvSource({"1,1,2", "3,5,7", "4,4,4", "5,7,3", "9,13,70", "100,100,64", "203,101,33", "8,4096,9",
        "1000,300,12"})
    void everyColumnIsTheProductOfThatColumnAlone(int rows, int inner, int width) {
        Random r = new Random(rows * 131L + inner * 17L + width);
        double[] a = gaussian(r, rows * inner);
        double[] at = gaussian(r, inner * rows);
        double[] b = gaussian(r, inner * width);
        double[] bt = gaussian(r, inner * width);
        double[] c = new double[rows * width];
        double[] ct = new double[rows * width];
        JvmBlas.gemm(rows, inner, width, -1.5, a, b, 0.0, c);
        JvmBlas.gemmTransposed(inner, rows, width, 0.5, at, bt, 0.0, ct);
        for (int j = 0; j < width; j++) {
            double[] one = new double[rows];
            double[] oneT = new double[rows];
            JvmBlas.gemm(rows, inner, 1, -1.5, a, column(b, inner, width, j), 0.0, one);
            JvmBlas.gemmTransposed(inner, rows, 1, 0.5, at, column(bt, inner, width, j), 0.0, oneT);
            for (int i = 0; i < rows; i++) {
                assertEquals(one[i], c[i * width + j], 0.0, "gemm (" + i + ", " + j + ")");
                assertEquals(oneT[i], ct[i * width + j], 0.0, "gemmTransposed (" + i + ", " + j + ")");
            }
        }
    }

    private static double[] gaussian(Random r, int length) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = r.nextGaussian();
        }
        return out;
    }

    private static double[] column(double[] block, int rows, int width, int j) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = block[i * width + j];
        }
        return out;
    }
}
