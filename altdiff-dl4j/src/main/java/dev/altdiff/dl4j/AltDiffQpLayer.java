package dev.altdiff.dl4j;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Truncation;
import dev.altdiff.core.BatchSettings;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration of an Alt-Diff QP layer for DL4J: its output, per example, is
 * <pre>
 *   x*(θ) = argmin_x ½xᵀPx + qᵀx   s.t.  Ax = b,  Gx ≤ h
 * </pre>
 * solved by ADMM and differentiated by reverse-mode Alt-Diff on the batched layer of
 * {@code altdiff-core} (the examples of one minibatch share P, A, G: one factorization per batch).
 *
 * <p><b>Shapes.</b> x and q have n entries, A is p×n (p = {@link Builder#equalities}), G is m×n
 * (m = {@link Builder#inequalities}). The layer's input is a minibatch of rows (B × nIn) laid out as
 * <pre>
 *   [ q (n) | h (m, only when h's source is INPUT) | b (p, only when b's source is INPUT) ]
 * </pre>
 * and its output is B × n (nOut = n). nIn is set by {@link Builder#build()} from this layout.
 *
 * <p><b>Parameters</b> (trainable, in the layer's parameter table, row-major 'c' order):
 * <ul>
 *   <li>{@value AltDiffQpParamInitializer#P_FACTOR_KEY} (n×n) when {@link Builder#learnPFactor}: then
 *       P = LLᵀ + εI with ε = {@link Builder#pEpsilon} &gt; 0 (P is positive definite for every L).
 *       Initialised to √c·I with c = {@link Builder#pScale}, i.e. P = (c + ε)I, unless
 *       {@link Builder#pFactorInit} is given. Otherwise P is the fixed {@link Builder#p} matrix, or c·I.</li>
 *   <li>{@value AltDiffQpParamInitializer#A_KEY} (p×n) when {@link Builder#learnA}, initialised to
 *       {@link Builder#a} when given, else by the layer's weight initialisation (fan-in n, fan-out p);
 *       otherwise A is the fixed {@link Builder#a}.</li>
 *   <li>{@value AltDiffQpParamInitializer#G_KEY} (m×n) likewise with {@link Builder#learnG} and {@link Builder#g}.</li>
 *   <li>{@value AltDiffQpParamInitializer#B_KEY} (p) when b's source is {@link Source#PARAMETER} (one b
 *       shared by the batch), initialised to {@link Builder#b} or zeros;
 *       {@value AltDiffQpParamInitializer#H_KEY} (m) likewise for h.</li>
 * </ul>
 *
 * <p><b>Backward.</b> The gradient of each example's q (and h, b from the input) is the layer's
 * epsilon; the gradients of L (from that of P: ∂ℓ/∂L = 2·(∂ℓ/∂P)·L for the symmetric ∂ℓ/∂P), A, G,
 * b, h are summed over the minibatch, as DL4J expects. It is the exact derivative of the truncated
 * ADMM run ({@code ALTDIFF.md} §5); an example whose solve does not reach SOLVED within
 * {@link Builder#maxIterations} gets zero gradients (and is counted, see
 * {@link AltDiffQpLayerImpl#lastUnsolved()}).
 *
 * <p>Serializes to and from JSON with the rest of a {@code MultiLayerConfiguration} (all fields are
 * plain values, arrays and enums).
 */
public class AltDiffQpLayer extends FeedForwardLayer {

    /** Where the vectors b and h come from. */
    public enum Source {
        /** A fixed vector of the configuration (zeros when not given). */
        FIXED,
        /** Per example, from the layer's input (after q; h before b). */
        INPUT,
        /** A trainable parameter shared by the whole batch. */
        PARAMETER
    }

    private int n;
    private int equalities;
    private int inequalities;
    @JsonProperty("pScale")
    private double pScale = 1.0;
    private double[][] p;
    private boolean learnPFactor;
    @JsonProperty("pEpsilon")
    private double pEpsilon = 1e-3;
    @JsonProperty("pFactorInit")
    private double[][] pFactorInit;
    private double[][] a;
    private boolean learnA;
    private double[][] g;
    private boolean learnG;
    private double[] b;
    @JsonProperty("bSource")
    private Source bSource = Source.FIXED;
    private double[] h;
    @JsonProperty("hSource")
    private Source hSource = Source.FIXED;
    private String backend = "ojalgo";
    private double rho = 1.0;
    private double tolerance = 1e-5;
    private int maxIterations = 2000;
    private Truncation truncation = Truncation.RELATIVE_CHANGE;

    /** For JSON deserialization. */
    public AltDiffQpLayer() {
    }

    private AltDiffQpLayer(Builder builder) {
        super(builder);
        this.n = builder.n;
        this.equalities = builder.equalities;
        this.inequalities = builder.inequalities;
        this.pScale = builder.pScale;
        this.p = copy(builder.p);
        this.learnPFactor = builder.learnPFactor;
        this.pEpsilon = builder.pEpsilon;
        this.pFactorInit = copy(builder.pFactorInit);
        this.a = copy(builder.a);
        this.learnA = builder.learnA;
        this.g = copy(builder.g);
        this.learnG = builder.learnG;
        this.b = builder.b == null ? null : builder.b.clone();
        this.bSource = builder.bSource;
        this.h = builder.h == null ? null : builder.h.clone();
        this.hSource = builder.hSource;
        this.backend = builder.backend;
        this.rho = builder.rho;
        this.tolerance = builder.tolerance;
        this.maxIterations = builder.maxIterations;
        this.truncation = builder.truncation;
        validate();
        this.nIn = expectedNIn();
        this.nOut = n;
        initializeConstraints(builder);
    }

    /** @return nIn implied by the input layout: n + (m if h is INPUT) + (p if b is INPUT) */
    @JsonIgnore
    public long expectedNIn() {
        return n + (hSource == Source.INPUT ? inequalities : 0) + (bSource == Source.INPUT ? equalities : 0);
    }

    /** @return the solver settings of the forward pass (and so of the truncated backward) */
    @JsonIgnore
    public Settings settings() {
        return new Settings(rho, tolerance, maxIterations, truncation);
    }

    /**
     * Checks shapes and options.
     *
     * @throws IllegalArgumentException naming the first inconsistent option
     */
    void validate() {
        require(n >= 1, "n must be >= 1, got " + n);
        require(equalities >= 0 && inequalities >= 0, "equalities and inequalities must be >= 0");
        require(equalities <= n || !learnA, "equalities (" + equalities + ") must be <= n (" + n + ")");
        require(Double.isFinite(pScale) && pScale >= 0, "pScale must be finite and >= 0, got " + pScale);
        if (learnPFactor) {
            require(pEpsilon > 0 && Double.isFinite(pEpsilon), "pEpsilon must be finite and > 0, got " + pEpsilon);
            require(p == null, "give either a fixed P or learnPFactor, not both");
            checkMatrix("pFactorInit", pFactorInit, n, n);
        } else {
            checkMatrix("P", p, n, n);
        }
        if (equalities > 0) {
            require(learnA || a != null, "A (" + equalities + "x" + n + ") is needed: give it or set learnA");
        }
        checkMatrix("A", a, equalities, n);
        if (inequalities > 0) {
            require(learnG || g != null, "G (" + inequalities + "x" + n + ") is needed: give it or set learnG");
        }
        checkMatrix("G", g, inequalities, n);
        require(!learnA || equalities > 0, "learnA needs equalities > 0");
        require(!learnG || inequalities > 0, "learnG needs inequalities > 0");
        Objects.requireNonNull(bSource, "bSource");
        Objects.requireNonNull(hSource, "hSource");
        require(b == null || b.length == equalities, "b has length " + (b == null ? 0 : b.length)
                + ", expected equalities = " + equalities);
        require(h == null || h.length == inequalities, "h has length " + (h == null ? 0 : h.length)
                + ", expected inequalities = " + inequalities);
        require(b == null || bSource != Source.INPUT, "b is given but its source is INPUT");
        require(h == null || hSource != Source.INPUT, "h is given but its source is INPUT");
        require(equalities > 0 || bSource == Source.FIXED, "b's source must be FIXED without equalities");
        require(inequalities > 0 || hSource == Source.FIXED, "h's source must be FIXED without inequalities");
        require(backend != null && !backend.isBlank(), "backend must be named (e.g. ojalgo, nd4j)");
        settings(); // validates rho, tolerance, maxIterations, truncation
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("AltDiffQpLayer: " + message);
        }
    }

    private static void checkMatrix(String name, double[][] m, int rows, int cols) {
        if (m == null) {
            return;
        }
        require(m.length == rows, name + " has " + m.length + " rows, expected " + rows);
        for (int i = 0; i < rows; i++) {
            require(m[i] != null && m[i].length == cols, name + " row " + i + " has length "
                    + (m[i] == null ? "null" : String.valueOf(m[i].length)) + ", expected " + cols);
            for (int j = 0; j < cols; j++) {
                require(Double.isFinite(m[i][j]), name + "[" + i + "][" + j + "] is not finite");
            }
        }
    }

    static double[][] copy(double[][] m) {
        if (m == null) {
            return null;
        }
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i] == null ? null : m[i].clone();
        }
        return out;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        validate();
        if (nIn != expectedNIn()) {
            throw new IllegalArgumentException("AltDiffQpLayer (layer " + layerIndex + "): nIn is " + nIn
                    + " but the input layout [q (" + n + ")" + (hSource == Source.INPUT ? " | h (" + inequalities + ")" : "")
                    + (bSource == Source.INPUT ? " | b (" + equalities + ")" : "") + "] needs " + expectedNIn());
        }
        AltDiffQpLayerImpl layer = new AltDiffQpLayerImpl(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        if (!params.isEmpty()) {
            layer.setParamsViewArray(layerParamsView);
        }
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return AltDiffQpParamInitializer.getInstance();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        long params = initializer().numParams(this);
        long updaterState = getIUpdater() == null ? 0 : getIUpdater().stateSize(params);
        // per example: the stored iterates (maxIterations · (n + p + m)) dominate the working memory
        long perExample = (long) maxIterations * (n + equalities + inequalities) + n;
        return new LayerMemoryReport.Builder(layerName, AltDiffQpLayer.class, inputType, out)
                .standardMemory(params, updaterState)
                .workingMemory(0, perExample, MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    @Override
    public AltDiffQpLayer clone() {
        AltDiffQpLayer c = (AltDiffQpLayer) super.clone();
        c.p = copy(p);
        c.pFactorInit = copy(pFactorInit);
        c.a = copy(a);
        c.g = copy(g);
        c.b = b == null ? null : b.clone();
        c.h = h == null ? null : h.clone();
        return c;
    }

    // ---- accessors (the fields are what JSON stores) ----

    /** @return n, the size of x and q */
    public int getN() { return n; }

    /** @return p, the number of equality rows */
    public int getEqualities() { return equalities; }

    /** @return m, the number of inequality rows */
    public int getInequalities() { return inequalities; }

    /** @return c of P = c·I (no fixed P, no learned factor) and of the factor's default initialisation */
    @JsonProperty("pScale")
    public double getPScale() { return pScale; }

    /** @return the fixed P (n×n) or null */
    public double[][] getP() { return copy(p); }

    public boolean isLearnPFactor() { return learnPFactor; }

    /** @return ε of P = LLᵀ + εI */
    @JsonProperty("pEpsilon")
    public double getPEpsilon() { return pEpsilon; }

    /** @return the initial factor L (n×n) or null (√c·I) */
    @JsonProperty("pFactorInit")
    public double[][] getPFactorInit() { return copy(pFactorInit); }

    /** @return the fixed A, or A's initial value when learned (p×n), or null */
    public double[][] getA() { return copy(a); }

    public boolean isLearnA() { return learnA; }

    /** @return the fixed G, or G's initial value when learned (m×n), or null */
    public double[][] getG() { return copy(g); }

    public boolean isLearnG() { return learnG; }

    /** @return the fixed b, or its initial value as a parameter (length p), or null (zeros) */
    public double[] getB() { return b == null ? null : b.clone(); }

    @JsonProperty("bSource")
    public Source getBSource() { return bSource; }

    /** @return the fixed h, or its initial value as a parameter (length m), or null (zeros) */
    public double[] getH() { return h == null ? null : h.clone(); }

    @JsonProperty("hSource")
    public Source getHSource() { return hSource; }

    /** @return the backend's name ({@code dev.altdiff.core.AltDiff#backend}) */
    public String getBackend() { return backend; }

    public double getRho() { return rho; }

    public double getTolerance() { return tolerance; }

    public int getMaxIterations() { return maxIterations; }

    public Truncation getTruncation() { return truncation; }

    /** @return the batch options: failed examples get zero gradients, no warm start */
    @JsonIgnore
    public BatchSettings batchSettings() { return BatchSettings.DEFAULTS; }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AltDiffQpLayer other) || !super.equals(o)) {
            return false;
        }
        return n == other.n && equalities == other.equalities && inequalities == other.inequalities
                && Double.compare(pScale, other.pScale) == 0 && Arrays.deepEquals(p, other.p)
                && learnPFactor == other.learnPFactor && Double.compare(pEpsilon, other.pEpsilon) == 0
                && Arrays.deepEquals(pFactorInit, other.pFactorInit) && Arrays.deepEquals(a, other.a)
                && learnA == other.learnA && Arrays.deepEquals(g, other.g) && learnG == other.learnG
                && Arrays.equals(b, other.b) && bSource == other.bSource && Arrays.equals(h, other.h)
                && hSource == other.hSource && Objects.equals(backend, other.backend)
                && Double.compare(rho, other.rho) == 0 && Double.compare(tolerance, other.tolerance) == 0
                && maxIterations == other.maxIterations && truncation == other.truncation;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), n, equalities, inequalities, pScale, Arrays.deepHashCode(p), learnPFactor,
                pEpsilon, Arrays.deepHashCode(pFactorInit), Arrays.deepHashCode(a), learnA, Arrays.deepHashCode(g),
                learnG, Arrays.hashCode(b), bSource, Arrays.hashCode(h), hSource, backend, rho, tolerance,
                maxIterations, truncation);
    }

    @Override
    public String toString() {
        return "AltDiffQpLayer(n=" + n + ", p=" + equalities + ", m=" + inequalities + ", learnPFactor=" + learnPFactor
                + ", learnA=" + learnA + ", learnG=" + learnG + ", b=" + bSource + ", h=" + hSource
                + ", backend=" + backend + ", " + settings() + ")";
    }

    /**
     * Builds an {@link AltDiffQpLayer}. Required: {@link #n}; with equalities, A (given or learned);
     * with inequalities, G (given or learned). Defaults: P = I, b = h = 0 (FIXED), backend "ojalgo",
     * ρ = 1, ε = 1e-5 with the relative-change rule, 2000 iterations.
     */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private int n;
        private int equalities;
        private int inequalities;
        private double pScale = 1.0;
        private double[][] p;
        private boolean learnPFactor;
        private double pEpsilon = 1e-3;
        private double[][] pFactorInit;
        private double[][] a;
        private boolean learnA;
        private double[][] g;
        private boolean learnG;
        private double[] b;
        private Source bSource = Source.FIXED;
        private double[] h;
        private Source hSource = Source.FIXED;
        private String backend = "ojalgo";
        private double rho = 1.0;
        private double tolerance = 1e-5;
        private int maxIterations = 2000;
        private Truncation truncation = Truncation.RELATIVE_CHANGE;

        /** @param n the size of x (the layer's nOut) and of q */
        public Builder n(int n) { this.n = n; return this; }

        /** @param count p, the number of rows of A */
        public Builder equalities(int count) { this.equalities = count; return this; }

        /** @param count m, the number of rows of G */
        public Builder inequalities(int count) { this.inequalities = count; return this; }

        /** Fixed P = c·I (the default, with c = 1); also the default start of a learned factor, L = √c·I. */
        public Builder pScale(double c) { this.pScale = c; return this; }

        /** Fixed P (n×n, symmetric positive semidefinite; with A, G it must make H nonsingular). */
        public Builder p(double[][] matrix) { this.p = matrix; return this; }

        /** Learn P = LLᵀ + εI through its factor L (n×n). */
        public Builder learnPFactor(boolean learn) { this.learnPFactor = learn; return this; }

        /** ε of P = LLᵀ + εI (default 1e-3). */
        public Builder pEpsilon(double eps) { this.pEpsilon = eps; return this; }

        /** The initial L (n×n) of a learned factor. */
        public Builder pFactorInit(double[][] factor) { this.pFactorInit = factor; return this; }

        /** A (p×n): fixed, or the initial value when learned. */
        public Builder a(double[][] matrix) { this.a = matrix; return this; }

        public Builder learnA(boolean learn) { this.learnA = learn; return this; }

        /** G (m×n): fixed, or the initial value when learned. */
        public Builder g(double[][] matrix) { this.g = matrix; return this; }

        public Builder learnG(boolean learn) { this.learnG = learn; return this; }

        /** b (length p): fixed, or the initial value of a b parameter. */
        public Builder b(double[] vector) { this.b = vector; return this; }

        public Builder bSource(Source source) { this.bSource = source; return this; }

        /** h (length m): fixed, or the initial value of an h parameter. */
        public Builder h(double[] vector) { this.h = vector; return this; }

        public Builder hSource(Source source) { this.hSource = source; return this; }

        /** The linear-algebra backend by name ("ojalgo", "nd4j"). */
        public Builder backend(String name) { this.backend = name; return this; }

        /** ADMM penalty ρ. */
        public Builder rho(double rho) { this.rho = rho; return this; }

        /** Truncation tolerance ε. */
        public Builder tolerance(double tolerance) { this.tolerance = tolerance; return this; }

        public Builder maxIterations(int cap) { this.maxIterations = cap; return this; }

        public Builder truncation(Truncation rule) { this.truncation = rule; return this; }

        /** ρ, ε, the iteration cap and the rule at once. */
        public Builder settings(Settings s) {
            return rho(s.rho()).tolerance(s.tolerance()).maxIterations(s.maxIterations()).truncation(s.truncation());
        }

        /**
         * @throws IllegalArgumentException for inconsistent shapes or options (naming them)
         */
        @Override
        @SuppressWarnings("unchecked")
        public AltDiffQpLayer build() {
            return new AltDiffQpLayer(this);
        }
    }
}
