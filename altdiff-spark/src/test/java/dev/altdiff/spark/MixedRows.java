package dev.altdiff.spark;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.testkit.Scenarios;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of every kind a DataFrame can hold, over shared matrices: the testkit's {@link Scenarios}
 * (solvable, every 20th primal infeasible) with rows the solver must refuse mixed in (a NaN in q, q of
 * the wrong length, b missing, v of the wrong length) and some without v.
 */
final class MixedRows {
    static final int N = 8;
    static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("q", DataTypes.createArrayType(DataTypes.DoubleType), true),
            DataTypes.createStructField("b", DataTypes.createArrayType(DataTypes.DoubleType), true),
            DataTypes.createStructField("h", DataTypes.createArrayType(DataTypes.DoubleType), true),
            DataTypes.createStructField("v", DataTypes.createArrayType(DataTypes.DoubleType), true)));
    private static final Scenarios SCENARIOS = new Scenarios(N, 2, 6, 11, 20);

    /** One row's data (any field may be null or malformed on purpose). */
    record Data(long id, double[] q, double[] b, double[] h, double[] v) {
        Row row() {
            return RowFactory.create(id, q, b, h, v);
        }
    }

    private MixedRows() {
    }

    static SharedMatrices matrices() {
        QuadraticProgram model = SCENARIOS.model();
        return new SharedMatrices(model.P(), model.A(), model.G());
    }

    static List<Data> rows(SharedMatrices shared, int count) {
        List<Data> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Scenarios.Scenario s = SCENARIOS.scenario(i, shared.A(), shared.G());
            double[] q = s.q();
            double[] b = s.b();
            double[] v = s.v();
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
            out.add(new Data(i, q, b, s.h(), v));
        }
        return out;
    }
}
