package dev.altdiff.spark;

import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Layer;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.core.AltDiff;
import org.apache.spark.sql.Row;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The single-machine library's answer for one row: the problem solved alone by a {@link Layer}
 * (the single-problem path) and differentiated with the row's v; and the comparison of a Spark
 * output row with it.
 */
final class SingleMachine {
    static final double TOLERANCE = 1e-12;

    /** The expected outcome: a solution and gradients, or a refusal. */
    record Expected(Solution solution, Gradients gradients, boolean invalid) {
    }

    private SingleMachine() {
    }

    static Layer layer(Settings settings) {
        return new Layer(AltDiff.differentiator("altdiff"), AltDiff.backend("ojalgo"), settings);
    }

    static Expected solve(Layer layer, QuadraticProgram.Builder problem, double[] v) {
        try {
            DifferentiableSolution ds = layer.forward(problem.build());
            Solution s = ds.solution();
            Gradients g = v == null ? null : ds.backward(v);
            return new Expected(s, s.status() == Status.SOLVED ? g : null, false);
        } catch (InvalidProblemException e) {
            return new Expected(null, null, true);
        }
    }

    /** Asserts the Spark row equals the expectation: status and iterations exactly, numbers to {@value #TOLERANCE}. */
    static void assertRow(Expected expected, Row actual) {
        String id = "row " + actual.getAs("id");
        if (expected.invalid()) {
            assertEquals(RowCodec.INVALID, actual.getAs("status"), id);
            assertNotNull(actual.getAs("error"), id);
            assertNull(actual.getAs("x"), id);
            return;
        }
        Solution s = expected.solution();
        assertEquals(s.status().jsonName(), actual.getAs("status"), id + ": " + actual.getAs("error"));
        assertEquals(s.iterations(), (int) actual.getAs("iterations"), id);
        close(s.objective(), actual.getAs("objective"), id + " objective");
        close(s.primalResidual(), actual.getAs("primal_residual"), id + " primal residual");
        close(s.dualResidual(), actual.getAs("dual_residual"), id + " dual residual");
        close(s.x(), actual, "x", id);
        close(s.lambda(), actual, "lambda", id);
        close(s.nu(), actual, "nu", id);
        Gradients g = expected.gradients();
        if (actual.schema().getFieldIndex("grad_q").isEmpty()) {
            return;
        }
        close(g == null ? null : g.q(), actual, "grad_q", id);
        close(g == null ? null : g.b(), actual, "grad_b", id);
        close(g == null ? null : g.h(), actual, "grad_h", id);
        if (actual.schema().getFieldIndex("grad_P").isEmpty()) {
            return;
        }
        close(g == null ? null : g.P(), actual, "grad_P", id);
        close(g == null ? null : g.A(), actual, "grad_A", id);
        close(g == null ? null : g.G(), actual, "grad_G", id);
    }

    static double[] doubles(Row row, String column) {
        List<Double> list = row.getList(row.fieldIndex(column));
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void close(double expected, double actual, String what) {
        if (Double.isNaN(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        assertEquals(expected, actual, TOLERANCE * Math.max(1, Math.abs(expected)), what);
    }

    private static void close(double[] expected, Row row, String column, String id) {
        int k = row.fieldIndex(column);
        if (expected == null) {
            assertNull(row.get(k), id + " " + column);
            return;
        }
        double[] actual = doubles(row, column);
        assertEquals(expected.length, actual.length, id + " " + column + " length");
        for (int i = 0; i < expected.length; i++) {
            close(expected[i], actual[i], id + " " + column + "[" + i + "]");
        }
    }

    private static void close(double[][] expected, Row row, String column, String id) {
        int k = row.fieldIndex(column);
        if (expected == null) {
            assertNull(row.get(k), id + " " + column);
            return;
        }
        List<?> rows = row.getList(k);
        assertEquals(expected.length, rows.size(), id + " " + column + " rows");
        for (int i = 0; i < expected.length; i++) {
            double[] actual = scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<?>) rows.get(i))
                    .stream().mapToDouble(o -> ((Number) o).doubleValue()).toArray();
            assertArrayEquals(expected[i], actual, TOLERANCE * Math.max(1, max(expected[i])), id + " " + column + " row " + i);
        }
    }

    private static double max(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
