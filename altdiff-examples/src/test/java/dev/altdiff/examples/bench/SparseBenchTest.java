package dev.altdiff.examples.bench;

import dev.altdiff.api.Block;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.examples.cli.Cli;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.SparseQp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The banded-local family, the sparse path at n = 20 000, and {@code altdiff bench-sparse} on tiny sizes. */
class SparseBenchTest {

    @Test
    void familyHasFixedNonzerosPerRowAndALocalPattern() {
        QuadraticProgram qp = SparseQp.bandedLocal(1000, 3);
        assertTrue(qp.isSparse());
        assertEquals(100, qp.p());
        assertEquals(100, qp.m());
        assertEquals(1000 + 2 * 999 + 2 * 998, qp.sparse(Block.P).nonzeros());
        for (Block block : new Block[]{Block.A, Block.G}) {
            SparseMatrix a = qp.sparse(block).transpose(); // columns of the transpose are the rows
            int[] start = a.colStart();
            int[] col = a.rowIndex();
            for (int r = 0; r < a.cols(); r++) {
                assertEquals(SparseQp.ROW_NONZEROS, start[r + 1] - start[r], block + " row " + r);
                assertTrue(col[start[r + 1] - 1] - col[start[r]] < SparseQp.WINDOW, block + " row " + r);
            }
        }
    }

    /**
     * n = 20 000: the dense path would hold P and H (2n² doubles, 6.4 GB) and fail; the sparse one
     * needs O(nnz + K(n + p + m)) doubles (tens of MB). The bound on the peak resident set's growth,
     * n²/4 doubles = 800 MB, leaves room for the JVM's heap growth under allocation churn and is
     * still 8× below what P and H alone would take dense.
     */
    @Test
    void solvesAtTwentyThousandVariablesFarBelowNSquaredMemory() {
        int n = 20_000;
        MemoryProbe.resetPeak();
        double before = MemoryProbe.peakMb();
        SparseBench.Row row = SparseBench.measure(new OjAlgoLinearAlgebra(), Settings.PAPER
                .withTruncation(dev.altdiff.api.Truncation.RESIDUALS).withTolerance(1e-6), n, 5);
        assertEquals("SOLVED", row.status());
        assertTrue(row.factorNonzeros() < 20L * n, "banded H: factor O(n), got " + row.factorNonzeros());
        if (MemoryProbe.available()) {
            double nSquaredMb = (double) n * n * 8 / (1024 * 1024);
            assertTrue(row.peakMb() - before < nSquaredMb / 4, "peak grew by " + (row.peakMb() - before)
                    + " MiB; n² doubles are " + nSquaredMb + " MiB");
        }
    }

    @Test
    void commandPrintsOneRowPerSize() {
        Cli.Result r = Cli.run("bench-sparse", "--sizes", "100,300", "--repeats", "2");
        assertEquals(0, r.exit(), r.toString());
        List<String> rows = r.out().lines().filter(l -> l.startsWith("| 1") || l.startsWith("| 3")).toList();
        assertEquals(2, rows.size(), r.toString());
        assertTrue(rows.get(0).contains("| SOLVED |"), r.toString());
        assertTrue(rows.get(1).contains("| 3.00 |"), "n ratio: " + r);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"--sizes=100,x", "--sizes=5", "--repeats=0",
        "--backend=nope"})
    void badOptionsAreUsageErrors(String option) {
        Cli.Result r = Cli.run("bench-sparse", option);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Usage"), r.toString());
    }
}
