package dev.altdiff.examples.dl4j;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Energy generation scheduling (Donti, Amos &amp; Kolter, "Task-based end-to-end model learning in
 * stochastic optimization", NeurIPS 2017, experiment "power_sched") with the Alt-Diff layer.
 *
 * <p>Data: PJM hourly load (GW) and temperature (°F), 2008–2016 ({@code pjm_load_data_*.txt}: unix
 * time, load, temperature). Hours are taken in America/New_York local time; a duplicated hour keeps
 * its first value, missing hours are filled within their day (forward, then backward). One example
 * per day d whose previous day exists: features = the 24 loads of day d−1, the 24 temperatures of
 * day d, their squares and cubes, the weekday (one-hot, 7), a US federal holiday flag, cos and sin
 * of 2π·day-of-year/365.25 (106 in all); target = the 24 loads of day d. The days are split by date:
 * the first 80 % train, the last 20 % are the held-out test period. Features and targets are
 * standardized with the training statistics (per column).
 *
 * <p>Network (as in Donti et al., without their batch norm/dropout and linear skip part): 106 →
 * dense 200 → ReLU → dense 200 → ReLU → dense 48; the first 24 outputs are the standardized mean,
 * the last 24 give the standardized standard deviation by softplus (+10⁻³). It is trained with a
 * manual loop over DL4J's {@code backpropGradient} + updater (the "external errors" pattern): the
 * error at the outputs is computed here, either of the Gaussian negative log-likelihood (the
 * two-step baseline) or of the realised task cost of the schedule computed by {@link Scheduler}
 * from the prediction, differentiated through the last QP with Alt-Diff (end to end).
 */
public final class Energy {
    public static final int HOURS = 24;
    public static final int FEATURES = 4 * HOURS + 7 + 1 + 2;
    public static final ZoneId ZONE = ZoneId.of("America/New_York");
    private static final double SIGMA_FLOOR = 1e-3;

    private Energy() {
    }

    /** Days in date order: features (raw), the day's 24 loads, its date. */
    public record Days(LocalDate[] dates, double[][] features, double[][] load) {
        public int size() {
            return dates.length;
        }

        public Days range(int from, int to) {
            return new Days(Arrays.copyOfRange(dates, from, to), Arrays.copyOfRange(features, from, to),
                    Arrays.copyOfRange(load, from, to));
        }
    }

    /**
     * Reads every {@code pjm_load_data_*.txt} of {@code dir}.
     *
     * @throws NoSuchFileException when the folder or the files are missing (with the expected names)
     */
    public static Days load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toAbsolutePath() + " (folder of pjm_load_data_*.txt, PJM hourly load and"
                    + " temperature; see the project's shared/data/pjm/SOURCE.txt)");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("pjm_load_data_.*\\.txt")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new NoSuchFileException(dir.toAbsolutePath() + "/pjm_load_data_*.txt (none found)");
        }
        List<String> lines = new ArrayList<>();
        for (Path f : files) {
            lines.addAll(Files.readAllLines(f));
        }
        return parse(lines);
    }

    /** Builds the days from lines "unix-time load temperature" (whitespace separated). */
    public static Days parse(List<String> lines) {
        TreeMap<LocalDate, double[][]> byDay = new TreeMap<>();
        for (String line : lines) {
            String s = line.trim();
            if (s.isEmpty()) {
                continue;
            }
            String[] f = s.split("\\s+");
            if (f.length < 3) {
                throw new IllegalArgumentException("expected 'time load temperature', got: " + line);
            }
            long t = Math.round(Double.parseDouble(f[0]));
            double load = Double.parseDouble(f[1]);
            double temp = Double.parseDouble(f[2]);
            ZonedDateTime at = Instant.ofEpochSecond(t).atZone(ZONE);
            double[][] day = byDay.computeIfAbsent(at.toLocalDate(), d -> {
                double[][] v = new double[2][HOURS];
                Arrays.fill(v[0], Double.NaN);
                Arrays.fill(v[1], Double.NaN);
                return v;
            });
            int h = at.getHour();
            if (Double.isNaN(day[0][h]) && Double.isFinite(load) && Double.isFinite(temp)) {
                day[0][h] = load;
                day[1][h] = temp;
            }
        }
        List<LocalDate> dates = new ArrayList<>();
        List<double[]> features = new ArrayList<>();
        List<double[]> loads = new ArrayList<>();
        for (var e : byDay.entrySet()) {
            LocalDate d = e.getKey();
            double[][] today = e.getValue();
            double[][] yesterday = byDay.get(d.minusDays(1));
            if (yesterday == null || !fill(today[0]) || !fill(today[1]) || !fill(yesterday[0])) {
                continue;
            }
            double[] x = new double[FEATURES];
            int at = 0;
            for (int h = 0; h < HOURS; h++) {
                x[at++] = yesterday[0][h];
            }
            for (int power = 1; power <= 3; power++) {
                for (int h = 0; h < HOURS; h++) {
                    x[at++] = Math.pow(today[1][h], power);
                }
            }
            x[at + d.getDayOfWeek().getValue() - 1] = 1;
            at += 7;
            x[at++] = holiday(d) ? 1 : 0;
            double angle = 2 * Math.PI * d.getDayOfYear() / 365.25;
            x[at++] = Math.cos(angle);
            x[at] = Math.sin(angle);
            dates.add(d);
            features.add(x);
            loads.add(today[0].clone());
        }
        return new Days(dates.toArray(new LocalDate[0]), features.toArray(new double[0][]), loads.toArray(new double[0][]));
    }

    /** Fills NaN hours forward, then backward; false when the day has no value at all. */
    private static boolean fill(double[] v) {
        double last = Double.NaN;
        for (int i = 0; i < v.length; i++) {
            if (Double.isNaN(v[i])) {
                v[i] = last;
            } else {
                last = v[i];
            }
        }
        if (Double.isNaN(last)) {
            return false;
        }
        double next = Double.NaN;
        for (int i = v.length - 1; i >= 0; i--) {
            if (Double.isNaN(v[i])) {
                v[i] = next;
            } else {
                next = v[i];
            }
        }
        return true;
    }

    /** US federal holidays that close most businesses (New Year, Memorial, Independence, Labor, Thanksgiving, Christmas). */
    static boolean holiday(LocalDate d) {
        int y = d.getYear();
        return d.equals(LocalDate.of(y, 1, 1)) || d.equals(LocalDate.of(y, 7, 4)) || d.equals(LocalDate.of(y, 12, 25))
                || d.equals(LocalDate.of(y, 5, 31).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)))
                || d.equals(LocalDate.of(y, 9, 1).with(TemporalAdjusters.firstInMonth(DayOfWeek.MONDAY)))
                || d.equals(LocalDate.of(y, 11, 1).with(TemporalAdjusters.dayOfWeekInMonth(4, DayOfWeek.THURSDAY)));
    }

    /** Per-column mean and standard deviation of the training features and targets. */
    public record Scaling(double[] xMean, double[] xStd, double[] yMean, double[] yStd) {
        public static Scaling fit(Days train) {
            double[][] x = stats(train.features());
            double[][] y = stats(train.load());
            return new Scaling(x[0], x[1], y[0], y[1]);
        }

        private static double[][] stats(double[][] rows) {
            int n = rows[0].length;
            double[] mean = new double[n];
            double[] std = new double[n];
            for (double[] r : rows) {
                for (int j = 0; j < n; j++) {
                    mean[j] += r[j] / rows.length;
                }
            }
            for (double[] r : rows) {
                for (int j = 0; j < n; j++) {
                    std[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / rows.length;
                }
            }
            for (int j = 0; j < n; j++) {
                std[j] = std[j] > 1e-12 ? Math.sqrt(std[j]) : 1;
            }
            return new double[][]{mean, std};
        }

        /** The standardized features of days [from, to) as a B × 106 array. */
        INDArray features(Days days, int[] order, int from, int to) {
            double[][] out = new double[to - from][];
            for (int i = from; i < to; i++) {
                double[] raw = days.features()[order == null ? i : order[i]];
                double[] x = new double[raw.length];
                for (int j = 0; j < raw.length; j++) {
                    x[j] = (raw[j] - xMean[j]) / xStd[j];
                }
                out[i - from] = x;
            }
            return Nd4j.createFromArray(out);
        }
    }

    /** The predictor: inputs → hidden → ReLU → hidden → ReLU → 48 (double precision, Adam). */
    public static MultiLayerConfiguration configuration(int inputs, int hidden, double learningRate, long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).updater(new Adam(learningRate))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().name("hidden-1").nIn(inputs).nOut(hidden).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("hidden-2").nIn(hidden).nOut(hidden).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("mean-and-spread").nIn(hidden).nOut(2 * HOURS)
                        .activation(Activation.IDENTITY).build())
                .build();
    }

    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /** A prediction in load units (GW): mean and standard deviation, B × 24 each, and the raw outputs. */
    public record Forecast(double[][] mu, double[][] sigma, double[][] raw) {
    }

    static Forecast forecast(double[][] out, Scaling s) {
        int b = out.length;
        double[][] mu = new double[b][HOURS];
        double[][] sigma = new double[b][HOURS];
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < HOURS; t++) {
                mu[i][t] = s.yMean()[t] + s.yStd()[t] * out[i][t];
                sigma[i][t] = s.yStd()[t] * (softplus(out[i][HOURS + t]) + SIGMA_FLOOR);
            }
        }
        return new Forecast(mu, sigma, out);
    }

    /** The network's forecast for days [from, to). */
    public static Forecast predict(MultiLayerNetwork net, Scaling s, Days days, int from, int to) {
        return forecast(net.output(s.features(days, null, from, to), false).toDoubleMatrix(), s);
    }

    /** Held-out results: mean task cost per day (Σ over its 24 hours), RMSE of the mean forecast (GW). */
    public record Evaluation(double taskCost, double rmse, double sqpIterations) {
    }

    /** Schedules every day of {@code days} from the network's forecast and prices it on the true loads. */
    public static Evaluation evaluate(MultiLayerNetwork net, Scaling s, Days days, Scheduler scheduler) {
        double cost = 0;
        double se = 0;
        double sqp = 0;
        int batches = 0;
        for (int from = 0; from < days.size(); from += 256) {
            int to = Math.min(days.size(), from + 256);
            Forecast f = predict(net, s, days, from, to);
            Scheduler.Result r = scheduler.schedule(f.mu(), f.sigma(), false);
            for (int i = from; i < to; i++) {
                double[] y = days.load()[i];
                cost += scheduler.cost().dayCost(r.z()[i - from], y);
                for (int t = 0; t < HOURS; t++) {
                    double d = f.mu()[i - from][t] - y[t];
                    se += d * d;
                }
            }
            sqp += r.sqpIterations();
            batches++;
        }
        return new Evaluation(cost / days.size(), Math.sqrt(se / (days.size() * HOURS)), sqp / batches);
    }

    /** Which loss a training phase minimises. */
    public enum Objective {
        /** Gaussian negative log-likelihood of the standardized loads (the two-step baseline). */
        NLL,
        /** The realised task cost of the schedule, through the SQP's last QP (end to end). */
        TASK
    }

    /**
     * Trains {@code net} for {@code epochs} passes over {@code train} (reshuffled each epoch), then
     * evaluates the task cost on {@code test}. History: per minibatch the training loss (NLL per
     * hour, or task cost per day); per epoch the mean training loss, the held-out task cost per day
     * (as {@code testAccuracy}), the ms per minibatch, the QP solves that hit the cap and the mean
     * SQP iteration count per minibatch (as {@code qpIterations}).
     */
    public static History train(MultiLayerNetwork net, Objective objective, Scaling s, Days train, Days test,
                                Scheduler scheduler, int epochs, int batchSize, long seed, int firstEpoch,
                                PrintWriter progress, PrintWriter log) {
        if (epochs < 0 || batchSize < 1) {
            throw new IllegalArgumentException("need epochs >= 0 and batch size >= 1, got " + epochs + ", " + batchSize);
        }
        History history = new History();
        Progress bar = new Progress(progress, 30);
        int n = train.size();
        int batches = (n + batchSize - 1) / batchSize;
        Random random = new Random(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int iteration = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double lossSum = 0;
            long nanos = 0;
            long qpNanos = 0;
            int unsolved = 0;
            long sqp = 0;
            for (int k = 0; k < batches; k++) {
                int from = k * batchSize;
                int to = Math.min(n, from + batchSize);
                long t0 = System.nanoTime();
                INDArray x = s.features(train, order, from, to);
                net.setInput(x);
                List<INDArray> acts = net.feedForward(true, false);
                Forecast f = forecast(acts.get(acts.size() - 1).toDoubleMatrix(), s);
                double[][] y = new double[to - from][];
                for (int i = from; i < to; i++) {
                    y[i - from] = train.load()[order[i]];
                }
                double[][] eps;
                double loss;
                if (objective == Objective.NLL) {
                    double[] l = new double[1];
                    eps = nllError(f, y, s, l);
                    loss = l[0];
                } else {
                    Scheduler.Result r = scheduler.schedule(f.mu(), f.sigma(), true);
                    double[][] dz = new double[y.length][HOURS];
                    loss = 0;
                    for (int b = 0; b < y.length; b++) {
                        loss += scheduler.cost().dayCost(r.z()[b], y[b]) / y.length;
                        for (int t = 0; t < HOURS; t++) {
                            dz[b][t] = scheduler.cost().costDerivative(r.z()[b][t], y[b][t]) / y.length;
                        }
                    }
                    long q0 = System.nanoTime();
                    double[][][] g = scheduler.backward(r, dz);
                    qpNanos += r.qpNanos() + System.nanoTime() - q0;
                    unsolved += r.unsolved();
                    sqp += r.sqpIterations();
                    eps = taskError(f, g[0], g[1], s);
                }
                Pair<Gradient, INDArray> p = net.backpropGradient(Nd4j.createFromArray(eps), LayerWorkspaceMgr.noWorkspaces());
                Gradient gradient = p.getFirst();
                net.getUpdater().update(net, gradient, iteration++, firstEpoch + epoch - 1, to - from,
                        LayerWorkspaceMgr.noWorkspaces());
                net.params().subi(gradient.gradient());
                nanos += System.nanoTime() - t0;
                history.addBatch(loss);
                lossSum += loss;
                bar.update(String.format(Locale.ROOT, "%s epoch %d/%d", objective == Objective.NLL ? "nll" : "task", epoch,
                        epochs), k + 1, batches, String.format(Locale.ROOT, "loss %.4f  %.1f ms/batch", lossSum / (k + 1),
                        nanos / 1e6 / (k + 1)));
            }
            bar.finish();
            net.clear();
            Evaluation ev = evaluate(net, s, test, scheduler);
            History.Epoch e = new History.Epoch(firstEpoch + epoch - 1, lossSum / batches, Double.NaN, ev.taskCost(),
                    nanos / 1e6 / batches, batches, unsolved, (double) sqp / batches);
            history.addEpoch(e);
            if (log != null) {
                log.printf(Locale.ROOT, "%s epoch %d: train %s %.4f; held-out task cost %.3f per day, RMSE %.4f GW;"
                                + " %.1f ms/batch (%d batches of %d)%s%n",
                        objective == Objective.NLL ? "nll" : "task", epoch,
                        objective == Objective.NLL ? "NLL per hour" : "task cost per day", e.trainLoss(), ev.taskCost(),
                        ev.rmse(), e.msPerBatch(), batches, batchSize,
                        objective == Objective.NLL ? "" : String.format(Locale.ROOT,
                                ", of which %.1f ms in the QP solver; %.1f SQP iterations per batch (max over the batch)%s",
                                qpNanos / 1e6 / batches, e.qpIterations(),
                                unsolved > 0 ? "; " + unsolved + " QP solves hit the iteration cap" : ""));
                log.flush();
            }
        }
        return history;
    }

    /**
     * ∂(mean NLL per hour)/∂outputs for standardized targets u = (y − ȳ)/s_y and the standardized
     * forecast m (outputs 0..23), v = softplus(r) + floor (from outputs 24..47):
     * NLL = log v + (u − m)²/(2v²) (+ const).
     */
    static double[][] nllError(Forecast f, double[][] y, Scaling s, double[] loss) {
        int b = y.length;
        double[][] eps = new double[b][2 * HOURS];
        double sum = 0;
        double norm = b * HOURS;
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < HOURS; t++) {
                double u = (y[i][t] - s.yMean()[t]) / s.yStd()[t];
                double m = f.raw()[i][t];
                double r = f.raw()[i][HOURS + t];
                double v = softplus(r) + SIGMA_FLOOR;
                double d = u - m;
                sum += Math.log(v) + d * d / (2 * v * v) + 0.5 * Math.log(2 * Math.PI);
                eps[i][t] = -d / (v * v) / norm;
                eps[i][HOURS + t] = (1 / v - d * d / (v * v * v)) * sigmoid(r) / norm;
            }
        }
        loss[0] = sum / norm;
        return eps;
    }

    /** Maps ∂ℓ/∂μ, ∂ℓ/∂σ (load units) to the raw outputs: μ = ȳ + s_y·m, σ = s_y·(softplus(r) + floor). */
    static double[][] taskError(Forecast f, double[][] dMu, double[][] dSigma, Scaling s) {
        int b = dMu.length;
        double[][] eps = new double[b][2 * HOURS];
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < HOURS; t++) {
                eps[i][t] = dMu[i][t] * s.yStd()[t];
                eps[i][HOURS + t] = dSigma[i][t] * s.yStd()[t] * sigmoid(f.raw()[i][HOURS + t]);
            }
        }
        return eps;
    }
}
