package dev.altdiff.dl4j;

import dev.altdiff.testkit.Gaussian;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JSON and model round trips of the configuration, parameter layout, and the errors for bad options. */
class AltDiffQpLayerConfigTest {

    private static AltDiffQpLayer layer() {
        Random r = new Random(5);
        return new AltDiffQpLayer.Builder().name("qp").n(4).equalities(1).inequalities(2)
                .learnPFactor(true).pEpsilon(0.05).learnA(true).a(Gaussian.matrix(r, 1, 4, 1))
                .g(Gaussian.matrix(r, 2, 4, 1)).hSource(AltDiffQpLayer.Source.PARAMETER)
                .h(new double[]{1, 2}).b(new double[]{0.5}).backend("ojalgo").rho(2).tolerance(1e-7).maxIterations(500)
                .build();
    }

    private static MultiLayerConfiguration network(AltDiffQpLayer qp) {
        return new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3)).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.RELU).build())
                .layer(qp)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    @Test
    void jsonRoundTrip() {
        MultiLayerConfiguration conf = network(layer());
        String json = conf.toJson();
        assertTrue(json.contains(AltDiffQpLayer.class.getName()), json);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, back);
        AltDiffQpLayer restored = (AltDiffQpLayer) back.getConf(1).getLayer();
        assertEquals(layer().getA()[0][2], restored.getA()[0][2]);
        assertEquals(AltDiffQpLayer.Source.PARAMETER, restored.getHSource());
        assertEquals(0.05, restored.getPEpsilon());
        assertEquals(500, restored.getMaxIterations());
        assertEquals(4, restored.getNIn());
        assertEquals(json, back.toJson());
        // YAML too, as every DL4J configuration
        assertEquals(conf, MultiLayerConfiguration.fromYaml(conf.toYaml()));
    }

    /**
     * Inference (output, training false) solves without recording the iterates, to the same outputs as a
     * training forward pass; a training step after it (which solves again, recording) still works.
     */
    @Test
    void inferenceGivesTheTrainingOutputsAndTrainingStillWorks() {
        MultiLayerNetwork net = new MultiLayerNetwork(network(layer()));
        net.init();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 3);
        INDArray inference = net.output(x, false).dup();
        INDArray training = net.output(x, true).dup();
        assertEquals(training, inference);
        net.output(x, false);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 6, 3);
        for (int i = 0; i < 6; i++) {
            labels.putScalar(i, i % 3, 1.0);
        }
        double before = net.score(new org.nd4j.linalg.dataset.DataSet(x, labels));
        for (int step = 0; step < 20; step++) {
            net.fit(x, labels);
        }
        assertTrue(net.score(new org.nd4j.linalg.dataset.DataSet(x, labels)) < before, "the loss went down");
    }

    @Test
    void modelSaveAndRestoreKeepsParametersAndOutputs() throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(network(layer()));
        net.init();
        assertEquals(java.util.List.of("L", "A", "h"), java.util.List.copyOf(net.getLayer(1).paramTable().keySet()));
        assertEquals(16 + 4 + 2, net.getLayer(1).numParams());
        // h parameter starts at the configured value, L at sqrt(pScale)·I
        assertArrayEquals(new double[]{1, 2}, net.getLayer(1).getParam("h").toDoubleVector(), 0);
        assertEquals(1.0, net.getLayer(1).getParam("L").getDouble(2, 2), 0);
        assertEquals(0.0, net.getLayer(1).getParam("L").getDouble(2, 1), 0);
        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 3);
        INDArray out = net.output(x);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()));
        assertNotSame(net, back);
        assertEquals(net.params(), back.params());
        assertEquals(out, back.output(x));
    }

    @Test
    void badOptionsAreReportedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AltDiffQpLayer.Builder().n(3).equalities(2).build());
        assertTrue(e.getMessage().contains("A (2x3) is needed"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new AltDiffQpLayer.Builder().n(3).inequalities(1).g(new double[][]{{1, 2}}).build());
        assertTrue(e.getMessage().contains("G row 0 has length 2, expected 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AltDiffQpLayer.Builder().n(0).build());
        assertTrue(e.getMessage().contains("n must be >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new AltDiffQpLayer.Builder().n(2).tolerance(-1).build());
        assertTrue(e.getMessage().contains("tolerance"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new AltDiffQpLayer.Builder().n(2).learnPFactor(true).pEpsilon(0).build());
        assertTrue(e.getMessage().contains("pEpsilon"), e.getMessage());
    }

    @Test
    void wrongInputWidthNamesTheLayout() {
        AltDiffQpLayer qp = new AltDiffQpLayer.Builder().n(2).inequalities(1).g(new double[][]{{1, 1}})
                .hSource(AltDiffQpLayer.Source.INPUT).build();
        qp.setNIn(5);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(5).build()).layer(qp)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(2).nOut(1)
                        .activation(Activation.IDENTITY).build()).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, net::init);
        assertTrue(e.getMessage().contains("needs 3"), e.getMessage());
    }

    @Test
    void solvesTheQpInTheForwardPass() {
        // min ½‖x‖² + qᵀx s.t. x1 + x2 = 1, x ≤ 0.8 : for q = 0 the solution is (0.5, 0.5)
        AltDiffQpLayer qp = new AltDiffQpLayer.Builder().n(2).equalities(1).a(new double[][]{{1, 1}}).b(new double[]{1})
                .inequalities(2).g(new double[][]{{1, 0}, {0, 1}}).h(new double[]{0.8, 0.8}).tolerance(1e-10).build();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list().layer(qp)
                .layer(new org.deeplearning4j.nn.conf.layers.LossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build()).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray q = Nd4j.createFromArray(new double[][]{{0, 0}, {-2, 0}});
        double[][] x = net.output(q).toDoubleMatrix();
        assertArrayEquals(new double[]{0.5, 0.5}, x[0], 1e-7);
        // q = (-2, 0): unconstrained optimum pushes x1 up to its bound 0.8, x2 = 0.2
        assertArrayEquals(new double[]{0.8, 0.2}, x[1], 1e-7);
    }
}
