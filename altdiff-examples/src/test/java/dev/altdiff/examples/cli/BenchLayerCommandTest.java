package dev.altdiff.examples.cli;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.examples.bench.LayerBench;
import dev.altdiff.examples.demo.PaperDemo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code altdiff bench-layer} on tiny sizes: the data, the table and usage errors. */
class BenchLayerCommandTest {

    @Test
    void printsOneRowPerBatchSizeAndMode() {
        Cli.Result r = Cli.run("bench-layer", "--size", "8x2x3", "--batches", "1,3", "--repeats", "1", "--seed", "4",
                "--warmup", "0", "--run-columns", "2");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("batched layer 8x2x3 (n x p x m), P = 0.1 I, backend ojalgo"), r.toString());
        assertTrue(lines.get(0).contains("shared runs of <= 2 columns; medians of 1 calls after 0.0 s warm-up"),
                r.toString());
        assertEquals(2 + 6 + 1, lines.size(), r.toString());
        assertTrue(lines.get(8).startsWith("B = 3: shared / loop = "), r.toString()); // the batch against the loop
        int row = 2;
        for (int batch : new int[]{1, 3}) {
            for (String mode : new String[]{"shared", "loop", "per-sample"}) {
                String[] cells = lines.get(row++).trim().split("\\s+");
                assertEquals(String.valueOf(batch), cells[0], r.toString());
                assertEquals(mode, cells[1], r.toString());
                assertTrue(Double.parseDouble(cells[2]) >= 1, r.toString());
                assertTrue(Double.parseDouble(cells[3]) > 0 && Double.parseDouble(cells[4]) > 0
                        && Double.parseDouble(cells[5]) > 0, r.toString()); // forward, every gradient, q, b, h only
            }
        }
    }

    @Test
    void dataIsTheClassificationLayerAndFeasible() {
        LayerBench.Data d = LayerBench.data(new PaperDemo.Size(7, 2, 4), 3, 9);
        List<QuadraticProgram> problems = d.problems();
        assertEquals(3, problems.size());
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 7; j++) {
                assertEquals(i == j ? 0.1 : 0.0, d.P()[i][j]);
            }
        }
        for (QuadraticProgram qp : problems) {
            assertEquals(7, qp.n());
            assertEquals(2, qp.p());
            assertEquals(4, qp.m());
        }
        assertEquals(d.A()[0][0], LayerBench.data(new PaperDemo.Size(7, 2, 4), 3, 9).A()[0][0], "deterministic");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--batches=0", "--batches=2,x", "--size=0x1x1", "--size=4x1x1,5x1x1", "--repeats=0",
            "--backend=nope", "--warmup=-1", "--warmup=NaN", "--run-columns=-1"})
    void badOptionsAreUsageErrors(String option) {
        Cli.Result r = Cli.run("bench-layer", option);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Usage"), r.toString());
    }
}
