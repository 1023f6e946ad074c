package dev.altdiff.api.linalg;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The JVM kernels' promise that a batch column gets the bits it gets alone: every column of a product (and of
 * a Cholesky solve, which is also checked to solve) with B columns equals, bit for bit, the same product with that column alone, whatever the
 * row blocking (four rows of c at a time, then the rest), the cache panels and the split between two threads.
 * The values themselves are checked against the definition by the backends' conformance suite; the in-place
 * Cholesky kernel is checked here against the textbook loop and for its rejections.
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

    /**
     * Every entry of a product is its definition's sum with one rounding per product, in the order of the inner
     * index: c = β·c, then c ← fma(α·a_ik, b_kj, c) for k = 0, 1, …; for the transposed product the same with
     * a_ki. Shapes around the vector kernels' edges (whole vectors of 8 or 4 doubles, two at a time, four rows at a
     * time) and the scalar kernels' (groups of four rows and four products). Under the build's tests the vector API
     * is on ({@link JvmBlas#vectorized()}, the surefire argLine), so this holds the two kernels to the same bits.
     */
    @ParameterizedTest(name = "[{index}] {0}x{1}x{2} beta={3}")
    @CsvSource({"1,1,1,0", "1,3,8,1", "2,5,7,0.5", "3,0,9,0.5", "4,4,15,0", "5,7,16,1", "6,9,17,0", "7,1,24,0.5",
        "8,13,31,1", "9,6,32,0", "12,11,33,0.5", "13,17,40,0", "100,100,32,1", "33,64,21,0", "65,20,100,0.5"})
    void theProductIsTheDefinitionsSumInOrderWithOneRoundingPerProduct(int rows, int inner, int width, double beta) {
        Random r = new Random(rows * 31L + inner * 7L + width);
        double alpha = -1.25;
        double[] a = gaussian(r, rows * inner);
        double[] at = gaussian(r, inner * rows);
        double[] b = gaussian(r, inner * width);
        double[] c = gaussian(r, rows * width);
        double[] ct = c.clone();
        double[] expected = new double[rows * width];
        double[] expectedT = new double[rows * width];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < width; j++) {
                double sum = beta == 0 ? 0.0 : beta == 1 ? c[i * width + j] : beta * c[i * width + j];
                double sumT = beta == 0 ? 0.0 : beta * c[i * width + j];
                for (int k = 0; k < inner; k++) {
                    sum = Math.fma(alpha * a[i * inner + k], b[k * width + j], sum);
                    sumT = Math.fma(alpha * at[k * rows + i], b[k * width + j], sumT);
                }
                expected[i * width + j] = sum;
                expectedT[i * width + j] = sumT;
            }
        }
        JvmBlas.gemm(rows, inner, width, alpha, a, b, beta, c);
        JvmBlas.gemmTransposed(inner, rows, width, alpha, at, b, beta, ct);
        for (int i = 0; i < c.length; i++) {
            assertEquals(expected[i], c[i], 0.0, "gemm entry " + i);
            assertEquals(expectedT[i], ct[i], 0.0, "gemmTransposed entry " + i);
        }
    }

    /** The tests run with the vector module (the surefire argLine), so the vector kernels are what they check. */
    @org.junit.jupiter.api.Test
    void theVectorKernelsRunWhereTheModuleIsThere() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        org.junit.jupiter.api.Assertions.assertTrue(module, "the tests' JVM runs without --add-modules jdk.incubator.vector");
        assertEquals(module && !"false".equalsIgnoreCase(System.getProperty(JvmBlas.VECTORS_PROPERTY)),
                JvmBlas.vectorized());
        assertEquals(JvmBlas.vectorized() ? VectorKernels.LANES : 1, JvmBlas.vectorLanes());
    }

    /**
     * A product above the split ({@link JvmBlas#PARALLEL_WORK}) made on a fork-join pool's thread, where it is not
     * split (the batch's runs on a layer's pool), gives the bits of the same product split from a plain thread.
     */
    @ParameterizedTest(name = "[{index}] {0}x{1}x{2}")
    @CsvSource({"1500,700,1", "300,200,80", "64,2000,40"})
    void aProductOnAForkJoinThreadGivesTheBitsOfTheSplitOne(int rows, int inner, int width) throws Exception {
        Random r = new Random(rows * 7L + inner * 3L + width);
        double[] a = gaussian(r, rows * inner);
        double[] b = gaussian(r, inner * width);
        double[] split = new double[rows * width];
        double[] whole = new double[rows * width];
        double[] splitT = new double[inner * width];
        double[] wholeT = new double[inner * width];
        double[] bt = gaussian(r, rows * width);
        JvmBlas.gemm(rows, inner, width, 0.75, a, b, 0.0, split);
        JvmBlas.gemmTransposed(rows, inner, width, 0.75, a, bt, 0.0, splitT);
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(1);
        try {
            pool.submit(() -> {
                JvmBlas.gemm(rows, inner, width, 0.75, a, b, 0.0, whole);
                JvmBlas.gemmTransposed(rows, inner, width, 0.75, a, bt, 0.0, wholeT);
            }).get();
        } finally {
            pool.shutdown();
        }
        for (int i = 0; i < split.length; i++) {
            assertEquals(split[i], whole[i], 0.0, "gemm entry " + i);
        }
        for (int i = 0; i < splitT.length; i++) {
            assertEquals(splitT[i], wholeT[i], 0.0, "gemmTransposed entry " + i);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}x{1}")
    @CsvSource({"1,1", "3,5", "4,4", "5,9", "9,13", "700,300", "203,1000"})
    void theFusedPassGivesTheBitsOfTheTwoProducts(int rows, int cols) {
        Random r = new Random(rows * 31L + cols);
        double[] a = gaussian(r, rows * cols);
        double[] x = gaussian(r, cols);
        double[] y = gaussian(r, rows);
        double[] ax = new double[rows];
        double[] aty = gaussian(r, cols); // overwritten
        JvmBlas.gemvAndTransposed(rows, cols, a, x, y, ax, aty);
        double[] axAlone = new double[rows];
        double[] atyAlone = new double[cols];
        JvmBlas.gemm(rows, cols, 1, 1.0, a, x, 0.0, axAlone);
        JvmBlas.gemmTransposed(rows, cols, 1, 1.0, a, y, 0.0, atyAlone);
        for (int i = 0; i < rows; i++) {
            assertEquals(axAlone[i], ax[i], 0.0, "a·x (" + i + ")");
        }
        for (int j = 0; j < cols; j++) {
            assertEquals(atyAlone[j], aty[j], 0.0, "aᵀ·y (" + j + ")");
        }
    }

    @ParameterizedTest(name = "[{index}] n={0} width={1}")
    @CsvSource({"1,3", "4,2", "7,5", "30,64", "201,9", "40,17", "61,33"})
    void everyColumnOfACholeskySolveIsSolvedAsAlone(int n, int width) {
        Random r = new Random(n * 7L + width);
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double e = 0.3 * r.nextGaussian();
                l[i * n + j] = j % 5 == 3 ? 0.0 : e; // some zeros: the back substitution skips them
            }
            l[i * n + i] = 1 + r.nextDouble();
        }
        double[] b = gaussian(r, n * width);
        double[] x = b.clone();
        JvmBlas.choleskySolve(n, width, l, x);
        for (int j = 0; j < width; j++) {
            double[] one = column(b, n, width, j);
            JvmBlas.choleskySolve(n, 1, l, one);
            for (int i = 0; i < n; i++) {
                assertEquals(one[i], x[i * width + j], 0.0, "(" + i + ", " + j + ")");
            }
        }
        double[] llx = new double[n * width]; // and LLᵀx = b to rounding
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < width; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    double hik = 0;
                    for (int t = 0; t <= Math.min(i, k); t++) {
                        hik += l[i * n + t] * l[k * n + t];
                    }
                    sum += hik * x[k * width + j];
                }
                llx[i * width + j] = sum;
            }
        }
        for (int i = 0; i < n * width; i++) {
            assertEquals(b[i], llx[i], 1e-9 * (1 + Math.abs(b[i])));
        }
    }

    /**
     * {@link JvmBlas#choleskyInPlace} against the textbook loop (l_ij = (m_ij − Σ l_ik l_jk) / l_jj by rows) at
     * orders around its blocks of 64 columns and its column blocks of 256 (n = 400: the trailing update split
     * between two threads): the same L to rounding, zeros above the diagonal, only the lower triangle read (the
     * upper one is NaN here), and the same bits on a second run.
     */
    @ParameterizedTest(name = "[{index}] n={0}")
    @CsvSource({"1", "3", "4", "63", "64", "65", "130", "257", "400"})
    void choleskyInPlaceFactorsAsTheTextbookLoop(int n) {
        double[] m = wellConditionedSpd(new Random(n * 3L + 1), n);
        double[] a = m.clone();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                a[i * n + j] = Double.NaN;
            }
        }
        double[] again = a.clone();
        JvmBlas.choleskyInPlace(n, a);
        JvmBlas.choleskyInPlace(n, again);
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = m[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = i == j ? Math.sqrt(s) : s / l[j * n + j];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(l[i * n + j], a[i * n + j], 1e-13 * Math.sqrt(n), "(" + i + ", " + j + ")");
                assertEquals(again[i * n + j], a[i * n + j], 0.0, "second run (" + i + ", " + j + ")");
            }
        }
    }

    /**
     * A pivot that is not positive stops the factorization with {@link NotPositiveDefiniteException}, in the first
     * block or in a later one, NaN included (ojAlgo's criterion).
     */
    @ParameterizedTest(name = "[{index}] n={0} ({1}, {2}) = {3}")
    @CsvSource({"1,0,0,0", "5,3,3,-1", "200,150,150,-1", "200,170,20,NaN", "200,199,199,0", "300,100,100,NaN"})
    void choleskyInPlaceRejectsANonPositivePivot(int n, int row, int col, double value) {
        double[] m = wellConditionedSpd(new Random(n), n);
        m[row * n + col] = value;
        assertThrows(NotPositiveDefiniteException.class, () -> JvmBlas.choleskyInPlace(n, m));
    }

    /** GGᵀ/n + I for a seeded Gaussian G: eigenvalues between 1 and about 5. */
    private static double[] wellConditionedSpd(Random r, int n) {
        double[] g = gaussian(r, n * n);
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += g[i * n + k] * g[j * n + k];
                }
                m[i * n + j] = s / n + (i == j ? 1 : 0);
            }
        }
        return m;
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
