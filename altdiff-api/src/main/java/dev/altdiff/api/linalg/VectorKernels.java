package dev.altdiff.api.linalg;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link JvmBlas}'s product kernel on the JDK's vector API ({@code jdk.incubator.vector}): c += α·a·b over a block
 * (the products of {@code gemm}, {@code gemmTransposed} and the forward substitution), and the back substitution's
 * updates with four pivots ({@link #backFourPivots}). The product holds the entries of c in SIMD registers of {@link DoubleVector#SPECIES_PREFERRED} (8 doubles with AVX-512, 4 with
 * AVX2) while the inner index runs. HotSpot does not vectorize {@link JvmBlas}'s scalar loops (their rows of b and
 * c are offsets into arrays it cannot tell apart), so they run at the rate of scalar fused multiply-adds; these
 * kernels reach several times that (docs/performance.md).
 *
 * <p><b>The same bits.</b> Each entry of c gets exactly the operations of the scalar kernels: its products
 * (α·a_rk)·b_kj added one at a time in the order of k, each by a fused multiply-add (one rounding), the lanes of a
 * vector being independent entries; the back substitution rounds each product and subtracts it, in the pivots'
 * order, as its scalar loop does. Whether a product runs here or in the scalar code changes no result.
 *
 * <p>This class is loaded only where the module is in the boot layer ({@code --add-modules jdk.incubator.vector},
 * which {@code bin/altdiff} and the build's tests pass) and {@link JvmBlas#vectorized()} found it working; without
 * the module nothing here is touched and the scalar kernels run.
 */
final class VectorKernels {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    /** Doubles per vector. */
    static final int LANES = SPECIES.length();

    private VectorKernels() {
    }

    /**
     * Rows from..to−1 of c += Σ_{k0 ≤ k &lt; k1} (α·a(r, k))·b(k, ·), on columns j0.. of c and b up to the last whole
     * vector before j1; the columns left (fewer than {@link #LANES}) are the caller's.
     *
     * @param a   a(r, k) at {@code aOff + r·rowStride + k·kStride} (a or, with the strides swapped, aᵀ)
     * @param b   row k of b at {@code bOff + k·ldb}
     * @param c   row r of c at {@code cOff + r·ldc}
     * @return the first column not done: j0 plus a multiple of {@link #LANES}
     */
    static int block(int from, int to, int k0, int k1, int j0, int j1, double alpha, double[] a, int aOff,
                     int rowStride, int kStride, double[] b, int bOff, int ldb, double[] c, int cOff, int ldc) {
        int end = j0 + (j1 - j0) / LANES * LANES;
        int i = from;
        for (; i + 3 < to; i += 4) {
            int a0 = aOff + i * rowStride;
            int c0 = cOff + i * ldc;
            int j = j0;
            for (; j + 2 * LANES <= end; j += 2 * LANES) {
                fourRowsTwoVectors(a0, rowStride, kStride, k0, k1, alpha, a, b, bOff + j, ldb, c, c0 + j, ldc);
            }
            if (j < end) {
                fourRowsOneVector(a0, rowStride, kStride, k0, k1, alpha, a, b, bOff + j, ldb, c, c0 + j, ldc);
            }
        }
        for (; i < to; i++) {
            int ar = aOff + i * rowStride;
            int cr = cOff + i * ldc;
            for (int j = j0; j < end; j += LANES) {
                DoubleVector s = DoubleVector.fromArray(SPECIES, c, cr + j);
                for (int k = k0; k < k1; k++) { // α·a as the scalar kernels form it (exact for α = ±1)
                    DoubleVector e = DoubleVector.broadcast(SPECIES, alpha * a[ar + k * kStride]);
                    s = DoubleVector.fromArray(SPECIES, b, bOff + k * ldb + j).fma(e, s);
                }
                s.intoArray(c, cr + j);
            }
        }
        return end;
    }

    /**
     * The rows k &lt; kEnd of {@link JvmBlas}'s back substitution step with four pivots (rows p0, p0 − width, …, of b,
     * already solved; their entries of L in the rows l0, l0 − n, … of l): b_k ← b_k − e0·b_p0 − e1·b_p1 − e2·b_p2 −
     * e3·b_p3, each product rounded and subtracted in this order, a zero e skipped, as the scalar loop does; on the
     * whole vectors of columns.
     *
     * @return the first column not done, a multiple of {@link #LANES}
     */
    static int backFourPivots(int kEnd, int width, double[] l, int l0, int n, double[] b, int p0) {
        int end = width / LANES * LANES;
        int l1 = l0 - n;
        int l2 = l1 - n;
        int l3 = l2 - n;
        int p1 = p0 - width;
        int p2 = p1 - width;
        int p3 = p2 - width;
        for (int k = 0; k < kEnd; k++) {
            double e0 = l[l0 + k];
            double e1 = l[l1 + k];
            double e2 = l[l2 + k];
            double e3 = l[l3 + k];
            int bk = k * width;
            if (e0 != 0 && e1 != 0 && e2 != 0 && e3 != 0) {
                for (int j = 0; j < end; j += LANES) {
                    DoubleVector v = DoubleVector.fromArray(SPECIES, b, bk + j);
                    v = v.sub(DoubleVector.fromArray(SPECIES, b, p0 + j).mul(e0));
                    v = v.sub(DoubleVector.fromArray(SPECIES, b, p1 + j).mul(e1));
                    v = v.sub(DoubleVector.fromArray(SPECIES, b, p2 + j).mul(e2));
                    v = v.sub(DoubleVector.fromArray(SPECIES, b, p3 + j).mul(e3));
                    v.intoArray(b, bk + j);
                }
            } else { // some zero entries: skipped, pivot by pivot
                subtract(e0, b, bk, p0, end);
                subtract(e1, b, bk, p1, end);
                subtract(e2, b, bk, p2, end);
                subtract(e3, b, bk, p3, end);
            }
        }
        return end;
    }

    /** Entries 0..end−1 of b's row at bk −= e · b's row at bp (nothing when e is zero). */
    private static void subtract(double e, double[] b, int bk, int bp, int end) {
        if (e != 0) {
            for (int j = 0; j < end; j += LANES) {
                DoubleVector v = DoubleVector.fromArray(SPECIES, b, bk + j);
                v.sub(DoubleVector.fromArray(SPECIES, b, bp + j).mul(e)).intoArray(b, bk + j);
            }
        }
    }

    /**
     * Four rows of c (from c0, ldc apart) by two vectors of columns: eight accumulators over k0..k1−1. With α = ±1
     * and a's rows contiguous (the products' usual case) the entries of a are broadcast as loaded (α = −1 negates b's
     * vectors instead: a·(−b) and (−a)·b are the same exact product), so the loop holds vector work alone and its
     * indices are linear in k (1.5× the general loop's rate at 100×100 by 32); otherwise each entry is
     * multiplied by α first, as the scalar kernels do (exact for α = ±1).
     */
    private static void fourRowsTwoVectors(int a0, int rowStride, int kStride, int k0, int k1, double alpha, double[] a,
                                           double[] b, int b0, int ldb, double[] c, int c0, int ldc) {
        int a1 = a0 + rowStride;
        int a2 = a1 + rowStride;
        int a3 = a2 + rowStride;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int l = LANES;
        DoubleVector s00 = DoubleVector.fromArray(SPECIES, c, c0);
        DoubleVector s01 = DoubleVector.fromArray(SPECIES, c, c0 + l);
        DoubleVector s10 = DoubleVector.fromArray(SPECIES, c, c1);
        DoubleVector s11 = DoubleVector.fromArray(SPECIES, c, c1 + l);
        DoubleVector s20 = DoubleVector.fromArray(SPECIES, c, c2);
        DoubleVector s21 = DoubleVector.fromArray(SPECIES, c, c2 + l);
        DoubleVector s30 = DoubleVector.fromArray(SPECIES, c, c3);
        DoubleVector s31 = DoubleVector.fromArray(SPECIES, c, c3 + l);
        if ((alpha == 1.0 || alpha == -1.0) && kStride == 1) { // the common case: a's rows contiguous, no multiply
            boolean negate = alpha == -1.0;
            for (int k = k0; k < k1; k++) { // indices linear in k: their bounds checks leave the loop
                int bk = b0 + k * ldb;
                DoubleVector x0 = DoubleVector.fromArray(SPECIES, b, bk);
                DoubleVector x1 = DoubleVector.fromArray(SPECIES, b, bk + l);
                if (negate) {
                    x0 = x0.neg();
                    x1 = x1.neg();
                }
                DoubleVector e0 = DoubleVector.broadcast(SPECIES, a[a0 + k]);
                s00 = x0.fma(e0, s00);
                s01 = x1.fma(e0, s01);
                DoubleVector e1 = DoubleVector.broadcast(SPECIES, a[a1 + k]);
                s10 = x0.fma(e1, s10);
                s11 = x1.fma(e1, s11);
                DoubleVector e2 = DoubleVector.broadcast(SPECIES, a[a2 + k]);
                s20 = x0.fma(e2, s20);
                s21 = x1.fma(e2, s21);
                DoubleVector e3 = DoubleVector.broadcast(SPECIES, a[a3 + k]);
                s30 = x0.fma(e3, s30);
                s31 = x1.fma(e3, s31);
            }
        } else { // any α, any stride (aᵀ): α·a as the scalar kernels form it, exact for α = ±1
            int bk = b0 + k0 * ldb;
            int ak = k0 * kStride;
            for (int k = k0; k < k1; k++, bk += ldb, ak += kStride) {
                DoubleVector x0 = DoubleVector.fromArray(SPECIES, b, bk);
                DoubleVector x1 = DoubleVector.fromArray(SPECIES, b, bk + l);
                DoubleVector e0 = DoubleVector.broadcast(SPECIES, alpha * a[a0 + ak]);
                s00 = x0.fma(e0, s00);
                s01 = x1.fma(e0, s01);
                DoubleVector e1 = DoubleVector.broadcast(SPECIES, alpha * a[a1 + ak]);
                s10 = x0.fma(e1, s10);
                s11 = x1.fma(e1, s11);
                DoubleVector e2 = DoubleVector.broadcast(SPECIES, alpha * a[a2 + ak]);
                s20 = x0.fma(e2, s20);
                s21 = x1.fma(e2, s21);
                DoubleVector e3 = DoubleVector.broadcast(SPECIES, alpha * a[a3 + ak]);
                s30 = x0.fma(e3, s30);
                s31 = x1.fma(e3, s31);
            }
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + l);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + l);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + l);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + l);
    }

    /** Four rows of c by one vector of columns (at most one per four rows: the general loop alone). */
    private static void fourRowsOneVector(int a0, int rowStride, int kStride, int k0, int k1, double alpha, double[] a,
                                          double[] b, int b0, int ldb, double[] c, int c0, int ldc) {
        int a1 = a0 + rowStride;
        int a2 = a1 + rowStride;
        int a3 = a2 + rowStride;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        DoubleVector s0 = DoubleVector.fromArray(SPECIES, c, c0);
        DoubleVector s1 = DoubleVector.fromArray(SPECIES, c, c1);
        DoubleVector s2 = DoubleVector.fromArray(SPECIES, c, c2);
        DoubleVector s3 = DoubleVector.fromArray(SPECIES, c, c3);
        int bk = b0 + k0 * ldb;
        int ak = k0 * kStride;
        for (int k = k0; k < k1; k++, bk += ldb, ak += kStride) { // α·a as the scalar kernels form it
            DoubleVector x = DoubleVector.fromArray(SPECIES, b, bk);
            s0 = x.fma(DoubleVector.broadcast(SPECIES, alpha * a[a0 + ak]), s0);
            s1 = x.fma(DoubleVector.broadcast(SPECIES, alpha * a[a1 + ak]), s1);
            s2 = x.fma(DoubleVector.broadcast(SPECIES, alpha * a[a2 + ak]), s2);
            s3 = x.fma(DoubleVector.broadcast(SPECIES, alpha * a[a3 + ak]), s3);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c1);
        s2.intoArray(c, c2);
        s3.intoArray(c, c3);
    }
}
