package example;

import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Gradients;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The README's snippets work from a user's project that depends on the installed artifacts. */
class SnippetsTest {
    /**
     * x₁ is held at 0 by G (ν₁ = 1 &gt; 0) and x₂ = b − x₁, so 1ᵀx = b: ∂ℓ/∂b = 1, ∂ℓ/∂q = 0; moving the
     * active bound h₁ (x₁ ≥ −h₁) moves x₁ by −1 and x₂ by +1: ∂ℓ/∂h = 0.
     */
    @Test
    void javaSnippetGivesTheHandWorkedAnswer() {
        DifferentiableSolution out = Quickstart.run();
        Gradients g = out.backward(new double[]{1, 1});
        assertArrayEquals(new double[]{0, 1}, out.solution().x(), 1e-6);
        assertArrayEquals(new double[]{3}, out.solution().lambda(), 1e-6);
        assertArrayEquals(new double[]{1, 0}, out.solution().nu(), 1e-6);
        assertArrayEquals(new double[]{0, 0}, g.q(), 1e-6);
        assertArrayEquals(new double[]{1}, g.b(), 1e-6);
        assertArrayEquals(new double[]{0, 0}, g.h(), 1e-6);
    }

    @Test
    void dl4jSnippetTrainsOneStep() {
        MultiLayerNetwork net = Dl4jQuickstart.network();
        INDArray features = Nd4j.rand(8, 4);
        INDArray labels = Nd4j.rand(8, 2);
        INDArray before = net.getParam("1_A").dup();
        net.fit(features, labels);
        INDArray x = net.feedForward(features).get(2);       // the QP layer's output, B × n
        assertEquals(2, x.columns());
        INDArray a = net.getParam("1_A");
        for (int i = 0; i < 8; i++) {                        // A x = b (b = 1) holds per example
            double ax = a.getDouble(0) * x.getDouble(i, 0) + a.getDouble(1) * x.getDouble(i, 1);
            assertEquals(1.0, ax, 1e-2, "example " + i);
        }
        assertNotEquals(before, net.getParam("1_A"), "A is trained");
    }
}
