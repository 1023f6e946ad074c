package dev.altdiff.api.linalg;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * Matrix products on row-major arrays in the JVM ({@code double[]}, entry (i, j) of an r×w block at
 * {@code i·w + j}): the default of {@link LinearAlgebra#gemm(int, int, int, double, double[], double[], double,
 * double[])} and {@link LinearAlgebra#gemmTransposed}, which the iterations call once or twice each; the Cholesky
 * solve with a factor in the JVM ({@link #choleskySolve}) and a blocked Cholesky factorization in place built on
 * the same kernels ({@link #choleskyInPlace}).
 *
 * <p>{@link #gemm} is register-blocked over four entries of a row of a and four rows of c (each load of b's
 * rows serves four rows of c), and cache-blocked over panels of b's rows ({@value #PANEL_DOUBLES} doubles)
 * that stay in L2 while every row of c passes over them. HotSpot does not vectorize these loops; where the JVM has
 * the vector API ({@link #vectorized()}) the whole vectors of c's columns run on it instead ({@code VectorKernels},
 * the same operations per entry), and the loops here take the columns left. Every entry of c is computed with the same
 * operations in the same order whatever the number of columns (groups of four products in order of
 * the inner index, each added to the entry by a fused multiply-add, {@link Math#fma}: one rounding per product
 * and about 1.2× the rate of a multiply and an add): a column's result does not depend on the columns beside it, so
 * a batch gives each sample the bits it gets alone. A product of at least {@value #PARALLEL_WORK}
 * multiply-adds is split by rows between the caller and the common fork-join pool (on a 2-core
 * machine one more thread; when the pool is busy the caller runs both halves, so it never waits on
 * another layer's work), except on a thread of a fork-join pool: work that already runs in parallel (a batch's
 * runs on a {@code BatchLayer}'s pool, a caller's parallel stream) is not split again, which would put more threads
 * than cores on the products.
 */
public final class JvmBlas {
    /**
     * Multiply-adds from which a product is split between two threads: below it the hand-off (waking the pool's
     * thread and joining it, tens of microseconds on a 2-core machine) costs more than the half it saves. Measured
     * on this project's machine (docs/performance.md): with a threshold of 150 000, products of 100×100 by 32 or 64
     * columns took 87 and 115 µs split against 50 and 94 µs in one thread, a 700×700 matrix–vector product
     * 147 µs against 134–139; from a million multiply-adds on (1 500×1 500 by a vector, 200×100 by 64 columns) the
     * split gains.
     */
    public static final long PARALLEL_WORK = 1_000_000;

    /**
     * The system property that turns the vector kernels off ({@code -Daltdiff.vectors=false}): the scalar kernels
     * then run, to the same bits, at their own rate.
     */
    public static final String VECTORS_PROPERTY = "altdiff.vectors";

    /** Whether the products run on {@link VectorKernels} ({@link #vectorized()}). */
    private static final boolean VECTORS = vectorsWork();

    /**
     * @return whether the products' whole vectors of columns run on the JDK's vector API ({@code VectorKernels}):
     *     where {@code jdk.incubator.vector} is in the boot layer ({@code --add-modules jdk.incubator.vector}, which
     *     {@code bin/altdiff} passes), its preferred vectors hold at least two doubles, a small product gives the
     *     bits of the scalar kernels, and {@value #VECTORS_PROPERTY} is not {@code false}. Either way every result
     *     has the same bits; the vector kernels are several times faster (docs/performance.md).
     */
    public static boolean vectorized() {
        return VECTORS;
    }

    /** @return the vector width in doubles of the products ({@link #vectorized()}), 1 for the scalar kernels */
    public static int vectorLanes() {
        return VECTORS ? VectorKernels.LANES : 1;
    }

    /** @return how the products run, for benchmark headers: the vector API and its width, or the scalar loops */
    public static String kernels() {
        return VECTORS ? "JVM kernels on the vector API (" + vectorLanes() + " doubles)"
                : "JVM kernels on scalar loops (no --add-modules jdk.incubator.vector)";
    }

    private static boolean vectorsWork() {
        if ("false".equalsIgnoreCase(System.getProperty(VECTORS_PROPERTY))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            if (VectorKernels.LANES < 2) {
                return false;
            }
            // a product of 9×11 by 27 columns (both kernels' edges) on the vector API against the scalar loop
            int rows = 9;
            int inner = 11;
            int width = 27;
            java.util.Random random = new java.util.Random(17);
            double[] a = new double[rows * inner];
            double[] b = new double[inner * width];
            double[] c = new double[rows * width];
            for (int i = 0; i < a.length; i++) {
                a[i] = random.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextGaussian();
            }
            for (int i = 0; i < c.length; i++) {
                c[i] = random.nextGaussian();
            }
            double[] expected = c.clone();
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < width; j++) {
                    double acc = expected[i * width + j];
                    for (int k = 0; k < inner; k++) {
                        acc = Math.fma(0.7 * a[i * inner + k], b[k * width + j], acc);
                    }
                    expected[i * width + j] = acc;
                }
            }
            int end = VectorKernels.block(0, rows, 0, inner, 0, width, 0.7, a, 0, inner, 1, b, 0, width, c, 0, width);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < end; j++) {
                    if (Double.doubleToRawLongBits(c[i * width + j]) != Double.doubleToRawLongBits(expected[i * width + j])) {
                        return false;
                    }
                }
            }
            return end > 0;
        } catch (LinkageError | RuntimeException e) { // the module's API not as compiled against: the scalar kernels
            return false;
        }
    }

    /** @return whether work of this many multiply-adds is split ({@link #PARALLEL_WORK}, off a fork-join pool) */
    private static boolean splits(long work) {
        return work >= PARALLEL_WORK && !(Thread.currentThread() instanceof ForkJoinWorkerThread);
    }

    /**
     * c = β·c + α·a·b with a rows×inner, b inner×width, c rows×width (row-major; β = 0 ignores c's
     * old values, NaN included).
     */
    public static void gemm(int rows, int inner, int width, double alpha, double[] a, double[] b, double beta, double[] c) {
        if (splits((long) rows * inner * width) && rows >= 8) {
            int half = rows / 2;
            inParallel(() -> gemmRows(0, half, inner, width, alpha, a, b, beta, c),
                    () -> gemmRows(half, rows, inner, width, alpha, a, b, beta, c));
            return;
        }
        gemmRows(0, rows, inner, width, alpha, a, b, beta, c);
    }

    /**
     * Runs {@code pool} on the common fork-join pool and {@code caller} in this thread, then waits for the first
     * (when the pool is busy the caller runs both, so it never waits on another layer's work).
     */
    private static void inParallel(Runnable pool, Runnable caller) {
        RecursiveAction task = new RecursiveAction() {
            @Override
            protected void compute() {
                pool.run();
            }
        };
        ForkJoinPool.commonPool().execute(task);
        caller.run();
        task.join();
    }

    /** Rows from..to−1 of {@link #gemm}. */
    private static void gemmRows(int from, int to, int inner, int width, double alpha, double[] a, double[] b,
                                 double beta, double[] c) {
        if (width == 1) { // matrix–vector: the same arithmetic per entry as the general case below
            int i = from;
            for (; i + 3 < to; i += 4) { // four rows per load of b (four independent sums: 1.6× one row)
                gemvFourRows(i, inner, alpha, a, b, beta, c);
            }
            for (; i < to; i++) {
                int ai = i * inner;
                double acc = beta == 0 ? 0.0 : beta == 1 ? c[i] : beta * c[i];
                int k = 0;
                for (; k + 3 < inner; k += 4) {
                    acc = fma4(alpha * a[ai + k], b[k], alpha * a[ai + k + 1], b[k + 1], alpha * a[ai + k + 2], b[k + 2],
                            alpha * a[ai + k + 3], b[k + 3], acc);
                }
                for (; k < inner; k++) {
                    acc = Math.fma(alpha * a[ai + k], b[k], acc);
                }
                c[i] = acc;
            }
            return;
        }
        for (int i = from; i < to; i++) {
            int ci = i * width;
            if (beta == 0) {
                java.util.Arrays.fill(c, ci, ci + width, 0.0);
            } else if (beta != 1) {
                for (int j = 0; j < width; j++) {
                    c[ci + j] *= beta;
                }
            }
        }
        gemmBlock(from, to, inner, 0, width, alpha, a, 0, inner, b, 0, width, c, 0, width);
    }

    /**
     * Rows from..to−1 and columns j0..j1−1 of c += α·a·b on blocks of larger row-major arrays: row r of a at
     * {@code aOff + r·lda}, row k of b at {@code bOff + k·ldb}, row r of c at {@code cOff + r·ldc} (entry j of a
     * row of b or c at its start + j). The kernel of {@link #gemm} (whole arrays) and of the trailing updates of
     * {@link #choleskyInPlace}; each entry gets the operations of {@link #gemm} whatever the block.
     */
    private static void gemmBlock(int from, int to, int inner, int j0, int j1, double alpha, double[] a, int aOff,
                                  int lda, double[] b, int bOff, int ldb, double[] c, int cOff, int ldc) {
        // panels of b's rows that stay in cache while every row of c passes over them
        int panel = Math.max(4, PANEL_DOUBLES / Math.max(1, j1 - j0) & ~3); // a multiple of 4: the groups of four
        for (int k0 = 0; k0 < inner; k0 += panel) {
            int k1 = Math.min(inner, k0 + panel);
            // the whole vectors of columns on the vector API, the columns left here (the same operations per entry)
            int jv = VECTORS ? VectorKernels.block(from, to, k0, k1, j0, j1, alpha, a, aOff, lda, 1, b, bOff, ldb, c,
                    cOff, ldc) : j0;
            if (jv == j1) {
                continue;
            }
            int i = from;
            for (; i + 3 < to; i += 4) {
                gemmFourRows(i, k0, k1, jv, j1, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            }
            for (; i < to; i++) {
                int ci = cOff + i * ldc;
                int ai = aOff + i * lda;
                int k = k0;
                for (; k + 3 < k1; k += 4) {
                    double a0 = alpha * a[ai + k];
                    double a1 = alpha * a[ai + k + 1];
                    double a2 = alpha * a[ai + k + 2];
                    double a3 = alpha * a[ai + k + 3];
                    int b0 = bOff + k * ldb;
                    int b1 = b0 + ldb;
                    int b2 = b1 + ldb;
                    int b3 = b2 + ldb;
                    for (int j = jv; j < j1; j++) {
                        c[ci + j] = fma4(a0, b[b0 + j], a1, b[b1 + j], a2, b[b2 + j], a3, b[b3 + j], c[ci + j]);
                    }
                }
                for (; k < k1; k++) {
                    double a0 = alpha * a[ai + k];
                    int b0 = bOff + k * ldb;
                    for (int j = jv; j < j1; j++) {
                        c[ci + j] = Math.fma(a0, b[b0 + j], c[ci + j]);
                    }
                }
            }
        }
    }

    /**
     * Solves (LLᵀ)X = B in place for B n×width (row-major), L lower triangular n×n (row-major, {@link
     * Factorization#choleskyFactor}): forward substitution by rows of L (each row of X from the rows above it in
     * groups of four, four rows of X per load of the rows above), then back substitution with Lᵀ, right-looking so
     * that it too reads L by rows (four pivots per load and store of each row below them). Every column gets the
     * same operations in the same order whatever the width, as in {@link #gemm}, and the blocking changes no
     * entry's operations (the one-row, one-pivot order).
     */
    public static void choleskySolve(int n, int width, double[] l, double[] b) {
        forwardSubstitution(n, l, 0, n, b, width, 0, width); // L y = b
        int i = n - 1;
        for (; i - 3 >= 0; i -= 4) { // Lᵀ x = y, pivots i..i−3 together
            backFourPivots(i, n, width, l, b);
        }
        for (; i >= 0; i--) {
            backPivot(i, 0, i, n, width, l, b);
        }
    }

    /** Columns of the diagonal blocks and panels of {@link #choleskyInPlace}. */
    static final int CHOLESKY_BLOCK = 64;

    /** Columns of the trailing update's blocks in {@link #choleskyInPlace} (their panel rows stay in L2). */
    private static final int CHOLESKY_COLUMNS = 256;

    /**
     * Cholesky factorization M = LLᵀ in place of a symmetric positive definite n×n matrix M (row-major; only its
     * lower triangle, diagonal included, is read): on return the lower triangle holds L and the upper triangle
     * zeros, the layout {@link #choleskySolve} and {@link Factorization#choleskyFactor} take. Blocked and
     * right-looking: per block of {@value #CHOLESKY_BLOCK} columns the diagonal block is factored row by row
     * (dot products), the panel below it is solved with that factor by {@link #forwardSubstitution} on its
     * transpose (in a scratch of {@value #CHOLESKY_BLOCK}·n doubles, the only memory taken), and the lower
     * triangle of the trailing matrix is updated by {@link #gemm}'s kernel in blocks of columns; the panel's solve
     * and the update are split between two threads as {@link #gemm}'s products are.
     *
     * @throws NotPositiveDefiniteException at the first pivot that is not positive (NaN included), the
     *     criterion of ojAlgo's Cholesky; the array's contents are then unspecified
     */
    public static void choleskyInPlace(int n, double[] a) {
        if (n < 0 || a.length < (long) n * n) {
            throw new IllegalArgumentException("choleskyInPlace: " + a.length + " doubles for order " + n);
        }
        int nb = CHOLESKY_BLOCK;
        double[] t = new double[n > nb ? nb * (n - nb) : 0]; // the panel transposed, w×m (row-major)
        for (int k0 = 0; k0 < n; k0 += nb) {
            int k1 = Math.min(n, k0 + nb);
            int w = k1 - k0;
            int m = n - k1;
            factorDiagonalBlock(n, k0, k1, a);
            if (m == 0) {
                break;
            }
            int panel = k1 * n + k0; // A21: rows k1.., columns k0..k1−1
            transposePanel(n, w, m, a, panel, t, true);
            int diagonal = k0 * n + k0;
            if (splits((long) w * w * m / 2) && m >= 8) { // L11 T = T, by columns of T
                int half = m / 2;
                inParallel(() -> forwardSubstitution(w, a, diagonal, n, t, m, 0, half),
                        () -> forwardSubstitution(w, a, diagonal, n, t, m, half, m));
            } else {
                forwardSubstitution(w, a, diagonal, n, t, m, 0, m);
            }
            transposePanel(n, w, m, a, panel, t, false); // L21 = Tᵀ
            trailingUpdate(n, k1, w, m, a, t);
        }
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(a, i * n + i + 1, (i + 1) * n, 0.0);
        }
    }

    /**
     * Rows and columns k0..k1−1 of {@link #choleskyInPlace}'s matrix, already updated by the blocks before: factored
     * in place row by row, l_ij = (a_ij − Σ_{k0 ≤ k &lt; j} l_ik l_jk) / l_jj and l_ii = √(a_ii − Σ l_ik²).
     */
    private static void factorDiagonalBlock(int n, int k0, int k1, double[] a) {
        for (int i = k0; i < k1; i++) {
            int ri = i * n;
            for (int j = k0; j <= i; j++) {
                int rj = j * n;
                double s = a[ri + j];
                for (int k = k0; k < j; k++) {
                    s = Math.fma(-a[ri + k], a[rj + k], s);
                }
                if (j < i) {
                    a[ri + j] = s / a[rj + j];
                } else if (s > 0) {
                    a[ri + i] = Math.sqrt(s);
                } else {
                    throw new NotPositiveDefiniteException("matrix of order " + n + " is not positive definite (pivot "
                            + s + " at row " + i + ")");
                }
            }
        }
    }

    /** t (w×m, row-major) = the m×w block of a at {@code panel} (row stride n) transposed, or back when !toT. */
    private static void transposePanel(int n, int w, int m, double[] a, int panel, double[] t, boolean toT) {
        for (int r = 0; r < m; r++) {
            int ar = panel + r * n;
            for (int c = 0; c < w; c++) {
                if (toT) {
                    t[c * m + r] = a[ar + c];
                } else {
                    a[ar + c] = t[c * m + r];
                }
            }
        }
    }

    /**
     * The lower triangle of the trailing matrix (rows and columns k1..n−1) −= L21·L21ᵀ, with L21 the w columns
     * before k1 (rows k1..) and t = L21ᵀ: blocks of {@value #CHOLESKY_COLUMNS} columns, each from its diagonal
     * down; the blocks split between two threads at equal work.
     */
    private static void trailingUpdate(int n, int k1, int w, int m, double[] a, double[] t) {
        int blocks = (m + CHOLESKY_COLUMNS - 1) / CHOLESKY_COLUMNS;
        if (splits((long) w * m * m / 2) && blocks >= 2) {
            long total = 0;
            for (int blk = 0; blk < blocks; blk++) {
                total += m - (long) blk * CHOLESKY_COLUMNS;
            }
            long first = 0;
            int split = 0;
            while (split < blocks - 1 && 2 * (first + m - (long) split * CHOLESKY_COLUMNS) <= total) {
                first += m - (long) split * CHOLESKY_COLUMNS;
                split++;
            }
            int s = Math.max(1, split);
            inParallel(() -> updateColumnBlocks(0, s, n, k1, w, m, a, t),
                    () -> updateColumnBlocks(s, blocks, n, k1, w, m, a, t));
            return;
        }
        updateColumnBlocks(0, blocks, n, k1, w, m, a, t);
    }

    /** Column blocks from..to−1 of {@link #trailingUpdate}. */
    private static void updateColumnBlocks(int from, int to, int n, int k1, int w, int m, double[] a, double[] t) {
        int l21 = k1 * n + k1 - w;
        int a22 = k1 * n + k1;
        for (int blk = from; blk < to; blk++) {
            int j0 = blk * CHOLESKY_COLUMNS;
            int j1 = Math.min(m, j0 + CHOLESKY_COLUMNS);
            for (int r = j0; r < j1; r += 4) { // the diagonal block, four rows at a time up to their diagonal
                int r1 = Math.min(r + 4, j1);
                gemmBlock(r, r1, w, j0, r1, -1.0, a, l21, n, t, 0, m, a, a22, n);
            }
            gemmBlock(j1, m, w, j0, j1, -1.0, a, l21, n, t, 0, m, a, a22, n); // the rows below it
        }
    }

    /**
     * Columns j0..j1−1 of L y = b in place for L lower triangular n×n, row i at {@code lOff + i·ldl} (a block of a
     * larger row-major array), and b n×(any width), row k at {@code k·ldb}: rows i..i+3 together (i a multiple of
     * 4: the same groups of four), four rows of b per load of the rows above, then the rows left one at a time.
     * {@link #choleskySolve}'s forward half and {@link #choleskyInPlace}'s panels.
     */
    private static void forwardSubstitution(int n, double[] l, int lOff, int ldl, double[] b, int ldb, int j0,
                                            int j1) {
        int i = 0;
        for (; i + 3 < n; i += 4) {
            forwardFourRows(i, l, lOff, ldl, b, ldb, j0, j1);
        }
        for (; i < n; i++) {
            forwardRow(i, 0, l, lOff, ldl, b, ldb, j0, j1);
        }
    }

    /**
     * Row i of the forward substitution from the inner index k0 on (columns j0..j1−1, the layout of {@link
     * #forwardSubstitution}): b_i + Σ_{k0 ≤ k &lt; i} (−l_ik) b_k by fused multiply-adds, the entries in groups of
     * four from k0 (as {@link #gemm}'s), then one at a time; then b_i /= l_ii.
     */
    private static void forwardRow(int i, int k0, double[] l, int lOff, int ldl, double[] b, int ldb, int j0,
                                   int j1) {
        int bi = i * ldb;
        int li = lOff + i * ldl;
        int k = k0;
        for (; k + 3 < i; k += 4) {
            double l0 = l[li + k];
            double l1 = l[li + k + 1];
            double l2 = l[li + k + 2];
            double l3 = l[li + k + 3];
            int b0 = k * ldb;
            int b1 = b0 + ldb;
            int b2 = b1 + ldb;
            int b3 = b2 + ldb;
            for (int j = j0; j < j1; j++) {
                b[bi + j] = fma4(-l0, b[b0 + j], -l1, b[b1 + j], -l2, b[b2 + j], -l3, b[b3 + j], b[bi + j]);
            }
        }
        for (; k < i; k++) {
            double lik = l[li + k];
            int bk = k * ldb;
            for (int j = j0; j < j1; j++) {
                b[bi + j] = Math.fma(-lik, b[bk + j], b[bi + j]);
            }
        }
        double pivot = l[li + i];
        for (int j = j0; j < j1; j++) {
            b[bi + j] /= pivot;
        }
    }

    /**
     * Rows i..i+3 of the forward substitution (i a multiple of 4): the groups of four below i for the four
     * rows per load of b's rows ({@link #gemmFourRows} with α = −1), then each row's entries i.. one at a time
     * and its pivot ({@link #forwardRow}), each entry with exactly the operations of {@link #forwardRow} from 0.
     */
    private static void forwardFourRows(int i, double[] l, int lOff, int ldl, double[] b, int ldb, int j0, int j1) {
        // rows i..i+3 of b from its rows below i (whole vectors of columns on the vector API, the rest here)
        int jv = VECTORS ? VectorKernels.block(i, i + 4, 0, i, j0, j1, -1.0, l, lOff, ldl, 1, b, 0, ldb, b, 0, ldb) : j0;
        gemmFourRows(i, 0, i, jv, j1, -1.0, l, lOff, ldl, b, 0, ldb, b, 0, ldb);
        for (int r = 0; r < 4; r++) { // row i + r: its entries i..i+r−1 one at a time (fewer than four), then its pivot
            forwardRow(i + r, i, l, lOff, ldl, b, ldb, j0, j1);
        }
    }

    /**
     * Pivot i of the back substitution with Lᵀ, right-looking (L read by rows): b_i /= l_ii, then b_k −= l_ik b_i
     * for from ≤ k &lt; to (zero entries of L skipped).
     */
    private static void backPivot(int i, int from, int to, int n, int width, double[] l, double[] b) {
        int bi = i * width;
        int li = i * n;
        if (to == i) {
            double pivot = l[li + i];
            for (int j = 0; j < width; j++) {
                b[bi + j] /= pivot;
            }
        }
        for (int k = from; k < to; k++) {
            double lik = l[li + k];
            if (lik != 0) {
                int bk = k * width;
                for (int j = 0; j < width; j++) {
                    b[bk + j] -= lik * b[bi + j];
                }
            }
        }
    }

    /**
     * Pivots i, i−1, i−2, i−3 of the back substitution: first among themselves, then for every row k below
     * i−3 the four updates in the order of the pivots per load and store of b's row k; each entry gets exactly
     * the operations of {@link #backPivot} pivot by pivot.
     */
    private static void backFourPivots(int i, int n, int width, double[] l, double[] b) {
        for (int t = 0; t < 4; t++) { // the pivots and their updates of the rows i−3..i−1
            backPivot(i - t, i - 3, i - t, n, width, l, b);
        }
        int p0 = i * width;
        int p1 = p0 - width;
        int p2 = p1 - width;
        int p3 = p2 - width;
        int l0 = i * n;
        int l1 = l0 - n;
        int l2 = l1 - n;
        int l3 = l2 - n;
        // the whole vectors of columns on the vector API (the same operations per entry), the rest here
        int jv = VECTORS ? VectorKernels.backFourPivots(i - 3, width, l, l0, n, b, p0) : 0;
        if (jv == width) {
            return;
        }
        for (int k = 0; k < i - 3; k++) {
            double e0 = l[l0 + k];
            double e1 = l[l1 + k];
            double e2 = l[l2 + k];
            double e3 = l[l3 + k];
            int bk = k * width;
            if (e0 != 0 && e1 != 0 && e2 != 0 && e3 != 0) {
                for (int j = jv; j < width; j++) {
                    b[bk + j] = b[bk + j] - e0 * b[p0 + j] - e1 * b[p1 + j] - e2 * b[p2 + j] - e3 * b[p3 + j];
                }
            } else { // some zero entries: skipped as backPivot skips them
                backEntry(e0, bk, p0, jv, width, b);
                backEntry(e1, bk, p1, jv, width, b);
                backEntry(e2, bk, p2, jv, width, b);
                backEntry(e3, bk, p3, jv, width, b);
            }
        }
    }

    /** Entries j0..width−1 of b's row at bk −= e · b's row at bp (nothing when e is zero). */
    private static void backEntry(double e, int bk, int bp, int j0, int width, double[] b) {
        if (e != 0) {
            for (int j = j0; j < width; j++) {
                b[bk + j] -= e * b[bp + j];
            }
        }
    }

    /**
     * ax = a·x and aty = aᵀ·y for a rows×cols (row-major) in one pass over a: each block of four rows of a
     * gives its four entries of ax and then its group of four products to every entry of aty while it is in
     * cache, the rows left one at a time. Every entry gets exactly the operations of {@link #gemm} and {@link
     * #gemmTransposed} of width 1 with α = 1, β = 0 (the same bits); the matrix is read from memory once, not
     * twice, for the termination test's Ax and Aᵀλ.
     */
    public static void gemvAndTransposed(int rows, int cols, double[] a, double[] x, double[] y, double[] ax,
                                         double[] aty) {
        java.util.Arrays.fill(aty, 0, cols, 0.0);
        int i = 0;
        for (; i + 3 < rows; i += 4) {
            gemvFourRows(i, cols, 1.0, a, x, 0.0, ax);
            axpyFourRows(i, cols, 0, cols, 1.0, a, y, aty);
        }
        for (; i < rows; i++) {
            gemmRows(i, i + 1, cols, 1, 1.0, a, x, 0.0, ax);
            int ai = i * cols;
            double yi = y[i];
            for (int j = 0; j < cols; j++) {
                aty[j] = Math.fma(a[ai + j], yi, aty[j]); // as gemmTransposed's single rows (α = 1)
            }
        }
    }

    /**
     * @return c + a0·x0 + a1·x1 + a2·x2 + a3·x3 as four fused multiply-adds in this order (one rounding each): the
     *     products' group of four that every entry of {@link #gemm}'s kernels takes, whatever the width
     */
    private static double fma4(double a0, double x0, double a1, double x1, double a2, double x2, double a3, double x3,
                               double c) {
        return Math.fma(a3, x3, Math.fma(a2, x2, Math.fma(a1, x1, Math.fma(a0, x0, c))));
    }

    /**
     * Rows j..j+3, columns t0.. of c += α·(rows i..i+3 of a)ᵀ·(rows i..i+3 of b) in {@link #gemmTransposedRows}: each
     * entry takes its group of four products exactly as there, sixteen multiply-adds per load of b's four entries.
     */
    private static void transposedFourByFour(int i, int j, int t0, int cols, int width, double alpha, double[] a,
                                             double[] b, double[] c) {
        int a0 = i * cols + j;
        int a1 = a0 + cols;
        int a2 = a1 + cols;
        int a3 = a2 + cols;
        double e00 = alpha * a[a0];
        double e01 = alpha * a[a0 + 1];
        double e02 = alpha * a[a0 + 2];
        double e03 = alpha * a[a0 + 3];
        double e10 = alpha * a[a1];
        double e11 = alpha * a[a1 + 1];
        double e12 = alpha * a[a1 + 2];
        double e13 = alpha * a[a1 + 3];
        double e20 = alpha * a[a2];
        double e21 = alpha * a[a2 + 1];
        double e22 = alpha * a[a2 + 2];
        double e23 = alpha * a[a2 + 3];
        double e30 = alpha * a[a3];
        double e31 = alpha * a[a3 + 1];
        double e32 = alpha * a[a3 + 2];
        double e33 = alpha * a[a3 + 3];
        int b0 = i * width;
        int b1 = b0 + width;
        int b2 = b1 + width;
        int b3 = b2 + width;
        int c0 = j * width;
        int c1 = c0 + width;
        int c2 = c1 + width;
        int c3 = c2 + width;
        for (int t = t0; t < width; t++) {
            double x0 = b[b0 + t];
            double x1 = b[b1 + t];
            double x2 = b[b2 + t];
            double x3 = b[b3 + t];
            c[c0 + t] = fma4(e00, x0, e10, x1, e20, x2, e30, x3, c[c0 + t]);
            c[c1 + t] = fma4(e01, x0, e11, x1, e21, x2, e31, x3, c[c1 + t]);
            c[c2 + t] = fma4(e02, x0, e12, x1, e22, x2, e32, x3, c[c2 + t]);
            c[c3 + t] = fma4(e03, x0, e13, x1, e23, x2, e33, x3, c[c3 + t]);
        }
    }

    /** Entries from..to−1 of c += α·(rows i..i+3 of a)ᵀ·(entries i..i+3 of x): the four products as one group. */
    private static void axpyFourRows(int i, int cols, int from, int to, double alpha, double[] a, double[] x,
                                     double[] c) {
        int a0 = i * cols;
        int a1 = a0 + cols;
        int a2 = a1 + cols;
        int a3 = a2 + cols;
        double x0 = x[i];
        double x1 = x[i + 1];
        double x2 = x[i + 2];
        double x3 = x[i + 3];
        for (int j = from; j < to; j++) {
            c[j] = fma4(alpha * a[a0 + j], x0, alpha * a[a1 + j], x1, alpha * a[a2 + j], x2, alpha * a[a3 + j], x3, c[j]);
        }
    }

    /** Entries i..i+3 of {@link #gemmRows}' matrix–vector case, each with exactly its operations. */
    private static void gemvFourRows(int i, int inner, double alpha, double[] a, double[] b, double beta, double[] c) {
        int r0 = i * inner;
        int r1 = r0 + inner;
        int r2 = r1 + inner;
        int r3 = r2 + inner;
        double s0 = beta == 0 ? 0.0 : beta == 1 ? c[i] : beta * c[i];
        double s1 = beta == 0 ? 0.0 : beta == 1 ? c[i + 1] : beta * c[i + 1];
        double s2 = beta == 0 ? 0.0 : beta == 1 ? c[i + 2] : beta * c[i + 2];
        double s3 = beta == 0 ? 0.0 : beta == 1 ? c[i + 3] : beta * c[i + 3];
        int k = 0;
        for (; k + 3 < inner; k += 4) {
            double x0 = b[k];
            double x1 = b[k + 1];
            double x2 = b[k + 2];
            double x3 = b[k + 3];
            s0 = fma4(alpha * a[r0 + k], x0, alpha * a[r0 + k + 1], x1, alpha * a[r0 + k + 2], x2, alpha * a[r0 + k + 3], x3, s0);
            s1 = fma4(alpha * a[r1 + k], x0, alpha * a[r1 + k + 1], x1, alpha * a[r1 + k + 2], x2, alpha * a[r1 + k + 3], x3, s1);
            s2 = fma4(alpha * a[r2 + k], x0, alpha * a[r2 + k + 1], x1, alpha * a[r2 + k + 2], x2, alpha * a[r2 + k + 3], x3, s2);
            s3 = fma4(alpha * a[r3 + k], x0, alpha * a[r3 + k + 1], x1, alpha * a[r3 + k + 2], x2, alpha * a[r3 + k + 3], x3, s3);
        }
        for (; k < inner; k++) {
            double x0 = b[k];
            s0 = Math.fma(alpha * a[r0 + k], x0, s0);
            s1 = Math.fma(alpha * a[r1 + k], x0, s1);
            s2 = Math.fma(alpha * a[r2 + k], x0, s2);
            s3 = Math.fma(alpha * a[r3 + k], x0, s3);
        }
        c[i] = s0;
        c[i + 1] = s1;
        c[i + 2] = s2;
        c[i + 3] = s3;
    }

    /**
     * Rows i..i+3, columns j0..j1−1 of c += α·a·b over the inner indices k0..k1−1 (k1 − k0 a multiple of 4 except
     * at the end), in the layout of {@link #gemmBlock}: each entry gets exactly the operations of its one-row loop
     * in the same order.
     */
    private static void gemmFourRows(int i, int k0, int k1, int j0, int j1, double alpha, double[] a, int aOff,
                                     int lda, double[] b, int bOff, int ldb, double[] c, int cOff, int ldc) {
        int c0 = cOff + i * ldc;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int r0 = aOff + i * lda;
        int r1 = r0 + lda;
        int r2 = r1 + lda;
        int r3 = r2 + lda;
        int k = k0;
        for (; k + 3 < k1; k += 4) {
            double a00 = alpha * a[r0 + k];
            double a01 = alpha * a[r0 + k + 1];
            double a02 = alpha * a[r0 + k + 2];
            double a03 = alpha * a[r0 + k + 3];
            double a10 = alpha * a[r1 + k];
            double a11 = alpha * a[r1 + k + 1];
            double a12 = alpha * a[r1 + k + 2];
            double a13 = alpha * a[r1 + k + 3];
            double a20 = alpha * a[r2 + k];
            double a21 = alpha * a[r2 + k + 1];
            double a22 = alpha * a[r2 + k + 2];
            double a23 = alpha * a[r2 + k + 3];
            double a30 = alpha * a[r3 + k];
            double a31 = alpha * a[r3 + k + 1];
            double a32 = alpha * a[r3 + k + 2];
            double a33 = alpha * a[r3 + k + 3];
            int b0 = bOff + k * ldb;
            int b1 = b0 + ldb;
            int b2 = b1 + ldb;
            int b3 = b2 + ldb;
            for (int j = j0; j < j1; j++) {
                double x0 = b[b0 + j];
                double x1 = b[b1 + j];
                double x2 = b[b2 + j];
                double x3 = b[b3 + j];
                c[c0 + j] = fma4(a00, x0, a01, x1, a02, x2, a03, x3, c[c0 + j]);
                c[c1 + j] = fma4(a10, x0, a11, x1, a12, x2, a13, x3, c[c1 + j]);
                c[c2 + j] = fma4(a20, x0, a21, x1, a22, x2, a23, x3, c[c2 + j]);
                c[c3 + j] = fma4(a30, x0, a31, x1, a32, x2, a33, x3, c[c3 + j]);
            }
        }
        for (; k < k1; k++) {
            double e0 = alpha * a[r0 + k];
            double e1 = alpha * a[r1 + k];
            double e2 = alpha * a[r2 + k];
            double e3 = alpha * a[r3 + k];
            int b0 = bOff + k * ldb;
            for (int j = j0; j < j1; j++) {
                double x0 = b[b0 + j];
                c[c0 + j] = Math.fma(e0, x0, c[c0 + j]);
                c[c1 + j] = Math.fma(e1, x0, c[c1 + j]);
                c[c2 + j] = Math.fma(e2, x0, c[c2 + j]);
                c[c3 + j] = Math.fma(e3, x0, c[c3 + j]);
            }
        }
    }

    /**
     * c = β·c + α·aᵀ·b with a rows×cols, b rows×width, c cols×width (row-major): the products with Aᵀ
     * and Gᵀ without a transposed copy. Split by rows of c like {@link #gemm}.
     */
    public static void gemmTransposed(int rows, int cols, int width, double alpha, double[] a, double[] b, double beta,
                                      double[] c) {
        if (splits((long) rows * cols * width) && cols >= 8) {
            int half = cols / 2;
            inParallel(() -> gemmTransposedRows(0, half, rows, cols, width, alpha, a, b, beta, c),
                    () -> gemmTransposedRows(half, cols, rows, cols, width, alpha, a, b, beta, c));
            return;
        }
        gemmTransposedRows(0, cols, rows, cols, width, alpha, a, b, beta, c);
    }

    /** Rows from..to−1 of c in {@link #gemmTransposed}. */
    private static void gemmTransposedRows(int from, int to, int rows, int cols, int width, double alpha, double[] a,
                                           double[] b, double beta, double[] c) {
        for (int j = from * width; j < to * width; j++) {
            c[j] = beta == 0 ? 0.0 : beta * c[j];
        }
        // rows of a (entries of b) four at a time: each load and store of an entry of c takes four products,
        // added as one group (about 1.8× the rate of one row at a time); then the rows left one at a time. The
        // same operations per entry at every width.
        int i = 0;
        if (width == 1) { // aᵀx: axpys over c's rows
            for (; i + 3 < rows; i += 4) {
                axpyFourRows(i, cols, from, to, alpha, a, b, c);
            }
            for (; i < rows; i++) {
                int ai = i * cols;
                double bi = b[i];
                for (int j = from; j < to; j++) {
                    c[j] = Math.fma(alpha * a[ai + j], bi, c[j]);
                }
            }
            return;
        }
        // the whole vectors of c's columns on the vector API (c's row j takes aᵀ's row j, a's column: entry (j, i) at
        // i·cols + j), the columns left here: the same operations per entry
        int tv = VECTORS ? VectorKernels.block(from, to, 0, rows, 0, width, alpha, a, 0, 1, cols, b, 0, width, c, 0,
                width) : 0;
        if (tv == width) {
            return;
        }
        for (; i + 3 < rows; i += 4) {
            int a0 = i * cols;
            int a1 = a0 + cols;
            int a2 = a1 + cols;
            int a3 = a2 + cols;
            int b0 = i * width;
            int b1 = b0 + width;
            int b2 = b1 + width;
            int b3 = b2 + width;
            int j = from;
            for (; j + 3 < to; j += 4) { // four rows of c per load of b's four rows
                transposedFourByFour(i, j, tv, cols, width, alpha, a, b, c);
            }
            for (; j < to; j++) {
                double e0 = alpha * a[a0 + j];
                double e1 = alpha * a[a1 + j];
                double e2 = alpha * a[a2 + j];
                double e3 = alpha * a[a3 + j];
                int cj = j * width;
                for (int t = tv; t < width; t++) {
                    c[cj + t] = fma4(e0, b[b0 + t], e1, b[b1 + t], e2, b[b2 + t], e3, b[b3 + t], c[cj + t]);
                }
            }
        }
        for (; i < rows; i++) {
            int ai = i * cols;
            int bi = i * width;
            for (int j = from; j < to; j++) {
                double aij = alpha * a[ai + j];
                int cj = j * width;
                for (int t = tv; t < width; t++) {
                    c[cj + t] = Math.fma(aij, b[bi + t], c[cj + t]);
                }
            }
        }
    }

    /** Doubles of b per cache panel of {@link #gemm} (256 KiB, within a core's L2). */
    public static final int PANEL_DOUBLES = 32_768;

    private JvmBlas() {
    }
}
