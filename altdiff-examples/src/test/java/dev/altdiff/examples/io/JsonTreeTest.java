package dev.altdiff.examples.io;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The streaming reader's arrays of numbers, against {@link Double#parseDouble} of the same literals:
 * random rows of random lengths (longer and shorter than the reused buffer, ints then doubles,
 * subnormals, huge exponents, many digits, NaN and the infinities), bit for bit, each at its exact
 * length; and a mixed array after them, which must not see the buffer's earlier contents.
 */
class JsonTreeTest {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void rowsReadBitForBitAtTheirExactLengths(long seed) throws IOException {
        Random r = new Random(seed);
        int rows = 1 + r.nextInt(12);
        List<String[]> literals = new ArrayList<>();
        StringBuilder json = new StringBuilder("{\"rows\": [");
        for (int i = 0; i < rows; i++) {
            int length = r.nextInt(5) == 0 ? r.nextInt(3) : r.nextInt(r.nextBoolean() ? 20 : 3000);
            int intPrefix = r.nextInt(length + 1);
            String[] row = new String[length];
            for (int k = 0; k < length; k++) {
                row[k] = k < intPrefix ? Integer.toString(r.nextInt()) : literal(r);
            }
            literals.add(row);
            json.append(i > 0 ? ", [" : "[").append(String.join(",", row)).append(']');
        }
        json.append("], \"mixed\": [1, 2.5, \"x\"]}");
        JsonTree.Obj root = (JsonTree.Obj) JsonTree.read(new ByteArrayInputStream(
                json.toString().getBytes(StandardCharsets.UTF_8)));
        Object node = root.get("rows"); // rows all of one length ≥ 1 come as one row-major array (Rows)
        List<Object> read = node instanceof JsonTree.Rows matrix ? matrix.asArr().elements()
                : ((JsonTree.Arr) node).elements();
        assertEquals(rows, read.size());
        for (int i = 0; i < rows; i++) {
            JsonTree.Numbers numbers = assertInstanceOf(JsonTree.Numbers.class, read.get(i), "row " + i);
            String[] row = literals.get(i);
            double[] expected = new double[row.length];
            int firstNonInt = -1;
            for (int k = 0; k < row.length; k++) {
                expected[k] = Double.parseDouble(row[k]);
                if (firstNonInt < 0 && !isInt(row[k])) {
                    firstNonInt = k;
                }
            }
            assertEquals(row.length, numbers.length(), "row " + i);
            assertArrayEquals(expected, numbers.doubles(), "row " + i);
            if (node instanceof JsonTree.Rows) { // the file's spelling of the numbers is not kept, only their values
                continue;
            }
            assertEquals(firstNonInt, numbers.firstNonInt(), "row " + i);
            if (firstNonInt < 0) {
                assertNull(numbers.values(), "row " + i + " of ints");
            } else {
                assertEquals(row[firstNonInt], numbers.nonIntText(), "row " + i);
            }
        }
        List<Object> mixed = ((JsonTree.Arr) root.get("mixed")).elements();
        assertEquals(List.of(new JsonTree.Num(1, true, "1"), new JsonTree.Num(2.5, false, "2.5"), "x"), mixed);
    }

    /**
     * Rows of numbers all of one length c ≥ 1 end as one row-major array of their values (ints converted, NaN and the
     * infinities kept), the same numbers the rows read alone give; rows of different lengths, an empty row, a row
     * that is not all numbers, and numbers before the rows stay an array of elements.
     */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void rowsOfOneLengthAreOneRowMajorArray(long seed) throws IOException {
        Random r = new Random(seed);
        int rows = 1 + r.nextInt(30);
        int cols = 1 + r.nextInt(r.nextBoolean() ? 5 : 700);
        String[][] literals = new String[rows][cols];
        StringBuilder json = new StringBuilder("{\"m\": [");
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < cols; k++) {
                literals[i][k] = r.nextBoolean() ? Integer.toString(r.nextInt()) : literal(r);
            }
            json.append(i > 0 ? ", [" : "[").append(String.join(",", literals[i])).append(']');
        }
        json.append("], \"ragged\": [[1, 2], [3]], \"empty\": [[]], \"text\": [[1], [\"x\"]],"
                + " \"prefix\": [1, [2]]}");
        JsonTree.Obj root = (JsonTree.Obj) JsonTree.read(new ByteArrayInputStream(
                json.toString().getBytes(StandardCharsets.UTF_8)));
        JsonTree.Rows m = assertInstanceOf(JsonTree.Rows.class, root.get("m"));
        assertEquals(rows, m.rows());
        assertEquals(cols, m.cols());
        double[] expected = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < cols; k++) {
                expected[i * cols + k] = Double.parseDouble(literals[i][k]);
            }
        }
        assertArrayEquals(expected, m.values());
        for (String key : List.of("ragged", "empty", "text", "prefix")) {
            assertInstanceOf(JsonTree.Arr.class, root.get(key), key);
        }
    }

    private static boolean isInt(String literal) {
        try {
            Integer.parseInt(literal);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** @return a JSON number literal (or NaN, Infinity, -Infinity) of a random kind */
    private static String literal(Random r) {
        return switch (r.nextInt(9)) {
            case 0 -> Double.toString(r.nextGaussian());
            case 1 -> Double.toString(Double.longBitsToDouble(r.nextLong() & 0x000fffffffffffffL)); // subnormal
            case 2 -> (r.nextBoolean() ? "-" : "") + (1 + r.nextInt(9)) + "e" + (r.nextInt(700) - 350); // to 0 or ∞
            case 3 -> String.format("%.40f", r.nextDouble() * 1e6); // many digits
            case 4 -> Long.toString(r.nextLong()); // an integer beyond int
            case 5 -> new String[]{"NaN", "Infinity", "-Infinity", "-0.0", "0.0", "1.0"}[r.nextInt(6)];
            default -> Double.toString((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(600) - 300));
        };
    }
}
