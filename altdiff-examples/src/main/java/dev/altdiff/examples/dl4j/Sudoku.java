package dev.altdiff.examples.dl4j;

import dev.altdiff.api.Settings;
import dev.altdiff.dl4j.AltDiffQpLayer;
import dev.altdiff.dl4j.AltDiffQpLayerImpl;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * OptNet's 4×4 Sudoku experiment (Amos &amp; Kolter 2017, §5.2) through the Alt-Diff layer: learn the
 * equality constraints A of
 * <pre>
 *   x* = argmin ½·0.1‖x‖² − puzzleᵀx   s.t.  Ax = 1,  x ≥ 0
 * </pre>
 * from puzzle/solution pairs, x being the 4×4×4 one-hot board (64 entries, index 16·row + 4·col + digit − 1,
 * blank cells all zero in the puzzle). A (p×64, p = 40 as in OptNet) is the only trainable
 * parameter; the loss is the mean squared error between x* and the one-hot solution. A board is
 * predicted cell by cell as the arg-max digit; a puzzle is solved when all 16 cells are right.
 * (OptNet writes b = Az₀ with a learned z₀; here b = 1, the right-hand side every true Sudoku
 * constraint has, and A starts with positive entries so that {x ≥ 0 : Ax = 1} is not empty.)
 */
public final class Sudoku {
    /** Cells, digits, board size. */
    public static final int CELLS = 16;
    public static final int N = 64;

    /** Puzzles (−one-hot, as q) and solutions (one-hot). */
    public record Data(double[][] q, double[][] solution) {
        public int size() {
            return q.length;
        }

        public Data range(int from, int to) {
            return new Data(java.util.Arrays.copyOfRange(q, from, to), java.util.Arrays.copyOfRange(solution, from, to));
        }

        DataSet batch(int from, int to) {
            return new DataSet(Nd4j.createFromArray(java.util.Arrays.copyOfRange(q, from, to)).castTo(DataType.DOUBLE),
                    Nd4j.createFromArray(java.util.Arrays.copyOfRange(solution, from, to)).castTo(DataType.DOUBLE));
        }
    }

    private Sudoku() {
    }

    /** The bundled 10 000 puzzles of OptNet's 4×4 set (see data/SOURCE.txt). */
    public static Data load() throws IOException {
        try (InputStream raw = Sudoku.class.getResourceAsStream("/dev/altdiff/examples/dl4j/data/sudoku_optnet_4x4.csv")) {
            if (raw == null) {
                throw new IOException("the bundled sudoku_optnet_4x4.csv is missing from the class path");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(raw, StandardCharsets.US_ASCII));
            String header = r.readLine();
            if (header == null || !header.trim().equals("puzzle,solution")) {
                throw new IOException("sudoku_optnet_4x4.csv: unexpected header " + header);
            }
            List<double[]> qs = new ArrayList<>();
            List<double[]> sols = new ArrayList<>();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.trim().split(",");
                if (parts.length != 2 || parts[0].length() != CELLS || parts[1].length() != CELLS) {
                    throw new IOException("sudoku_optnet_4x4.csv line " + (qs.size() + 2) + ": expected two 16-digit boards");
                }
                double[] q = oneHot(parts[0], true);
                for (int i = 0; i < N; i++) {
                    q[i] = q[i] == 0 ? 0 : -q[i];
                }
                qs.add(q);
                sols.add(oneHot(parts[1], false));
            }
            return new Data(qs.toArray(new double[0][]), sols.toArray(new double[0][]));
        }
    }

    private static double[] oneHot(String board, boolean blanksAllowed) throws IOException {
        double[] x = new double[N];
        for (int c = 0; c < CELLS; c++) {
            int d = board.charAt(c) - '0';
            if (d == 0 && blanksAllowed) {
                continue;
            }
            if (d < 1 || d > 4) {
                throw new IOException("invalid cell '" + board.charAt(c) + "' in " + board);
            }
            x[4 * c + d - 1] = 1;
        }
        return x;
    }

    /** @return the network: the QP layer (q = input, A learned) and an MSE loss on x*, DOUBLE */
    public static MultiLayerConfiguration configuration(int equalities, double learningRate, Settings qp, String backend,
                                                        long seed) {
        Random r = new Random(seed);
        double[][] a = new double[equalities][N];
        for (double[] row : a) {
            for (int j = 0; j < N; j++) {
                row[j] = r.nextDouble() / 8;
            }
        }
        double[][] g = new double[N][N];
        for (int i = 0; i < N; i++) {
            g[i][i] = -1;
        }
        double[] b = new double[equalities];
        java.util.Arrays.fill(b, 1.0);
        AltDiffQpLayer layer = new AltDiffQpLayer.Builder().name("altdiff-qp").n(N).pScale(0.1)
                .equalities(equalities).learnA(true).a(a).b(b)
                .inequalities(N).g(g).settings(qp).backend(backend).build();
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).updater(new Adam(learningRate))
                .list()
                .layer(layer)
                .layer(new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build())
                .build();
    }

    /** @return the fraction of puzzles whose arg-max board equals the solution in all 16 cells */
    public static double solvedFraction(MultiLayerNetwork net, Data data, int batchSize) {
        int solved = 0;
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            double[][] x = net.output(data.batch(from, to).getFeatures(), false).toDoubleMatrix();
            for (int i = 0; i < to - from; i++) {
                if (exact(x[i], data.solution()[from + i])) {
                    solved++;
                }
            }
        }
        return data.size() == 0 ? Double.NaN : (double) solved / data.size();
    }

    private static boolean exact(double[] x, double[] solution) {
        for (int c = 0; c < CELLS; c++) {
            int best = 0;
            for (int d = 1; d < 4; d++) {
                if (x[4 * c + d] > x[4 * c + best]) {
                    best = d;
                }
            }
            if (solution[4 * c + best] != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Trains for {@code epochs} passes in minibatches; after each epoch prints the mean loss, the
     * fraction of test puzzles solved exactly and the time per minibatch.
     *
     * @return the per-batch losses and per-epoch summaries (testAccuracy = fraction solved exactly)
     */
    public static History train(MultiLayerNetwork net, Data train, Data test, int epochs, int batchSize,
                                PrintWriter progress, PrintWriter log) {
        History history = new History();
        Progress bar = new Progress(progress, 30);
        int batches = (train.size() + batchSize - 1) / batchSize;
        AltDiffQpLayerImpl qp = (AltDiffQpLayerImpl) net.getLayer(0);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            double lossSum = 0;
            long nanos = 0;
            long iterations = 0;
            int unsolved = 0;
            qp.resetQpNanos();
            for (int k = 0; k < batches; k++) {
                int from = k * batchSize;
                DataSet ds = train.batch(from, Math.min(train.size(), from + batchSize));
                long t0 = System.nanoTime();
                net.fit(ds);
                nanos += System.nanoTime() - t0;
                double loss = net.score();
                history.addBatch(loss);
                lossSum += loss;
                iterations += qp.lastMaxIterations();
                unsolved += qp.lastUnsolved();
                bar.update(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs), k + 1, batches,
                        String.format(Locale.ROOT, "loss %.5f  %.1f ms/batch", lossSum / (k + 1), nanos / 1e6 / (k + 1)));
            }
            bar.finish();
            double qpMs = qp.qpNanos() / 1e6 / batches;
            double solved = solvedFraction(net, test, 250);
            History.Epoch e = new History.Epoch(epoch, lossSum / batches, Double.NaN, solved, nanos / 1e6 / batches,
                    batches, unsolved, (double) iterations / batches);
            history.addEpoch(e);
            if (log != null) {
                log.printf(Locale.ROOT, "epoch %d: train loss %.5f, test puzzles solved exactly %.4f, %.1f ms/batch"
                                + " (%d batches of %d) of which %.1f ms in the QP solver; QP iterations per batch %.0f%s%n",
                        epoch, e.trainLoss(), solved, e.msPerBatch(), batches, batchSize, qpMs, e.qpIterations(),
                        unsolved > 0 ? ", " + unsolved + " QP solves hit the iteration cap" : "");
                log.flush();
            }
        }
        return history;
    }

    /** @return the learned A (p×64) */
    public static INDArray learnedA(MultiLayerNetwork net) {
        return net.getLayer(0).getParam("A");
    }
}
