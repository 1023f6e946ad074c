package dev.altdiff.examples.cli;

import dev.altdiff.api.Settings;
import dev.altdiff.examples.dl4j.Classification;
import dev.altdiff.examples.dl4j.ClassifierTraining;
import dev.altdiff.examples.dl4j.Energy;
import dev.altdiff.examples.dl4j.ExpectedCost;
import dev.altdiff.examples.dl4j.History;
import dev.altdiff.examples.dl4j.Plot;
import dev.altdiff.examples.dl4j.QpClassifier;
import dev.altdiff.examples.dl4j.Scheduler;
import dev.altdiff.examples.dl4j.Sudoku;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code altdiff train digits|mnist|sudoku|energy [options]}: the learning examples of the DL4J layer
 * ({@code altdiff-dl4j}); see docs/examples.md. Progress bars go to standard error, one summary line
 * per epoch and the final result to standard output, the learning curves to a PNG.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a network through the Alt-Diff QP layer for DL4J (docs/examples.md).",
        subcommands = {TrainCommand.Digits.class, TrainCommand.Mnist.class, TrainCommand.SudokuCommand.class,
                TrainCommand.EnergyCommand.class})
final class TrainCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing example: digits, mnist, sudoku or energy");
    }

    /** Options every example shares. */
    static final class Common {
        @Mixin
        SolverOptions solver;

        @Option(names = "--epochs", paramLabel = "E", description = "passes over the training set")
        Integer epochs;

        @Option(names = "--batch-size", paramLabel = "B", defaultValue = "64", description = "minibatch size (default: ${DEFAULT-VALUE})")
        int batchSize;

        @Option(names = "--lr", paramLabel = "RATE", description = "Adam's learning rate")
        Double learningRate;

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
            solver.backend(); // an unknown backend is a usage error here, not in the middle of training
            return solver.settings();
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
        return ExitCode.OK;
    }

    @Command(name = "digits", mixinStandardHelpOptions = true, sortOptions = false,
            defaultValueProvider = SolverOptions.Defaults.class,
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
                model = new QpClassifier(64, hidden, equalities, inequalities, 10, lr, qp, common.solver.backendName(), common.seed, 2023);
                model.configuration();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, e.getMessage(), e);
            }
            return classify(cl, common, "digits", all.range(0, 1437), all.range(1437, all.size()), model,
                    common.epochs == null ? 5 : common.epochs);
        }
    }

    @Command(name = "mnist", mixinStandardHelpOptions = true, sortOptions = false,
            defaultValueProvider = SolverOptions.Defaults.class,
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
                return ExitCode.FAILURE;
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
            QpClassifier paper = QpClassifier.mnist(qp, common.solver.backendName(), common.seed);
            QpClassifier model = new QpClassifier(paper.inputs(), paper.hidden(), paper.equalities(), paper.inequalities(),
                    paper.classes(), common.learningRate == null ? paper.learningRate() : common.learningRate, qp,
                    common.solver.backendName(), common.seed, paper.qpSeed());
            return classify(cl, common, "mnist", train, test, model, common.epochs == null ? 1 : common.epochs);
        }
    }

    @Command(name = "sudoku", mixinStandardHelpOptions = true, sortOptions = false,
            defaultValueProvider = SolverOptions.Defaults.class,
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
                    train.size(), test.size(), equalities, common.solver.backendName(), qp.tolerance(), lr, batch, epochs);
            out.flush();
            MultiLayerNetwork net = new MultiLayerNetwork(Sudoku.configuration(equalities, lr, qp, common.solver.backendName(), common.seed));
            net.init();
            History h = Sudoku.train(net, train, test, epochs, batch, common.progress(cl), out);
            Path png = common.plot("sudoku");
            Plot.learningCurves(png, "sudoku", "mean squared error", "test puzzles solved", h);
            out.printf(Locale.ROOT, "final: %.4f of the test puzzles solved exactly, %.1f ms per batch (last epoch);"
                    + " learning curves: %s%n", h.last().testAccuracy(), h.last().msPerBatch(), png.toAbsolutePath());
            out.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "energy", mixinStandardHelpOptions = true, sortOptions = false,
            defaultValueProvider = SolverOptions.Defaults.class,
            description = {"Energy generation scheduling (Donti, Amos & Kolter 2017) on PJM load data 2008-2016: a network"
                    + " 106 -> 200 -> 200 -> 48 forecasts mean and spread of the next day's 24 hourly loads; the schedule"
                    + " minimises the expected cost 50 (y-z)+ + 0.5 (z-y)+ + 0.5 (z-y)^2 under ramp limits |z_t+1 - z_t|"
                    + " <= 0.4 by a sequence of Alt-Diff QPs. Trains by Gaussian likelihood (--nll-epochs), then end to"
                    + " end on the task cost through the last QP (--epochs, starting from the likelihood net), and"
                    + " reports the task cost on the held-out last 20%% of the days for both.",
                    "Defaults of this example: --epochs 3 (task net), --batch-size 32, --lr 1e-4 (task net),"
                            + " --tolerance 1e-6."})
    static final class EnergyCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;

        @Option(names = "--data", paramLabel = "DIR",
                description = "folder of pjm_load_data_*.txt (default: $ALTDIFF_PJM_DATA, else shared/data/pjm or"
                        + " ../shared/data/pjm from the current folder or from the project)")
        Path data;
        @Option(names = "--nll-epochs", paramLabel = "E", defaultValue = "10",
                description = "epochs of the likelihood baseline (default: ${DEFAULT-VALUE})")
        int nllEpochs;
        @Option(names = "--nll-lr", paramLabel = "RATE", defaultValue = "1e-3",
                description = "Adam's learning rate of the baseline (default: ${DEFAULT-VALUE}); --lr is the task net's (default 1e-4)")
        double nllLearningRate;
        @Option(names = "--from-scratch", description = "train the task net from a fresh initialisation instead of the"
                + " likelihood net")
        boolean fromScratch;
        @Option(names = "--hidden", paramLabel = "N", defaultValue = "200", description = "hidden width (default: ${DEFAULT-VALUE})")
        int hidden;
        @Option(names = "--train-limit", paramLabel = "N", description = "use only the last N training days")
        Integer trainLimit;
        @Option(names = "--sqp-iterations", paramLabel = "K", defaultValue = "20",
                description = "SQP iteration cap (default: ${DEFAULT-VALUE})")
        int sqpIterations;
        @Option(names = "--sqp-tolerance", paramLabel = "E", defaultValue = "1e-4",
                description = "SQP stops when the step is below E GW (default: ${DEFAULT-VALUE})")
        double sqpTolerance;

        @Override
        public Integer call() throws IOException {
            CommandLine cl = spec.commandLine();
            Settings qp = common.settings(cl);
            if (!cl.getParseResult().hasMatchedOption("--tolerance")) {
                qp = qp.withTolerance(1e-6);
            }
            int epochs = common.epochs == null ? 3 : common.epochs;
            double lr = common.learningRate == null ? 1e-4 : common.learningRate;
            int batch = cl.getParseResult().hasMatchedOption("--batch-size") ? common.batchSize : 32;
            if (nllEpochs < 0 || !(nllLearningRate > 0) || hidden < 1 || sqpIterations < 1 || !(sqpTolerance > 0)
                    || (trainLimit != null && trainLimit < 1)) {
                throw new ParameterException(cl, "need --nll-epochs >= 0, --nll-lr > 0, --hidden >= 1, --sqp-iterations >= 1,"
                        + " --sqp-tolerance > 0, --train-limit >= 1");
            }
            if (nllEpochs == 0 && !fromScratch) {
                throw new ParameterException(cl, "--nll-epochs 0 needs --from-scratch (the task net starts from the likelihood net)");
            }
            Path dir = dataFolder();
            Energy.Days all;
            try {
                all = Energy.load(dir);
            } catch (IOException | RuntimeException e) {
                cl.getErr().println("altdiff train energy: cannot read the PJM data: " + e.getMessage()
                        + " (give the folder with --data DIR or ALTDIFF_PJM_DATA)");
                cl.getErr().flush();
                return ExitCode.FAILURE;
            }
            int split = (int) Math.round(all.size() * 0.8);
            Energy.Days train = all.range(trainLimit == null ? 0 : Math.max(0, split - trainLimit), split);
            Energy.Days test = all.range(split, all.size());
            Energy.Scaling scaling = Energy.Scaling.fit(train);
            PrintWriter out = cl.getOut();
            out.printf(Locale.ROOT, "energy: %s; %d training days (%s .. %s), %d held-out days (%s .. %s), %d features;"
                            + " network %d -> %d -> ReLU -> %d -> ReLU -> 48 (mean, softplus spread); schedule: SQP (<= %d"
                            + " QPs, step tolerance %.0e GW) of Alt-Diff QPs (n=24, 46 ramp rows, backend %s, tolerance %.0e);"
                            + " batch %d; likelihood net %d epoch(s) Adam %.0e, task net %d epoch(s) Adam %.0e%s%n",
                    dir, train.size(), train.dates()[0], train.dates()[train.size() - 1], test.size(), test.dates()[0],
                    test.dates()[test.size() - 1], Energy.FEATURES, Energy.FEATURES, hidden, hidden, sqpIterations,
                    sqpTolerance, common.solver.backendName(), qp.tolerance(), batch, nllEpochs, nllLearningRate, epochs, lr,
                    fromScratch ? " from scratch" : " from the likelihood net");
            out.flush();
            try (Scheduler scheduler = new Scheduler(ExpectedCost.paper(), Energy.HOURS, ExpectedCost.RAMP, common.solver.backendName(),
                    qp, sqpIterations, sqpTolerance)) {
                MultiLayerNetwork nll = new MultiLayerNetwork(Energy.configuration(Energy.FEATURES, hidden, nllLearningRate,
                        common.seed));
                nll.init();
                History nllHistory = Energy.train(nll, Energy.Objective.NLL, scaling, train, test, scheduler, nllEpochs,
                        batch, common.seed, 1, common.progress(cl), out);
                MultiLayerNetwork task = new MultiLayerNetwork(Energy.configuration(Energy.FEATURES, hidden, lr, common.seed));
                task.init();
                Energy.Evaluation start = null;
                if (!fromScratch) {
                    task.setParams(nll.params().dup());
                    start = Energy.evaluate(nll, scaling, test, scheduler);
                }
                History taskHistory = Energy.train(task, Energy.Objective.TASK, scaling, train, test, scheduler, epochs,
                        batch, common.seed + 1, 1, common.progress(cl), out);
                Energy.Evaluation nllEval = start != null ? start : nllEpochs > 0 ? Energy.evaluate(nll, scaling, test, scheduler) : null;
                Energy.Evaluation taskEval = Energy.evaluate(task, scaling, test, scheduler);
                Path png = common.plot("energy");
                plot(png, nllHistory, taskHistory, fromScratch ? 0 : nllEpochs);
                if (nllEval != null) {
                    out.printf(Locale.ROOT, "held-out task cost per day: likelihood net %.3f (RMSE %.4f GW), end-to-end task net"
                                    + " %.3f (RMSE %.4f GW), %+.1f%%%n",
                            nllEval.taskCost(), nllEval.rmse(), taskEval.taskCost(), taskEval.rmse(),
                            100 * (taskEval.taskCost() - nllEval.taskCost()) / nllEval.taskCost());
                } else {
                    out.printf(Locale.ROOT, "held-out task cost per day: end-to-end task net %.3f (RMSE %.4f GW)%n",
                            taskEval.taskCost(), taskEval.rmse());
                }
                out.printf(Locale.ROOT, "%.1f ms per batch (task net, last epoch), %.1f ms per batch (likelihood net, last epoch);"
                                + " learning curves: %s%n", taskHistory.epochs().isEmpty() ? Double.NaN : taskHistory.last().msPerBatch(),
                        nllHistory.epochs().isEmpty() ? Double.NaN : nllHistory.last().msPerBatch(), png.toAbsolutePath());
                out.flush();
            }
            return ExitCode.OK;
        }

        private Path dataFolder() {
            if (data != null) {
                return data;
            }
            String env = System.getenv("ALTDIFF_PJM_DATA");
            if (env != null && !env.isBlank()) {
                return Path.of(env);
            }
            List<Path> candidates = new ArrayList<>(List.of(Path.of("shared/data/pjm"), Path.of("../shared/data/pjm")));
            try {
                // the project root: altdiff-examples/target/altdiff.jar -> ../..
                Path jar = Path.of(TrainCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                Path root = jar.getParent() == null ? null : jar.getParent().getParent();
                root = root == null ? null : root.getParent();
                if (root != null) {
                    candidates.add(root.resolve("shared/data/pjm"));
                    candidates.add(root.resolve("../shared/data/pjm").normalize());
                    candidates.add(root.resolve("../../shared/data/pjm").normalize());
                }
            } catch (Exception ignored) {
                // no code source: the relative candidates only
            }
            for (Path p : candidates) {
                if (Files.isDirectory(p)) {
                    return p;
                }
            }
            return candidates.get(1);
        }

        /** Left: the task net's minibatch task cost; right: held-out task cost per epoch of both phases. */
        private static void plot(Path png, History nll, History task, int offset) throws IOException {
            List<Plot.Panel> panels = new ArrayList<>();
            List<Double> losses = task.batchLosses();
            int per = task.epochs().isEmpty() ? 1 : task.epochs().get(0).batches();
            double[] bx = new double[losses.size()];
            double[] by = new double[losses.size()];
            for (int i = 0; i < bx.length; i++) {
                bx[i] = offset + (i + 1) / (double) per;
                by[i] = losses.get(i);
            }
            int k = task.epochs().size();
            double[] ex = new double[k];
            double[] ey = new double[k];
            for (int i = 0; i < k; i++) {
                ex[i] = offset + task.epochs().get(i).epoch();
                ey[i] = task.epochs().get(i).trainLoss();
            }
            // the task net's held-out curve starts where the likelihood net ended when it starts from it
            boolean joined = offset > 0 && !nll.epochs().isEmpty();
            double[] tx = new double[k + (joined ? 1 : 0)];
            double[] et = new double[tx.length];
            if (joined) {
                tx[0] = offset;
                et[0] = nll.last().testAccuracy();
            }
            for (int i = 0; i < k; i++) {
                tx[tx.length - k + i] = ex[i];
                et[tx.length - k + i] = task.epochs().get(i).testAccuracy();
            }
            double[] nx = new double[nll.epochs().size()];
            double[] nt = new double[nx.length];
            for (int i = 0; i < nx.length; i++) {
                nx[i] = nll.epochs().get(i).epoch();
                nt[i] = nll.epochs().get(i).testAccuracy();
            }
            panels.add(new Plot.Panel("energy: task net training cost", "epoch", "task cost per day",
                    List.of(new Plot.Series("minibatch", bx, by, new Color(120, 160, 220)),
                            new Plot.Series("epoch mean", ex, ey, new Color(200, 60, 40)))));
            panels.add(new Plot.Panel("energy: held-out task cost", "epoch", "task cost per day",
                    List.of(new Plot.Series("likelihood net", nx, nt, new Color(120, 120, 120)),
                            new Plot.Series("task net", tx, et, new Color(40, 140, 60)))));
            Plot.write(png, panels);
        }
    }
}
