package dev.altdiff.spark.train;

import java.io.Serializable;
import java.util.Iterator;

/**
 * A partition's examples, packed once and cached: their global indices and the features and targets
 * as row-major float blocks, so a step picks its rows without touching Java objects per example.
 */
final class Shard implements Serializable {
    final long[] index;
    final float[] features;
    final float[] labels;
    final int d;
    final int c;

    private Shard(long[] index, float[] features, float[] labels, int d, int c) {
        this.index = index;
        this.features = features;
        this.labels = labels;
        this.d = d;
        this.c = c;
    }

    /** @throws IllegalArgumentException when the examples' widths differ from d and c */
    static Shard of(Iterator<scala.Tuple2<Example, Long>> examples, int d, int c) {
        java.util.List<scala.Tuple2<Example, Long>> list = new java.util.ArrayList<>();
        examples.forEachRemaining(list::add);
        long[] index = new long[list.size()];
        float[] x = new float[list.size() * d];
        float[] y = new float[list.size() * c];
        for (int k = 0; k < list.size(); k++) {
            Example e = list.get(k)._1();
            if (e.features().length != d || e.labels().length != c) {
                throw new IllegalArgumentException("example " + list.get(k)._2() + " has " + e.features().length
                        + " features and " + e.labels().length + " targets, expected " + d + " and " + c);
            }
            index[k] = list.get(k)._2();
            System.arraycopy(e.features(), 0, x, k * d, d);
            System.arraycopy(e.labels(), 0, y, k * c, c);
        }
        return new Shard(index, x, y, d, c);
    }

    int size() {
        return index.length;
    }
}
