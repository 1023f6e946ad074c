package dev.altdiff.core;

import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /**
     * The PSD check (P + δI) and H (P + σI + …) shift the diagonal in place: the set-up forms no n×n identity
     * (a backend whose identity fails), still refuses an indefinite P and accepts a PSD one, with σ or without.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0, 1e-6})
    void theSetUpShiftsTheDiagonalWithoutAnIdentity(double sigma) {
        LinearAlgebra noIdentity = (LinearAlgebra) java.lang.reflect.Proxy.newProxyInstance(
                LinearAlgebra.class.getClassLoader(), new Class<?>[]{LinearAlgebra.class}, (proxy, method, args) -> {
                    if (method.getName().equals("identity")) {
                        throw new AssertionError("the set-up formed an n×n identity");
                    }
                    try {
                        return method.invoke(LA, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        double[][] g = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        QuadraticProgram psd = QuadraticProgram.builder(3).P(new double[][]{{1, 1, 0}, {1, 1, 0}, {0, 0, 0}})
                .q(new double[]{1, -1, 0}).inequalities(g, new double[]{1, 1, 1}).build();
        QpData data = new QpData(psd, noIdentity, 1.0, 1.0, sigma, Equilibration.OFF);
        assertEquals(3, data.n);
        QuadraticProgram indefinite = QuadraticProgram.builder(3).P(new double[][]{{1, 0, 0}, {0, -0.5, 0}, {0, 0, 2}})
                .q(new double[3]).inequalities(g, new double[]{1, 1, 1}).build();
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> new QpData(indefinite, noIdentity, 1.0, 1.0, sigma, Equilibration.OFF));
        assertEquals("P", e.block());
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
