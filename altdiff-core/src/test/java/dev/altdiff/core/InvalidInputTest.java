package dev.altdiff.core;

import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Errors that need a factorization or a solved problem (shape and finiteness errors: api module). */
class InvalidInputTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    @Test
    void indefinitePIsRejectedAsNotPositiveSemidefinite() {
        double[][] p = {{1, 0, 0}, {0, -0.5, 0}, {0, 0, 2}};
        QuadraticProgram qp = QuadraticProgram.builder(3).P(p).q(new double[3])
                .equalities(new double[][]{{1, 1, 1}}, new double[]{1})
                .inequalities(new double[][]{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, new double[]{1, 1, 1}).build();
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> new AltDiffDifferentiator().solve(qp, Settings.PAPER, LA));
        assertEquals("P", e.block());
        assertTrue(e.getMessage().contains("not positive semidefinite"), e.getMessage());
    }

    @Test
    void singularPSDPIsAccepted() {
        double[][] p = {{1, 1}, {1, 1}}; // PSD, rank 1
        QuadraticProgram qp = QuadraticProgram.builder(2).P(p).q(new double[]{1, -1})
                .inequalities(new double[][]{{1, 0}, {0, 1}, {-1, 0}, {0, -1}}, new double[]{1, 1, 1, 1}).build();
        assertEquals(2, new AltDiffDifferentiator().solve(qp, Settings.PAPER, LA).solution().x().length);
    }

    @Test
    void linearProgramWithoutFullRankConstraintsHasSingularH() {
        QuadraticProgram lp = QuadraticProgram.builder(3).q(new double[]{1, 2, 3})
                .inequalities(new double[][]{{1, 1, 0}}, new double[]{1}).build();
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> new AltDiffDifferentiator().solve(lp, Settings.PAPER, LA));
        assertEquals("H", e.block());
        assertTrue(e.getMessage().contains("full column rank"), e.getMessage());
    }

    @Test
    void upstreamGradientIsChecked() {
        DifferentiableSolution sol = new AltDiffDifferentiator().solve(RandomQp.paper(1, 4, 1, 2, 1), Settings.PAPER, LA);
        InvalidProblemException wrongLength = assertThrows(InvalidProblemException.class,
                () -> sol.backward(new double[3]));
        assertEquals("v", wrongLength.block());
        assertTrue(wrongLength.getMessage().contains("expected n = 4"), wrongLength.getMessage());
        InvalidProblemException nan = assertThrows(InvalidProblemException.class,
                () -> sol.backward(new double[]{0, 0, Double.NaN, 0}));
        assertEquals(2, nan.row());
        assertThrows(InvalidProblemException.class, () -> sol.backward(null));
    }
}
