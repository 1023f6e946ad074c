package dev.altdiff.spark.cli;

import dev.altdiff.spark.SharedMatrices;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Seeded scenarios over one model: shared P = ZᵀZ/n + ½I, A (p×n) and G (m×n, its first two rows
 * e₀ and −e₀ when m ≥ 2) standard normal; row i has q, an upstream gradient v, and b = Az, h = Gz + s
 * (s ≥ 0.1) for its own z, so it is feasible — except every {@code infeasibleEvery}-th row, whose
 * h₀ = h₁ = −1 ask for x₀ ≤ −1 and x₀ ≥ 1. Each row is generated from (seed, id) alone, on the executors.
 *
 * @param n, p, m         the problem's sizes (m ≥ 2 for infeasible rows)
 * @param seed            the seed of the matrices and of every row
 * @param infeasibleEvery 0 for none
 */
record ScenarioRows(int n, int p, int m, long seed, int infeasibleEvery) implements Serializable {
    static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("q", DataTypes.createArrayType(DataTypes.DoubleType), false),
            DataTypes.createStructField("b", DataTypes.createArrayType(DataTypes.DoubleType), false),
            DataTypes.createStructField("h", DataTypes.createArrayType(DataTypes.DoubleType), false),
            DataTypes.createStructField("v", DataTypes.createArrayType(DataTypes.DoubleType), false)));

    ScenarioRows {
        if (n < 1 || p < 0 || m < 0 || p > n || infeasibleEvery < 0 || (infeasibleEvery > 0 && m < 2)) {
            throw new IllegalArgumentException("need n >= 1, 0 <= p <= n, m >= 0 (m >= 2 for infeasible rows) and"
                    + " --infeasible-every >= 0, got n=" + n + ", p=" + p + ", m=" + m + ", every " + infeasibleEvery);
        }
    }

    SharedMatrices matrices() {
        Random r = new Random(seed);
        double[][] z = gaussian(r, n, n);
        double[][] pm = new double[n][n];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                double zki = z[k][i] / n;
                for (int j = 0; j < n; j++) {
                    pm[i][j] += zki * z[k][j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                pm[i][j] = pm[j][i]; // exactly symmetric whatever the rounding
            }
            pm[i][i] += 0.5;
        }
        double[][] g = gaussian(r, m, n);
        if (m >= 2) {
            g[0] = new double[n];
            g[0][0] = 1;
            g[1] = new double[n];
            g[1][0] = -1;
        }
        return new SharedMatrices(pm, p > 0 ? gaussian(r, p, n) : null, m > 0 ? g : null);
    }

    /** @return {@code rows} scenarios in {@code partitions} partitions, generated where they are used */
    Dataset<Row> frame(SparkSession spark, long rows, int partitions) {
        SharedMatrices shared = matrices();
        return spark.range(0, rows, 1, partitions).toDF()
                .mapPartitions(new Generate(this, shared), Encoders.row(SCHEMA));
    }

    private record Generate(ScenarioRows model, SharedMatrices shared) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> ids) {
            List<Row> out = new ArrayList<>();
            while (ids.hasNext()) {
                out.add(model.row(ids.next().getLong(0), shared));
            }
            return out.iterator();
        }
    }

    Row row(long id, SharedMatrices shared) {
        Random r = new Random(seed * 1_000_003L + id);
        double[] z = gaussian(r, n);
        double[] q = gaussian(r, n);
        double[] v = gaussian(r, n);
        double[] b = times(shared.A(), z, p);
        double[] h = times(shared.G(), z, m);
        for (int i = 0; i < m; i++) {
            h[i] += 0.1 + Math.abs(r.nextGaussian());
        }
        if (infeasibleEvery > 0 && id % infeasibleEvery == infeasibleEvery - 1) {
            h[0] = -1;
            h[1] = -1;
        }
        return RowFactory.create(id, q, b, h, v);
    }

    private static double[] times(double[][] a, double[] x, int rows) {
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < x.length; j++) {
                y[i] += a[i][j] * x[j];
            }
        }
        return y;
    }

    private static double[][] gaussian(Random r, int rows, int cols) {
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = gaussian(r, cols);
        }
        return out;
    }

    private static double[] gaussian(Random r, int len) {
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
            out[i] = r.nextGaussian();
        }
        return out;
    }
}
