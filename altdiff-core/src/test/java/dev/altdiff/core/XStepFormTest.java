package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.Status;
import dev.altdiff.api.UnsupportedOptionException;
import dev.altdiff.api.XStepForm;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The x-step's forms ({@link XStepForm}, {@link Settings#xStep()}): one map up to rounding, so every form reaches the
 * same solution and gradients (to the termination test's accuracy, ε = 1e-9 here, well within the 1e-6 asked); a kept
 * set-up is reused only under its own form; the reduced form is refused where it cannot run.
 */
class XStepFormTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();
    private static final Settings SETTINGS = Settings.DEFAULTS.withTolerance(1e-9);

    @ParameterizedTest
    @EnumSource(XStepForm.class)
    void everyFormSolvesAndDifferentiatesAsTheFullOne(XStepForm form) {
        QuadraticProgram qp = AdaptiveRhoTest.wellConditioned(4, 40, 8, 16, 1);
        DifferentiableSolution full = new AltDiffDifferentiator().solve(qp, SETTINGS.withXStep(XStepForm.FULL), LA);
        QpData data = QpData.load(qp, LA, SETTINGS.withXStep(form));
        assertEquals(form != XStepForm.FULL, data.reducedForm(), form + " at n = 40, p + m = 24");
        DifferentiableSolution other = new AltDiffDifferentiator().solve(qp, SETTINGS.withXStep(form), LA);
        assertEquals(Status.SOLVED, other.solution().status());
        double[] v = new double[qp.n()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sin(i + 1.0);
        }
        double[] x = full.solution().x();
        double[] y = other.solution().x();
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], y[i], 1e-6 * (1 + Math.abs(x[i])), "x[" + i + "], " + form);
        }
        Gradients gFull = full.backward(v);
        Gradients gOther = other.backward(v);
        for (Block block : Block.values()) {
            double[] a = gFull.flat(block);
            double[] b = gOther.flat(block);
            double scale = 0;
            for (double e : a) {
                scale = Math.max(scale, Math.abs(e));
            }
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-6 * (1 + scale), block + "[" + i + "], " + form);
            }
        }
    }

    @Test
    void aKeptSetUpIsReusedOnlyUnderItsOwnForm() {
        QuadraticProgram qp = AdaptiveRhoTest.wellConditioned(5, 30, 4, 10, 1);
        QpData reused = QpData.load(qp, LA, SETTINGS);
        assertSame(reused.factor(), QpData.load(qp, LA, SETTINGS).factor(), "the same form: the set-up is reused");
        QpData full = QpData.load(qp, LA, SETTINGS.withXStep(XStepForm.FULL));
        assertNotSame(reused.factor(), full.factor(), "another form: a set-up of its own");
        assertTrue(reused.reducedForm());
        assertTrue(!full.reducedForm());
    }

    @Test
    void theReducedFormIsRefusedWhereItCannotRun() {
        QuadraticProgram dense = AdaptiveRhoTest.wellConditioned(6, 20, 2, 6, 1);
        UnsupportedOptionException sigma = assertThrows(UnsupportedOptionException.class,
                () -> QpData.load(dense, LA, SETTINGS.withSigma(1e-6).withXStep(XStepForm.REDUCED)));
        assertTrue(sigma.getMessage().contains("proximal"), sigma.getMessage());
        QuadraticProgram sparse = QuadraticProgram.builder(3)
                .sparseP(SparseMatrix.fromRows("P", new double[][]{{2, 0, 0}, {0, 1, 0}, {0, 0, 1}}, 3))
                .q(new double[]{1, -1, 0}).inequalities(new double[][]{{1, 1, 1}}, new double[]{1}).build();
        UnsupportedOptionException e = assertThrows(UnsupportedOptionException.class,
                () -> QpData.load(sparse, LA, SETTINGS.withXStep(XStepForm.REDUCED)));
        assertTrue(e.getMessage().contains("sparse"), e.getMessage());
        assertTrue(!QpData.load(sparse, LA, SETTINGS).reducedForm(), "sparse problems run the full form");
    }
}
