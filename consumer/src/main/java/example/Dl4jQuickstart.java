package example;

import dev.altdiff.dl4j.AltDiffQpLayer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The README's DL4J snippet, verbatim inside {@link #network()}. */
public final class Dl4jQuickstart {
    private Dl4jQuickstart() {
    }

    /** @return the README's network, initialised */
    public static MultiLayerNetwork network() {
        AltDiffQpLayer qp = new AltDiffQpLayer.Builder()              // input: q (n) per example; output: x*
                .n(2).equalities(1).inequalities(2)
                .a(new double[][]{{1, 1}}).b(new double[]{1})          // A x = b
                .g(new double[][]{{-1, 0}, {0, -1}}).h(new double[]{0, 0})
                .learnA(true)                                          // A is a trainable parameter
                .build();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(2).build()) // q from the features
                .layer(qp)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(2).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();                                                    // then net.fit(features, labels)
        return net;
    }
}
