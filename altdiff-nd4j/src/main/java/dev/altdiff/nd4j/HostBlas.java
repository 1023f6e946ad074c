package dev.altdiff.nd4j;

import dev.altdiff.api.linalg.NotPositiveDefiniteException;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;

/**
 * OpenBLAS on row-major arrays held in the JVM, through off-heap blocks of bounded size: JavaCPP passes a JVM
 * array to a native routine by copying all of it (an n×n array meets its copy beside it, 128 MB more at n = 4 000),
 * so the products, the Cholesky factorization and its solves copy in and out only blocks, and never hold a second
 * copy of a whole operand.
 *
 * <ul>
 *   <li>{@link #gemm}: c = β·c + α·op(a)·b by blocks of at most {@value #EDGE} rows, columns and inner extent (a
 *       product within one block passes its arrays as they are, on the caller's thread: the layer's products); a
 *       Gram product aᵀa (the set-up's AᵀA and GᵀG) only on and below the diagonal blocks, the blocks above it
 *       mirrored from them (half the multiply-adds; the upper triangle is exactly the lower one's transpose);</li>
 *   <li>{@link #choleskyInPlace}: M = LLᵀ in the array itself, left-looking by blocks of {@value #BLOCK} columns
 *       (dsyrk and dpotrf on the diagonal block, then dgemm and dtrsm on the panel below it,
 *       {@value #PANEL_ROWS} rows at a time);</li>
 *   <li>{@link #choleskySolve}: (LLᵀ)X = B in place, a block of B's columns at a time ({@value #SOLVE_SCRATCH}
 *       doubles), with dgemm and dtrsm on block rows of L (left-looking forward, right-looking backward: L's rows
 *       cross in whole, never a column block of short rows).</li>
 * </ul>
 * Each entry is the sum of the same terms as in one call on whole arrays, in an order that differs by the blocking:
 * results agree to rounding. All of it (but a one-block product) runs on the LAPACK thread ({@link LapackThread}), in four scratch buffers
 * kept there ({@link Scratch}): grown to the largest block asked so far, about 14 MB at n = 4 000 and linear in n,
 * instead of blocks allocated and freed per call (which the C allocator's per-thread arenas kept resident, tens of
 * MB more at the peak).
 */
final class HostBlas {
    /** Rows, columns and inner extent of the products' blocks: each block at most 512² doubles (2 MB). */
    static final int EDGE = 512;
    /** Columns of the factorization's diagonal blocks and panels, and rows of L per solve block. */
    static final int BLOCK = 128;
    /** Rows of the panel per product in the factorization. */
    static final int PANEL_ROWS = 64;
    /** Doubles of B's columns per solve block (n×columns, at least 64 columns). */
    static final int SOLVE_SCRATCH = 1 << 20;

    private HostBlas() {
    }

    /**
     * c = β·c + α·op(a)·b on row-major arrays: op(a) rows×inner (a itself, or aᵀ stored inner×rows when {@code
     * transposeA}), b inner×width, c rows×width; β = 0 ignores c's old values.
     */
    static void gemm(boolean transposeA, int rows, int inner, int width, double alpha, double[] a, double[] b,
                     double beta, double[] c) {
        if (rows <= EDGE && inner <= EDGE && width <= EDGE) { // one block: the arrays as they are, on this thread
            openblas.cblas_dgemm(openblas.CblasRowMajor, transposeA ? openblas.CblasTrans : openblas.CblasNoTrans,
                    openblas.CblasNoTrans, rows, width, inner, alpha, a, transposeA ? rows : inner, b, width, beta, c,
                    width);
            return;
        }
        gemm(transposeA, rows, inner, width, alpha, a, b, beta, c, EDGE);
    }

    /** {@link #gemm} with blocks of at most {@code edge} rows, columns and inner extent, for the tests. */
    static void gemm(boolean transposeA, int rows, int inner, int width, double alpha, double[] a, double[] b,
                     double beta, double[] c, int edge) {
        if (rows == 0 || width == 0) {
            return;
        }
        LapackThread.run(() -> {
            productBlocks(transposeA, rows, inner, width, alpha, a, b, beta, c, edge);
            return null;
        });
    }

    private static void productBlocks(boolean transposeA, int rows, int inner, int width, double alpha, double[] a,
                                      double[] b, double beta, double[] c, int edge) {
        int rb = Math.min(rows, edge);
        int wb = Math.min(width, edge);
        int kb = Math.min(inner, edge);
        DoublePointer cb = Scratch.get(0, (long) rb * wb);
        DoublePointer ab = Scratch.get(1, (long) rb * kb);
        DoublePointer bb = Scratch.get(2, (long) kb * wb);
        boolean gram = transposeA && a == b && rows == width; // aᵀa: symmetric, blocks on and below the diagonal
        double[] block = gram ? new double[rb * wb] : null;
        for (int r0 = 0; r0 < rows; r0 += rb) {
            int rc = Math.min(rb, rows - r0);
            for (int j0 = 0; j0 < (gram ? r0 + rc : width); j0 += wb) {
                int wc = Math.min(wb, width - j0);
                if (gram || beta == 0.0) { // "previous contents ignored, even NaN"
                    Pointer.memset(cb, 0, (long) rc * wc * Double.BYTES);
                } else {
                    for (int i = 0; i < rc; i++) {
                        put(cb, (long) i * wc, c, (r0 + i) * width + j0, wc);
                    }
                }
                for (int k0 = 0; k0 < inner; k0 += kb) {
                    int kc = Math.min(kb, inner - k0);
                    if (transposeA) { // a is inner×rows: rows k0.. of it, columns r0..
                        for (int k = 0; k < kc; k++) {
                            put(ab, (long) k * rc, a, (k0 + k) * rows + r0, rc);
                        }
                    } else {
                        for (int i = 0; i < rc; i++) {
                            put(ab, (long) i * kc, a, (r0 + i) * inner + k0, kc);
                        }
                    }
                    for (int k = 0; k < kc; k++) {
                        put(bb, (long) k * wc, b, (k0 + k) * width + j0, wc);
                    }
                    openblas.cblas_dgemm(openblas.CblasRowMajor, transposeA ? openblas.CblasTrans : openblas.CblasNoTrans,
                            openblas.CblasNoTrans, rc, wc, kc, gram ? 1.0 : alpha, ab, transposeA ? rc : kc, bb, wc,
                            gram || beta == 0.0 || k0 > 0 ? 1.0 : beta, cb, wc);
                }
                if (gram) {
                    get(cb, 0, block, 0, rc * wc);
                    addGramBlock(block, rc, wc, r0, j0, width, alpha, beta, c);
                } else {
                    for (int i = 0; i < rc; i++) {
                        get(cb, (long) i * wc, c, (r0 + i) * width + j0, wc);
                    }
                }
            }
        }
    }

    /**
     * c = β·c + α·S on the block (r0, j0) of S = aᵀa (rc×wc, row-major in {@code block}) and, below the diagonal, on
     * its mirror (j0, r0), which is Sᵀ's: the Gram product's upper blocks are not multiplied again.
     */
    private static void addGramBlock(double[] block, int rc, int wc, int r0, int j0, int width, double alpha,
                                     double beta, double[] c) {
        for (int i = 0; i < rc; i++) {
            for (int j = 0; j < wc; j++) {
                double s = alpha * block[i * wc + j];
                int lower = (r0 + i) * width + j0 + j;
                c[lower] = beta == 0.0 ? s : beta * c[lower] + s;
                if (j0 + j < r0) { // a block below the diagonal block: its mirror above
                    int upper = (j0 + j) * width + r0 + i;
                    c[upper] = beta == 0.0 ? s : beta * c[upper] + s;
                }
            }
        }
    }

    /**
     * M = LLᵀ in place of a symmetric positive definite n×n matrix M (row-major; only its lower triangle is read): on
     * return the lower triangle holds L and the upper triangle zeros (the layout of {@code JvmBlas.choleskyInPlace}).
     *
     * @throws NotPositiveDefiniteException at the first block whose dpotrf fails or gives a pivot that is not
     *     positive (NaN included); the array's contents are then unspecified
     */
    static void choleskyInPlace(int n, double[] a) {
        choleskyInPlace(n, a, BLOCK, PANEL_ROWS);
    }

    /** {@link #choleskyInPlace} with blocks of {@code nb} columns and panels of {@code rowBlock} rows, for the tests. */
    static void choleskyInPlace(int n, double[] a, int nb, int rowBlock) {
        if (n > 0) {
            LapackThread.run(() -> {
                factorBlocks(n, a, nb, rowBlock);
                return null;
            });
        }
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(a, i * n + i + 1, (i + 1) * n, 0.0);
        }
    }

    private static void factorBlocks(int n, double[] a, int nb, int rowBlock) {
        int width = Math.min(nb, n);
        int height = Math.min(rowBlock, n);
        DoublePointer left = Scratch.get(0, (long) width * n); // L[k0:k1, 0:k0]
        DoublePointer rowsLeft = Scratch.get(1, (long) height * n); // L[r0:r1, 0:k0]
        DoublePointer diagonal = Scratch.get(2, (long) width * width);
        DoublePointer panel = Scratch.get(3, (long) height * width); // A[r0:r1, k0:k1]
        for (int k0 = 0; k0 < n; k0 += nb) {
            int k1 = Math.min(n, k0 + nb);
            int w = k1 - k0;
            for (int i = 0; i < w; i++) {
                put(left, (long) i * k0, a, (k0 + i) * n, k0);
                put(diagonal, (long) i * w, a, (k0 + i) * n + k0, w);
            }
            if (k0 > 0) {
                openblas.cblas_dsyrk(openblas.CblasRowMajor, openblas.CblasLower, openblas.CblasNoTrans, w, k0, -1.0,
                        left, k0, 1.0, diagonal, w);
            }
            factorDiagonal(n, k0, w, diagonal); // row-major lower is column-major upper
            for (int i = 0; i < w; i++) {
                get(diagonal, (long) i * w, a, (k0 + i) * n + k0, i + 1);
            }
            for (int r0 = k1; r0 < n; r0 += height) {
                int rc = Math.min(height, n - r0);
                for (int i = 0; i < rc; i++) {
                    put(panel, (long) i * w, a, (r0 + i) * n + k0, w);
                    put(rowsLeft, (long) i * k0, a, (r0 + i) * n, k0);
                }
                if (k0 > 0) {
                    openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasTrans, rc, w, k0,
                            -1.0, rowsLeft, k0, left, k0, 1.0, panel, w);
                }
                openblas.cblas_dtrsm(openblas.CblasRowMajor, openblas.CblasRight, openblas.CblasLower,
                        openblas.CblasTrans, openblas.CblasNonUnit, rc, w, 1.0, diagonal, w, panel, w);
                for (int i = 0; i < rc; i++) {
                    get(panel, (long) i * w, a, (r0 + i) * n + k0, w);
                }
            }
        }
    }

    /** dpotrf of the w×w diagonal block starting at row k0, with OpenBLAS's NaN pivots rejected. */
    private static void factorDiagonal(int n, int k0, int w, DoublePointer diagonal) {
        int info = openblas.LAPACKE_dpotrf_work(openblas.LAPACK_COL_MAJOR, (byte) 'U', w, diagonal, w);
        if (info < 0) {
            throw new IllegalStateException("LAPACKE_dpotrf: illegal argument " + -info);
        }
        for (int i = 0; info == 0 && i < w; i++) {
            if (!(diagonal.get((long) i * w + i) > 0)) { // OpenBLAS's potrf lets a NaN pivot through
                info = i + 1;
            }
        }
        if (info > 0) {
            throw new NotPositiveDefiniteException("matrix of order " + n + " is not positive definite (leading minor "
                    + (k0 + info) + ")");
        }
    }

    /**
     * Solves (LLᵀ)X = B in place on b's first n·width entries (B row-major n×width), L as {@link #choleskyInPlace}
     * leaves it.
     */
    static void choleskySolve(int n, int width, double[] l, double[] b) {
        choleskySolve(n, width, l, b, BLOCK, Math.min(width, Math.max(64, SOLVE_SCRATCH / Math.max(n, 1))));
    }

    /** {@link #choleskySolve} with blocks of {@code nb} rows of L and {@code columns} columns of B, for the tests. */
    static void choleskySolve(int n, int width, double[] l, double[] b, int nb, int columns) {
        if (n == 0 || width == 0) {
            return;
        }
        LapackThread.run(() -> {
            solveBlocks(n, width, l, b, nb, columns);
            return null;
        });
    }

    private static void solveBlocks(int n, int width, double[] l, double[] b, int nb, int columns) {
        int w0 = Math.min(nb, n);
        DoublePointer x = Scratch.get(0, (long) n * columns);
        DoublePointer lb = Scratch.get(1, (long) w0 * n);
        for (int j0 = 0; j0 < width; j0 += columns) {
            int c = Math.min(columns, width - j0);
            for (int i = 0; i < n; i++) {
                put(x, (long) i * c, b, i * width + j0, c);
            }
            for (int k0 = 0; k0 < n; k0 += nb) { // L y = b: block row k of L, columns 0..k1
                int k1 = Math.min(n, k0 + nb);
                int w = k1 - k0;
                for (int i = 0; i < w; i++) {
                    put(lb, (long) i * k1, l, (k0 + i) * n, k1);
                }
                DoublePointer xk = at(x, (long) k0 * c);
                if (k0 > 0) {
                    openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, w, c, k0,
                            -1.0, lb, k1, x, c, 1.0, xk, c);
                }
                openblas.cblas_dtrsm(openblas.CblasRowMajor, openblas.CblasLeft, openblas.CblasLower,
                        openblas.CblasNoTrans, openblas.CblasNonUnit, w, c, 1.0, at(lb, k0), k1, xk, c);
            }
            for (int k0 = (n - 1) / nb * nb; k0 >= 0; k0 -= nb) { // Lᵀ x = y: block row k of L again, right-looking
                int k1 = Math.min(n, k0 + nb);
                int w = k1 - k0;
                if (k1 < n) { // the last block row is still there from the forward sweep
                    for (int i = 0; i < w; i++) {
                        put(lb, (long) i * k1, l, (k0 + i) * n, k1);
                    }
                }
                DoublePointer xk = at(x, (long) k0 * c);
                openblas.cblas_dtrsm(openblas.CblasRowMajor, openblas.CblasLeft, openblas.CblasLower,
                        openblas.CblasTrans, openblas.CblasNonUnit, w, c, 1.0, at(lb, k0), k1, xk, c);
                if (k0 > 0) {
                    openblas.cblas_dgemm(openblas.CblasRowMajor, openblas.CblasTrans, openblas.CblasNoTrans, k0, c, w,
                            -1.0, lb, k1, xk, c, 1.0, x, c);
                }
            }
            for (int i = 0; i < n; i++) {
                get(x, (long) i * c, b, i * width + j0, c);
            }
        }
    }

    /** @return a view of p from entry i on (no memory of its own) */
    private static DoublePointer at(DoublePointer p, long i) {
        return new DoublePointer(p).position(i);
    }

    /** Copies a[from, from + length) into p[at, at + length). */
    private static void put(DoublePointer p, long at, double[] a, int from, int length) {
        if (length > 0) {
            p.position(at).put(a, from, length).position(0);
        }
    }

    /** Copies p[at, at + length) into a[to, to + length). */
    private static void get(DoublePointer p, long at, double[] a, int to, int length) {
        if (length > 0) {
            p.position(at).get(a, to, length).position(0);
        }
    }

    /**
     * The scratch buffers of the LAPACK thread, the only thread that uses them: slot i grows to the largest block
     * asked of it so far (the old buffer freed at once) and is kept for the next call.
     */
    private static final class Scratch {
        private static final DoublePointer[] SLOTS = new DoublePointer[4];

        private Scratch() {
        }

        static DoublePointer get(int slot, long doubles) {
            if (!LapackThread.isCurrent()) {
                throw new IllegalStateException("internal: scratch used off the LAPACK thread");
            }
            DoublePointer p = SLOTS[slot];
            if (p == null || p.capacity() < doubles) {
                if (p != null) {
                    p.close();
                }
                p = new DoublePointer(Math.max(doubles, 1));
                SLOTS[slot] = p;
            }
            return p;
        }
    }
}
