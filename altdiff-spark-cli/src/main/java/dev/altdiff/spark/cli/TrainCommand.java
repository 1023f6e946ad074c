package dev.altdiff.spark.cli;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Truncation;
import dev.altdiff.examples.dl4j.Classification;
import dev.altdiff.examples.dl4j.ClassifierTraining;
import dev.altdiff.examples.dl4j.History;
import dev.altdiff.examples.dl4j.QpClassifier;
import dev.altdiff.spark.train.DataParallelTrainer;
import dev.altdiff.spark.train.Example;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code altdiff spark train digits|mnist}: the Alt-Diff classifier of {@code altdiff train} trained by
 * synchronous data-parallel SGD on Spark ({@link DataParallelTrainer}); with {@code --compare} the same
 * network is then trained on one JVM (the driver) for the same epochs, and both test accuracies printed.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train the digits or MNIST classifier (dense -> ReLU -> Alt-Diff QP -> softmax) data-parallel on"
                + " Spark: each step's minibatch is split over the partitions and the gradients summed by treeAggregate."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    SparkCommand.Cluster cluster;

    @Parameters(index = "0", paramLabel = "digits|mnist", description = "the example")
    String example;
    @Option(names = "--epochs", paramLabel = "E", description = "passes over the training set (default: digits 5, mnist 1)")
    Integer epochs;
    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "64", description = "global minibatch (default: ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--lr", paramLabel = "RATE", description = "Adam's step (default: digits 1e-2, mnist 1e-3)")
    Double learningRate;
    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--partitions", paramLabel = "K", description = "partitions of the training set (default: the cores)")
    Integer partitions;
    @Option(names = "--depth", paramLabel = "D", defaultValue = "2", description = "treeAggregate depth (default: ${DEFAULT-VALUE})")
    int depth;
    @Option(names = "--tolerance", paramLabel = "E", defaultValue = "1e-4",
            description = "QP truncation tolerance, relative change of x (default: ${DEFAULT-VALUE})")
    double tolerance;
    @Option(names = "--max-iterations", paramLabel = "K", defaultValue = "2000", description = "QP iteration cap (default: ${DEFAULT-VALUE})")
    int maxIterations;
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data/mnist", description = "MNIST IDX folder (default: ${DEFAULT-VALUE})")
    Path data;
    @Option(names = "--train-limit", paramLabel = "N", description = "MNIST: the first N training examples")
    Integer trainLimit;
    @Option(names = "--test-limit", paramLabel = "N", description = "MNIST: the first N test examples")
    Integer testLimit;
    @Option(names = "--compare", description = "also train on one JVM and print both test accuracies")
    boolean compare;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        PrintWriter out = cl.getOut();
        if (batchSize < 1 || depth < 1 || (epochs != null && epochs < 1) || (partitions != null && partitions < 1)) {
            throw new ParameterException(cl, "--batch-size, --depth, --epochs and --partitions must be >= 1");
        }
        Settings qp;
        try {
            qp = new Settings(1.0, tolerance, maxIterations, Truncation.RELATIVE_CHANGE);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        }
        Classification train;
        Classification test;
        QpClassifier model;
        int passes;
        try {
            if (example.equals("digits")) {
                Classification all = Classification.digits().shuffled(7);
                train = all.range(0, 1437);
                test = all.range(1437, all.size());
                model = new QpClassifier(64, 64, 16, 16, 10, learningRate == null ? 1e-2 : learningRate, qp, "ojalgo", seed,
                        2023);
                passes = epochs == null ? 5 : epochs;
            } else if (example.equals("mnist")) {
                train = Classification.mnist(data, true);
                test = Classification.mnist(data, false);
                train = trainLimit == null ? train : train.head(trainLimit);
                test = testLimit == null ? test : test.head(testLimit);
                QpClassifier paper = QpClassifier.mnist(qp, "ojalgo", seed);
                model = new QpClassifier(paper.inputs(), paper.hidden(), paper.equalities(), paper.inequalities(),
                        paper.classes(), learningRate == null ? paper.learningRate() : learningRate, qp, "ojalgo", seed,
                        paper.qpSeed());
                passes = epochs == null ? 1 : epochs;
            } else {
                throw new ParameterException(cl, "the example must be digits or mnist, got " + example);
            }
        } catch (IOException e) {
            cl.getErr().println("altdiff spark train " + example + ": " + e.getMessage());
            cl.getErr().flush();
            return 1;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        }
        SparkSession spark = cluster.session("train " + example);
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int parts = partitions != null ? partitions : sc.defaultParallelism();
            out.printf(Locale.ROOT, "%s on %s: %d training and %d test examples in %d partitions; QP n=%d, p=%d, m=%d;"
                            + " Adam %.0e, global batch %d, %d epoch(s), treeAggregate depth %d%n", example,
                    sc.master(), train.size(), test.size(), parts, model.hidden(), model.equalities(),
                    model.inequalities(), model.learningRate(), batchSize, passes, depth);
            out.flush();
            JavaRDD<Example> rdd = sc.parallelize(examples(train), parts);
            Classification evaluation = test;
            MultiLayerNetwork net = DataParallelTrainer.train(rdd, model.configuration(),
                    new DataParallelTrainer.Options(passes, batchSize, seed, depth),
                    (epoch, loss, seconds, trained) -> {
                        out.printf(Locale.ROOT, "epoch %d: train loss %.4f, test accuracy %.4f, %.1f s%n", epoch, loss,
                                ClassifierTraining.accuracy(trained, evaluation, 256), seconds);
                        out.flush();
                    });
            double distributed = ClassifierTraining.accuracy(net, test, 256);
            out.printf(Locale.ROOT, "final test accuracy %.4f (data-parallel on %s)%n", distributed, sc.master());
            if (compare) {
                MultiLayerNetwork single = new MultiLayerNetwork(model.configuration());
                single.init();
                History h = ClassifierTraining.train(single, train, test, passes, batchSize, seed, null, null);
                out.printf(Locale.ROOT, "final test accuracy %.4f (one JVM, %.1f ms per batch); difference %+.4f%n",
                        h.last().testAccuracy(), h.last().msPerBatch(), distributed - h.last().testAccuracy());
            }
            out.flush();
            return 0;
        } finally {
            spark.stop();
        }
    }

    private static List<Example> examples(Classification data) {
        List<Example> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            out.add(Example.classified(data.x()[i], data.y()[i], data.classes()));
        }
        return out;
    }
}
