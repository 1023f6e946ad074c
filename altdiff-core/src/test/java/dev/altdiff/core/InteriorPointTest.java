package dev.altdiff.core;

import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.testkit.PlantedQp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interior-point method against problems whose solution is known (planted KKT points, dense and
 * sparse, QPs and non-degenerate LPs), with its status checked by the independent {@link StatusContract}.
 * It runs on the JVM (no backend).
 */
class InteriorPointTest {
    /**
     * The planted x*, λ*, ν* are the unique KKT point; the method stops at ε = 1e-9 and its x, λ, ν are
     * within 1e-6 of them (relative to their ∞-norms): with the margin μ = 0.1 and cond([A; G_act]) ≤ 10n the
     * KKT system is well conditioned, so a point that passes the test at 1e-9 is within ~10³·1e-9 of x*.
     * It needs tens of iterations, not thousands (Mehrotra's method on well-conditioned problems: ~10–30).
     */
    @ParameterizedTest
    @CsvSource({"1, 40, 10, 30, true", "2, 60, 0, 80, true", "3, 30, 8, 60, false", "4, 50, 20, 40, false",
            "5, 25, 25, 0, true", "6, 80, 5, 200, true"})
    void plantedProblemsAreSolvedToTheirKktPoint(long seed, int n, int p, int m, boolean withP) {
        PlantedQp planted = PlantedQp.generate(seed, n, p, m, 0.1, withP);
        Settings settings = Settings.DEFAULTS.withTolerance(1e-9);
        for (QuadraticProgram qp : new QuadraticProgram[]{planted.problem(), sparse(planted.problem())}) {
            Solution s = InteriorPoint.solve(qp, settings);
            String what = "seed " + seed + (qp.isSparse() ? " sparse" : " dense");
            assertEquals(Status.SOLVED, s.status(), what);
            StatusContract.assertHonest(qp, s, 1e-9, what);
            assertTrue(s.iterations() <= 40, what + ": " + s.iterations() + " iterations");
            assertClose(planted.x(), s.x(), what + " x");
            assertClose(planted.lambda(), s.lambda(), what + " lambda");
            assertClose(planted.nu(), s.nu(), what + " nu");
        }
    }

    /** Without scaling the method solves the same problems (it does not depend on the equilibration). */
    @Test
    void unscaledRunsSolveToo() {
        PlantedQp planted = PlantedQp.generate(7, 30, 5, 40, 0.1, true);
        Solution s = InteriorPoint.solve(planted.problem(), Settings.DEFAULTS.withScaling(0).withTolerance(1e-9));
        assertEquals(Status.SOLVED, s.status());
        assertClose(planted.x(), s.x(), "x");
    }

    /**
     * No feasible point (x ≥ 1 and x ≤ 0): the method has no infeasibility detection, so it must end with a
     * status that does not claim a solution; an iteration cap and a time limit are honoured.
     */
    @Test
    void infeasibleProblemsAreNeverSolved() {
        QuadraticProgram qp = QuadraticProgram.builder(2).P(new double[][]{{1, 0}, {0, 1}}).q(new double[]{1, 1})
                .inequalities(new double[][]{{-1, 0}, {1, 0}}, new double[]{-1, 0}).build();
        Solution s = InteriorPoint.solve(qp, Settings.DEFAULTS);
        assertNotEquals(Status.SOLVED, s.status());
        StatusContract.assertHonest(qp, s, Settings.DEFAULTS.tolerance(), "infeasible");
        Solution capped = InteriorPoint.solve(PlantedQp.generate(8, 30, 5, 40, 0.1, true).problem(),
                Settings.DEFAULTS.withMaxIterations(2));
        assertEquals(Status.MAX_ITERATIONS, capped.status());
        assertEquals(2, capped.iterations());
    }

    /** An indefinite P is refused as ADMM refuses it (the same PSD test and message). */
    @Test
    void indefiniteQuadraticTermsAreRefused() {
        QuadraticProgram qp = QuadraticProgram.builder(2).P(new double[][]{{1, 0}, {0, -1}}).q(new double[]{1, 1})
                .inequalities(new double[][]{{1, 1}}, new double[]{1}).build();
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> InteriorPoint.solve(qp, Settings.DEFAULTS));
        assertTrue(e.getMessage().contains("P is not positive semidefinite"), e.getMessage());
    }

    /** The same problem with its blocks in compressed columns. */
    private static QuadraticProgram sparse(QuadraticProgram dense) {
        QuadraticProgram.Builder b = QuadraticProgram.builder(dense.n()).name(dense.name()).q(dense.q());
        if (dense.hasP()) {
            b.sparseP(dense.sparse(dev.altdiff.api.Block.P));
        }
        if (dense.p() > 0) {
            b.sparseEqualities(dense.sparse(dev.altdiff.api.Block.A), dense.b());
        }
        if (dense.m() > 0) {
            b.sparseInequalities(dense.sparse(dev.altdiff.api.Block.G), dense.h());
        }
        return b.build();
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        double scale = Math.max(1, Vectors.normInf(expected));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * scale, what + "[" + i + "]");
        }
    }
}
