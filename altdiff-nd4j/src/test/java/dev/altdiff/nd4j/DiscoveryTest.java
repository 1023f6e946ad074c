package dev.altdiff.nd4j;

import com.google.inject.Guice;
import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.Layer;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.core.AltDiff;
import dev.altdiff.core.AltDiffModule;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backend is selectable by name like ojAlgo, and gives the same layer results. */
class DiscoveryTest {

    @Test
    void plainFactoryAndGuiceFindTheBackendByName() {
        assertInstanceOf(Nd4jLinearAlgebra.class, AltDiff.backend("nd4j"));
        assertTrue(AltDiff.backends().keySet().containsAll(java.util.Set.of("nd4j", "ojalgo")));
        Layer layer = Guice.createInjector(new AltDiffModule("altdiff", "nd4j", Settings.PAPER))
                .getInstance(Layer.class);
        assertEquals("nd4j", layer.backend().name());
    }

    /**
     * The paper's dense QP (n = 30, p = 6, m = 10) through both backends: the same ADMM iterations in
     * a different summation order, so x and the gradients agree to well below the solver tolerance.
     */
    @Test
    void forwardAndBackwardAgreeWithOjAlgo() {
        QuadraticProgram qp = RandomQp.paper(11, 30, 6, 10, 1.0);
        double[] v = new Random(12).doubles(30).toArray();
        DifferentiableSolution nd4j = AltDiff.layer("altdiff", "nd4j", Settings.PAPER).forward(qp);
        DifferentiableSolution ojalgo = AltDiff.layer("altdiff", "ojalgo", Settings.PAPER).forward(qp);
        assertEquals(ojalgo.solution().status(), nd4j.solution().status());
        assertClose(ojalgo.solution().x(), nd4j.solution().x(), 1e-6);
        Gradients g1 = nd4j.backward(v);
        Gradients g2 = ojalgo.backward(v);
        assertClose(g2.q(), g1.q(), 1e-6);
        assertClose(g2.b(), g1.b(), 1e-6);
        assertClose(g2.h(), g1.h(), 1e-6);
    }

    private static void assertClose(double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length);
        double scale = 1;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol * scale, "entry " + i);
        }
    }
}
