package dev.altdiff.spark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.altdiff.spark.SharedMatrices;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shared matrices file of {@code spark solve --shared}: a JSON object with dense {@code "P"},
 * {@code "A"}, {@code "G"} (arrays of rows; each optional).
 */
final class SharedFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SharedFile() {
    }

    static byte[] json(SharedMatrices m) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("P", m.P());
        out.put("A", m.A());
        out.put("G", m.G());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(out);
    }

    /**
     * @param file the file's name, for messages
     * @throws IOException naming the file and what is wrong with it
     */
    static SharedMatrices parse(String file, byte[] bytes) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected a JSON object with \"P\", \"A\", \"G\"");
        }
        return new SharedMatrices(matrix(file, root, "P"), matrix(file, root, "A"), matrix(file, root, "G"));
    }

    private static double[][] matrix(String file, JsonNode root, String name) throws IOException {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw new IOException(file + ": \"" + name + "\" must be an array of rows");
        }
        double[][] out = new double[node.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode row = node.get(i);
            if (!row.isArray()) {
                throw new IOException(file + ": \"" + name + "\" row " + i + " is not an array");
            }
            out[i] = new double[row.size()];
            for (int j = 0; j < out[i].length; j++) {
                if (!row.get(j).isNumber()) {
                    throw new IOException(file + ": \"" + name + "\"[" + i + "][" + j + "] is not a number");
                }
                out[i][j] = row.get(j).doubleValue();
            }
        }
        return out;
    }
}
