package dev.altdiff.dl4j;

import dev.altdiff.testkit.Gaussian;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DL4J's own finite-difference gradient check ({@link GradientCheckUtil}) through a network
 * dense → Alt-Diff QP → dense output, in double precision with a tight QP tolerance (the truncated
 * recursion's gradient is then the derivative of the converged solution to ~1e-9).
 */
class AltDiffQpLayerGradientCheckTest {

    static {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private static boolean check(AltDiffQpLayer.Builder qp, int features, long seed) {
        AltDiffQpLayer layer = qp.tolerance(1e-13).maxIterations(20_000).build();
        int nIn = (int) layer.getNIn();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(seed).updater(new NoOp()).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(features).nOut(nIn).activation(Activation.TANH).build())
                .layer(layer)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(layer.getN()).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Random r = new Random(seed);
        INDArray input = Nd4j.createFromArray(Gaussian.matrix(r, 3, features, 1.0));
        INDArray labels = Nd4j.createFromArray(Gaussian.matrix(r, 3, 2, 1.0));
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(input).labels(labels)
                .epsilon(1e-6).maxRelError(1e-4).minAbsoluteError(1e-8).exitOnFirstError(false)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    }

    @Test
    void inputQAndFixedConstraints() {
        Random r = new Random(1);
        int n = 5;
        AltDiffQpLayer.Builder qp = new AltDiffQpLayer.Builder().n(n).equalities(2).inequalities(4)
                .p(new double[][]{{2, 0.3, 0, 0, 0}, {0.3, 1.5, 0, 0, 0}, {0, 0, 1, 0.2, 0}, {0, 0, 0.2, 1, 0}, {0, 0, 0, 0, 1.2}})
                .a(Gaussian.matrix(r, 2, n, 1.0)).b(new double[]{0.1, -0.2})
                .g(Gaussian.matrix(r, 4, n, 1.0)).h(new double[]{0.3, 0.2, 0.5, 0.1});
        assertTrue(check(qp, 3, 11));
    }

    @Test
    void learnedFactorAndConstraintMatricesWithInputH() {
        Random r = new Random(2);
        int n = 4;
        AltDiffQpLayer.Builder qp = new AltDiffQpLayer.Builder().n(n).equalities(1).inequalities(3)
                .learnPFactor(true).pEpsilon(0.1).pFactorInit(Gaussian.matrix(r, n, n, 0.7))
                .learnA(true).a(Gaussian.matrix(r, 1, n, 1.0)).b(new double[]{0.2})
                .learnG(true).g(Gaussian.matrix(r, 3, n, 1.0)).hSource(AltDiffQpLayer.Source.INPUT);
        assertTrue(check(qp, 3, 12));
    }

    @Test
    void parameterVectorsAndInputB() {
        Random r = new Random(3);
        int n = 4;
        AltDiffQpLayer.Builder qp = new AltDiffQpLayer.Builder().n(n).equalities(2).inequalities(2).pScale(0.5)
                .a(Gaussian.matrix(r, 2, n, 1.0)).bSource(AltDiffQpLayer.Source.INPUT)
                .g(Gaussian.matrix(r, 2, n, 1.0)).hSource(AltDiffQpLayer.Source.PARAMETER).h(new double[]{0.1, 0.05});
        assertTrue(check(qp, 3, 13));
    }
}
