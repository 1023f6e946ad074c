package dev.altdiff.testkit;

import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;
import dev.altdiff.api.linalg.NotPositiveDefiniteException;
import dev.altdiff.api.linalg.SingularMatrixException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link LinearAlgebra}, run unchanged by every backend (after EJML's generic
 * decomposition tests): a backend module adds a subclass that returns its implementation from
 * {@link #backend()}, and depends on this class through {@code altdiff-testkit}.
 *
 * <p>Products, element-wise operations and norms are compared with plain-Java loops: they are exact
 * up to the rounding of a length-k dot product, hence the relative tolerance {@link #PRODUCT_TOL}
 * (≈ 4500·ε, for k ≤ 20 and any summation order). Solves are compared with a known solution X of
 * M X = B, B formed here in Java: M is built as Q₁·diag(σ)·Q₂ from Householder reflections, so its
 * 2-norm condition number κ is known exactly, and for a backward-stable solver the forward error is
 * ‖X̂ − X‖ / ‖X‖ ≲ c·n·ε·κ (Higham, Accuracy and Stability, Thm 7.2 / 10.4); {@link #solveTolerance}
 * takes c = 10, which for κ ≤ 10⁶ and n ≤ 150 still leaves the check meaningful (≤ 3·10⁻⁸).
 */
public abstract class LinearAlgebraConformanceTest {
    /** Machine epsilon, 2⁻⁵². */
    protected static final double EPS = Math.ulp(1.0);
    /** Relative tolerance of products and element-wise results against the Java loops. */
    protected static final double PRODUCT_TOL = 1e-12;

    protected LinearAlgebra la;

    /** @return the backend under test (may be a fresh or a shared instance) */
    protected abstract LinearAlgebra backend();

    @BeforeEach
    void setUpBackend() {
        la = backend();
    }

    // ------------------------------------------------------------------ helpers

    /** Seeded standard-normal rows×cols entries. */
    protected static double[][] gaussian(long seed, int rows, int cols) {
        return Gaussian.matrix(new Random(seed), rows, cols);
    }

    protected static double[] flat(double[][] a, int cols) {
        double[] out = new double[a.length * cols];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * cols, cols);
        }
        return out;
    }

    protected Matrix of(double[][] a) {
        int cols = a.length == 0 ? 0 : a[0].length;
        return la.matrix(a.length, cols, flat(a, cols));
    }

    protected static double[][] rows(Matrix m) {
        double[] data = m.toRowMajor();
        double[][] out = new double[m.rows()][m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            System.arraycopy(data, i * m.cols(), out[i], 0, m.cols());
        }
        return out;
    }

    protected static double[][] transposed(double[][] a, int rows, int cols) {
        double[][] t = new double[cols][rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    protected static double[][] times(double[][] a, double[][] b, int inner, int cols) {
        double[][] c = new double[a.length][cols];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < inner; k++) {
                for (int j = 0; j < cols; j++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    /** Householder reflection I − 2vvᵀ/‖v‖² for a seeded v: orthogonal and symmetric. */
    protected static double[][] reflection(long seed, int n) {
        double[] v = gaussian(seed, 1, n)[0];
        double vv = 0;
        for (double x : v) {
            vv += x * x;
        }
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = (i == j ? 1 : 0) - 2 * v[i] * v[j] / vv;
            }
        }
        return q;
    }

    /** Singular values from 1 down to 1/κ, geometrically spaced (κ = 1 for n = 1). */
    protected static double[] spectrum(int n, double kappa) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = n == 1 ? 1 : Math.pow(kappa, -i / (double) (n - 1));
        }
        return s;
    }

    /** Q₁·diag(d)·Q₂. */
    protected static double[][] compose(double[][] q1, double[] d, double[][] q2) {
        int n = d.length;
        double[][] scaled = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                scaled[i][j] = q1[i][j] * d[j];
            }
        }
        return times(scaled, q2, n, n);
    }

    /** An SPD matrix Q·diag(λ)·Q with eigenvalues from 1 to 1/κ: 2-norm condition number κ. */
    protected static double[][] spd(long seed, int n, double kappa) {
        double[][] q = reflection(seed, n);
        return compose(q, spectrum(n, kappa), q);
    }

    /** A non-symmetric Q₁·diag(σ)·Q₂ with singular values from 1 to 1/κ. */
    protected static double[][] general(long seed, int n, double kappa) {
        return compose(reflection(seed, n), spectrum(n, kappa), reflection(seed + 7919, n));
    }

    /** 10·n·ε·κ: the forward-error bound of a backward-stable solve, with c = 10. */
    protected static double solveTolerance(int n, double kappa) {
        return 10 * n * EPS * kappa;
    }

    protected static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    protected static double relativeError(double[][] expected, Matrix actual) {
        double[][] got = rows(actual);
        double[][] diff = new double[expected.length][];
        for (int i = 0; i < expected.length; i++) {
            diff[i] = new double[expected[i].length];
            for (int j = 0; j < expected[i].length; j++) {
                diff[i][j] = got[i][j] - expected[i][j];
            }
        }
        return frobenius(diff) / frobenius(expected);
    }

    /** Entry-wise: |actual − expected| ≤ tol·scale[i][j] (scale = Σ|a_ik||b_kj| for products). */
    protected static void assertClose(double[][] expected, double[][] scale, double tol, Matrix actual) {
        assertEquals(expected.length, actual.rows(), "rows");
        int cols = expected.length == 0 ? actual.cols() : expected[0].length;
        assertEquals(cols, actual.cols(), "cols");
        double[][] got = rows(actual);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < cols; j++) {
                double bound = tol * Math.max(scale[i][j], Double.MIN_NORMAL);
                assertTrue(Math.abs(got[i][j] - expected[i][j]) <= bound,
                        "(" + i + "," + j + "): expected " + expected[i][j] + ", got " + got[i][j]);
            }
        }
    }

    protected static void assertExactly(double[][] expected, Matrix actual) {
        assertEquals(expected.length, actual.rows(), "rows");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual.cols(), "cols");
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], actual.get(i, j), 0.0, "(" + i + "," + j + ")");
            }
        }
    }

    /** A Matrix of no backend at all. */
    private static final class Foreign implements Matrix {
        @Override public int rows() { return 1; }

        @Override public int cols() { return 1; }

        @Override public double get(int i, int j) { return 0; }

        @Override public double[] toRowMajor() { return new double[1]; }
    }

    // ------------------------------------------------------------------ identity of the backend

    @Test
    void isRegisteredWithTheServiceLoaderUnderItsName() {
        String name = la.name();
        assertFalse(name == null || name.isBlank(), "name");
        boolean found = false;
        for (LinearAlgebra candidate : ServiceLoader.load(LinearAlgebra.class)) {
            found |= candidate.name().equals(name) && candidate.getClass() == la.getClass();
        }
        assertTrue(found, "META-INF/services/dev.altdiff.api.linalg.LinearAlgebra lists " + la.getClass().getName());
    }

    // ------------------------------------------------------------------ creation and shapes

    @ParameterizedTest
    @CsvSource({"1,1", "1,5", "5,1", "3,4", "7,2", "0,3", "3,0", "0,0"})
    void matrixRowMajorRoundTrip(int rows, int cols) {
        double[] values = new double[rows * cols];
        Random r = new Random(31L * rows + cols);
        for (int k = 0; k < values.length; k++) {
            values[k] = r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10);
        }
        Matrix m = la.matrix(rows, cols, values);
        assertEquals(rows, m.rows());
        assertEquals(cols, m.cols());
        assertArrayEquals(values, m.toRowMajor(), 0.0);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(values[i * cols + j], m.get(i, j), 0.0);
            }
        }
        // formed row by row from a source: the same matrix, each row asked for once, in order (empty rows need not be)
        int[] asked = {0};
        Matrix fromRows = la.matrix(rows, cols, (i, out) -> {
            assertEquals(asked[0]++, i);
            assertEquals(cols, out.length);
            System.arraycopy(values, i * cols, out, 0, cols);
        });
        assertEquals(cols == 0 ? asked[0] : rows, asked[0]);
        assertEquals(rows, fromRows.rows());
        assertEquals(cols, fromRows.cols());
        assertArrayEquals(values, fromRows.toRowMajor(), 0.0);
    }

    @Test
    void specialValuesSurviveTheRoundTrip() {
        double[] values = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MIN_VALUE,
            Double.MAX_VALUE};
        Matrix m = la.matrix(2, 3, values);
        assertArrayEquals(values, m.toRowMajor(), 0.0);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(m.get(1, 0)));
    }

    @Test
    void matrixAndToRowMajorCopy() {
        double[] values = {1, 2, 3, 4};
        Matrix m = la.matrix(2, 2, values);
        values[0] = 99;
        assertEquals(1.0, m.get(0, 0));
        double[] out = m.toRowMajor();
        out[1] = 99;
        assertEquals(2.0, m.get(0, 1));
        assertNotSame(m.toRowMajor(), m.toRowMajor());
    }

    @Test
    void vectorIsAColumn() {
        Matrix v = la.vector(new double[] {1, 2, 3});
        assertEquals(3, v.rows());
        assertEquals(1, v.cols());
        assertArrayEquals(new double[] {1, 2, 3}, v.toRowMajor(), 0.0);
        Matrix empty = la.vector(new double[0]);
        assertEquals(0, empty.rows());
        assertEquals(1, empty.cols());
    }

    @ParameterizedTest
    @CsvSource({"1,1", "4,3", "3,4", "0,2", "2,0"})
    void zerosAreZero(int rows, int cols) {
        Matrix z = la.zeros(rows, cols);
        assertEquals(rows, z.rows());
        assertEquals(cols, z.cols());
        assertArrayEquals(new double[rows * cols], z.toRowMajor(), 0.0);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 5, 33})
    void identity(int n) {
        Matrix eye = la.identity(n);
        assertEquals(n, eye.rows());
        assertEquals(n, eye.cols());
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(i == j ? 1.0 : 0.0, eye.get(i, j), 0.0);
            }
        }
    }

    @Test
    void matrixRejectsAWrongNumberOfValues() {
        assertThrows(IllegalArgumentException.class, () -> la.matrix(2, 3, new double[5]));
        assertThrows(IllegalArgumentException.class, () -> la.matrix(2, 3, new double[7]));
    }

    @Test
    void copyIsIndependent() {
        double[][] a = gaussian(1, 3, 4);
        Matrix m = of(a);
        Matrix c = la.copy(m);
        assertExactly(a, c);
        la.scale(2.0, m);
        assertExactly(a, c);
        la.clampBelow(c, 10.0);
        assertEquals(2 * a[0][0], m.get(0, 0), 0.0);
        Matrix e = la.copy(la.zeros(0, 3));
        assertEquals(0, e.rows());
        assertEquals(3, e.cols());
    }

    @ParameterizedTest
    @CsvSource({"1,1", "1,6", "6,1", "3,5", "5,3", "0,4"})
    void transposeIsANewMatrix(int rows, int cols) {
        double[][] a = gaussian(rows * 10L + cols, rows, cols);
        Matrix m = la.matrix(rows, cols, flat(a, cols));
        Matrix t = la.transpose(m);
        assertEquals(cols, t.rows());
        assertEquals(rows, t.cols());
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(a[i][j], t.get(j, i), 0.0);
            }
        }
        if (rows > 0) {
            la.scale(0.0, t);
            assertEquals(a[0][0], m.get(0, 0), 0.0);
        }
    }

    // ------------------------------------------------------------------ products

    /** (m, k, n) × transposes × (α, β): square, rectangular, inner, outer and matrix-vector shapes. */
    static Stream<Arguments> gemmCases() {
        int[][] shapes = {{1, 1, 1}, {3, 4, 5}, {5, 3, 4}, {4, 1, 3}, {1, 5, 1}, {6, 3, 1}, {1, 3, 6}, {7, 7, 7},
            {20, 13, 9}};
        double[][] coefficients = {{1, 0}, {2.5, 0}, {1, 1}, {-0.5, 2}, {0, 1.5}};
        List<Arguments> cases = new ArrayList<>();
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (double[] ab : coefficients) {
                        cases.add(Arguments.of(s[0], s[1], s[2], ta, tb, ab[0], ab[1]));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}x{1}x{2} tA={3} tB={4} alpha={5} beta={6}")
    @MethodSource("gemmCases")
    void gemmComputesAlphaOpAOpBPlusBetaC(int m, int k, int n, boolean ta, boolean tb, double alpha, double beta) {
        long seed = ((m * 31L + k) * 31 + n) * 4 + (ta ? 2 : 0) + (tb ? 1 : 0);
        double[][] opA = gaussian(seed, m, k);
        double[][] opB = gaussian(seed + 1, k, n);
        double[][] c0 = gaussian(seed + 2, m, n);
        Matrix a = ta ? of(transposed(opA, m, k)) : of(opA);
        Matrix b = tb ? of(transposed(opB, k, n)) : of(opB);
        Matrix c = of(c0);
        double[][] aBefore = rows(a);
        la.gemm(alpha, a, ta, b, tb, beta, c);
        double[][] expected = new double[m][n];
        double[][] scale = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                double abs = 0;
                for (int l = 0; l < k; l++) {
                    dot += opA[i][l] * opB[l][j];
                    abs += Math.abs(opA[i][l] * opB[l][j]);
                }
                expected[i][j] = alpha * dot + beta * c0[i][j];
                scale[i][j] = Math.abs(alpha) * abs + Math.abs(beta * c0[i][j]);
            }
        }
        assertClose(expected, scale, PRODUCT_TOL, c);
        assertExactly(aBefore, a);
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void gemmWithBetaZeroIgnoresThePreviousContentsOfC(double garbage) {
        double[][] a = gaussian(3, 4, 3);
        double[][] b = gaussian(4, 3, 2);
        double[][] expected = times(a, b, 3, 2);
        for (int[] shape : new int[][] {{4, 2}}) {
            double[] filled = new double[shape[0] * shape[1]];
            java.util.Arrays.fill(filled, garbage);
            Matrix c = la.matrix(shape[0], shape[1], filled);
            la.gemm(1.0, of(a), false, of(b), false, 0.0, c);
            assertClose(expected, absTimes(a, b, 3, 2), PRODUCT_TOL, c);
        }
        // and for a matrix-vector product
        double[] filled = {garbage, garbage, garbage, garbage};
        Matrix y = la.matrix(4, 1, filled);
        la.gemm(2.0, of(a), false, la.vector(new double[] {1, 0, 0}), false, 0.0, y);
        for (int i = 0; i < 4; i++) {
            assertEquals(2 * a[i][0], y.get(i, 0), 0.0);
        }
    }

    /**
     * The iterations' products on JVM arrays, c = βc + α·op(a)·b: shapes below and above the JVM kernel's
     * parallel split ({@link dev.altdiff.api.linalg.JvmBlas#PARALLEL_WORK}) and a native backend's
     * threshold (a few million multiply-adds), a matrix–vector product, and β = 0 over garbage in c.
     */
    @ParameterizedTest(name = "[{index}] {0}x{1}x{2} transposed={3} beta={4}")
    @org.junit.jupiter.params.provider.CsvSource({"5,7,3,false,0.5", "5,7,3,true,0.5", "100,100,64,false,1.0",
            "100,100,64,true,0.0", "1500,700,1,false,0.0", "700,1500,1,true,1.0", "300,200,80,false,-1.0",
            "300,200,80,true,0.0", "8,4096,9,false,0.0"})
    void arrayGemmMatchesTheDefinition(int rows, int inner, int width, boolean transposed, double beta) {
        long seed = (rows * 31L + inner) * 31 + width;
        double[][] opA = gaussian(seed, rows, inner); // op(a): rows×inner
        double[][] b = gaussian(seed + 1, inner, width);
        double[][] c0 = gaussian(seed + 2, rows, width);
        double[] a = transposed ? flat(transposed(opA, rows, inner)) : flat(opA);
        double[] c = flat(c0);
        if (beta == 0) {
            java.util.Arrays.fill(c, Double.NaN);
        }
        double alpha = -1.5;
        if (transposed) {
            la.gemmTransposed(inner, rows, width, alpha, a, flat(b), beta, c);
        } else {
            la.gemm(rows, inner, width, alpha, a, flat(b), beta, c);
        }
        double[][] expected = new double[rows][width];
        double[][] scale = new double[rows][width];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < width; j++) {
                double dot = 0;
                double abs = 0;
                for (int l = 0; l < inner; l++) {
                    dot += opA[i][l] * b[l][j];
                    abs += Math.abs(opA[i][l] * b[l][j]);
                }
                expected[i][j] = alpha * dot + (beta == 0 ? 0 : beta * c0[i][j]);
                scale[i][j] = Math.abs(alpha) * abs + Math.abs(beta * c0[i][j]);
            }
        }
        assertClose(expected, scale, PRODUCT_TOL, la.matrix(rows, width, c));
    }

    private static double[] flat(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] out = new double[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * cols, cols);
        }
        return out;
    }

    @Test
    void gemmWithNonzeroBetaKeepsNaNOfC() {
        Matrix c = la.matrix(1, 1, new double[] {Double.NaN});
        la.gemm(1.0, la.identity(1), false, la.identity(1), false, 1.0, c);
        assertTrue(Double.isNaN(c.get(0, 0)));
    }

    private static double[][] absTimes(double[][] a, double[][] b, int inner, int cols) {
        double[][] c = new double[a.length][cols];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < inner; k++) {
                for (int j = 0; j < cols; j++) {
                    c[i][j] += Math.abs(a[i][k] * b[k][j]);
                }
            }
        }
        return c;
    }

    @Test
    void gemmWithAnEmptyInnerDimensionScalesC() {
        Matrix a = la.zeros(3, 0);
        Matrix b = la.zeros(0, 2);
        Matrix c = la.matrix(3, 2, new double[] {1, 2, 3, 4, 5, 6});
        la.gemm(1.0, a, false, b, false, 2.0, c);
        assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12}, c.toRowMajor(), 0.0);
        la.gemm(1.0, a, false, b, false, 0.0, c);
        assertArrayEquals(new double[6], c.toRowMajor(), 0.0);
        Matrix empty = la.zeros(0, 2);
        la.gemm(1.0, la.zeros(0, 3), false, la.zeros(3, 2), false, 0.0, empty);
        assertEquals(0, empty.rows());
    }

    @Test
    void gemmRejectsMismatchedShapesAndAliasing() {
        Matrix a = la.zeros(2, 3);
        Matrix b = la.zeros(3, 4);
        assertThrows(IllegalArgumentException.class, () -> la.gemm(1, a, false, b, false, 0, la.zeros(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> la.gemm(1, a, false, b, false, 0, la.zeros(3, 4)));
        assertThrows(IllegalArgumentException.class, () -> la.gemm(1, a, true, b, false, 0, la.zeros(3, 4)));
        assertThrows(IllegalArgumentException.class, () -> la.gemm(1, a, false, b, true, 0, la.zeros(2, 3)));
        Matrix sq = la.identity(3);
        assertThrows(IllegalArgumentException.class, () -> la.gemm(1, sq, false, la.identity(3), false, 0, sq));
        assertThrows(IllegalArgumentException.class, () -> la.gemm(1, la.identity(3), false, sq, false, 0, sq));
        assertThrows(IllegalArgumentException.class, () -> la.multiply(a, a));
    }

    @Test
    void multiplyDefaultsAllocateTheProduct() {
        double[][] a = gaussian(5, 3, 2);
        double[][] b = gaussian(6, 2, 4);
        Matrix ma = of(a);
        Matrix mb = of(b);
        assertClose(times(a, b, 2, 4), absTimes(a, b, 2, 4), PRODUCT_TOL, la.multiply(ma, mb));
        double[][] at = transposed(a, 3, 2);
        Matrix ata = la.multiply(ma, true, ma, false);
        assertClose(times(at, a, 3, 2), absTimes(at, a, 3, 2), PRODUCT_TOL, ata);
        Matrix aat = la.multiply(ma, false, ma, true);
        assertEquals(3, aat.rows());
        assertEquals(3, aat.cols());
        Matrix btat = la.multiply(mb, true, ma, true);
        double[][] expected = transposed(times(a, b, 2, 4), 3, 4);
        assertClose(expected, transposed(absTimes(a, b, 2, 4), 3, 4), PRODUCT_TOL, btat);
        Matrix inner = la.multiply(la.vector(new double[] {1, 2, 3}), true, la.vector(new double[] {4, 5, 6}), false);
        assertEquals(1, inner.rows());
        assertEquals(1, inner.cols());
        assertEquals(32.0, inner.get(0, 0), 0.0);
    }

    // ------------------------------------------------------------------ element-wise

    @Test
    void axpyAddsAMultiple() {
        double[][] x = gaussian(7, 3, 2);
        double[][] y = gaussian(8, 3, 2);
        Matrix mx = of(x);
        Matrix my = of(y);
        la.axpy(-1.5, mx, my);
        double[][] expected = new double[3][2];
        double[][] scale = new double[3][2];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                expected[i][j] = y[i][j] - 1.5 * x[i][j];
                scale[i][j] = Math.abs(y[i][j]) + Math.abs(1.5 * x[i][j]);
            }
        }
        assertClose(expected, scale, 4 * EPS, my);
        assertExactly(x, mx);
        la.axpy(1.0, my, my); // x and y may be the same matrix
        assertEquals(2 * expected[0][0], my.get(0, 0), 8 * EPS * scale[0][0]);
        la.axpy(1.0, la.zeros(0, 2), la.zeros(0, 2));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 33})
    void addToDiagonalAddsAMultipleOfTheIdentity(int n) {
        double[][] a = gaussian(n + 11, n, n);
        Matrix shifted = of(a);
        Matrix viaIdentity = of(a);
        la.addToDiagonal(0.37, shifted);
        la.axpy(0.37, la.identity(n), viaIdentity);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) { // the same sums as with the identity, bit for bit
                assertEquals(i == j ? a[i][j] + 0.37 : a[i][j], shifted.get(i, j), 0.0);
                assertEquals(viaIdentity.get(i, j), shifted.get(i, j), 0.0);
            }
        }
    }

    @Test
    void addToDiagonalRejectsANonSquareMatrix() {
        assertThrows(IllegalArgumentException.class, () -> la.addToDiagonal(1, la.zeros(2, 3)));
    }

    @Test
    void axpyRejectsDifferentShapes() {
        assertThrows(IllegalArgumentException.class, () -> la.axpy(1, la.zeros(2, 3), la.zeros(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> la.axpy(1, la.zeros(2, 1), la.zeros(3, 1)));
    }

    @Test
    void scaleMultipliesEveryEntry() {
        Matrix m = la.matrix(2, 2, new double[] {1, -2, 3, Double.POSITIVE_INFINITY});
        la.scale(-0.5, m);
        assertArrayEquals(new double[] {-0.5, 1, -1.5, Double.NEGATIVE_INFINITY}, m.toRowMajor(), 0.0);
        la.scale(2, la.zeros(0, 0));
    }

    @Test
    void scaleRowsMultipliesRowIByDi() {
        double[][] x = gaussian(9, 4, 3);
        double[] d = {2, 0, -1, 0.5};
        Matrix m = of(x);
        la.scaleRows(d, m);
        double[][] expected = new double[4][3];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                expected[i][j] = d[i] * x[i][j];
            }
        }
        assertExactly(expected, m);
        Matrix v = la.vector(new double[] {1, 2, 3, 4});
        la.scaleRows(d, v);
        assertArrayEquals(new double[] {2, 0, -3, 2}, v.toRowMajor(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> la.scaleRows(new double[3], la.zeros(4, 3)));
        assertThrows(IllegalArgumentException.class, () -> la.scaleRows(new double[5], la.zeros(4, 1)));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0, -2.5, 1e-300})
    void clampBelowRaisesToTheFloorAndKeepsNaN(double floor) {
        double[] values = {floor - 1, Math.nextDown(floor), floor, Math.nextUp(floor), floor + 1, Double.NaN,
            Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        Matrix m = la.matrix(2, 4, values);
        la.clampBelow(m, floor);
        double[] out = m.toRowMajor();
        assertEquals(floor, out[0], 0.0);
        assertEquals(floor, out[1], 0.0);
        assertEquals(floor, out[2], 0.0);
        assertEquals(Math.nextUp(floor), out[3], 0.0);
        assertEquals(floor + 1, out[4], 0.0);
        assertTrue(Double.isNaN(out[5]), "NaN stays NaN");
        assertEquals(floor, out[6], 0.0);
        assertEquals(Double.POSITIVE_INFINITY, out[7], 0.0);
        la.clampBelow(la.zeros(0, 3), floor);
    }

    // ------------------------------------------------------------------ norms

    @Test
    void norms() {
        Matrix m = la.matrix(2, 2, new double[] {3, -4, 0, 12});
        assertEquals(12.0, la.normInf(m), 0.0);
        assertEquals(13.0, la.normFrobenius(m), 13 * 4 * EPS);
        Matrix v = la.vector(new double[] {3, 4});
        assertEquals(5.0, la.normFrobenius(v), 5 * 4 * EPS);
        assertEquals(4.0, la.normInf(v), 0.0);
        assertEquals(0.0, la.normInf(la.zeros(3, 2)), 0.0);
        assertEquals(0.0, la.normFrobenius(la.zeros(3, 2)), 0.0);
        assertEquals(0.0, la.normInf(la.zeros(0, 2)), 0.0);
        assertEquals(0.0, la.normFrobenius(la.zeros(2, 0)), 0.0);
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e200, 1e-200, 1e-310})
    void frobeniusNormNeitherOverflowsNorUnderflows(double magnitude) {
        Matrix v = la.vector(new double[] {3 * magnitude, -4 * magnitude});
        assertEquals(5 * magnitude, la.normFrobenius(v), 5 * magnitude * 1e-12);
        assertEquals(4 * magnitude, la.normInf(v), 0.0);
    }

    @Test
    void normsOfNaNAndInfinity() {
        Matrix withNaN = la.vector(new double[] {1, Double.NaN, -7});
        assertTrue(Double.isNaN(la.normInf(withNaN)));
        assertTrue(Double.isNaN(la.normFrobenius(withNaN)));
        Matrix withInf = la.vector(new double[] {1, Double.NEGATIVE_INFINITY});
        assertEquals(Double.POSITIVE_INFINITY, la.normInf(withInf));
        assertEquals(Double.POSITIVE_INFINITY, la.normFrobenius(withInf));
    }

    @Test
    void normsOfRandomData() {
        double[][] a = gaussian(11, 17, 5);
        double max = 0;
        for (double[] row : a) {
            for (double v : row) {
                max = Math.max(max, Math.abs(v));
            }
        }
        assertEquals(max, la.normInf(of(a)), 0.0);
        assertEquals(frobenius(a), la.normFrobenius(of(a)), frobenius(a) * 100 * EPS);
    }

    // ------------------------------------------------------------------ Cholesky

    @ParameterizedTest(name = "[{index}] n={0} k={1} kappa={2}")
    @CsvSource({"1,1,1", "1,3,1", "2,1,10", "5,5,100", "10,1,1e4", "10,30,1e4", "64,1,1e6", "64,64,1e2",
        "100,200,1e3", "150,3,1e6"})
    void choleskySolvesManyRightHandSides(int n, int k, double kappa) {
        double[][] m = spd(n * 1000L + k, n, kappa);
        double[][] x = gaussian(n + 17L * k, n, k);
        double[][] b = times(m, x, n, k);
        Matrix mm = of(m);
        Matrix mb = of(b);
        Factorization chol = la.cholesky(mm);
        assertEquals(n, chol.size());
        Matrix solved = chol.solve(mb);
        assertEquals(n, solved.rows());
        assertEquals(k, solved.cols());
        double error = relativeError(x, solved);
        assertTrue(error <= solveTolerance(n, kappa), "relative error " + error + " > " + solveTolerance(n, kappa));
        assertExactly(b, mb); // the right-hand side is not modified
        assertExactly(m, mm); // nor is the factored matrix
        assertEquals(0.0, relativeError(rows(solved), chol.solve(mb)), 0.0); // reusable, deterministic
        Matrix one = chol.solve(la.vector(column(b, 0))); // one right-hand side agrees with the block solve
        assertEquals(0.0, relativeError(column(rows(solved), 0), one), 2 * solveTolerance(n, kappa));
    }

    /**
     * The Cholesky factor a backend gives for solves in the JVM: lower triangular, LLᵀ = M to rounding, and
     * {@link dev.altdiff.api.linalg.JvmBlas#choleskySolve} with it solves as the factorization does, with every
     * column bit for bit what it gets alone.
     */
    @ParameterizedTest(name = "[{index}] n={0} k={1} kappa={2}")
    @CsvSource({"1,1,1", "5,3,100", "64,7,1e4", "150,2,1e6"})
    void choleskyFactorSolvesInTheJvm(int n, int k, double kappa) {
        double[][] m = spd(n * 31L + k, n, kappa);
        double[][] x = gaussian(n + 5L * k, n, k);
        double[][] b = times(m, x, n, k);
        Factorization chol = la.cholesky(of(m));
        double[] l = chol.choleskyFactor();
        if (l == null) {
            return; // the backend does not give its factor: the callers solve through it (allowed by the SPI)
        }
        assertCholeskyFactor(m, l);
        double[] block = new double[n * k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(b[i], 0, block, i * k, k);
        }
        dev.altdiff.api.linalg.JvmBlas.choleskySolve(n, k, l, block);
        double[][] solved = new double[n][k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(block, i * k, solved[i], 0, k);
        }
        assertTrue(relativeError(x, of(solved)) <= solveTolerance(n, kappa));
        double[] one = column(b, k - 1);
        dev.altdiff.api.linalg.JvmBlas.choleskySolve(n, 1, l, one);
        for (int i = 0; i < n; i++) {
            assertEquals(solved[i][k - 1], one[i], 0.0, "column alone, row " + i);
        }
    }

    /** l is lower triangular (zeros above the diagonal) and LLᵀ = M to rounding (100·n·ε·max|m_ij|). */
    private static void assertCholeskyFactor(double[][] m, double[] l) {
        int n = m.length;
        assertEquals(n * n, l.length, "n·n entries");
        double scale = 0;
        double err = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (j > i) {
                    assertEquals(0.0, l[i * n + j], 0.0, "above the diagonal");
                }
                double llt = 0;
                for (int t = 0; t < n; t++) {
                    llt += l[i * n + t] * l[j * n + t];
                }
                err = Math.max(err, Math.abs(llt - m[i][j]));
                scale = Math.max(scale, Math.abs(m[i][j]));
            }
        }
        assertTrue(err <= 100 * n * EPS * scale, "|LLᵀ − M| = " + err);
    }

    /**
     * {@link LinearAlgebra#choleskyInPlace} on a matrix formed for it alone (consumed, not read afterwards): it
     * solves as {@link LinearAlgebra#cholesky} does, to the solve's tolerance and to each other's, gives a factor
     * where cholesky gives one, and leaves the right-hand side alone; orders around 64 and 256 reach a blocked
     * kernel's edges.
     */
    @ParameterizedTest(name = "[{index}] n={0} k={1} kappa={2}")
    @CsvSource({"1,1,1", "5,3,100", "64,2,1e4", "65,1,1e6", "150,7,1e6", "300,4,1e8"})
    void choleskyInPlaceSolvesAsCholesky(int n, int k, double kappa) {
        double[][] m = spd(n * 13L + k, n, kappa);
        double[][] x = gaussian(n + 3L * k, n, k);
        double[][] b = times(m, x, n, k);
        Matrix mb = of(b);
        Factorization copied = la.cholesky(of(m));
        Factorization inPlace = la.choleskyInPlace(of(m));
        assertEquals(n, inPlace.size());
        Matrix solved = inPlace.solve(mb);
        assertEquals(n, solved.rows());
        assertEquals(k, solved.cols());
        double error = relativeError(x, solved);
        assertTrue(error <= solveTolerance(n, kappa), "relative error " + error + " > " + solveTolerance(n, kappa));
        double apart = relativeError(rows(copied.solve(mb)), solved);
        assertTrue(apart <= solveTolerance(n, kappa), "in place vs copy: " + apart);
        assertExactly(b, mb);
        assertEquals(0.0, relativeError(rows(solved), inPlace.solve(mb)), 0.0); // reusable, deterministic
        double[] l = inPlace.choleskyFactor();
        assertEquals(copied.choleskyFactor() == null, l == null, "a factor where cholesky gives one");
        if (l != null) {
            assertCholeskyFactor(m, l);
        }
        // formed in the JVM and consumed (its upper triangle is not read), and solved in place where the factor is
        // in the JVM: only the first n·k entries of a longer array
        double[] lower = flat(m, n);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                lower[i * n + j] = Double.NaN;
            }
        }
        Factorization fromArray = la.cholesky(n, lower);
        assertEquals(n, fromArray.size());
        double fromArrayError = relativeError(x, fromArray.solve(mb));
        assertTrue(fromArrayError <= solveTolerance(n, kappa), "from the array: " + fromArrayError);
        double[] scratch = java.util.Arrays.copyOf(flat(b, k), n * k + 3);
        scratch[n * k] = 7;
        if (fromArray.solveInPlace(scratch, k)) {
            double solvedInPlace = relativeError(x, la.matrix(n, k, java.util.Arrays.copyOf(scratch, n * k)));
            assertTrue(solvedInPlace <= solveTolerance(n, kappa), "solved in place: " + solvedInPlace);
            assertEquals(7.0, scratch[n * k], 0.0, "past n·k untouched");
        } else {
            assertArrayEquals(java.util.Arrays.copyOf(flat(b, k), n * k), java.util.Arrays.copyOf(scratch, n * k),
                    0.0, "b untouched where the factorization does not solve in place");
        }
    }

    private static double[] column(double[][] a, int j) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i][j];
        }
        return out;
    }

    private static double relativeError(double[] expected, Matrix actual) {
        double[][] e = new double[expected.length][1];
        for (int i = 0; i < expected.length; i++) {
            e[i][0] = expected[i];
        }
        return relativeError(e, actual);
    }

    @Test
    void choleskyUsesOnlyTheValuesAsSymmetric() {
        double[][] m = spd(42, 6, 10);
        double[][] x = gaussian(43, 6, 2);
        Matrix solved = la.cholesky(of(m)).solve(of(times(m, x, 6, 2)));
        assertTrue(relativeError(x, solved) <= solveTolerance(6, 10));
    }

    static Stream<Arguments> notPositiveDefinite() {
        int n = 80;
        double[] mixed = spectrum(n, 100);
        mixed[n / 2] = -mixed[n / 2]; // one negative eigenvalue in the middle of the spectrum
        double[] semidefinite = spectrum(n, 100);
        semidefinite[n - 1] = 0;
        double[][] q = reflection(5, n);
        int big = 300;
        double[] lastNegative = spectrum(big, 1e3);
        lastNegative[big - 1] = -1e-3;
        double[][] p = reflection(9, big);
        return Stream.of(
                Arguments.of("indefinite diagonal", new double[][] {{1, 0}, {0, -1}}),
                Arguments.of("negative definite", new double[][] {{-2, 1}, {1, -2}}),
                Arguments.of("zero", new double[3][3]),
                Arguments.of("singular PSD", new double[][] {{1, 1}, {1, 1}}),
                Arguments.of("NaN on the diagonal", new double[][] {{1, 0}, {0, Double.NaN}}),
                Arguments.of("NaN below the diagonal", new double[][] {{4, Double.NaN}, {Double.NaN, 4}}),
                Arguments.of("indefinite 80x80", compose(q, mixed, q)),
                Arguments.of("80x80 with an exactly zero eigenvalue, then shifted by -1e-8",
                        shifted(compose(q, semidefinite, q), -1e-8)),
                Arguments.of("300x300 with its smallest eigenvalue negative", compose(p, lastNegative, p)),
                Arguments.of("300x300 with a NaN in row 280", nanAt(compose(p, spectrum(big, 10), p), 280, 3)));
    }

    /** a with a NaN at (i, j) and (j, i). */
    private static double[][] nanAt(double[][] a, int i, int j) {
        a[i][j] = Double.NaN;
        a[j][i] = Double.NaN;
        return a;
    }

    private static double[][] shifted(double[][] a, double delta) {
        for (int i = 0; i < a.length; i++) {
            a[i][i] += delta;
        }
        return a;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("notPositiveDefinite")
    void choleskyRejectsMatricesThatAreNotPositiveDefinite(String what, double[][] m) {
        assertThrows(NotPositiveDefiniteException.class, () -> la.cholesky(of(m)));
        assertThrows(NotPositiveDefiniteException.class, () -> la.choleskyInPlace(of(m)), "in place");
        assertThrows(NotPositiveDefiniteException.class, () -> la.cholesky(m.length, flat(m, m.length)), "array");
    }

    // ------------------------------------------------------------------ LU

    @ParameterizedTest(name = "[{index}] n={0} k={1} kappa={2}")
    @CsvSource({"1,1,1", "2,2,10", "5,1,100", "10,20,1e4", "64,1,1e6", "64,128,1e2", "100,100,1e3", "150,7,1e6"})
    void luSolvesManyRightHandSides(int n, int k, double kappa) {
        double[][] a = general(n * 1000L + k, n, kappa);
        double[][] x = gaussian(n + 19L * k, n, k);
        double[][] b = times(a, x, n, k);
        Matrix ma = of(a);
        Matrix mb = of(b);
        Factorization lu = la.lu(ma);
        assertEquals(n, lu.size());
        Matrix solved = lu.solve(mb);
        assertEquals(n, solved.rows());
        assertEquals(k, solved.cols());
        double error = relativeError(x, solved);
        assertTrue(error <= solveTolerance(n, kappa), "relative error " + error + " > " + solveTolerance(n, kappa));
        assertExactly(b, mb);
        assertExactly(a, ma);
        assertEquals(0.0, relativeError(rows(solved), lu.solve(mb)), 0.0);
    }

    @Test
    void luNeedsPivoting() {
        double[][] a = {{0, 1, 2}, {1, 0, 3}, {4, -3, 8}};
        double[][] x = {{1}, {-2}, {0.5}};
        Matrix solved = la.lu(of(a)).solve(of(times(a, x, 3, 1)));
        assertTrue(relativeError(x, solved) <= 1e-14, "permuted system");
    }

    static Stream<Arguments> singular() {
        int n = 50;
        double[][] dependent = gaussian(77, n, n);
        for (int j = 0; j < n; j++) {
            dependent[n - 1][j] = dependent[0][j] + dependent[1][j]; // last row = row 0 + row 1
        }
        double[] tiny = spectrum(n, 1);
        tiny[n / 2] = 1e-20; // κ = 1e20 ≫ 1/ε
        return Stream.of(
                Arguments.of("zero", new double[2][2]),
                Arguments.of("1x1 zero", new double[1][1]),
                Arguments.of("equal rows", new double[][] {{1, 2, 3}, {4, 5, 6}, {1, 2, 3}}),
                Arguments.of("rank one", new double[][] {{1, 2}, {2, 4}}),
                Arguments.of("zero column", new double[][] {{1, 0, 3}, {4, 0, 6}, {7, 0, 9}}),
                Arguments.of("50x50, last row = row 0 + row 1", dependent),
                Arguments.of("50x50 with singular values 1 and 1e-20", compose(reflection(3, n), tiny,
                        reflection(4, n))),
                Arguments.of("NaN", new double[][] {{1, 2}, {Double.NaN, 4}}));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("singular")
    void luRejectsSingularMatrices(String what, double[][] a) {
        assertThrows(SingularMatrixException.class, () -> la.lu(of(a)));
    }

    @Test
    void solvesPropagateNaNOfTheRightHandSide() {
        double[] b = {1, Double.NaN, 3};
        Matrix chol = la.cholesky(of(spd(12, 3, 10))).solve(la.vector(b));
        Matrix lu = la.lu(of(general(12, 3, 10))).solve(la.vector(b));
        for (Matrix x : new Matrix[] {chol, lu}) {
            boolean anyNaN = false;
            for (double v : x.toRowMajor()) {
                anyNaN |= Double.isNaN(v);
            }
            assertTrue(anyNaN, "a NaN right-hand side gives NaN in the solution");
        }
    }

    // ------------------------------------------------------------------ shape errors

    @Test
    void factorizationsRejectShapeErrors() {
        assertThrows(IllegalArgumentException.class, () -> la.cholesky(la.zeros(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> la.choleskyInPlace(la.zeros(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> la.lu(la.zeros(3, 2)));
        Factorization chol = la.cholesky(la.identity(3));
        Factorization lu = la.lu(la.identity(3));
        assertThrows(IllegalArgumentException.class, () -> chol.solve(la.zeros(2, 1)));
        assertThrows(IllegalArgumentException.class, () -> lu.solve(la.zeros(4, 2)));
    }

    @Test
    void matricesOfAnotherBackendAreRejected() {
        Matrix foreign = new Foreign();
        Matrix own = la.identity(1);
        assertThrows(IllegalArgumentException.class, () -> la.copy(foreign));
        assertThrows(IllegalArgumentException.class, () -> la.transpose(foreign));
        assertThrows(IllegalArgumentException.class, () -> la.gemm(1, foreign, false, own, false, 0, la.zeros(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> la.axpy(1, foreign, own));
        assertThrows(IllegalArgumentException.class, () -> la.scale(1, foreign));
        assertThrows(IllegalArgumentException.class, () -> la.normInf(foreign));
        assertThrows(IllegalArgumentException.class, () -> la.cholesky(foreign));
        assertThrows(IllegalArgumentException.class, () -> la.choleskyInPlace(foreign));
        assertThrows(IllegalArgumentException.class, () -> la.lu(foreign));
        assertThrows(IllegalArgumentException.class, () -> la.cholesky(own).solve(foreign));
    }

    // ------------------------------------------------------------------ thread safety

    @Test
    void concurrentFactorizationsAndSolvesAreIndependent() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Double>> errors = new ArrayList<>();
            for (int t = 0; t < 2 * threads; t++) {
                long seed = 500 + t;
                errors.add(pool.submit(() -> {
                    int n = 40;
                    double[][] m = spd(seed, n, 100);
                    double[][] a = general(seed, n, 100);
                    double[][] x = gaussian(seed, n, 3);
                    double e1 = relativeError(x, la.cholesky(of(m)).solve(of(times(m, x, n, 3))));
                    double e2 = relativeError(x, la.lu(of(a)).solve(of(times(a, x, n, 3))));
                    return Math.max(e1, e2);
                }));
            }
            for (Future<Double> e : errors) {
                assertTrue(e.get() <= solveTolerance(40, 100), "error " + e.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
