package dev.altdiff.spark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.altdiff.api.Layer;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.core.AltDiff;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code spark solve} and {@code spark generate} end to end on {@code local[2]}: files in, Parquet and summary out. */
class SolveCommandTest {
    private static final String LOCAL = "local[2]";

    private static int run(StringWriter err, String... args) {
        CommandLine cl = new CommandLine(new SparkCommand());
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private static JsonNode summary(Path out) throws IOException {
        return new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    }

    /** JSON lines with their own P, G: solved rows equal the library; a bad row and a broken line are statuses. */
    @Test
    void jsonLinesWithTheirOwnMatrices(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("problems.jsonl");
        Files.writeString(in, String.join("\n",
                "{\"id\": 1, \"P\": [[2, 0], [0, 1]], \"q\": [1, -1], \"G\": [[1, 1]], \"h\": [0.5], \"v\": [1, 0]}",
                "{\"id\": 2, \"P\": [[2, 0], [0, 1]], \"q\": [-1, 1], \"G\": [[1, 1]], \"h\": [0.5], \"v\": [0, 1]}",
                "{\"id\": 3, \"P\": [[2, 0], [0, 1]], \"q\": [1, 2, 3], \"G\": [[1, 1]], \"h\": [0.5]}",
                "{\"id\": 4, \"P\": [[1]], \"q\": [oops",
                "{\"id\": 5, \"P\": [[1, 0], [0, 1]], \"q\": [0.5, 0.25]}") + "\n");
        Path out = dir.resolve("out");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "solve", "--master", LOCAL, "--in", in.toString(), "--out", out.toString()), err.toString());
        JsonNode s = summary(out);
        assertEquals(5, s.get("rows").asInt());
        assertEquals(3, s.get("by_status").get("solved").asInt());
        assertEquals(2, s.get("by_status").get("invalid_input").asInt());

        SparkSession spark = SparkSession.builder().master(LOCAL).config("spark.ui.enabled", "false").getOrCreate();
        try {
            List<Row> rows = spark.read().parquet(out.resolve("rows").toString()).orderBy("status", "id").collectAsList();
            assertTrue(rows.get(0).getString(rows.get(0).fieldIndex("error")).contains("not a JSON object"),
                    rows.get(0).toString());
            Row first = rows.get(2);
            assertEquals(1L, (long) first.getAs("id"));
            Layer layer = new Layer(AltDiff.differentiator("altdiff"), AltDiff.backend("ojalgo"), Settings.DEFAULTS);
            Solution expected = layer.forward(QuadraticProgram.builder(2).P(new double[][]{{2, 0}, {0, 1}})
                    .q(new double[]{1, -1}).inequalities(new double[][]{{1, 1}}, new double[]{0.5}).build()).solution();
            double[] x = first.getList(first.fieldIndex("x")).stream().mapToDouble(o -> (Double) o).toArray();
            assertArrayEquals(expected.x(), x, 1e-12);
        } finally {
            spark.stop();
        }
    }

    /** Generated scenarios over shared matrices, with every 20th row infeasible, as Parquet. */
    @Test
    void generatedScenariosOverSharedMatrices(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "generate", "--master", LOCAL, "--rows", "200", "--n", "10", "--infeasible-every", "20",
                "--partitions", "3", "--out", data.toString()), err.toString());
        Path out = dir.resolve("out");
        assertEquals(0, run(err, "solve", "--master", LOCAL, "--in", data.resolve("rows").toString(), "--shared",
                data.resolve("shared.json").toString(), "--no-adaptive-rho", "--scaling", "0", "--rows-per-batch", "32",
                "--out", out.toString()), err.toString());
        JsonNode s = summary(out);
        assertEquals(190, s.get("by_status").get("solved").asInt());
        assertEquals(10, s.get("by_status").get("primal_infeasible").asInt());
        assertTrue(s.get("rows_per_second").asDouble() > 0);
    }

    @Test
    void badOptionsAndMissingInputAreErrorsNotCrashes(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "solve", "--in", dir.toString(), "--out", dir.toString(), "--gradients", "some"));
        assertTrue(err.toString().contains("--gradients"), err.toString());
        assertEquals(1, run(err, "solve", "--master", LOCAL, "--in", dir.resolve("absent").toString(), "--out",
                dir.toString()));
        assertTrue(err.toString().contains("does not exist"), err.toString());
        assertEquals(1, run(err, "solve", "--in", dir.toString(), "--out", dir.toString(), "--shared",
                dir.resolve("none.json").toString()));
    }
}
