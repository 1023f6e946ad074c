package dev.altdiff.testkit;

import java.util.Random;

/** The one seeded standard-normal draw of every test and benchmark: vectors and row arrays, in draw order. */
public final class Gaussian {
    private Gaussian() {
    }

    /** @return len standard normal entries, drawn in order */
    public static double[] vector(Random r, int len) {
        return vector(r, len, 1.0);
    }

    /** @return len entries scale·N(0, 1), drawn in order */
    public static double[] vector(Random r, int len, double scale) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = scale * r.nextGaussian();
        }
        return v;
    }

    /** @return a rows×cols standard normal array of rows, drawn row by row */
    public static double[][] matrix(Random r, int rows, int cols) {
        return matrix(r, rows, cols, 1.0);
    }

    /** @return a rows×cols array of rows with entries scale·N(0, 1), drawn row by row */
    public static double[][] matrix(Random r, int rows, int cols, double scale) {
        double[][] a = new double[rows][];
        for (int i = 0; i < rows; i++) {
            a[i] = vector(r, cols, scale);
        }
        return a;
    }
}
