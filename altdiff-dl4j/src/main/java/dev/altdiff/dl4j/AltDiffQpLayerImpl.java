package dev.altdiff.dl4j;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.core.AltDiff;
import dev.altdiff.core.BatchGradients;
import dev.altdiff.core.BatchLayer;
import dev.altdiff.core.BatchResult;
import dev.altdiff.core.SharedBatch;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static dev.altdiff.dl4j.AltDiffQpParamInitializer.A_KEY;
import static dev.altdiff.dl4j.AltDiffQpParamInitializer.B_KEY;
import static dev.altdiff.dl4j.AltDiffQpParamInitializer.G_KEY;
import static dev.altdiff.dl4j.AltDiffQpParamInitializer.H_KEY;
import static dev.altdiff.dl4j.AltDiffQpParamInitializer.P_FACTOR_KEY;

/**
 * The network-side Alt-Diff QP layer (built from an {@link AltDiffQpLayer} configuration). The
 * forward pass solves the minibatch's B problems with {@link BatchLayer#forward(SharedBatch)} (one
 * factorization of H = P + ρAᵀA + ρGᵀG per call) in double precision, whatever the network's data
 * type; {@link #backpropGradient} runs the batched reverse sweep on the stored iterates of the
 * last training forward pass with the same input.
 */
public class AltDiffQpLayerImpl extends BaseLayer<AltDiffQpLayer> {
    private transient BatchLayer solver;
    private transient BatchResult last;
    private transient INDArray lastInput;
    private transient double[][] lastFactor;
    private int lastUnsolved;
    private int lastMaxIterations;
    private long qpNanos;

    public AltDiffQpLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return false;
    }

    /** @return how many examples of the last forward pass did not reach SOLVED (their gradients are zero) */
    public int lastUnsolved() {
        return lastUnsolved;
    }

    /** @return the largest iteration count K_b of the last forward pass */
    public int lastMaxIterations() {
        return lastMaxIterations;
    }

    /** @return the wall time spent in the QP solver (forward solves and reverse sweeps) since the last reset, ns */
    public long qpNanos() {
        return qpNanos;
    }

    /** Resets {@link #qpNanos()} to zero. */
    public void resetQpNanos() {
        qpNanos = 0;
    }

    private BatchLayer solver() {
        if (solver == null) {
            AltDiffQpLayer c = layerConf();
            solver = new BatchLayer(AltDiff.backend(c.getBackend()), c.settings(), c.batchSettings());
        }
        return solver;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        // inference (training false) records no iterates (BatchLayer.forwardOnly); a backward pass after it
        // solves again, recording
        BatchResult result = solve(training);
        last = training ? result : null;
        lastInput = training ? input : null;
        int batch = result.size();
        int n = layerConf().getN();
        double[] flat = new double[batch * n];
        for (int c = 0; c < batch; c++) {
            System.arraycopy(result.solution(c).x(), 0, flat, c * n, n);
        }
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[]{batch, n}, 'c');
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            out.assign(Nd4j.createFromArray(flat).reshape(batch, n).castTo(dataType));
        }
        return out;
    }

    /** @return whether the layer learns P (its factor), A or G: their gradients need the recorded iterates */
    private static boolean learnsMatrices(AltDiffQpLayer c) {
        return c.isLearnPFactor() || c.isLearnA() || c.isLearnG();
    }

    /** Solves the current input's problems, recording the iterates for a backward pass when asked. */
    private BatchResult solve(boolean record) {
        AltDiffQpLayer c = layerConf();
        int n = c.getN();
        int p = c.getEqualities();
        int m = c.getInequalities();
        if (input.rank() != 2 || input.size(1) != c.expectedNIn()) {
            throw new IllegalArgumentException("AltDiffQpLayer " + layerId() + ": input must be B x " + c.expectedNIn()
                    + " ([q | h | b] as configured), got shape " + java.util.Arrays.toString(input.shape()));
        }
        double[][] in;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            in = input.castTo(DataType.DOUBLE).toDoubleMatrix();
        }
        int batch = in.length;
        double[][] q = new double[batch][];
        double[][] h = m > 0 ? new double[batch][] : null;
        double[][] b = p > 0 ? new double[batch][] : null;
        double[] hShared = m > 0 ? vector(c.getHSource(), H_KEY, c.getH(), m) : null;
        double[] bShared = p > 0 ? vector(c.getBSource(), B_KEY, c.getB(), p) : null;
        for (int s = 0; s < batch; s++) {
            double[] row = in[s];
            q[s] = java.util.Arrays.copyOfRange(row, 0, n);
            int at = n;
            if (m > 0) {
                if (c.getHSource() == AltDiffQpLayer.Source.INPUT) {
                    h[s] = java.util.Arrays.copyOfRange(row, at, at + m);
                    at += m;
                } else {
                    h[s] = hShared;
                }
            }
            if (p > 0) {
                b[s] = c.getBSource() == AltDiffQpLayer.Source.INPUT ? java.util.Arrays.copyOfRange(row, at, at + p) : bShared;
            }
        }
        double[][] matrixP = pMatrix(c);
        double[][] matrixA = p > 0 ? (c.isLearnA() ? param(A_KEY) : c.getA()) : null;
        double[][] matrixG = m > 0 ? (c.isLearnG() ? param(G_KEY) : c.getG()) : null;
        BatchResult result;
        long t0 = System.nanoTime();
        try {
            SharedBatch problems = new SharedBatch(matrixP, matrixA, matrixG, q, b, h);
            // a layer that learns none of P, A, G records the masks alone (the gradients of q, b, h read no iterate)
            result = record ? solver().forward(problems, learnsMatrices(c)) : solver().forwardOnly(problems);
            qpNanos += System.nanoTime() - t0;
        } catch (InvalidProblemException e) {
            throw new IllegalStateException("AltDiffQpLayer " + layerId() + ": " + e.getMessage(), e);
        }
        int unsolved = 0;
        int maxK = 0;
        for (Solution sol : result.solutions()) {
            if (sol.status() != Status.SOLVED) {
                unsolved++;
            }
            maxK = Math.max(maxK, sol.iterations());
        }
        lastUnsolved = unsolved;
        lastMaxIterations = maxK;
        return result;
    }

    /** @return P: LLᵀ + εI (remembering L for the backward pass), the fixed P, or c·I */
    private double[][] pMatrix(AltDiffQpLayer c) {
        int n = c.getN();
        if (c.isLearnPFactor()) {
            double[][] l = param(P_FACTOR_KEY);
            lastFactor = l;
            double[][] out = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double sum = 0;
                    double[] li = l[i];
                    double[] lj = l[j];
                    for (int k = 0; k < n; k++) {
                        sum += li[k] * lj[k];
                    }
                    out[i][j] = sum;
                    out[j][i] = sum;
                }
                out[i][i] += c.getPEpsilon();
            }
            return out;
        }
        if (c.getP() != null) {
            return c.getP();
        }
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            out[i][i] = c.getPScale();
        }
        return out;
    }

    private double[] vector(AltDiffQpLayer.Source source, String key, double[] fixed, int len) {
        return switch (source) {
            case FIXED -> fixed == null ? new double[len] : fixed;
            case PARAMETER -> param(key)[0];
            case INPUT -> null;
        };
    }

    private double[][] param(String key) {
        INDArray value = getParam(key);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return value.castTo(DataType.DOUBLE).toDoubleMatrix();
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        AltDiffQpLayer c = layerConf();
        if (last == null || lastInput != input) {
            last = solve(true);
            lastInput = input;
        }
        int n = c.getN();
        int p = c.getEqualities();
        int m = c.getInequalities();
        int batch = last.size();
        if (epsilon.rank() != 2 || epsilon.size(0) != batch || epsilon.size(1) != n) {
            throw new IllegalArgumentException("AltDiffQpLayer " + layerId() + ": epsilon must be " + batch + " x " + n
                    + ", got " + java.util.Arrays.toString(epsilon.shape()));
        }
        double[][] v;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            v = epsilon.castTo(DataType.DOUBLE).toDoubleMatrix();
        }
        long t0 = System.nanoTime();
        // the shared matrices' gradients cost more than the sweep: formed only for the matrices learned here
        BatchGradients grads = last.backward(v, learnsMatrices(c));
        qpNanos += System.nanoTime() - t0;

        int nIn = (int) c.expectedNIn();
        double[] dIn = new double[batch * nIn];
        double[] bSum = new double[p];
        double[] hSum = new double[m];
        for (int s = 0; s < batch; s++) {
            Gradients g = grads.sample(s);
            System.arraycopy(g.q(), 0, dIn, s * nIn, n);
            int at = n;
            if (m > 0) {
                if (c.getHSource() == AltDiffQpLayer.Source.INPUT) {
                    System.arraycopy(g.h(), 0, dIn, s * nIn + at, m);
                    at += m;
                }
                add(hSum, g.h());
            }
            if (p > 0) {
                if (c.getBSource() == AltDiffQpLayer.Source.INPUT) {
                    System.arraycopy(g.b(), 0, dIn, s * nIn + at, p);
                }
                add(bSum, g.b());
            }
        }

        Gradient gradient = new DefaultGradient();
        Map<String, INDArray> views = gradientViews;
        Gradients shared = grads.shared();
        if (c.isLearnPFactor()) {
            // P = LLᵀ + εI and ∂ℓ/∂P symmetric: ∂ℓ/∂L = 2·(∂ℓ/∂P)·L
            double[][] gp = shared.P();
            double[][] l = lastFactor;
            double[][] gl = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) {
                    double a = 2 * gp[i][k];
                    if (a == 0) {
                        continue;
                    }
                    double[] lk = l[k];
                    double[] out = gl[i];
                    for (int j = 0; j < n; j++) {
                        out[j] += a * lk[j];
                    }
                }
            }
            put(gradient, views, P_FACTOR_KEY, gl);
        }
        if (c.isLearnA()) {
            put(gradient, views, A_KEY, shared.A());
        }
        if (c.isLearnG()) {
            put(gradient, views, G_KEY, shared.G());
        }
        if (c.getBSource() == AltDiffQpLayer.Source.PARAMETER) {
            put(gradient, views, B_KEY, new double[][]{bSum});
        }
        if (c.getHSource() == AltDiffQpLayer.Source.PARAMETER) {
            put(gradient, views, H_KEY, new double[][]{hSum});
        }

        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[]{batch, nIn}, 'c');
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            epsOut.assign(Nd4j.createFromArray(dIn).reshape(batch, nIn).castTo(dataType));
        }
        epsOut = backpropDropOutIfPresent(epsOut);
        return new Pair<>(gradient, epsOut);
    }

    private static void add(double[] sum, double[] x) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += x[i];
        }
    }

    private void put(Gradient gradient, Map<String, INDArray> views, String key, double[][] value) {
        INDArray view = views.get(key);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            view.assign(Nd4j.createFromArray(value).castTo(view.dataType()));
        }
        gradient.gradientForVariable().put(key, view);
    }

    @Override
    public void clear() {
        super.clear();
        last = null;
        lastInput = null;
    }
}
