package dev.altdiff.spark.train;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Truncation;
import dev.altdiff.dl4j.AltDiffQpLayer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training a small network with the Alt-Diff QP layer on {@code local[2]} over 3 partitions gives the
 * parameters of one JVM's {@code fit} on the same minibatches, up to float rounding, and learns.
 */
class DataParallelTrainerTest {
    private static final int FEATURES = 4;
    private static final int CLASSES = 3;
    private static final int HIDDEN = 6;

    private static MultiLayerConfiguration configuration() {
        Settings qp = new Settings(1.0, 1e-6, 2000, Truncation.RELATIVE_CHANGE);
        return new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).updater(new Adam(2e-2))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(HIDDEN).activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new AltDiffQpLayer.Builder().n(HIDDEN).pScale(0.5).inequalities(2)
                        .g(new double[][]{{1, 1, 0, 0, 0, 0}, {0, 0, 1, -1, 0, 0}}).h(new double[]{1, 1})
                        .settings(qp).backend("ojalgo").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(HIDDEN).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    /** Three Gaussian blobs. */
    private static List<Example> blobs(int count, long seed) {
        Random r = new Random(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int label = i % CLASSES;
            float[] x = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                x[j] = (float) (r.nextGaussian() * 0.6 + (j == label ? 2 : 0));
            }
            out.add(Example.classified(x, label, CLASSES));
        }
        return out;
    }

    private static DataSet batch(List<Example> data, int[] batchOf, int step) {
        List<Example> members = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            if (batchOf[i] == step) {
                members.add(data.get(i));
            }
        }
        float[] x = new float[members.size() * FEATURES];
        float[] y = new float[members.size() * CLASSES];
        for (int k = 0; k < members.size(); k++) {
            System.arraycopy(members.get(k).features(), 0, x, k * FEATURES, FEATURES);
            System.arraycopy(members.get(k).labels(), 0, y, k * CLASSES, CLASSES);
        }
        return new DataSet(Nd4j.create(x, new long[]{members.size(), FEATURES}, DataType.FLOAT),
                Nd4j.create(y, new long[]{members.size(), CLASSES}, DataType.FLOAT));
    }

    private static double accuracy(MultiLayerNetwork net, List<Example> data) {
        DataSet all = batch(data, new int[data.size()], 0);
        INDArray predicted = net.output(all.getFeatures(), false).argMax(1);
        int correct = 0;
        for (int i = 0; i < data.size(); i++) {
            if (data.get(i).labels()[predicted.getInt(i)] == 1f) {
                correct++;
            }
        }
        return (double) correct / data.size();
    }

    @Test
    void trainsWhatOneJvmTrainsOnTheSameMinibatches() {
        List<Example> data = blobs(300, 1);
        DataParallelTrainer.Options options = new DataParallelTrainer.Options(2, 32, 9, 2);
        SparkSession spark = SparkSession.builder().master("local[2,2]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        List<Double> losses = new ArrayList<>();
        MultiLayerNetwork distributed = DataParallelTrainer.train(
                new JavaSparkContext(spark.sparkContext()).parallelize(data, 3), configuration(), options,
                (epoch, loss, seconds, net) -> losses.add(loss));
        assertEquals(2, losses.size());

        MultiLayerNetwork single = new MultiLayerNetwork(configuration());
        single.init();
        int batches = (data.size() + 31) / 32;
        for (int epoch = 1; epoch <= 2; epoch++) {
            int[] batchOf = DataParallelTrainer.batchOf(data.size(), 32, 9, epoch);
            for (int k = 0; k < batches; k++) {
                single.fit(batch(data, batchOf, k));
            }
        }
        assertArrayEquals(single.params().toFloatVector(), distributed.params().toFloatVector(), 1e-4f);
        assertEquals(accuracy(single, data), accuracy(distributed, data), 1.0 / data.size());
        assertTrue(accuracy(distributed, data) > 0.8, "accuracy " + accuracy(distributed, data));
    }
}
