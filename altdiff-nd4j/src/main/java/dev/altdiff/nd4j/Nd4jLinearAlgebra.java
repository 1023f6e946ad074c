package dev.altdiff.nd4j;

import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.JvmBlas;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;
import dev.altdiff.api.linalg.NotPositiveDefiniteException;
import dev.altdiff.api.linalg.SingularMatrixException;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

import java.lang.ref.Reference;

/**
 * The backend over ND4J {@value #ND4J_VERSION} ({@code nd4j-native}, or {@code nd4j-cuda} with the
 * Maven profile {@code -Pcuda}). Registered as {@code nd4j}.
 *
 * <p>Every matrix is one rank-2, column-major ('f') double {@link INDArray}. Products go through
 * {@link Nd4j#gemm}; element-wise work through ND4J ops; the factorizations call OpenBLAS's LAPACKE
 * ({@code dpotrf/dpotrs}, {@code dgetrf/dgetrs}, the {@code _work} entry points, which skip LAPACKE's
 * NaN scan: NaN must give the documented exceptions, or NaN results from a solve, never "illegal
 * argument") directly on the arrays' column-major buffers, on a
 * dedicated thread with a 64 MB stack ({@link LapackThread}: OpenBLAS's LU overflows the default
 * 1 MB stack and kills the JVM). ND4J's own {@code Nd4j.linalg()} routines are not used: its
 * cholesky op refuses SPD matrices of order 200, and its solve/inverse take minutes at n = 1000.
 *
 * <p><b>JVM arrays.</b> The engine's set-up and iterations work on row-major JVM arrays: their large products, the
 * Cholesky factorization of H formed in the JVM ({@link #cholesky(int, double[])}) and its solves run through
 * {@link HostBlas}, which copies blocks of a few MB off the heap and back instead of whole arrays (JavaCPP's
 * copy of a JVM array argument): H is factored in its own array and never held twice.
 *
 * <p><b>Start-up.</b> Construction is cheap and loads nothing (the {@link java.util.ServiceLoader}
 * creates every backend on the class path). The first call that creates a matrix loads ND4J and runs
 * a {@link SelfCheck}; when the native libraries do not load or the self-check fails (the bundled
 * OpenBLAS's AVX-512 kernels give false Cholesky failures, or silently wrong Cholesky factors, unless
 * {@code OPENBLAS_CORETYPE=Haswell} is in the environment), that call and every later one throws
 * {@link Nd4jStartupException} saying what to set, instead of producing wrong numbers.
 * {@link #start()} runs this eagerly.
 */
public final class Nd4jLinearAlgebra implements LinearAlgebra {
    public static final String NAME = "nd4j";
    static final String ND4J_VERSION = "1.0.0-M2.1";
    /** ojAlgo's machine epsilon (2⁻⁵²), for the same numerical-singularity rule as its LU. */
    private static final double EPSILON = Math.ulp(1.0);

    private static final Object START_LOCK = new Object();
    private static volatile boolean started;
    private static boolean starting;
    private static Nd4jStartupException startFailure;

    @Override public String name() { return NAME; }

    /** @return {@link #name()} */
    @Override public String toString() { return name(); }

    /**
     * Loads ND4J and runs the self-check now, once per JVM (later calls return at once or rethrow
     * the first failure).
     *
     * @throws Nd4jStartupException when the backend cannot be used on this machine
     */
    public void start() {
        if (started) {
            return;
        }
        synchronized (START_LOCK) {
            if (started || starting) { // starting: a call from the self-check itself
                return;
            }
            if (startFailure != null) {
                throw new Nd4jStartupException(startFailure.getMessage(), startFailure);
            }
            starting = true;
            try {
                try {
                    Nd4j.create(DataType.DOUBLE, new long[] {1, 1}, 'f');
                } catch (RuntimeException | LinkageError e) {
                    throw new Nd4jStartupException("The ND4J backend could not load its native libraries (" + e
                            + "). The nd4j-native(-platform) jar for this platform must be on the class path.", e);
                }
                try {
                    SelfCheck.run(this);
                } catch (Nd4jStartupException e) {
                    throw e;
                } catch (RuntimeException | LinkageError e) {
                    throw SelfCheck.failure("it threw " + e, e);
                }
                started = true;
            } catch (Nd4jStartupException e) {
                startFailure = e;
                throw e;
            } finally {
                starting = false;
            }
        }
    }

    // ---------------------------------------------------------------- creation

    private static INDArray newArray(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative dimension " + rows + "x" + cols);
        }
        return Nd4j.create(DataType.DOUBLE, new long[] {rows, cols}, 'f'); // zero-filled
    }

    @Override public Matrix matrix(int rows, int cols, double[] rowMajor) {
        if (rows < 0 || cols < 0 || rowMajor.length != (long) rows * cols) {
            throw new IllegalArgumentException("expected " + (long) rows * cols + " values for a " + rows + "x" + cols
                    + " matrix, got " + rowMajor.length);
        }
        start();
        if (rowMajor.length == 0) {
            return new Nd4jMatrix(newArray(rows, cols));
        }
        double[] columnMajor = new double[rowMajor.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                columnMajor[j * rows + i] = rowMajor[i * cols + j];
            }
        }
        return new Nd4jMatrix(Nd4j.create(columnMajor, new long[] {rows, cols}, 'f'));
    }

    /** {@inheritDoc} Into one column-major array through a row buffer, copied off the heap once. */
    @Override public Matrix matrix(int rows, int cols, RowSource source) {
        start();
        double[] columnMajor = new double[Math.multiplyExact(rows, cols)];
        if (columnMajor.length == 0) {
            return new Nd4jMatrix(newArray(rows, cols));
        }
        double[] row = new double[cols];
        for (int i = 0; i < rows; i++) {
            source.row(i, row);
            for (int j = 0; j < cols; j++) {
                columnMajor[j * rows + i] = row[j];
            }
        }
        return new Nd4jMatrix(Nd4j.create(columnMajor, new long[] {rows, cols}, 'f'));
    }

    @Override public Matrix zeros(int rows, int cols) {
        start();
        return new Nd4jMatrix(newArray(rows, cols));
    }

    @Override public Matrix identity(int n) {
        start();
        INDArray eye = newArray(n, n);
        for (int i = 0; i < n; i++) {
            eye.putScalar(i, i, 1.0);
        }
        return new Nd4jMatrix(eye);
    }

    @Override public Matrix copy(Matrix a) {
        Nd4jMatrix m = cast(a);
        return new Nd4jMatrix(m.isEmpty() ? newArray(m.rows(), m.cols()) : m.array.dup('f'));
    }

    @Override public Matrix transpose(Matrix a) {
        Nd4jMatrix m = cast(a);
        return new Nd4jMatrix(m.isEmpty() ? newArray(m.cols(), m.rows()) : m.array.transpose().dup('f'));
    }

    // ---------------------------------------------------------------- products and element-wise

    @Override
    public void gemm(double alpha, Matrix a, boolean transposeA, Matrix b, boolean transposeB, double beta, Matrix c) {
        Nd4jMatrix ma = cast(a);
        Nd4jMatrix mb = cast(b);
        Nd4jMatrix mc = cast(c);
        if (mc == ma || mc == mb) {
            throw new IllegalArgumentException("gemm output must not alias an input");
        }
        int m = transposeA ? ma.cols() : ma.rows();
        int k = transposeA ? ma.rows() : ma.cols();
        int kb = transposeB ? mb.cols() : mb.rows();
        int n = transposeB ? mb.rows() : mb.cols();
        if (k != kb || m != mc.rows() || n != mc.cols()) {
            throw new IllegalArgumentException("gemm shapes: op(a) " + m + "x" + k + ", op(b) " + kb + "x" + n + ", c "
                    + mc.rows() + "x" + mc.cols());
        }
        if (mc.isEmpty()) {
            return;
        }
        if (k == 0) { // an empty sum: c ← β·c
            scaleOrClear(beta, mc.array);
            return;
        }
        if (beta == 0.0) {
            mc.array.assign(0.0); // "previous contents ignored, even NaN", whatever the kernel does with 0·NaN
        }
        Nd4j.gemm(ma.array, mb.array, mc.array, transposeA, transposeB, alpha, beta);
    }

    private static void scaleOrClear(double beta, INDArray c) {
        if (beta == 0.0) {
            c.assign(0.0);
        } else {
            c.muli(beta);
        }
    }

    /**
     * The iterations' products on JVM arrays: OpenBLAS's dgemm where each entry of a is reused by at least
     * {@value #NATIVE_MIN_WIDTH} columns and the product has at least {@value #NATIVE_MIN_WORK}
     * multiply-adds (the arrays cross in blocks, {@link HostBlas#gemm}: O(size) against the O(size·width) of the
     * product, and no whole copy of an operand off the heap beside it),
     * the JVM kernel ({@link JvmBlas}) elsewhere: matrix–vector products are memory-bound, and a product
     * below a few million multiply-adds (an iteration's, at the classification layer's size) costs less in
     * the JVM than the crossing plus OpenBLAS's thread start-up, which on a busy 2-core machine took
     * milliseconds per call (measured: the layer at B = 64 was slower with a 10⁵ threshold). On a fork-join pool's
     * thread (a shared batch's runs on a {@code BatchLayer}'s pool, which keep every core busy already) products stay
     * in the JVM: OpenBLAS called from two runs at once, each with its OpenMP team, made the classification layer's
     * backward pass with every gradient 1.3× slower than the JVM kernel (1 559 against 1 931–2 021 samples/s at
     * B = 64), and at 800×200×200 the runs in the JVM still beat one run with OpenBLAS (119 against 88 samples/s).
     */
    @Override public void gemm(int rows, int inner, int width, double alpha, double[] a, double[] b, double beta,
                               double[] c) {
        if (!nativeProduct(rows, inner, width)) {
            JvmBlas.gemm(rows, inner, width, alpha, a, b, beta, c);
            return;
        }
        start();
        HostBlas.gemm(false, rows, inner, width, alpha, a, b, beta, c);
    }

    @Override public void gemmTransposed(int rows, int cols, int width, double alpha, double[] a, double[] b,
                                         double beta, double[] c) {
        if (!nativeProduct(cols, rows, width)) {
            JvmBlas.gemmTransposed(rows, cols, width, alpha, a, b, beta, c);
            return;
        }
        start();
        HostBlas.gemm(true, cols, rows, width, alpha, a, b, beta, c);
    }

    /** Columns of b from which a product goes to OpenBLAS ({@link #gemm}). */
    static final int NATIVE_MIN_WIDTH = 8;
    /** Multiply-adds from which a product goes to OpenBLAS ({@link #gemm}). */
    static final long NATIVE_MIN_WORK = 4_000_000;
    /**
     * Multiply-adds (n²·width) from which a solve with a factor held in the JVM goes to OpenBLAS ({@link HostCholesky}):
     * below it the JVM's solve costs less than the hand-off to the LAPACK thread and the copies of L's blocks.
     */
    static final long NATIVE_SOLVE_WORK = 50_000_000;

    private static boolean nativeProduct(int rows, int inner, int width) {
        return width >= NATIVE_MIN_WIDTH && rows > 0 && inner > 0 && (long) rows * inner * width >= NATIVE_MIN_WORK
                && !(Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread);
    }

    @Override public void axpy(double alpha, Matrix x, Matrix y) {
        Nd4jMatrix mx = cast(x);
        Nd4jMatrix my = cast(y);
        requireSameShape(mx, my);
        if (my.isEmpty()) {
            return;
        }
        // both are contiguous 'f' arrays of the same shape: their buffers line up element for element
        Nd4j.getBlasWrapper().level1().axpy(my.array.length(), alpha, mx.array, my.array);
    }

    /** {@inheritDoc} The n diagonal entries, one at a time, no identity formed (n off-heap doubles, not n²). */
    @Override public void addToDiagonal(double alpha, Matrix a) {
        Nd4jMatrix m = square(a, "addToDiagonal");
        for (int i = 0; i < m.rows(); i++) {
            m.array.putScalar(i, i, m.array.getDouble(i, i) + alpha);
        }
    }

    @Override public void scale(double alpha, Matrix x) {
        Nd4jMatrix m = cast(x);
        if (!m.isEmpty()) {
            m.array.muli(alpha);
        }
    }

    @Override public void scaleRows(double[] d, Matrix x) {
        Nd4jMatrix m = cast(x);
        if (d.length != m.rows()) {
            throw new IllegalArgumentException("scaleRows: " + d.length + " factors for " + m.rows() + " rows");
        }
        if (!m.isEmpty()) {
            m.array.muliColumnVector(Nd4j.create(d, new long[] {d.length, 1}, 'f'));
        }
    }

    @Override public void clampBelow(Matrix x, double floor) {
        Nd4jMatrix m = cast(x);
        if (!m.isEmpty()) {
            // x < floor is false for NaN, which stays NaN (ND4J's scalar max would turn NaN into floor)
            BooleanIndexing.replaceWhere(m.array, floor, Conditions.lessThan(floor));
        }
    }

    @Override public double normInf(Matrix x) {
        Nd4jMatrix m = cast(x);
        if (m.isEmpty()) {
            return 0;
        }
        double max = m.array.amaxNumber().doubleValue();
        // ND4J's amax skips NaN; ojAlgo's (and Math.max) propagates it, which divergence checks rely on
        return hasNaN(m.array) ? Double.NaN : max;
    }

    private static boolean hasNaN(INDArray a) {
        return BooleanIndexing.or(a, Conditions.isNan());
    }

    @Override public double normFrobenius(Matrix x) {
        Nd4jMatrix m = cast(x);
        if (m.isEmpty()) {
            return 0;
        }
        double norm = m.array.norm2Number().doubleValue();
        if (Double.isFinite(norm) && norm > 1e-150) {
            return norm;
        }
        // ND4J sums plain squares: overflow (|x| ≳ 1e154), underflow (|x| ≲ 1e-154) or NaN; rescale by max|x|
        double scale = normInf(m);
        if (scale == 0 || !Double.isFinite(scale)) {
            return scale;
        }
        return scale * m.array.div(scale).norm2Number().doubleValue();
    }

    // ---------------------------------------------------------------- factorizations

    @Override public Factorization cholesky(Matrix spd) {
        Nd4jMatrix m = square(spd, "cholesky");
        return potrf(hostCopy(m.array), m.rows());
    }

    /**
     * {@inheritDoc} Factored in the array itself (consumed), which then holds L: OpenBLAS's dpotrf, dsyrk, dgemm and
     * dtrsm on blocks of it copied off the heap and back ({@link HostBlas#choleskyInPlace}), so that the matrix is
     * never held twice (a copy of it off the heap beside the caller's array was n² doubles more at the set-up's
     * peak). Solves in place in the JVM ({@link HostCholesky#solveInPlace}).
     */
    @Override public Factorization cholesky(int n, double[] rowMajorSpd) {
        if (n < 0 || rowMajorSpd.length != (long) n * n) {
            throw new IllegalArgumentException("cholesky: " + rowMajorSpd.length + " values for order " + n);
        }
        start();
        HostBlas.choleskyInPlace(n, rowMajorSpd);
        return new HostCholesky(rowMajorSpd, n);
    }

    /**
     * {@inheritDoc} dpotrf on the matrix's own buffer when it is a contiguous column-major host array of n·n
     * doubles at offset 0 (every matrix this backend makes); otherwise (a view) on a copy, as {@link #cholesky}.
     */
    @Override public Factorization choleskyInPlace(Matrix spd) {
        Nd4jMatrix m = square(spd, "choleskyInPlace");
        int n = m.rows();
        INDArray a = m.array;
        boolean own = n > 0 && a.offset() == 0 && a.ordering() == 'f' && a.dataType() == DataType.DOUBLE
                && a.stride(0) == 1 && a.stride(1) == n && a.data().length() == (long) n * n;
        if (own) {
            Nd4j.getAffinityManager().ensureLocation(a, AffinityManager.Location.HOST);
        }
        return potrf(own ? a : hostCopy(a), n);
    }

    /**
     * dpotrf of the n×n column-major host array {@code factor}, overwritten by L (lower triangle), with OpenBLAS's
     * NaN pivots rejected.
     */
    private Cholesky potrf(INDArray factor, int n) {
        int info = n == 0 ? 0 : LapackThread.run(() -> {
            DoublePointer p = pointer(factor);
            int result = openblas.LAPACKE_dpotrf_work(openblas.LAPACK_COL_MAJOR, (byte) 'L', n, p, n);
            for (int i = 0; result == 0 && i < n; i++) {
                if (!(p.get((long) i * n + i) > 0)) { // OpenBLAS's potrf lets a NaN pivot through
                    result = i + 1;
                }
            }
            return result;
        });
        Reference.reachabilityFence(factor); // the native call used its buffer through a raw pointer
        tagHost(factor);
        checkInfo("dpotrf", info);
        if (info > 0) {
            throw new NotPositiveDefiniteException("matrix of order " + n + " is not positive definite (leading minor "
                    + info + ")");
        }
        return new Cholesky(factor, n);
    }

    @Override public Factorization lu(Matrix square) {
        Nd4jMatrix m = square(square, "lu");
        int n = m.rows();
        INDArray factors = hostCopy(m.array);
        IntPointer pivots = new IntPointer(Math.max(n, 1));
        double[] diagonal = new double[n];
        int info = n == 0 ? 0 : LapackThread.run(() -> {
            DoublePointer p = pointer(factors);
            int result = openblas.LAPACKE_dgetrf_work(openblas.LAPACK_COL_MAJOR, n, n, p, n, pivots);
            for (int i = 0; i < n; i++) {
                diagonal[i] = p.get((long) i * n + i);
            }
            return result;
        });
        Reference.reachabilityFence(factors);
        Reference.reachabilityFence(pivots);
        tagHost(factors);
        checkInfo("dgetrf", info);
        if (info > 0 || !fullRank(diagonal)) {
            throw new SingularMatrixException("matrix of order " + n + " is singular"
                    + (info > 0 ? " (U(" + info + "," + info + ") = 0)" : " (a pivot below n·ε·max|U_ii|)"));
        }
        return new Lu(factors, pivots, n);
    }

    /**
     * ojAlgo's rule ({@code LU.isSolvable}): the rank is the number of |U_ii| above
     * n·ε·max(MIN_NORMAL, max_i |U_ii|); NaN pivots count as zero.
     */
    private static boolean fullRank(double[] diagonal) {
        double largest = 0;
        for (double d : diagonal) {
            largest = Math.max(largest, Math.abs(d));
        }
        double threshold = diagonal.length * EPSILON * Math.max(Double.MIN_NORMAL, largest);
        for (double d : diagonal) {
            if (!(Math.abs(d) > threshold)) {
                return false;
            }
        }
        return true;
    }

    private static void checkInfo(String routine, int info) {
        if (info < 0) {
            throw new IllegalStateException("LAPACKE_" + routine + ": illegal argument " + -info);
        }
    }

    /** Cholesky factor L (lower triangle of a column-major array; the upper part is M's). */
    final class Cholesky implements Factorization {
        private final INDArray factor;
        private final int size;

        Cholesky(INDArray factor, int size) {
            this.factor = factor;
            this.size = size;
        }

        @Override public int size() { return size; }

        @Override public Matrix solve(Matrix rhs) {
            INDArray x = solutionBuffer(rhs, size);
            int k = (int) x.columns();
            if (size > 0 && k > 0) {
                int info = LapackThread.run(() -> openblas.LAPACKE_dpotrs_work(openblas.LAPACK_COL_MAJOR, (byte) 'L', size, k,
                        pointer(factor), size, pointer(x), size));
                Reference.reachabilityFence(factor);
                checkInfo("dpotrs", info);
                tagHost(x);
            }
            return new Nd4jMatrix(x);
        }

        @Override public double[] choleskyFactor() {
            double[] data = hostData(factor); // column-major, L below the diagonal (the rest is the input's)
            double[] out = new double[size * size];
            for (int j = 0; j < size; j++) {
                for (int i = j; i < size; i++) {
                    out[i * size + j] = data[j * size + i];
                }
            }
            return out;
        }

        /** @return L as rows (for the self-check) */
        double[][] lowerFactor() {
            double[] data = hostData(factor);
            double[][] l = new double[size][size];
            for (int j = 0; j < size; j++) {
                for (int i = j; i < size; i++) {
                    l[i][j] = data[j * size + i];
                }
            }
            return l;
        }
    }

    /**
     * L held in the JVM, row-major with zeros above the diagonal ({@link HostBlas#choleskyInPlace}): solves in place,
     * by the JVM kernel ({@link JvmBlas#choleskySolve}) where the solve is narrow or below {@value #NATIVE_SOLVE_WORK}
     * multiply-adds (the iterations' solves, a batched layer's included, which the x-step made in the JVM before
     * with a copy of L), else by OpenBLAS on blocks ({@link HostBlas#choleskySolve}: W = H⁻¹[Aᵀ Gᵀ]).
     */
    final class HostCholesky implements Factorization {
        private final double[] factor;
        private final int size;

        HostCholesky(double[] factor, int size) {
            this.factor = factor;
            this.size = size;
        }

        @Override public int size() { return size; }

        @Override public Matrix solve(Matrix rhs) {
            Nd4jMatrix b = cast(rhs);
            if (b.rows() != size) {
                throw new IllegalArgumentException("solve: right-hand side has " + b.rows() + " rows, expected " + size);
            }
            double[] x = b.toRowMajor();
            solveInPlace(x, b.cols());
            return matrix(size, b.cols(), x);
        }

        @Override public double[] choleskyFactor() {
            return factor.clone();
        }

        @Override public boolean solveInPlace(double[] b, int width) {
            if (width < 0 || b.length < (long) size * width) {
                throw new IllegalArgumentException("solveInPlace: " + b.length + " values for " + size + "x" + width);
            }
            if (width >= NATIVE_MIN_WIDTH && (long) size * size * width >= NATIVE_SOLVE_WORK) {
                HostBlas.choleskySolve(size, width, factor, b);
            } else {
                JvmBlas.choleskySolve(size, width, factor, b);
            }
            return true;
        }
    }

    /** P·L·U in LAPACK's packed form with its pivot indices. */
    private final class Lu implements Factorization {
        private final INDArray factors;
        private final IntPointer pivots;
        private final int size;

        Lu(INDArray factors, IntPointer pivots, int size) {
            this.factors = factors;
            this.pivots = pivots;
            this.size = size;
        }

        @Override public int size() { return size; }

        @Override public Matrix solve(Matrix rhs) {
            INDArray x = solutionBuffer(rhs, size);
            int k = (int) x.columns();
            if (size > 0 && k > 0) {
                int info = LapackThread.run(() -> openblas.LAPACKE_dgetrs_work(openblas.LAPACK_COL_MAJOR, (byte) 'N', size, k,
                        pointer(factors), size, pivots, pointer(x), size));
                Reference.reachabilityFence(factors);
                Reference.reachabilityFence(pivots);
                checkInfo("dgetrs", info);
                tagHost(x);
            }
            return new Nd4jMatrix(x);
        }
    }

    /** A fresh copy of the right-hand sides that LAPACK overwrites with X; rhs itself is not modified. */
    private INDArray solutionBuffer(Matrix rhs, int size) {
        Nd4jMatrix b = cast(rhs);
        if (b.rows() != size) {
            throw new IllegalArgumentException("solve: right-hand side has " + b.rows() + " rows, expected " + size);
        }
        return b.isEmpty() ? newArray(b.rows(), b.cols()) : hostCopy(b.array);
    }

    // ---------------------------------------------------------------- host buffers

    /** A contiguous column-major copy whose host memory is current (a no-op sync on the CPU backend). */
    private static INDArray hostCopy(INDArray a) {
        if (a.isEmpty()) {
            return newArray((int) a.rows(), (int) a.columns());
        }
        INDArray copy = a.dup('f');
        Nd4j.getAffinityManager().ensureLocation(copy, AffinityManager.Location.HOST);
        return copy;
    }

    /** The array's buffer as LAPACK sees it (column-major, leading dimension = rows). */
    private static DoublePointer pointer(INDArray a) {
        if (a.offset() != 0 || a.ordering() != 'f' || a.dataType() != DataType.DOUBLE) {
            throw new IllegalStateException("internal: LAPACK needs an offset-0 'f' double array");
        }
        return (DoublePointer) a.data().addressPointer();
    }

    /** Marks host memory as the current copy after LAPACK wrote it (GPU backend; no-op on the CPU). */
    private static void tagHost(INDArray a) {
        Nd4j.getAffinityManager().tagLocation(a, AffinityManager.Location.HOST);
    }

    /** The array's entries in column-major order, read on the host. */
    static double[] hostData(INDArray a) {
        Nd4j.getAffinityManager().ensureLocation(a, AffinityManager.Location.HOST);
        double[] data = a.data().asDouble();
        if (data.length != a.length()) {
            throw new IllegalStateException("internal: buffer of " + data.length + " for " + a.length() + " entries");
        }
        return data;
    }

    // ---------------------------------------------------------------- checks

    private static Nd4jMatrix cast(Matrix m) {
        if (m instanceof Nd4jMatrix nm) {
            return nm;
        }
        throw new IllegalArgumentException("matrix " + m + " was not created by the nd4j backend");
    }

    private static Nd4jMatrix square(Matrix m, String what) {
        Nd4jMatrix nm = cast(m);
        if (nm.rows() != nm.cols()) {
            throw new IllegalArgumentException(what + " needs a square matrix, got " + nm.rows() + "x" + nm.cols());
        }
        return nm;
    }

    private static void requireSameShape(Nd4jMatrix x, Nd4jMatrix y) {
        if (x.rows() != y.rows() || x.cols() != y.cols()) {
            throw new IllegalArgumentException("shape mismatch: " + x.rows() + "x" + x.cols() + " vs " + y.rows() + "x"
                    + y.cols());
        }
    }
}
