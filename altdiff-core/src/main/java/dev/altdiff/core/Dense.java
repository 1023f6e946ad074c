package dev.altdiff.core;

/**
 * The column-wise work on row-major blocks held in the JVM ({@code double[]}, entry (i, j) of an r×B
 * block at {@code i·B + j}) that the backend SPI does not offer: norms per column, selection, sums.
 * The ADMM loop and its adjoint run on these blocks, so an iteration makes no copy into or out of a
 * backend's matrices and no small native call (where each costs a JNI crossing and an OpenMP region);
 * their products go through {@link dev.altdiff.api.linalg.LinearAlgebra#gemm(int, int, int, double,
 * double[], double[], double, double[])} (the JVM kernels of {@link dev.altdiff.api.linalg.JvmBlas}, or
 * the backend's BLAS where that is cheaper), and the backends do the set-up's level-3 work (forming and
 * factoring H, W = H⁻¹[Aᵀ Gᵀ], M = [A; G]W).
 */
final class Dense {
    private Dense() {
    }

    /**
     * @return a dense problem's P, A or G row-major as the problem reads it: its own stored array when it reads it
     *     unscaled (in place: read only), else a copy of the scaled entries; null when the block is absent
     */
    static double[] entries(dev.altdiff.api.QuadraticProgram problem, dev.altdiff.api.Block block) {
        dev.altdiff.api.DenseBlock dense = problem.dense(block);
        return dense == null ? null : dense.isScaled() ? dense.rowMajor() : dense.stored();
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

    /** In place: a ← a + b over b's length (a may be a longer scratch block). */
    static void add(double[] a, double[] b) {
        for (int i = 0; i < b.length; i++) {
            a[i] += b[i];
        }
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

    /** @return 1.0 where mask is true, else 0.0 (the diagonal of D_k as a vector) */
    static double[] indicator(boolean[] mask) {
        double[] out = new double[mask.length];
        for (int i = 0; i < mask.length; i++) {
            out[i] = mask[i] ? 1.0 : 0.0;
        }
        return out;
    }
}
