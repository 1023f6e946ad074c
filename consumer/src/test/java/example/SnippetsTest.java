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
    @Test
    void javaSnippetGivesTheHandWorkedAnswer() {
        DifferentiableSolution out = Quickstart.run();
        Gradients g = out.backward(new double[]{1, 1});
        assertArrayEquals(new double[]{0, 1}, out.solution().x(), 1e-6);
        assertArrayEquals(new double[]{1}, g.b(), 1e-6);  // 1ᵀx = b on this active set
        assertArrayEquals(new double[]{0, 0}, g.q(), 1e-6);
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
