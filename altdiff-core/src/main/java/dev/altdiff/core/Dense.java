package dev.altdiff.core;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The iterations' kernels on row-major blocks held in the JVM ({@code double[]}, entry (i, j) of an
 * r×B block at {@code i·B + j}): the one matrix product per iteration of the reduced x-step and the
 * column-wise work (norms, selection) that the backend SPI does not offer. The ADMM loop and its
 * adjoint run on these blocks, so an iteration makes no copy, no allocation and no call into a native
 * backend (where every small operation costs a JNI crossing and an OpenMP region); the backends do
 * the set-up's level-3 work (forming and factoring H, W = H⁻¹[Aᵀ Gᵀ], M = [A; G]W).
 *
 * <p>{@link #gemm} is register-blocked over four rows of the left factor's columns so that the
 * inner loop over the B columns vectorizes; a product of at least {@value #PARALLEL_WORK}
 * multiply-adds is split by rows between the caller and the common fork-join pool (which on this
 * project's 2-core machine is one more thread; when the pool is busy the caller runs both halves).
 */
final class Dense {
    /** Multiply-adds from which a product is split between two threads. */
    static final long PARALLEL_WORK = 150_000;

    private Dense() {
    }

    /**
     * c = β·c + α·a·b with a rows×inner, b inner×width, c rows×width (row-major; β = 0 ignores c's
     * old values, NaN included).
     */
    static void gemm(int rows, int inner, int width, double alpha, double[] a, double[] b, double beta, double[] c) {
        if ((long) rows * inner * width >= PARALLEL_WORK && rows >= 8) {
            int half = rows / 2;
            RecursiveAction upper = new RecursiveAction() {
                @Override
                protected void compute() {
                    gemmRows(0, half, inner, width, alpha, a, b, beta, c);
                }
            };
            ForkJoinPool.commonPool().execute(upper);
            gemmRows(half, rows, inner, width, alpha, a, b, beta, c);
            upper.join();
            return;
        }
        gemmRows(0, rows, inner, width, alpha, a, b, beta, c);
    }

    /** Rows from..to−1 of {@link #gemm}. */
    private static void gemmRows(int from, int to, int inner, int width, double alpha, double[] a, double[] b,
                                 double beta, double[] c) {
        if (width == 1) { // matrix–vector: dot products with four accumulators
            for (int i = from; i < to; i++) {
                int ai = i * inner;
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                int k = 0;
                for (; k + 3 < inner; k += 4) {
                    s0 += a[ai + k] * b[k];
                    s1 += a[ai + k + 1] * b[k + 1];
                    s2 += a[ai + k + 2] * b[k + 2];
                    s3 += a[ai + k + 3] * b[k + 3];
                }
                for (; k < inner; k++) {
                    s0 += a[ai + k] * b[k];
                }
                double dot = alpha * (s0 + s1 + s2 + s3);
                c[i] = beta == 0 ? dot : beta * c[i] + dot;
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
            int ai = i * inner;
            int k = 0;
            for (; k + 3 < inner; k += 4) {
                double a0 = alpha * a[ai + k];
                double a1 = alpha * a[ai + k + 1];
                double a2 = alpha * a[ai + k + 2];
                double a3 = alpha * a[ai + k + 3];
                int b0 = k * width;
                int b1 = b0 + width;
                int b2 = b1 + width;
                int b3 = b2 + width;
                for (int j = 0; j < width; j++) {
                    c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                }
            }
            for (; k < inner; k++) {
                double a0 = alpha * a[ai + k];
                int b0 = k * width;
                for (int j = 0; j < width; j++) {
                    c[ci + j] += a0 * b[b0 + j];
                }
            }
        }
    }

    /**
     * @param weight null (unweighted) or row weights, row i weighted by weight[offset + i]
     * @return max_i w_i|a_ij| for each of the width columns of rows×width a, into out (NaN propagates)
     */
    static double[] colNormInf(double[] a, int rows, int width, double[] weight, int offset, double[] out) {
        java.util.Arrays.fill(out, 0, width, 0.0);
        for (int i = 0; i < rows; i++) {
            double w = weight == null ? 1.0 : weight[offset + i];
            int ai = i * width;
            for (int j = 0; j < width; j++) {
                double v = w * Math.abs(a[ai + j]);
                out[j] = v > out[j] || v != v ? v : out[j];
            }
        }
        return out;
    }

    /** @return column j of the rows×width block a */
    static double[] column(double[] a, int rows, int width, int j) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = a[i * width + j];
        }
        return out;
    }

    /** @return the rows×keep.length block of a's columns keep[0], keep[1], … */
    static double[] select(double[] a, int rows, int width, int[] keep) {
        double[] out = new double[rows * keep.length];
        for (int i = 0; i < rows; i++) {
            int ai = i * width;
            int oi = i * keep.length;
            for (int j = 0; j < keep.length; j++) {
                out[oi + j] = a[ai + keep[j]];
            }
        }
        return out;
    }

    /** @return the rows×cols.length block whose column j is cols[j] */
    static double[] fromColumns(double[][] cols, int rows) {
        int width = cols.length;
        double[] out = new double[rows * width];
        for (int j = 0; j < width; j++) {
            double[] col = cols[j];
            for (int i = 0; i < rows; i++) {
                out[i * width + j] = col[i];
            }
        }
        return out;
    }
}
