package dev.altdiff.spark.train;

import java.io.Serializable;

/**
 * One training example: features and the network's target (a one-hot label for a classifier).
 *
 * @param features the input row, length d
 * @param labels   the target row, length c
 */
public record Example(float[] features, float[] labels) implements Serializable {

    /** @return a classification example with a one-hot label */
    public static Example classified(float[] features, int label, int classes) {
        float[] y = new float[classes];
        y[label] = 1f;
        return new Example(features, y);
    }
}
