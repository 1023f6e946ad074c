package dev.altdiff.examples.dl4j;

import dev.altdiff.api.Settings;
import dev.altdiff.dl4j.AltDiffQpLayer;
import dev.altdiff.testkit.Gaussian;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

/**
 * The paper's MNIST classifier (Alt-Diff §5, after OptNet): flatten → dense d→n → ReLU → Alt-Diff
 * QP layer → dense n→classes → softmax, trained with Adam on the cross-entropy.
 *
 * <p>The QP layer has q = the ReLU output (n), P = 0.1·I, and fixed random constraints made feasible
 * as in OptNet: A (p×n) and G (m×n) with N(0, 1) entries, z₀ = 0, s₀ = 1, b = Az₀ = 0,
 * h = Gz₀ + s₀ = 1 (drawn from {@code qpSeed}, independent of the network's seed). Each row of A, G
 * (with its entry of b, h) is then divided by its norm: the same feasible set and the same x*, but a
 * much better conditioned ADMM (about 10× fewer iterations at n = 200).
 *
 * @param inputs       d
 * @param hidden       n (the dense layer's width and the QP's size)
 * @param equalities   p
 * @param inequalities m
 * @param classes      the number of classes
 * @param learningRate Adam's step
 * @param qp           the QP layer's solver settings (the backward pass is the truncated recursion of the same run)
 * @param backend      the QP layer's linear-algebra backend ("ojalgo" or "nd4j")
 * @param seed         the network's seed (weight initialisation)
 * @param qpSeed       the seed of the fixed A and G
 */
public record QpClassifier(int inputs, int hidden, int equalities, int inequalities, int classes, double learningRate,
                           Settings qp, String backend, long seed, long qpSeed) {

    /** @throws IllegalArgumentException for a non-positive size or rate, negative p or m, or p &gt; n */
    public QpClassifier {
        if (inputs < 1 || hidden < 1 || classes < 2) {
            throw new IllegalArgumentException("inputs and hidden must be >= 1 and classes >= 2, got "
                    + inputs + ", " + hidden + ", " + classes);
        }
        if (equalities < 0 || inequalities < 0 || equalities > hidden) {
            throw new IllegalArgumentException("equalities must be in 0..hidden (" + hidden + ") and inequalities >= 0, got "
                    + equalities + ", " + inequalities);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("the learning rate must be > 0, got " + learningRate);
        }
        java.util.Objects.requireNonNull(qp, "qp");
        java.util.Objects.requireNonNull(backend, "backend");
    }

    /** P = pScale·I. */
    public static final double P_SCALE = 0.1;

    /** The paper's MNIST set-up: 784 → 200, QP with 50 + 50 rows, 10 classes, Adam 1e-3. */
    public static QpClassifier mnist(Settings qp, String backend, long seed) {
        return new QpClassifier(784, 200, 50, 50, 10, 1e-3, qp, backend, seed, 2023);
    }

    /** @return the network configuration (FLOAT; the QP layer computes in double) */
    public MultiLayerConfiguration configuration() {
        Random r = new Random(qpSeed);
        double[][] a = Gaussian.matrix(r, equalities, hidden);
        double[][] g = Gaussian.matrix(r, inequalities, hidden);
        double[] h = new double[inequalities];
        java.util.Arrays.fill(h, 1.0);
        // Scaling a constraint row and its right-hand side by the same positive factor leaves the QP (and
        // x*) unchanged; unit rows make H = P + ρAᵀA + ρGᵀG far better conditioned for ADMM.
        normalizeRows(a, null);
        normalizeRows(g, h);
        AltDiffQpLayer.Builder qpLayer = new AltDiffQpLayer.Builder().name("altdiff-qp").n(hidden).pScale(P_SCALE)
                .equalities(equalities).inequalities(inequalities).settings(qp).backend(backend);
        if (equalities > 0) {
            qpLayer.a(a).b(new double[equalities]);
        }
        if (inequalities > 0) {
            qpLayer.g(g).h(h);
        }
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).updater(new Adam(learningRate))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().name("dense-in").nIn(inputs).nOut(hidden).activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().name("relu").activation(Activation.RELU).build())
                .layer(qpLayer.build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("dense-out").nIn(hidden).nOut(classes)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    private static void normalizeRows(double[][] m, double[] rhs) {
        for (int i = 0; i < m.length; i++) {
            double norm = 0;
            for (double v : m[i]) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] /= norm;
            }
            if (rhs != null) {
                rhs[i] /= norm;
            }
        }
    }
}
