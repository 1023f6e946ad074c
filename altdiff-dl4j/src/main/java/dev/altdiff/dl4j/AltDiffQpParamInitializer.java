package dev.altdiff.dl4j;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainable parameters of an {@link AltDiffQpLayer}, in this order in the flattened parameter
 * vector (each present only when the configuration learns it; each block row-major, 'c'):
 * L (n×n, P = LLᵀ + εI), A (p×n), G (m×n), b (1×p), h (1×m). L, A and G are weights (weight
 * regularization applies), b and h biases.
 */
public final class AltDiffQpParamInitializer implements ParamInitializer {
    /** The factor L of P = LLᵀ + εI (n×n). */
    public static final String P_FACTOR_KEY = "L";
    /** The equality matrix A (p×n). */
    public static final String A_KEY = "A";
    /** The inequality matrix G (m×n). */
    public static final String G_KEY = "G";
    /** The equality right-hand side b (1×p), shared by the batch. */
    public static final String B_KEY = "b";
    /** The inequality right-hand side h (1×m), shared by the batch. */
    public static final String H_KEY = "h";

    private static final AltDiffQpParamInitializer INSTANCE = new AltDiffQpParamInitializer();

    private AltDiffQpParamInitializer() {
    }

    public static AltDiffQpParamInitializer getInstance() {
        return INSTANCE;
    }

    private static AltDiffQpLayer conf(Layer layer) {
        if (!(layer instanceof AltDiffQpLayer q)) {
            throw new IllegalArgumentException("not an AltDiffQpLayer: " + layer.getClass().getName());
        }
        return q;
    }

    /** @return the shape of each present parameter, in order */
    static Map<String, long[]> shapes(AltDiffQpLayer c) {
        Map<String, long[]> out = new LinkedHashMap<>();
        if (c.isLearnPFactor()) {
            out.put(P_FACTOR_KEY, new long[]{c.getN(), c.getN()});
        }
        if (c.isLearnA()) {
            out.put(A_KEY, new long[]{c.getEqualities(), c.getN()});
        }
        if (c.isLearnG()) {
            out.put(G_KEY, new long[]{c.getInequalities(), c.getN()});
        }
        if (c.getBSource() == AltDiffQpLayer.Source.PARAMETER) {
            out.put(B_KEY, new long[]{1, c.getEqualities()});
        }
        if (c.getHSource() == AltDiffQpLayer.Source.PARAMETER) {
            out.put(H_KEY, new long[]{1, c.getInequalities()});
        }
        return out;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        long total = 0;
        for (long[] s : shapes(conf(layer)).values()) {
            total += s[0] * s[1];
        }
        return total;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.copyOf(shapes(conf(layer)).keySet());
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        List<String> out = new ArrayList<>();
        for (String k : paramKeys(layer)) {
            if (isWeightParam(layer, k)) {
                out.add(k);
            }
        }
        return out;
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        List<String> out = new ArrayList<>();
        for (String k : paramKeys(layer)) {
            if (isBiasParam(layer, k)) {
                out.add(k);
            }
        }
        return out;
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return P_FACTOR_KEY.equals(key) || A_KEY.equals(key) || G_KEY.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return B_KEY.equals(key) || H_KEY.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        AltDiffQpLayer c = conf(conf.getLayer());
        Map<String, INDArray> views = split(c, paramsView);
        for (Map.Entry<String, INDArray> e : views.entrySet()) {
            conf.addVariable(e.getKey());
            if (initializeParams) {
                initialize(c, e.getKey(), e.getValue());
            }
        }
        return Collections.synchronizedMap(views);
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return split(conf(conf.getLayer()), gradientView);
    }

    /** @return the views of the flattened row vector, each reshaped 'c' to its parameter's shape */
    private static Map<String, INDArray> split(AltDiffQpLayer c, INDArray flat) {
        Map<String, long[]> shapes = shapes(c);
        Map<String, INDArray> out = new LinkedHashMap<>();
        if (shapes.isEmpty()) {
            return out;
        }
        long total = 0;
        for (long[] s : shapes.values()) {
            total += s[0] * s[1];
        }
        if (flat == null || flat.length() != total) {
            throw new IllegalStateException("AltDiffQpLayer: expected a parameter view of length " + total + ", got "
                    + (flat == null ? "none" : String.valueOf(flat.length())));
        }
        INDArray row = flat.reshape(1, total);
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long len = e.getValue()[0] * e.getValue()[1];
            INDArray view = row.get(NDArrayIndex.interval(0, 0, true), NDArrayIndex.interval(offset, offset + len));
            out.put(e.getKey(), view.reshape('c', e.getValue()));
            offset += len;
        }
        return out;
    }

    private static void initialize(AltDiffQpLayer c, String key, INDArray view) {
        switch (key) {
            case P_FACTOR_KEY -> {
                if (c.getPFactorInit() != null) {
                    view.assign(Nd4j.createFromArray(c.getPFactorInit()).castTo(view.dataType()));
                } else {
                    view.assign(Nd4j.eye(c.getN()).muli(Math.sqrt(c.getPScale())).castTo(view.dataType()));
                }
            }
            case A_KEY -> initMatrix(c, c.getA(), view);
            case G_KEY -> initMatrix(c, c.getG(), view);
            case B_KEY -> view.assign(c.getB() == null ? Nd4j.zeros(view.dataType(), view.shape())
                    : Nd4j.createFromArray(c.getB()).reshape(view.shape()).castTo(view.dataType()));
            case H_KEY -> view.assign(c.getH() == null ? Nd4j.zeros(view.dataType(), view.shape())
                    : Nd4j.createFromArray(c.getH()).reshape(view.shape()).castTo(view.dataType()));
            default -> throw new IllegalStateException("unknown parameter " + key);
        }
    }

    private static void initMatrix(AltDiffQpLayer c, double[][] given, INDArray view) {
        if (given != null) {
            view.assign(Nd4j.createFromArray(given).castTo(view.dataType()));
            return;
        }
        IWeightInit init = c.getWeightInitFn() == null ? new WeightInitXavier() : c.getWeightInitFn();
        long[] shape = view.shape();
        INDArray fresh = Nd4j.create(view.dataType(), shape[0] * shape[1]).reshape(1, shape[0] * shape[1]);
        INDArray values = init.init(shape[1], shape[0], shape, 'c', fresh);
        view.assign(values.reshape('c', shape));
    }
}
