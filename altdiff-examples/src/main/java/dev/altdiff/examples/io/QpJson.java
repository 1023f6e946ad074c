package dev.altdiff.examples.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.NegativeEntropy;
import dev.altdiff.api.objective.Objective;
import dev.altdiff.api.objective.QuadraticObjective;
import dev.altdiff.api.objective.Softplus;
import dev.altdiff.api.objective.WeightedSum;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads the CLI's input files: a problem in the {@code altdiff-qp/1} format and an upstream
 * gradient (a JSON array of numbers).
 * <pre>
 *   {"format":"altdiff-qp/1","name":"…","n":N,"P":[[…],…],"q":[…],"A":[[…]],"b":[…],"G":[[…]],"h":[…]}
 * </pre>
 * Matrices are arrays of rows. "format" and "n" are required; "name", "P", "q", "A"/"b" and
 * "G"/"h" are optional (no P: a linear program; no q: q = 0). Any other key is rejected.
 *
 * <p>P, A and G may instead be sparse triplet objects
 * {@code {"rows":r,"cols":c,"i":[…],"j":[…],"x":[…]}}: entry k is (i[k], j[k]) = x[k], indices
 * zero-based integers, duplicates summed, absent entries zero (see {@link SparseMatrix#fromTriplets});
 * "rows" and "cols" are required (P: n×n, A: p×n, G: m×n with p, m the lengths of b and h). A
 * problem with a triplet block is a sparse problem ({@link QuadraticProgram#isSparse()}), solved
 * without densifying on the ojalgo backend. Structural errors in a triplet object (a missing or
 * unknown key, an index that is not an integer, arrays of different lengths) raise
 * {@link InvalidInputException}; an index out of range or a non-finite value raises
 * {@link dev.altdiff.api.InvalidProblemException} for the block.
 *
 * <p>The reader accepts the non-standard tokens {@code NaN}, {@code Infinity} and
 * {@code -Infinity} as numbers, so that such entries reach the problem's validation and are
 * reported with their block and index rather than as a syntax error. Structural errors (a missing
 * or mistyped key, a row that is not an array, an entry that is not a number) raise
 * {@link InvalidInputException}; shapes, finiteness and the symmetry of P are checked by
 * {@link QuadraticProgram.Builder#build()}, which raises
 * {@link dev.altdiff.api.InvalidProblemException}.
 */
public final class QpJson {
    /** The value of the problem file's "format" key. */
    static final String FORMAT = "altdiff-qp/1";

    private static final List<String> KEYS = List.of("format", "name", "n", "P", "q", "A", "b", "G", "h", "objective");

    /** Lenient about NaN/Infinity (reported later with their index), strict about everything else. */
    static final JsonMapper READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Writes plain JSON; non-ASCII characters (in error messages) are escaped. */
    public static final JsonMapper WRITER = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .build();

    private QpJson() {
    }

    /**
     * @throws InvalidInputException for an unreadable file, malformed JSON or a structural error
     * @throws dev.altdiff.api.InvalidProblemException for invalid problem data
     */
    public static QuadraticProgram readProblem(String file) {
        Parsed parsed = read(file);
        if (parsed.program() != null) {
            throw new InvalidInputException(file + ": this problem has a general \"objective\"; it is not a QP");
        }
        return parsed.qp();
    }

    /** A problem file's content: a QP (no "objective" key) or a general {@link ConvexProgram}. */
    record Parsed(QuadraticProgram qp, ConvexProgram program) {
    }

    /**
     * Reads a QP, or, when the file has an "objective" key (then without "P" and "q"), a general
     * program: {@code "objective": {"type": "entropy", "y": […]}}, {@code {"type": "quadratic", "P": …,
     * "q": …}}, {@code {"type": "linear", "q": …}}, {@code {"type": "softplus", "c": …}} or
     * {@code {"type": "sum", "terms": [{…, "weight": w}, …]}} (weight default 1).
     *
     * @throws InvalidInputException for an unreadable file, malformed JSON or a structural error
     * @throws dev.altdiff.api.InvalidProblemException for invalid problem data
     */
    static Parsed read(String file) {
        JsonNode root = readTree(file, "problem file");
        if (root.isObject() && root.has("objective")) {
            return new Parsed(null, readProgram(file, root));
        }
        return new Parsed(readQp(file, root), null);
    }

    private static ConvexProgram readProgram(String file, JsonNode root) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key) || key.equals("P") || key.equals("q")) {
                throw new InvalidInputException(file + ": unknown key \"" + key + "\" (allowed with \"objective\":"
                        + " format, name, n, objective, A, b, G, h)");
            }
        }
        JsonNode format = root.get("format");
        if (format == null || !format.isTextual() || !FORMAT.equals(format.textValue())) {
            throw new InvalidInputException(file + ": \"format\" must be \"" + FORMAT + "\"");
        }
        Objective f = objective(root.get("objective"), "objective");
        JsonNode nNode = root.get("n");
        if (nNode != null && (!nNode.canConvertToInt() || nNode.intValue() != f.n())) {
            throw new InvalidInputException(file + ": \"n\" = " + nNode + " does not match the objective's n = " + f.n());
        }
        return new ConvexProgram(f, matrix(root, "A"), vector(root.get("b"), "b"), matrix(root, "G"),
                vector(root.get("h"), "h"));
    }

    private static Objective objective(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new InvalidInputException(where + " must be an object with a \"type\"");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new InvalidInputException(where + ".type must be a string");
        }
        String t = type.textValue();
        List<String> allowed = switch (t) {
            case "entropy" -> List.of("type", "y", "weight");
            case "quadratic" -> List.of("type", "P", "q", "weight");
            case "linear" -> List.of("type", "q", "weight");
            case "softplus" -> List.of("type", "c", "weight");
            case "sum" -> List.of("type", "terms", "weight");
            default -> throw new InvalidInputException(where + ".type must be entropy, quadratic, linear, softplus"
                    + " or sum, got \"" + t + "\"");
        };
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new InvalidInputException(where + ": unknown key \"" + key + "\" for type " + t
                        + " (allowed: " + String.join(", ", allowed) + ")");
            }
        }
        return switch (t) {
            case "entropy" -> new NegativeEntropy(required(node, "y", where));
            case "quadratic" -> {
                double[][] pm = matrix(node, "P");
                if (pm == null) {
                    throw new InvalidInputException(where + ".P is missing");
                }
                yield new QuadraticObjective(pm, required(node, "q", where));
            }
            case "linear" -> QuadraticObjective.linear(required(node, "q", where));
            case "softplus" -> new Softplus(required(node, "c", where));
            default -> {
                JsonNode terms = node.get("terms");
                if (terms == null || !terms.isArray() || terms.isEmpty()) {
                    throw new InvalidInputException(where + ".terms must be a non-empty array of objectives");
                }
                List<Objective> list = new ArrayList<>();
                double[] weights = new double[terms.size()];
                for (int i = 0; i < terms.size(); i++) {
                    list.add(objective(terms.get(i), where + ".terms[" + i + "]"));
                    JsonNode w = terms.get(i).get("weight");
                    weights[i] = w == null ? 1.0 : number(w, where + ".terms[" + i + "].weight");
                }
                yield new WeightedSum(list, weights);
            }
        };
    }

    private static double[] required(JsonNode node, String key, String where) {
        double[] v = vector(node.get(key), where + "." + key);
        if (v == null) {
            throw new InvalidInputException(where + "." + key + " is missing");
        }
        return v;
    }

    private static QuadraticProgram readQp(String file, JsonNode root) {
        if (!root.isObject()) {
            throw new InvalidInputException(file + ": a problem file must hold a JSON object, got " + kind(root));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new InvalidInputException(file + ": unknown key \"" + key + "\" (allowed: "
                        + String.join(", ", KEYS) + ")");
            }
        }
        JsonNode format = root.get("format");
        if (format == null) {
            throw new InvalidInputException(file + ": \"format\" is missing (expected \"" + FORMAT + "\")");
        }
        if (!format.isTextual() || !FORMAT.equals(format.textValue())) {
            throw new InvalidInputException(file + ": \"format\" must be \"" + FORMAT + "\", got " + format);
        }
        JsonNode nNode = root.get("n");
        if (nNode == null) {
            throw new InvalidInputException(file + ": \"n\" (the number of variables) is missing");
        }
        if (!nNode.isIntegralNumber() || !nNode.canConvertToInt()) {
            throw new InvalidInputException(file + ": \"n\" must be an integer, got " + nNode);
        }
        QuadraticProgram.Builder builder = QuadraticProgram.builder(nNode.intValue());
        JsonNode name = root.get("name");
        if (name != null) {
            if (!name.isTextual()) {
                throw new InvalidInputException(file + ": \"name\" must be a string, got " + kind(name));
            }
            builder.name(name.textValue());
        }
        builder.q(vector(root.get("q"), "q"));
        JsonNode pNode = root.get("P");
        if (pNode != null && pNode.isObject()) {
            builder.sparseP(triplets(pNode, "P"));
        } else {
            builder.P(matrix(root, "P"));
        }
        JsonNode aNode = root.get("A");
        double[] b = vector(root.get("b"), "b");
        if (aNode != null && aNode.isObject()) {
            builder.sparseEqualities(triplets(aNode, "A"), b);
        } else {
            builder.equalities(matrix(root, "A"), b);
        }
        JsonNode gNode = root.get("G");
        double[] h = vector(root.get("h"), "h");
        if (gNode != null && gNode.isObject()) {
            builder.sparseInequalities(triplets(gNode, "G"), h);
        } else {
            builder.inequalities(matrix(root, "G"), h);
        }
        return builder.build();
    }

    private static final List<String> TRIPLET_KEYS = List.of("rows", "cols", "i", "j", "x");

    /** @return a triplet object {"rows":r,"cols":c,"i":[…],"j":[…],"x":[…]} as a sparse matrix */
    private static SparseMatrix triplets(JsonNode node, String block) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TRIPLET_KEYS.contains(key)) {
                throw new InvalidInputException(block + ": unknown key \"" + key + "\" in a triplet matrix (allowed: "
                        + String.join(", ", TRIPLET_KEYS) + ")");
            }
        }
        int rows = count(node.get("rows"), block + ".rows");
        int cols = count(node.get("cols"), block + ".cols");
        int[] i = indices(node.get("i"), block + ".i");
        int[] j = indices(node.get("j"), block + ".j");
        double[] x = vector(node.get("x"), block + ".x");
        if (x == null) {
            throw new InvalidInputException(block + ".x is missing (a triplet matrix needs rows, cols, i, j and x)");
        }
        if (i.length != j.length || i.length != x.length) {
            throw new InvalidInputException(block + ": i, j and x must have the same length, got " + i.length + ", "
                    + j.length + " and " + x.length);
        }
        return SparseMatrix.fromTriplets(block, rows, cols, i, j, x);
    }

    private static int count(JsonNode node, String where) {
        if (node == null) {
            throw new InvalidInputException(where + " is missing (a triplet matrix needs rows, cols, i, j and x)");
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0) {
            throw new InvalidInputException(where + " must be a non-negative integer, got " + kind(node));
        }
        return node.intValue();
    }

    private static int[] indices(JsonNode node, String where) {
        if (node == null) {
            throw new InvalidInputException(where + " is missing (a triplet matrix needs rows, cols, i, j and x)");
        }
        if (!node.isArray()) {
            throw new InvalidInputException(where + " must be an array of zero-based integer indices, got "
                    + kind(node));
        }
        int[] out = new int[node.size()];
        for (int k = 0; k < out.length; k++) {
            JsonNode e = node.get(k);
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                throw new InvalidInputException(where + "[" + k + "] must be an integer index, got " + kind(e));
            }
            out[k] = e.intValue();
        }
        return out;
    }

    /**
     * Reads an upstream gradient file: a JSON array of numbers (length checked by the caller).
     *
     * @throws InvalidInputException for an unreadable file, malformed JSON or a non-number entry
     */
    public static double[] readVector(String file) {
        JsonNode root = readTree(file, "gradient file");
        double[] v = vector(root, "v");
        if (v == null) {
            throw new InvalidInputException(file + ": a gradient file must hold a JSON array of numbers, got null");
        }
        return v;
    }

    private static JsonNode readTree(String file, String what) {
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw new InvalidInputException("invalid " + what + " path '" + file + "': " + e.getReason(), e);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("cannot read " + what + " " + file + ": no such file", e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + what + " " + file + ": " + e, e);
        }
        JsonNode root;
        try {
            root = READER.readTree(bytes);
        } catch (JacksonException e) {
            String where = "";
            JsonLocation at = e instanceof JsonProcessingException jpe ? jpe.getLocation() : null;
            if (at != null && at.getLineNr() > 0) {
                where = " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            }
            throw new InvalidInputException(file + ": malformed JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + what + " " + file + ": " + e, e);
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidInputException(file + ": the " + what + " is empty");
        }
        return root;
    }

    /** @return the block as rows, or null when the key is absent */
    private static double[][] matrix(JsonNode root, String block) {
        JsonNode node = root.get(block);
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            throw new InvalidInputException(block + " must be an array of rows or (for a QP) a triplet object"
                    + " {\"rows\":r,\"cols\":c,\"i\":[…],\"j\":[…],\"x\":[…]}, got " + kind(node));
        }
        double[][] rows = new double[node.size()][];
        for (int i = 0; i < rows.length; i++) {
            JsonNode row = node.get(i);
            if (!row.isArray()) {
                throw new InvalidInputException(block + " row " + i + " must be an array of numbers, got " + kind(row));
            }
            rows[i] = new double[row.size()];
            for (int j = 0; j < rows[i].length; j++) {
                rows[i][j] = number(row.get(j), block + "[" + i + "][" + j + "]");
            }
        }
        return rows;
    }

    /** @return the vector, or null when node is null (key absent) */
    private static double[] vector(JsonNode node, String block) {
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            throw new InvalidInputException(block + " must be an array of numbers, got " + kind(node));
        }
        double[] v = new double[node.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = number(node.get(i), block + "[" + i + "]");
        }
        return v;
    }

    private static double number(JsonNode node, String where) {
        if (!node.isNumber()) {
            throw new InvalidInputException(where + " must be a number, got " + kind(node));
        }
        return node.doubleValue();
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string (" + node + ")";
            case BOOLEAN -> "a boolean (" + node + ")";
            case NULL -> "null";
            case NUMBER -> "a number (" + node + ")";
            default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
