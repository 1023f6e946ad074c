package dev.altdiff.spark;

import dev.altdiff.core.RandomQp;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded rows over shared matrices, of every kind a DataFrame can hold: solvable problems, primal
 * infeasible ones (x₀ ≤ −1 and −x₀ ≤ −1 through G's first two rows), and rows the solver must refuse
 * (a NaN in q, q of the wrong length, b missing, v of the wrong length), some without v.
 */
final class MixedRows {
    static final int N = 8;
    static final int P = 2;
    static final int M = 6;
    static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("q", DataTypes.createArrayType(DataTypes.DoubleType), true),
            DataTypes.createStructField("b", DataTypes.createArrayType(DataTypes.DoubleType), true),
            DataTypes.createStructField("h", DataTypes.createArrayType(DataTypes.DoubleType), true),
            DataTypes.createStructField("v", DataTypes.createArrayType(DataTypes.DoubleType), true)));

    /** One row's data (any field may be null or malformed on purpose). */
    record Data(long id, double[] q, double[] b, double[] h, double[] v) {
        Row row() {
            return RowFactory.create(id, q, b, h, v);
        }
    }

    private MixedRows() {
    }

    /** P = ZᵀZ/n + ½I, A standard normal, G = [e₀; −e₀; standard normal rows]. */
    static SharedMatrices matrices(long seed) {
        Random r = new Random(seed);
        double[][] z = RandomQp.gaussian(r, N, N);
        double[][] pm = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                double s = 0;
                for (int k = 0; k < N; k++) {
                    s += z[k][i] * z[k][j];
                }
                pm[i][j] = s / N + (i == j ? 0.5 : 0);
            }
        }
        double[][] g = new double[M][];
        g[0] = new double[N];
        g[0][0] = 1;
        g[1] = new double[N];
        g[1][0] = -1;
        for (int i = 2; i < M; i++) {
            g[i] = RandomQp.gaussian(r, N);
        }
        return new SharedMatrices(pm, RandomQp.gaussian(r, P, N), g);
    }

    static List<Data> rows(SharedMatrices shared, int count, long seed) {
        Random r = new Random(seed);
        List<Data> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] z = RandomQp.gaussian(r, N);
            double[] q = RandomQp.gaussian(r, N);
            double[] b = times(shared.A(), z);
            double[] h = times(shared.G(), z);
            for (int k = 0; k < M; k++) {
                h[k] += 0.1 + Math.abs(r.nextGaussian());
            }
            double[] v = RandomQp.gaussian(r, N);
            if (i % 20 == 7) {
                h[0] = -1;
                h[1] = -1;
            }
            if (i % 37 == 5) {
                q[3] = Double.NaN;
            }
            if (i % 53 == 11) {
                q = Arrays.copyOf(q, N + 1);
            }
            if (i % 71 == 13) {
                b = null;
            }
            if (i % 89 == 17) {
                v = Arrays.copyOf(v, N - 1);
            }
            if (i % 97 == 19) {
                v = null;
            }
            out.add(new Data(i, q, b, h, v));
        }
        return out;
    }

    static double[] times(double[][] a, double[] x) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < x.length; j++) {
                y[i] += a[i][j] * x[j];
            }
        }
        return y;
    }
}
