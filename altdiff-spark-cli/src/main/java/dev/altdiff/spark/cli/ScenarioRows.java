package dev.altdiff.spark.cli;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.spark.SharedMatrices;
import dev.altdiff.testkit.Scenarios;
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

/**
 * The testkit's {@link Scenarios} as a DataFrame (id, q, b, h, v), each row drawn on the executor that
 * holds it, and the model's P, A, G as the {@link SharedMatrices} to solve them with.
 */
final class ScenarioRows implements Serializable {
    static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("q", DataTypes.createArrayType(DataTypes.DoubleType), false),
            DataTypes.createStructField("b", DataTypes.createArrayType(DataTypes.DoubleType), false),
            DataTypes.createStructField("h", DataTypes.createArrayType(DataTypes.DoubleType), false),
            DataTypes.createStructField("v", DataTypes.createArrayType(DataTypes.DoubleType), false)));

    private final int n;
    private final int p;
    private final int m;
    private final long seed;
    private final int infeasibleEvery;
    private final SharedMatrices matrices;

    /** @throws IllegalArgumentException for sizes out of range ({@link Scenarios}) */
    ScenarioRows(Scenarios scenarios) {
        this.n = scenarios.n();
        this.p = scenarios.p();
        this.m = scenarios.m();
        this.seed = scenarios.seed();
        this.infeasibleEvery = scenarios.infeasibleEvery();
        QuadraticProgram model = scenarios.model();
        this.matrices = new SharedMatrices(model.P(), model.A(), model.G());
    }

    SharedMatrices matrices() {
        return matrices;
    }

    /** @return {@code rows} scenarios in {@code partitions} partitions */
    Dataset<Row> frame(SparkSession spark, long rows, int partitions) {
        return spark.range(0, rows, 1, partitions).toDF().mapPartitions(new Draw(this), Encoders.row(SCHEMA));
    }

    private record Draw(ScenarioRows rows) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> ids) {
            Scenarios scenarios = new Scenarios(rows.n, rows.p, rows.m, rows.seed, rows.infeasibleEvery);
            List<Row> out = new ArrayList<>();
            while (ids.hasNext()) {
                Scenarios.Scenario s = scenarios.scenario(ids.next().getLong(0), rows.matrices.A(), rows.matrices.G());
                out.add(RowFactory.create(s.id(), s.q(), s.b(), s.h(), s.v()));
            }
            return out.iterator();
        }
    }
}
