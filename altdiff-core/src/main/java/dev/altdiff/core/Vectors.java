package dev.altdiff.core;

import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Limits;
import dev.altdiff.api.linalg.Matrix;

import java.util.Arrays;

/**
 * Conversions between backend matrices and Java arrays, the small vector kernels on row-major arrays
 * (norms, products, finiteness), and the check of an upstream gradient.
 */
public final class Vectors {
    private Vectors() {
    }

    /** @return the matrix as an array of rows */
    public static double[][] rows(Matrix a) {
        return rows(a.toRowMajor(), a.rows(), a.cols());
    }

    /** @return a row-major r×c array as an array of rows */
    public static double[][] rows(double[] flat, int r, int c) {
        double[][] out = new double[r][];
        for (int i = 0; i < r; i++) {
            out[i] = Arrays.copyOfRange(flat, i * c, (i + 1) * c);
        }
        return out;
    }

    /**
     * @return v itself after checking it is a finite n-vector
     * @throws InvalidProblemException naming block "v" and the offending index
     */
    public static double[] checkUpstream(double[] v, int n) {
        if (v == null || v.length != n) {
            throw new InvalidProblemException("v", -1, -1, "upstream gradient v has length "
                    + (v == null ? "null" : String.valueOf(v.length)) + ", expected n = " + n);
        }
        for (int i = 0; i < n; i++) {
            Limits.value("v", i, -1, v[i]);
        }
        return v;
    }

    /** @return ‖v‖∞ = max |vᵢ| (0 for an empty vector) */
    public static double normInf(double[] v) {
        double max = 0;
        for (double value : v) {
            max = Math.max(max, Math.abs(value));
        }
        return max;
    }

    /** @return uᵀw (equal lengths) */
    public static double dot(double[] u, double[] w) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            s += u[i] * w[i];
        }
        return s;
    }

    /** @return M·x for a rows×cols row-major M */
    public static double[] times(double[] mat, int rows, int cols, double[] x) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                s += mat[o + j] * x[j];
            }
            out[i] = s;
        }
        return out;
    }

    /** @return Mᵀ·y for a rows×cols row-major M (length cols) */
    public static double[] transposeTimes(double[] mat, int rows, int cols, double[] y) {
        double[] out = new double[cols];
        addTransposeTimes(1.0, mat, rows, cols, y, out);
        return out;
    }

    /** out += α·Mᵀy for a rows×cols row-major M (rows with α·yᵢ = 0 are skipped) */
    public static void addTransposeTimes(double alpha, double[] mat, int rows, int cols, double[] y, double[] out) {
        for (int i = 0; i < rows; i++) {
            double yi = alpha * y[i];
            if (yi == 0) {
                continue;
            }
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                out[j] += mat[o + j] * yi;
            }
        }
    }

    /** @return whether every entry of v is finite */
    public static boolean finite(double[] v) {
        for (double value : v) {
            if (!Double.isFinite(value)) {
                return false;
            }
        }
        return true;
    }
}
