package dev.altdiff.examples.cli;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Status;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiff;
import dev.altdiff.examples.demo.PaperDemo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code altdiff demo} on tiny sizes: the problem generator, the measurements and the printed table. */
class DemoCommandTest {
    private static final LinearAlgebra LA = AltDiff.backend("ojalgo");

    @Test
    void problemIsThePapersDenseQp() {
        PaperDemo.Size size = new PaperDemo.Size(6, 2, 3);
        QuadraticProgram qp = PaperDemo.problem(LA, size, 7);
        assertEquals(6, qp.n());
        assertEquals(2, qp.p());
        assertEquals(3, qp.m());
        // same draws, P = ZᵀZ by a plain loop
        Random r = new Random(7);
        double[][] z = new double[6][6];
        for (double[] row : z) {
            for (int j = 0; j < 6; j++) {
                row[j] = r.nextGaussian();
            }
        }
        double[][] p = qp.P();
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                double s = 0;
                for (int k = 0; k < 6; k++) {
                    s += z[k][i] * z[k][j];
                }
                assertEquals(s, p[i][j], 1e-12 * (1 + Math.abs(s)));
                assertEquals(p[i][j], p[j][i]);
            }
        }
        double[] q = new double[6];
        for (int i = 0; i < 6; i++) {
            q[i] = r.nextGaussian();
        }
        assertArrayEquals(q, qp.q());
        assertArrayEquals(qp.b(), PaperDemo.problem(LA, size, 7).b(), "deterministic in the seed");
        assertTrue(qp.b()[0] != PaperDemo.problem(LA, size, 8).b()[0], "other seed, other problem");
    }

    @Test
    void sizesParse() {
        assertEquals(List.of(new PaperDemo.Size(200, 100, 50), new PaperDemo.Size(1000, 500, 200)),
                PaperDemo.Size.parseList(PaperDemo.DEFAULT_SIZES));
        assertEquals(List.of(new PaperDemo.Size(5, 0, 0)), PaperDemo.Size.parseList(" 5x0x0 "));
        for (String bad : new String[] {"", "20x5", "0x1x1", "axbxc", "20x5x5,", "-1x2x3", "99999999999x1x1"}) {
            assertThrows(IllegalArgumentException.class, () -> PaperDemo.Size.parseList(bad), bad);
        }
    }

    @Test
    void measurementsAgreeWithTheReference() {
        PaperDemo.Table t = PaperDemo.run(LA, new PaperDemo.Size(30, 10, 10), 0);
        assertEquals(5, t.rows().size());
        assertEquals("", t.note());
        PaperDemo.Row loose = t.rows().get(0);
        PaperDemo.Row tight = t.rows().get(1);
        PaperDemo.Row ref = t.rows().get(4);
        assertTrue(ref.method().reference());
        assertEquals("kkt", ref.method().differentiator().name());
        // forward mode differentiates the same iterations: same gradients as reverse mode to rounding
        for (int i = 0; i < 2; i++) {
            PaperDemo.Row reverse = t.rows().get(i);
            PaperDemo.Row forward = t.rows().get(i + 2);
            assertEquals(reverse.iterations(), forward.iterations());
            assertEquals(1.0, PaperDemo.cosine(reverse.gradQ(), forward.gradQ()), 1e-12);
            assertEquals(1.0, PaperDemo.cosine(reverse.gradB(), forward.gradB()), 1e-12);
        }
        for (PaperDemo.Row r : t.rows()) {
            // the paper's rule may stop short of the termination test: truncated, never a false solved
            assertTrue(r.status() == Status.SOLVED || !r.method().reference() && r.status() == Status.TRUNCATED,
                    r.method().label() + " " + r.status());
            assertTrue(r.iterations() > 0 && r.forwardMs() >= 0 && r.backwardMs() >= 0);
        }
        assertEquals(0.0, ref.relErrX());
        assertEquals(1.0, ref.cosB(), 1e-12);
        assertTrue(loose.iterations() <= tight.iterations());
        assertTrue(tight.relErrX() < 1e-4, "Alt-Diff 1e-6 x error " + tight.relErrX());
        assertTrue(tight.relErrX() <= loose.relErrX() * 1.01, "tighter is better");
        assertTrue(tight.cosB() > 0.999 && tight.cosQ() > 0.999, "Alt-Diff 1e-6 gradients " + tight);
        assertTrue(loose.cosB() > 0.5 && loose.cosQ() > 0.5, "Alt-Diff 1e-3 gradients " + loose);
    }

    @Test
    void tableContents() {
        Cli.Result r = Cli.run("demo", "--sizes", "20x5x5,12x0x4", "--seed", "3");
        assertEquals(0, r.exit(), r::toString);
        List<String> lines = r.out().lines().toList();
        // header, column names, five rows; blank; header, column names, five rows; blank; total
        assertEquals(17, lines.size(), r::toString);
        for (int table = 0; table < 2; table++) {
            int at = table * 8;
            String header = lines.get(at);
            assertTrue(header.contains(table == 0 ? "n=20 p=5 m=5" : "n=12 p=0 m=4"), header);
            assertTrue(header.contains("seed 3") && header.contains("backend ojalgo")
                    && header.contains("preset paper"), header);
            assertTrue(header.matches(".*\\| \\d+ cores$"), header);
            List<String> columns = List.of(lines.get(at + 1).split("\\s{2,}"));
            assertEquals(List.of("method", "status", "iters", "forward ms", "backward ms", "rel err x", "cos db",
                    "cos dq"), columns);
            String[] labels = {"Alt-Diff 1e-3 reverse", "Alt-Diff 1e-6 reverse", "Alt-Diff 1e-3 forward",
                "Alt-Diff 1e-6 forward", "KKT (ref"};
            for (int i = 0; i < 5; i++) {
                String line = lines.get(at + 2 + i);
                assertTrue(line.startsWith(labels[i]), line);
                String[] cells = line.substring(21).trim().split("\\s+");
                assertEquals(7, cells.length, line);
                assertTrue(cells[0].equals("solved") || i < 4 && cells[0].equals("truncated"), line);
                assertTrue(Integer.parseInt(cells[1]) > 0, line);
                assertTrue(Double.parseDouble(cells[2]) >= 0 && Double.parseDouble(cells[3]) >= 0, line);
                boolean loose = i % 2 == 0;
                if (i == 4) {
                    assertEquals(List.of("ref", "ref", "ref"), List.of(cells[4], cells[5], cells[6]), line);
                } else {
                    assertTrue(Double.parseDouble(cells[4]) < (loose ? 1 : 1e-3), line); // the rule stops early on ill-conditioned Z'Z
                    if (table == 1) {
                        assertEquals("-", cells[5], "no equalities, no b: " + line);
                    } else {
                        assertTrue(Double.parseDouble(cells[5]) > (loose ? 0.5 : 0.999), line);
                    }
                    assertTrue(Double.parseDouble(cells[6]) > (loose ? 0.5 : 0.999), line);
                }
            }
            assertEquals("", lines.get(at + 7));
        }
        assertTrue(lines.get(16).matches("total \\d+\\.\\d s"), lines.get(16));
    }
}
