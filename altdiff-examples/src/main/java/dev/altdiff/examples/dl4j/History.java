package dev.altdiff.examples.dl4j;

import java.util.ArrayList;
import java.util.List;

/**
 * What a training run recorded: per minibatch the training loss, per epoch the summary.
 */
public final class History {
    /**
     * One epoch: mean training loss, accuracies (NaN when not measured), mean wall time per minibatch
     * (forward, backward and update), minibatches, QP solves that hit the iteration cap, and the mean
     * over minibatches of the largest ADMM iteration count in the minibatch.
     */
    public record Epoch(int epoch, double trainLoss, double trainAccuracy, double testAccuracy, double msPerBatch,
                        int batches, int unsolved, double qpIterations) {
    }

    private final List<Double> batchLosses = new ArrayList<>();
    private final List<Epoch> epochs = new ArrayList<>();

    public void addBatch(double loss) {
        batchLosses.add(loss);
    }

    public void addEpoch(Epoch e) {
        epochs.add(e);
    }

    /** @return the training loss of every minibatch, in order */
    public List<Double> batchLosses() {
        return List.copyOf(batchLosses);
    }

    public List<Epoch> epochs() {
        return List.copyOf(epochs);
    }

    /** @return the last epoch's summary */
    public Epoch last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch recorded");
        }
        return epochs.get(epochs.size() - 1);
    }
}
