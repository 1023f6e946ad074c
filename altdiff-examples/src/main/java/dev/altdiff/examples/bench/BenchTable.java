package dev.altdiff.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a JMH JSON result file ({@code -rf json -rff FILE}) of the benchmarks in this package into
 * the Markdown table of {@code docs/benchmarks.md}: ns/op per backend and the ratio ND4J / ojAlgo.
 * <pre>{@code java -cp altdiff-examples/target/altdiff.jar dev.altdiff.examples.bench.BenchTable FILE}</pre>
 */
public final class BenchTable {
    private BenchTable() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: BenchTable JMH_RESULT.json");
            System.exit(2);
        }
        System.out.print(table(new ObjectMapper().readTree(Path.of(args[0]).toFile())));
    }

    /** Row key: benchmark name and n; columns: backend → [score, error]. */
    static String table(JsonNode results) {
        Map<String, Map<String, double[]>> rows = new TreeMap<>((x, y) -> {
            String[] a = x.split("\u0000");
            String[] b = y.split("\u0000");
            int c = a[0].compareTo(b[0]);
            return c != 0 ? c : Integer.compare(Integer.parseInt(a[1]), Integer.parseInt(b[1]));
        });
        for (JsonNode r : results) {
            String name = r.get("benchmark").asText();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            JsonNode params = r.get("params");
            String key = name + "\u0000" + params.get("n").asText();
            JsonNode metric = r.get("primaryMetric");
            rows.computeIfAbsent(key, k -> new TreeMap<>()).put(params.get("backend").asText(),
                    new double[] {metric.get("score").asDouble(), metric.get("scoreError").asDouble()});
        }
        StringBuilder out = new StringBuilder();
        out.append("| benchmark | n | ojAlgo ns/op | ND4J ns/op | ND4J / ojAlgo |\n");
        out.append("|---|---:|---:|---:|---:|\n");
        for (Map.Entry<String, Map<String, double[]>> row : rows.entrySet()) {
            String[] key = row.getKey().split("\u0000");
            double[] oj = row.getValue().get("ojalgo");
            double[] nd = row.getValue().get("nd4j");
            out.append("| ").append(key[0]).append(" | ").append(key[1]).append(" | ").append(cell(oj)).append(" | ")
                    .append(cell(nd)).append(" | ")
                    .append(oj != null && nd != null ? String.format(Locale.ROOT, "%.2f", nd[0] / oj[0]) : "–")
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String cell(double[] scoreAndError) {
        if (scoreAndError == null) {
            return "–";
        }
        String error = Double.isNaN(scoreAndError[1]) ? "" : String.format(Locale.ROOT, " ± %,.0f", scoreAndError[1]);
        return String.format(Locale.ROOT, "%,.0f", scoreAndError[0]) + error;
    }
}
