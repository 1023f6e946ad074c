package dev.altdiff.examples;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Truncation;
import dev.altdiff.dl4j.examples.Classification;
import dev.altdiff.dl4j.examples.ClassifierTraining;
import dev.altdiff.dl4j.examples.History;
import dev.altdiff.dl4j.examples.Plot;
import dev.altdiff.dl4j.examples.QpClassifier;
import dev.altdiff.dl4j.examples.Sudoku;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code altdiff train digits|mnist|sudoku [options]}: the learning examples of the DL4J layer
 * ({@code altdiff-dl4j}); see docs/examples.md. Progress bars go to standard error, one summary line
 * per epoch and the final result to standard output, the learning curves to a PNG.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a network through the Alt-Diff QP layer for DL4J (docs/examples.md).",
        subcommands = {TrainCommand.Digits.class, TrainCommand.Mnist.class, TrainCommand.SudokuCommand.class})
final class TrainCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing example: digits, mnist or sudoku");
    }

    /** Options every example shares. */
    static final class Common {
        @Option(names = "--epochs", paramLabel = "E", description = "passes over the training set")
        Integer epochs;

        @Option(names = "--batch-size", paramLabel = "B", defaultValue = "64", description = "minibatch size (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--lr", paramLabel = "RATE", description = "Adam's learning rate")
        Double learningRate;

        @Option(names = "--backend", paramLabel = "NAME", defaultValue = "ojalgo",
                description = "the QP layer's linear algebra backend, ojalgo or nd4j (default: ${DEFAULT-VALUE})")
        String backend;

        @Option(names = "--tolerance", paramLabel = "E", defaultValue = "1e-4",
                description = "QP truncation tolerance, relative change of x (default: ${DEFAULT-VALUE})")
        double tolerance;

        @Option(names = "--max-iterations", paramLabel = "K", defaultValue = "2000",
                description = "QP iteration cap (default: ${DEFAULT-VALUE})")
        int maxIterations;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--plot", paramLabel = "FILE", description = "learning-curve PNG (default: altdiff-<example>-curves.png)")
        Path plot;

        @Option(names = "--no-progress", description = "no progress bar")
        boolean noProgress;

        Settings settings(CommandLine cl) {
            if (batchSize < 1) {
                throw new ParameterException(cl, "--batch-size must be >= 1, got " + batchSize);
            }
            if (epochs != null && epochs < 1) {
                throw new ParameterException(cl, "--epochs must be >= 1, got " + epochs);
            }
            if (learningRate != null && !(learningRate > 0)) {
                throw new ParameterException(cl, "--lr must be > 0, got " + learningRate);
            }
            try {
                dev.altdiff.core.AltDiff.backend(backend);
                return new Settings(1.0, tolerance, maxIterations, Truncation.RELATIVE_CHANGE);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, e.getMessage(), e);
            }
        }

        PrintWriter progress(CommandLine cl) {
            return noProgress ? null : cl.getErr();
        }

        Path plot(String example) {
            return plot != null ? plot : Path.of("altdiff-" + example + "-curves.png");
        }
    }

    /** Shared by digits and mnist. */
    static int classify(CommandLine cl, Common common, String name, Classification train, Classification test,
                        QpClassifier model, int epochs) throws IOException {
        PrintWriter out = cl.getOut();
        out.printf(Locale.ROOT, "%s: %d training and %d test examples, %d features; network %d -> %d -> ReLU ->"
                        + " Alt-Diff QP (n=%d, p=%d, m=%d, P=%.1f I, backend %s, tolerance %.0e) -> %d -> softmax;"
                        + " Adam %.0e, batch %d, %d epoch(s)%n",
                name, train.size(), test.size(), train.features(), model.inputs(), model.hidden(), model.hidden(),
                model.equalities(), model.inequalities(), QpClassifier.P_SCALE, model.backend(), model.qp().tolerance(),
                model.classes(), model.learningRate(), common.batchSize, epochs);
        out.flush();
        MultiLayerNetwork net = new MultiLayerNetwork(model.configuration());
        net.init();
        History h = ClassifierTraining.train(net, train, test, epochs, common.batchSize, common.seed,
                common.progress(cl), out);
        Path png = common.plot(name);
        Plot.learningCurves(png, name, h);
        out.printf(Locale.ROOT, "final test accuracy %.4f, %.1f ms per batch (last epoch); learning curves: %s%n",
                h.last().testAccuracy(), h.last().msPerBatch(), png.toAbsolutePath());
        out.flush();
        return 0;
    }

    @Command(name = "digits", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"The 8x8 digits (bundled; 1437 train / 360 test): dense 64 -> n -> ReLU -> Alt-Diff QP"
                    + " -> dense n -> 10 -> softmax."})
    static final class Digits implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;

        @Option(names = "--hidden", paramLabel = "N", defaultValue = "64", description = "n (default: ${DEFAULT-VALUE})")
        int hidden;
        @Option(names = "--equalities", paramLabel = "P", defaultValue = "16", description = "p (default: ${DEFAULT-VALUE})")
        int equalities;
        @Option(names = "--inequalities", paramLabel = "M", defaultValue = "16", description = "m (default: ${DEFAULT-VALUE})")
        int inequalities;

        @Override
        public Integer call() throws IOException {
            CommandLine cl = spec.commandLine();
            Settings qp = common.settings(cl);
            Classification all = Classification.digits().shuffled(7);
            double lr = common.learningRate == null ? 1e-2 : common.learningRate;
            QpClassifier model;
            try {
                model = new QpClassifier(64, hidden, equalities, inequalities, 10, lr, qp, common.backend, common.seed, 2023);
                model.configuration();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, e.getMessage(), e);
            }
            return classify(cl, common, "digits", all.range(0, 1437), all.range(1437, all.size()), model,
                    common.epochs == null ? 5 : common.epochs);
        }
    }

    @Command(name = "mnist", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"MNIST as in the paper: flatten -> dense 784 -> 200 -> ReLU -> Alt-Diff QP (n=200, P=0.1 I,"
                    + " 50 equality and 50 inequality rows, fixed random data) -> dense 200 -> 10 -> softmax, Adam 1e-3,"
                    + " batch 64. Fetch the IDX files first with scripts/fetch-mnist.sh."})
    static final class Mnist implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;

        @Option(names = "--data", paramLabel = "DIR", defaultValue = "data/mnist",
                description = "folder of the IDX files (default: ${DEFAULT-VALUE})")
        Path data;
        @Option(names = "--train-limit", paramLabel = "N", description = "use only the first N training examples")
        Integer trainLimit;
        @Option(names = "--test-limit", paramLabel = "N", description = "use only the first N test examples")
        Integer testLimit;

        @Override
        public Integer call() throws IOException {
            CommandLine cl = spec.commandLine();
            Settings qp = common.settings(cl);
            Classification train;
            Classification test;
            try {
                train = Classification.mnist(data, true);
                test = Classification.mnist(data, false);
            } catch (IOException e) {
                cl.getErr().println("altdiff train mnist: " + e.getMessage());
                cl.getErr().flush();
                return 1;
            }
            if (trainLimit != null) {
                train = train.head(trainLimit);
            }
            if (testLimit != null) {
                test = test.head(testLimit);
            }
            if ((trainLimit != null && trainLimit < 1) || (testLimit != null && testLimit < 0)) {
                throw new ParameterException(cl, "--train-limit must be >= 1 and --test-limit >= 0");
            }
            QpClassifier paper = QpClassifier.mnist(qp, common.backend, common.seed);
            QpClassifier model = new QpClassifier(paper.inputs(), paper.hidden(), paper.equalities(), paper.inequalities(),
                    paper.classes(), common.learningRate == null ? paper.learningRate() : common.learningRate, qp,
                    common.backend, common.seed, paper.qpSeed());
            return classify(cl, common, "mnist", train, test, model, common.epochs == null ? 1 : common.epochs);
        }
    }

    @Command(name = "sudoku", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"OptNet's 4x4 Sudoku (bundled, 10000 puzzles): learn A of x* = argmin 0.05|x|^2 - puzzle'x"
                    + " s.t. Ax = 1, x >= 0 from puzzle/solution pairs; reports the fraction of test puzzles solved exactly."})
    static final class SudokuCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;

        @Option(names = "--train-size", paramLabel = "N", defaultValue = "9000",
                description = "training puzzles, the first N (default: ${DEFAULT-VALUE}); the test set is the last 1000")
        int trainSize;
        @Option(names = "--equalities", paramLabel = "P", defaultValue = "40", description = "rows of A (default: ${DEFAULT-VALUE})")
        int equalities;

        @Override
        public Integer call() throws IOException {
            CommandLine cl = spec.commandLine();
            Settings qp = common.settings(cl);
            if (trainSize < 1 || trainSize > 9000) {
                throw new ParameterException(cl, "--train-size must be in 1..9000, got " + trainSize);
            }
            Sudoku.Data all = Sudoku.load();
            Sudoku.Data train = all.range(0, trainSize);
            Sudoku.Data test = all.range(9000, all.size());
            double lr = common.learningRate == null ? 0.03 : common.learningRate;
            int epochs = common.epochs == null ? 3 : common.epochs;
            int batch = cl.getParseResult().hasMatchedOption("--batch-size") ? common.batchSize : 100;
            PrintWriter out = cl.getOut();
            out.printf(Locale.ROOT, "sudoku 4x4: %d training and %d test puzzles; QP n=64, learned A %dx64, b = 1, x >= 0,"
                            + " P = 0.1 I, backend %s, tolerance %.0e; Adam %.0e, batch %d, %d epoch(s)%n",
                    train.size(), test.size(), equalities, common.backend, qp.tolerance(), lr, batch, epochs);
            out.flush();
            MultiLayerNetwork net = new MultiLayerNetwork(Sudoku.configuration(equalities, lr, qp, common.backend, common.seed));
            net.init();
            History h = Sudoku.train(net, train, test, epochs, batch, common.progress(cl), out);
            Path png = common.plot("sudoku");
            Plot.learningCurves(png, "sudoku", "mean squared error", "test puzzles solved", h);
            out.printf(Locale.ROOT, "final: %.4f of the test puzzles solved exactly, %.1f ms per batch (last epoch);"
                    + " learning curves: %s%n", h.last().testAccuracy(), h.last().msPerBatch(), png.toAbsolutePath());
            out.flush();
            return 0;
        }
    }
}
