package dev.altdiff.spark.train;

import dev.altdiff.spark.JvmPool;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Synchronous data-parallel minibatch training of a DL4J {@link MultiLayerNetwork} on Spark, the way
 * Spark MLlib's gradient descent works, so that it trains exactly what one JVM's {@code net.fit} on
 * the same minibatches trains (up to the order of the floating-point sums).
 *
 * <p>Each epoch assigns the N examples to ⌈N/B⌉ global minibatches of B (a seeded random order). Each
 * step broadcasts the parameters; every partition computes, on a network kept per executor JVM
 * ({@link JvmPool}, one per task slot), the summed gradient and loss of its examples of the step's
 * minibatch; {@code treeAggregate} adds the partitions' sums in a tree of the given depth; the driver
 * hands the sum to the network's own updater (which divides by the minibatch size, as in
 * {@code fit}) and steps the parameters. Partitions are packed once and cached.
 *
 * <p>Cost model per step: a broadcast of the parameters (4·|θ| bytes) and, per partition, a gradient
 * of 8·|θ| bytes sent up the tree; the driver applies the update alone. The minibatch is split over
 * the partitions, so a step is as slow as its slowest partition's share.
 */
public final class DataParallelTrainer {

    /**
     * @param epochs    passes over the data, ≥ 1
     * @param batchSize the global minibatch size B, ≥ 1
     * @param seed      the seed of the per-epoch order
     * @param depth     the depth of {@code treeAggregate} (MLlib uses 2), ≥ 1
     */
    public record Options(int epochs, int batchSize, long seed, int depth) {
        public Options {
            if (epochs < 1 || batchSize < 1 || depth < 1) {
                throw new IllegalArgumentException("epochs, batch size and depth must be >= 1, got " + epochs + ", "
                        + batchSize + ", " + depth);
            }
        }
    }

    /** Told after each epoch; the network is the driver's, with the epoch's final parameters. */
    public interface Listener {
        /**
         * @param meanLoss the mean over the epoch's steps of the minibatch loss (before each step)
         * @param seconds  the epoch's wall time
         */
        void epoch(int epoch, double meanLoss, double seconds, MultiLayerNetwork net);
    }

    private DataParallelTrainer() {
    }

    /**
     * @return the trained network (on the driver)
     * @throws IllegalArgumentException when the data are empty or the examples' widths differ
     */
    public static MultiLayerNetwork train(JavaRDD<Example> data, MultiLayerConfiguration conf, Options options,
                                          Listener listener) {
        Objects.requireNonNull(conf, "conf");
        Objects.requireNonNull(options, "options");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.context());
        List<Example> head = data.take(1);
        if (head.isEmpty()) {
            throw new IllegalArgumentException("the training set is empty");
        }
        int d = head.get(0).features().length;
        int c = head.get(0).labels().length;
        JavaRDD<Shard> shards = data.zipWithIndex()
                .mapPartitions(it -> Collections.singletonList(Shard.of(it, d, c)).iterator())
                .persist(StorageLevel.MEMORY_ONLY());
        long total = shards.map(Shard::size).reduce(Integer::sum);
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("more than " + Integer.MAX_VALUE + " examples");
        }
        int n = (int) total;
        Broadcast<String> json = sc.broadcast(conf.toJson());
        String key = "altdiff-spark/network/" + json.id();

        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Gradient gradient = template(net, head.get(0));
        int size = (int) net.numParams();
        int batches = (n + options.batchSize() - 1) / options.batchSize();
        try {
            for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                long t0 = System.nanoTime();
                Broadcast<int[]> batchOf = sc.broadcast(batchOf(n, options.batchSize(), options.seed(), epoch));
                double lossSum = 0;
                for (int k = 0; k < batches; k++) {
                    Broadcast<float[]> params = sc.broadcast(net.params().toFloatVector());
                    int step = k;
                    double[] sum = shards.treeAggregate(new double[0],
                            (acc, shard) -> add(acc, partial(shard, step, batchOf.value(), params.value(), json.value(),
                                    key)),
                            DataParallelTrainer::add, options.depth());
                    params.destroy();
                    int count = (int) sum[size + 1];
                    INDArray flat = net.getFlattenedGradients();
                    flat.assign(Nd4j.create(java.util.Arrays.copyOf(sum, size), flat.shape()).castTo(flat.dataType()));
                    net.getUpdater().update(net, gradient, net.getIterationCount(), net.getEpochCount(), count,
                            LayerWorkspaceMgr.noWorkspaces());
                    net.params().subi(flat.reshape(net.params().shape()));
                    net.setIterationCount(net.getIterationCount() + 1);
                    lossSum += sum[size] / count;
                }
                batchOf.destroy();
                if (listener != null) {
                    listener.epoch(epoch, lossSum / batches, (System.nanoTime() - t0) / 1e9, net);
                }
            }
        } finally {
            shards.unpersist(false);
            json.destroy();
            JvmPool.evict(key, (MultiLayerNetwork ignored) -> { });
        }
        return net;
    }

    /** @return the network's gradient structure (views into its flattened gradient), from one example */
    private static Gradient template(MultiLayerNetwork net, Example example) {
        net.setInput(Nd4j.create(example.features(), new long[]{1, example.features().length}, DataType.FLOAT)
                .castTo(net.params().dataType()));
        net.setLabels(Nd4j.create(example.labels(), new long[]{1, example.labels().length}, DataType.FLOAT)
                .castTo(net.params().dataType()));
        net.computeGradientAndScore();
        Gradient g = net.gradient();
        net.clear();
        return g;
    }

    /** @return for each example index, its minibatch in this epoch (a seeded random order cut into B-sized runs) */
    static int[] batchOf(int n, int batchSize, long seed, int epoch) {
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
        int[] out = new int[n];
        for (int position = 0; position < n; position++) {
            out[order.get(position)] = position / batchSize;
        }
        return out;
    }

    /**
     * @return the summed gradient of the shard's examples in minibatch {@code step}, then the summed loss
     *         and the count (length |θ| + 2), or an empty array when the shard has none
     */
    private static double[] partial(Shard shard, int step, int[] batchOf, float[] params, String json, String key) {
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < shard.size(); r++) {
            if (batchOf[(int) shard.index[r]] == step) {
                rows.add(r);
            }
        }
        if (rows.isEmpty()) {
            return new double[0];
        }
        float[] x = new float[rows.size() * shard.d];
        float[] y = new float[rows.size() * shard.c];
        for (int k = 0; k < rows.size(); k++) {
            System.arraycopy(shard.features, rows.get(k) * shard.d, x, k * shard.d, shard.d);
            System.arraycopy(shard.labels, rows.get(k) * shard.c, y, k * shard.c, shard.c);
        }
        return JvmPool.with(key, () -> {
            MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
            net.init();
            return net;
        }, (MultiLayerNetwork net) -> {
            DataType type = net.params().dataType();
            net.setParams(Nd4j.create(params, new long[]{1, params.length}, DataType.FLOAT).castTo(type));
            net.setInput(Nd4j.create(x, new long[]{rows.size(), shard.d}, DataType.FLOAT).castTo(type));
            net.setLabels(Nd4j.create(y, new long[]{rows.size(), shard.c}, DataType.FLOAT).castTo(type));
            net.computeGradientAndScore();
            double[] g = net.getFlattenedGradients().toDoubleVector();
            double[] out = java.util.Arrays.copyOf(g, g.length + 2);
            out[g.length] = net.score() * rows.size();
            out[g.length + 1] = rows.size();
            net.clear();
            return out;
        });
    }

    /** @return a + b, in place in a when it is not empty (an empty array is the zero) */
    private static double[] add(double[] a, double[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }
}
