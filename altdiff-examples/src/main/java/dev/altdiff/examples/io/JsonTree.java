package dev.altdiff.examples.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON document read with Jackson's streaming parser into a small tree whose arrays of numbers
 * are primitive {@code double[]} ({@link Numbers}): a problem file costs about its own arrays in
 * memory (8 bytes per number: each array is read into a reused buffer and copied out at its exact
 * length), not a boxed node per number. An array of rows of numbers, all of one length (a dense matrix), ends as
 * one row-major {@code double[]} ({@link Rows}), which a reader can hand on without another copy: while it is
 * formed, only that matrix is held twice, not every matrix of the file. Objects keep their keys in file order;
 * duplicate keys, trailing tokens and syntax errors are reported by the parser (as
 * {@link com.fasterxml.jackson.core.JsonProcessingException}).
 * NaN, Infinity and -Infinity are accepted as numbers (the problem's validation reports them with
 * their block and index). Nesting deeper than {@link #MAX_DEPTH} and number literals longer than
 * {@link #MAX_NUMBER_LENGTH} characters are refused: neither occurs in a problem file, and both
 * would cost stack or time out of proportion to the file.
 */
final class JsonTree {
    /** The deepest nesting of arrays and objects accepted (a problem file needs 4: objective sums a few more). */
    static final int MAX_DEPTH = 64;
    /** The longest number literal accepted, in characters. */
    static final int MAX_NUMBER_LENGTH = 400;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The JSON null (a Java null means "absent"). */
    static final Object NULL = new Object() {
        @Override public String toString() {
            return "null";
        }
    };

    private JsonTree() {
    }

    /** A JSON object: keys in file order. */
    record Obj(Map<String, Object> fields) {
        Object get(String key) {
            return fields.get(key);
        }
    }

    /** A JSON array that is not all numbers: its elements as {@link Obj}, {@link Numbers}, {@link Num}, … */
    record Arr(List<Object> elements) {
    }

    /**
     * An array of r ≥ 1 arrays of numbers, all of the same length c ≥ 1 (a dense matrix's rows), as one row-major
     * array of r·c doubles (ints converted), made when the array ends.
     */
    record Rows(double[] values, int rows, int cols) {
        /**
         * @return the rows as an {@link Arr} of {@link Numbers} of doubles (copies, for messages and small matrices;
         *     an entry counts as an int by its value, the file's spelling of it being gone)
         */
        Arr asArr() {
            List<Object> elements = new ArrayList<>(rows);
            for (int i = 0; i < rows; i++) {
                double[] row = Arrays.copyOfRange(values, i * cols, (i + 1) * cols);
                int firstNonInt = -1;
                for (int j = 0; j < cols && firstNonInt < 0; j++) {
                    if (!(row[j] == Math.rint(row[j]) && Math.abs(row[j]) <= Integer.MAX_VALUE)) {
                        firstNonInt = j;
                    }
                }
                elements.add(new Numbers(null, row, firstNonInt, firstNonInt < 0 ? null : numberText(row[firstNonInt])));
            }
            return new Arr(elements);
        }
    }

    /** A number: its value, whether it is an integer that fits in an int, and its text (for messages). */
    record Num(double value, boolean isInt, String text) {
    }

    /**
     * An array of numbers (possibly empty): as int[] while every element is an integer that fits in an
     * int (indices cost 4 bytes each), else as double[].
     *
     * @param ints        the numbers when they are all ints (exactly the array's length), else null
     * @param values      the numbers otherwise, else null
     * @param firstNonInt the index of the first element that is not an integer fitting in an int, or -1
     * @param nonIntText  that element's text, or null
     */
    record Numbers(int[] ints, double[] values, int firstNonInt, String nonIntText) {
        int length() {
            return ints != null ? ints.length : values.length;
        }

        /** @return the numbers as doubles (a conversion when they were read as ints) */
        double[] doubles() {
            if (values != null) {
                return values;
            }
            double[] out = new double[ints.length];
            for (int k = 0; k < out.length; k++) {
                out[k] = ints[k];
            }
            return out;
        }

        double get(int k) {
            return ints != null ? ints[k] : values[k];
        }
    }

    /**
     * Reads one JSON value and requires the end of input after it.
     *
     * @return the value, or null for an empty document
     * @throws com.fasterxml.jackson.core.JsonProcessingException for malformed JSON (with its location)
     * @throws IOException when the stream cannot be read
     */
    static Object read(InputStream in) throws IOException {
        try (JsonParser p = FACTORY.createParser(in)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            Object value = value(p, first, 0, new Scratch());
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "trailing token (" + after.asString()
                        + ") after the JSON value");
            }
            return value;
        }
    }

    private static Object value(JsonParser p, JsonToken t, int depth, Scratch scratch) throws IOException {
        return switch (t) {
            case START_OBJECT -> object(p, depth + 1, scratch);
            case START_ARRAY -> array(p, depth + 1, scratch);
            case VALUE_STRING -> p.getText();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> NULL;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(p, t);
            default -> throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected token " + t);
        };
    }

    private static void depth(JsonParser p, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new com.fasterxml.jackson.core.JsonParseException(p, "arrays and objects nested deeper than "
                    + MAX_DEPTH + " levels");
        }
    }

    private static Obj object(JsonParser p, int depth, Scratch scratch) throws IOException {
        depth(p, depth);
        Map<String, Object> fields = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            fields.put(key, value(p, p.nextToken(), depth, scratch));
        }
        return new Obj(fields);
    }

    private static Num number(JsonParser p, JsonToken t) throws IOException {
        return new Num(p.getDoubleValue(), isInt(p, t), p.getText());
    }

    /** @return whether the number token is an integer that fits in an int, after checking its length */
    private static boolean isInt(JsonParser p, JsonToken t) throws IOException {
        if (p.getTextLength() > MAX_NUMBER_LENGTH) {
            throw new com.fasterxml.jackson.core.JsonParseException(p, "a number of " + p.getTextLength()
                    + " characters (at most " + MAX_NUMBER_LENGTH + ")");
        }
        return t == JsonToken.VALUE_NUMBER_INT && p.getTextLength() <= 11
                && p.getNumberType() == JsonParser.NumberType.INT;
    }

    /**
     * The growing buffers of {@link #array}, one pair per document: an array of numbers is read into
     * them and copied out once at its exact length, so reading costs the arrays themselves, not their
     * growth steps.
     */
    private static final class Scratch {
        int[] ints = new int[16];
        double[] values = new double[16];
    }

    /**
     * Numbers go straight into an int[] while they are ints, then into a double[] (both the
     * document's {@link Scratch}, grown by half, and copied out at the end at their exact length);
     * anything else turns the array into an {@link Arr}.
     */
    private static Object array(JsonParser p, int depth, Scratch scratch) throws IOException {
        depth(p, depth);
        int[] ints = scratch.ints;
        double[] values = null;
        int size = 0;
        int firstNonInt = -1;
        String nonIntText = null;
        JsonToken t;
        for (t = p.nextToken(); t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
                t = p.nextToken()) {
            boolean isInt = isInt(p, t);
            if (values == null && isInt) {
                if (size == ints.length) {
                    ints = Arrays.copyOf(ints, grow(p, size));
                    scratch.ints = ints;
                }
                ints[size++] = p.getIntValue();
                continue;
            }
            if (values == null) { // the first element that is not an int: from here on doubles
                values = scratch.values.length >= size ? scratch.values : new double[ints.length];
                for (int k = 0; k < size; k++) {
                    values[k] = ints[k];
                }
                ints = null;
            }
            if (size == values.length) {
                values = Arrays.copyOf(values, grow(p, size));
            }
            scratch.values = values;
            if (firstNonInt < 0 && !isInt) {
                firstNonInt = size;
                nonIntText = p.getText();
            }
            values[size++] = p.getDoubleValue();
        }
        if (t == JsonToken.END_ARRAY) {
            return values == null
                    ? new Numbers(Arrays.copyOf(ints, size), null, -1, null)
                    : new Numbers(null, Arrays.copyOf(values, size), firstNonInt, nonIntText);
        }
        Numbers prefix = new Numbers(ints, values, firstNonInt, nonIntText);
        List<Object> elements = new ArrayList<>(size + 1);
        for (int k = 0; k < size; k++) { // out of the scratch buffers before they are used again
            double v = prefix.get(k);
            boolean isInt = ints != null || k != firstNonInt && v == Math.rint(v) && Math.abs(v) <= Integer.MAX_VALUE;
            elements.add(new Num(v, isInt,
                    k == firstNonInt ? nonIntText : numberText(v)));
        }
        for (; t != JsonToken.END_ARRAY; t = p.nextToken()) {
            elements.add(value(p, t, depth, scratch));
        }
        return size == 0 ? rowsOrArr(elements) : new Arr(elements);
    }

    /**
     * @return the elements as {@link Rows} when they are arrays of numbers all of one length c ≥ 1 (and r·c fits in
     *     one Java array), each row let go once copied; else as an {@link Arr}
     */
    private static Object rowsOrArr(List<Object> elements) {
        int cols = elements.get(0) instanceof Numbers first ? first.length() : 0;
        if (cols == 0 || (long) elements.size() * cols > dev.altdiff.api.Limits.MAX_ARRAY_LENGTH) {
            return new Arr(elements);
        }
        for (Object element : elements) {
            if (!(element instanceof Numbers row) || row.length() != cols) {
                return new Arr(elements);
            }
        }
        double[] values = new double[elements.size() * cols];
        for (int i = 0; i < elements.size(); i++) {
            Numbers row = (Numbers) elements.set(i, null);
            for (int j = 0; j < cols; j++) {
                values[i * cols + j] = row.get(j);
            }
        }
        return new Rows(values, elements.size(), cols);
    }

    private static int grow(JsonParser p, int size) throws IOException {
        long next = size + (size >> 1) + 1L;
        if (next > dev.altdiff.api.Limits.MAX_ARRAY_LENGTH) {
            throw new com.fasterxml.jackson.core.JsonParseException(p, "an array of more than "
                    + dev.altdiff.api.Limits.MAX_ARRAY_LENGTH + " numbers");
        }
        return (int) next;
    }

    private static String numberText(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** @return how a value is named in messages: "an array", "a string ("x")", "a number (1.5)", … */
    static String kind(Object node) {
        if (node instanceof Arr || node instanceof Numbers || node instanceof Rows) {
            return "an array";
        }
        if (node instanceof Obj) {
            return "an object";
        }
        if (node instanceof String s) {
            return "a string (\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\")";
        }
        if (node instanceof Boolean b) {
            return "a boolean (" + b + ")";
        }
        if (node instanceof Num num) {
            return "a number (" + num.text() + ")";
        }
        return "null";
    }
}
