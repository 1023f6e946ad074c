package dev.altdiff.examples.dl4j;

import dev.altdiff.dl4j.AltDiffQpLayerImpl;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Minibatch training of a classifier (e.g. {@link QpClassifier}) with per-epoch test accuracy,
 * mean wall time per minibatch (forward + backward + update) and a progress bar.
 */
public final class ClassifierTraining {
    private ClassifierTraining() {
    }

    /**
     * Trains {@code net} for {@code epochs} passes over {@code train} (reshuffled each epoch from
     * {@code seed}), in minibatches of {@code batchSize} (the last one may be smaller).
     *
     * @param progress where the progress bar is drawn (null: none)
     * @param log      where one summary line per epoch is printed (null: none)
     * @return the per-batch losses and per-epoch summaries
     */
    public static History train(MultiLayerNetwork net, Classification train, Classification test, int epochs,
                                int batchSize, long seed, PrintWriter progress, PrintWriter log) {
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("epochs and batch size must be >= 1, got " + epochs + ", " + batchSize);
        }
        if (train.size() == 0) {
            throw new IllegalArgumentException("the training set is empty");
        }
        History history = new History();
        Progress bar = new Progress(progress, 30);
        int batches = (train.size() + batchSize - 1) / batchSize;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            Classification shuffled = train.shuffled(seed * 1_000_003L + epoch);
            double lossSum = 0;
            long nanos = 0;
            int unsolved = 0;
            long iterations = 0;
            resetQpNanos(net);
            for (int k = 0; k < batches; k++) {
                int from = k * batchSize;
                DataSet ds = shuffled.batch(from, Math.min(train.size(), from + batchSize));
                long t0 = System.nanoTime();
                net.fit(ds);
                nanos += System.nanoTime() - t0;
                double loss = net.score();
                unsolved += unsolved(net);
                iterations += maxIterations(net);
                history.addBatch(loss);
                lossSum += loss;
                bar.update(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs), k + 1, batches,
                        String.format(Locale.ROOT, "loss %.4f  %.1f ms/batch", lossSum / (k + 1), nanos / 1e6 / (k + 1)));
            }
            bar.finish();
            double qpMs = qpNanos(net) / 1e6 / batches;
            double testAccuracy = test == null || test.size() == 0 ? Double.NaN : accuracy(net, test, 256);
            History.Epoch e = new History.Epoch(epoch, lossSum / batches, Double.NaN, testAccuracy,
                    nanos / 1e6 / batches, batches, unsolved, (double) iterations / batches);
            history.addEpoch(e);
            if (log != null) {
                log.printf(Locale.ROOT, "epoch %d: train loss %.4f, test accuracy %.4f, %.1f ms/batch (%d batches of %d),"
                                + " of which %.1f ms in the QP solver; QP iterations per batch %.0f (max over the batch,"
                                + " mean over batches)%s%n",
                        epoch, e.trainLoss(), e.testAccuracy(), e.msPerBatch(), batches, batchSize, qpMs, e.qpIterations(),
                        unsolved > 0 ? ", " + unsolved + " QP solves hit the iteration cap" : "");
                log.flush();
            }
        }
        return history;
    }

    /** @return the fraction of {@code data} whose arg-max output equals the label */
    public static double accuracy(MultiLayerNetwork net, Classification data, int batchSize) {
        int correct = 0;
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            INDArray out = net.output(data.batch(from, to).getFeatures(), false);
            INDArray predicted = out.argMax(1);
            for (int i = 0; i < to - from; i++) {
                if (predicted.getInt(i) == data.y()[from + i]) {
                    correct++;
                }
            }
        }
        return data.size() == 0 ? Double.NaN : (double) correct / data.size();
    }

    private static void resetQpNanos(MultiLayerNetwork net) {
        for (Layer l : net.getLayers()) {
            if (l instanceof AltDiffQpLayerImpl qp) {
                qp.resetQpNanos();
            }
        }
    }

    private static long qpNanos(MultiLayerNetwork net) {
        long total = 0;
        for (Layer l : net.getLayers()) {
            if (l instanceof AltDiffQpLayerImpl qp) {
                total += qp.qpNanos();
            }
        }
        return total;
    }

    private static int maxIterations(MultiLayerNetwork net) {
        int max = 0;
        for (Layer l : net.getLayers()) {
            if (l instanceof AltDiffQpLayerImpl qp) {
                max = Math.max(max, qp.lastMaxIterations());
            }
        }
        return max;
    }

    private static int unsolved(MultiLayerNetwork net) {
        int total = 0;
        for (Layer l : net.getLayers()) {
            if (l instanceof AltDiffQpLayerImpl qp) {
                total += qp.lastUnsolved();
            }
        }
        return total;
    }
}
