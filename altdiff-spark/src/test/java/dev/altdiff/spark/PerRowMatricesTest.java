package dev.altdiff.spark;

import dev.altdiff.api.Layer;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.testkit.Scenarios;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Rows that carry their own P, A, G, dense (three distinct models, so rows group by matrices) or as
 * triplets, with bad rows among them, equal the single-machine library, with the gradients of q, b, h
 * or of every block.
 */
class PerRowMatricesTest {
    private static final Settings SETTINGS = Settings.DEFAULTS.withAdaptiveRho(false).withScaling(0)
            .withMaxIterations(3000);
    private static final int N = 6;
    private static final DataType VECTOR = DataTypes.createArrayType(DataTypes.DoubleType);
    private static final DataType INTS = DataTypes.createArrayType(DataTypes.IntegerType);
    private static final DataType DENSE = DataTypes.createArrayType(VECTOR);
    private static final StructType TRIPLETS = DataTypes.createStructType(List.of(
            DataTypes.createStructField("rows", DataTypes.IntegerType, false),
            DataTypes.createStructField("cols", DataTypes.IntegerType, false),
            DataTypes.createStructField("i", INTS, false),
            DataTypes.createStructField("j", INTS, false),
            DataTypes.createStructField("x", VECTOR, false)));

    /** One problem: dense P, G (no equalities), q, h, v. */
    private record Problem(long id, double[][] P, double[][] G, double[] q, double[] h, double[] v) {
        QuadraticProgram.Builder builder() {
            return QuadraticProgram.builder(q.length).P(P).q(q).inequalities(G, h);
        }
    }

    /** Three models (the testkit's {@link Scenarios}, seeds 1 to 3) in turn, and two rows with a bad P. */
    private static List<Problem> problems() {
        List<Scenarios> models = List.of(new Scenarios(N, 0, 4, 1, 0), new Scenarios(N, 0, 4, 2, 0),
                new Scenarios(N, 0, 4, 3, 0));
        List<QuadraticProgram> drawn = models.stream().map(Scenarios::model).toList();
        List<Problem> out = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            QuadraticProgram model = drawn.get(i % 3);
            Scenarios.Scenario s = models.get(i % 3).scenario(i, null, model.G());
            double[][] p = model.P();
            if (i == 40) {
                p = new double[N][N];
                for (int k = 0; k < N; k++) {
                    p[k][k] = -1; // not PSD
                }
            }
            if (i == 41) {
                p[0][1] += 1; // not symmetric
            }
            out.add(new Problem(i, p, model.G(), s.q(), s.h(), s.v()));
        }
        return out;
    }

    private static Dataset<Row> frame(List<Row> rows, StructType schema) {
        SparkSession spark = LocalSpark.session();
        return spark.createDataFrame(new JavaSparkContext(spark.sparkContext()).parallelize(rows, 3), schema);
    }

    private static StructType schema(DataType matrix) {
        return DataTypes.createStructType(List.of(DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField("P", matrix, true), DataTypes.createStructField("G", matrix, true),
                DataTypes.createStructField("q", VECTOR, true), DataTypes.createStructField("h", VECTOR, true),
                DataTypes.createStructField("v", VECTOR, true)));
    }

    private static void assertAll(List<Problem> problems, Dataset<Row> out) {
        List<Row> rows = out.orderBy("id").collectAsList();
        assertEquals(problems.size(), rows.size());
        Layer layer = SingleMachine.layer(SETTINGS);
        for (int i = 0; i < rows.size(); i++) {
            Problem p = problems.get(i);
            SingleMachine.assertRow(SingleMachine.solve(layer, p.builder(), p.v()), rows.get(i));
        }
    }

    @ParameterizedTest
    @EnumSource(value = SolveOptions.GradientBlocks.class, names = {"VECTORS", "ALL"})
    void denseRowsEqualTheSingleMachineLibrary(SolveOptions.GradientBlocks gradients) {
        List<Problem> problems = problems();
        List<Row> rows = problems.stream().map(p -> RowFactory.create(p.id(), p.P(), p.G(), p.q(), p.h(), p.v())).toList();
        Dataset<Row> out = QpFrames.solve(frame(rows, schema(DENSE)), SolveOptions.of(SETTINGS, "ojalgo", gradients), 16);
        assertAll(problems, out);
        assertEquals(2, out.filter("status = 'invalid_input'").count());
    }

    @Test
    void tripletRowsEqualTheSingleMachineLibrary() {
        List<Problem> problems = problems();
        List<Row> rows = problems.stream().map(p -> RowFactory.create(p.id(), triplets(p.P()), triplets(p.G()), p.q(),
                p.h(), p.v())).toList();
        Dataset<Row> out = QpFrames.solve(frame(rows, schema(TRIPLETS)),
                SolveOptions.of(SETTINGS, "ojalgo", SolveOptions.GradientBlocks.ALL), 16);
        List<Row> result = out.orderBy("id").collectAsList();
        Layer layer = SingleMachine.layer(SETTINGS);
        for (int i = 0; i < result.size(); i++) {
            Problem p = problems.get(i);
            QuadraticProgram.Builder sparse = QuadraticProgram.builder(N).sparseP(SparseMatrix.fromRows("P", p.P(), N))
                    .q(p.q()).sparseInequalities(SparseMatrix.fromRows("G", p.G(), N), p.h());
            SingleMachine.assertRow(SingleMachine.solve(layer, sparse, p.v()), result.get(i));
        }
    }

    @Test
    void matrixGradientsOfSharedMatricesAreRefusedOnTheDriver() {
        SparkSession spark = LocalSpark.session();
        Dataset<Row> rows = frame(List.of(RowFactory.create(1L, null, null, new double[]{1}, null, new double[]{1})),
                schema(DENSE));
        assertThrows(IllegalArgumentException.class, () -> QpFrames.solveShared(rows,
                QpFrames.broadcast(spark, new SharedMatrices(new double[][]{{1}}, null, null)),
                SolveOptions.of(SETTINGS, "ojalgo", SolveOptions.GradientBlocks.ALL), 16));
    }

    private static Row triplets(double[][] m) {
        List<Integer> is = new ArrayList<>();
        List<Integer> js = new ArrayList<>();
        List<Double> xs = new ArrayList<>();
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                if (m[i][j] != 0) {
                    is.add(i);
                    js.add(j);
                    xs.add(m[i][j]);
                }
            }
        }
        return RowFactory.create(m.length, m[0].length, is.stream().mapToInt(Integer::intValue).toArray(),
                js.stream().mapToInt(Integer::intValue).toArray(), xs.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
