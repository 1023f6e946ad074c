package dev.altdiff.examples.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.NegativeEntropy;
import dev.altdiff.api.objective.Objective;
import dev.altdiff.api.objective.QuadraticObjective;
import dev.altdiff.api.objective.Softplus;
import dev.altdiff.api.objective.WeightedSum;

import dev.altdiff.examples.io.JsonTree.Arr;
import dev.altdiff.examples.io.JsonTree.Num;
import dev.altdiff.examples.io.JsonTree.Numbers;
import dev.altdiff.examples.io.JsonTree.Rows;
import dev.altdiff.examples.io.JsonTree.Obj;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
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
 * <p>The file is read by {@link JsonTree} (Jackson's streaming parser, arrays of numbers straight into
 * {@code double[]}) after {@link InputFiles#check} (a regular file within the size limit).
 * The reader accepts the non-standard tokens {@code NaN}, {@code Infinity} and
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
        Parsed parsed = read(file, InputFiles.defaultMaxBytes());
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
     * @param maxBytes the size limit of the file (see {@link InputFiles})
     * @throws InvalidInputException for an unreadable file, malformed JSON or a structural error
     * @throws dev.altdiff.api.InvalidProblemException for invalid problem data (a
     *         {@link dev.altdiff.api.TooLargeException} for a file over the limit)
     */
    static Parsed read(String file, long maxBytes) {
        Object root = readTree(file, "problem file", maxBytes);
        if (root instanceof Obj obj && obj.get("objective") != null) {
            return new Parsed(null, readProgram(file, obj));
        }
        return new Parsed(readQp(file, root), null);
    }

    private static ConvexProgram readProgram(String file, Obj root) {
        for (String key : root.fields().keySet()) {
            if (!KEYS.contains(key) || key.equals("P") || key.equals("q")) {
                throw new InvalidInputException(file + ": unknown key \"" + key + "\" (allowed with \"objective\":"
                        + " format, name, n, objective, A, b, G, h)");
            }
        }
        Object format = root.get("format");
        if (!FORMAT.equals(format)) {
            throw new InvalidInputException(file + ": \"format\" must be \"" + FORMAT + "\"");
        }
        Objective f = objective(root.get("objective"), "objective");
        Object nNode = root.get("n");
        if (nNode != null && !(nNode instanceof Num num && num.isInt())) {
            throw new InvalidInputException(file + ": \"n\" must be an integer, got " + text(nNode));
        }
        if (nNode != null && (int) ((Num) nNode).value() != f.n()) {
            throw new InvalidInputException(file + ": \"n\" = " + text(nNode) + " does not match the objective's n = "
                    + f.n());
        }
        return new ConvexProgram(f, matrix(root, "A"), vector(root.get("b"), "b"), matrix(root, "G"),
                vector(root.get("h"), "h"));
    }

    private static Objective objective(Object value, String where) {
        if (!(value instanceof Obj node)) {
            throw new InvalidInputException(where + " must be an object with a \"type\"");
        }
        if (!(node.get("type") instanceof String t)) {
            throw new InvalidInputException(where + ".type must be a string");
        }
        List<String> allowed = switch (t) {
            case "entropy" -> List.of("type", "y", "weight");
            case "quadratic" -> List.of("type", "P", "q", "weight");
            case "linear" -> List.of("type", "q", "weight");
            case "softplus" -> List.of("type", "c", "weight");
            case "sum" -> List.of("type", "terms", "weight");
            default -> throw new InvalidInputException(where + ".type must be entropy, quadratic, linear, softplus"
                    + " or sum, got \"" + t + "\"");
        };
        for (String key : node.fields().keySet()) {
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
                List<Object> terms = generic(node.get("terms")) instanceof Arr arr ? arr.elements() : null;
                if (terms == null || terms.isEmpty()) {
                    throw new InvalidInputException(where + ".terms must be a non-empty array of objectives");
                }
                List<Objective> list = new ArrayList<>();
                double[] weights = new double[terms.size()];
                for (int i = 0; i < terms.size(); i++) {
                    list.add(objective(terms.get(i), where + ".terms[" + i + "]"));
                    Object w = ((Obj) terms.get(i)).get("weight");
                    weights[i] = w == null ? 1.0 : number(w, where + ".terms[" + i + "].weight");
                }
                yield new WeightedSum(list, weights);
            }
        };
    }

    private static double[] required(Obj node, String key, String where) {
        double[] v = vector(node.get(key), where + "." + key);
        if (v == null) {
            throw new InvalidInputException(where + "." + key + " is missing");
        }
        return v;
    }

    private static QuadraticProgram readQp(String file, Object rootValue) {
        if (!(rootValue instanceof Obj root)) {
            throw new InvalidInputException(file + ": a problem file must hold a JSON object, got "
                    + JsonTree.kind(rootValue));
        }
        for (String key : root.fields().keySet()) {
            if (!KEYS.contains(key)) {
                throw new InvalidInputException(file + ": unknown key \"" + shorten(key) + "\" (allowed: "
                        + String.join(", ", KEYS) + ")");
            }
        }
        Object format = root.get("format");
        if (format == null) {
            throw new InvalidInputException(file + ": \"format\" is missing (expected \"" + FORMAT + "\")");
        }
        if (!FORMAT.equals(format)) {
            throw new InvalidInputException(file + ": \"format\" must be \"" + FORMAT + "\", got " + text(format));
        }
        Object nNode = root.get("n");
        if (nNode == null) {
            throw new InvalidInputException(file + ": \"n\" (the number of variables) is missing");
        }
        if (!(nNode instanceof Num num) || !num.isInt()) {
            throw new InvalidInputException(file + ": \"n\" must be an integer, got " + text(nNode));
        }
        int n = (int) num.value();
        QuadraticProgram.Builder builder = QuadraticProgram.builder(n);
        Object name = root.get("name");
        if (name != null) {
            if (!(name instanceof String s)) {
                throw new InvalidInputException(file + ": \"name\" must be a string, got " + JsonTree.kind(name));
            }
            builder.name(s);
        }
        builder.q(vector(root.get("q"), "q"));
        // a dense block read as one row-major array (JsonTree.Rows) is handed over, not copied: the file's matrices are
        // then held once, not as the tree's arrays and the problem's copies side by side
        if (root.get("P") instanceof Obj pNode) {
            builder.sparseP(triplets(pNode, "P", n, n));
        } else if (root.get("P") instanceof Rows rows) {
            builder.takeP(rows.rows(), rows.cols(), rows.values());
        } else {
            builder.P(matrix(root, "P"));
        }
        double[] b = vector(root.get("b"), "b");
        if (root.get("A") instanceof Obj aNode) {
            builder.sparseEqualities(triplets(aNode, "A", b == null ? -1 : b.length, n), b);
        } else if (root.get("A") instanceof Rows rows) {
            builder.takeEqualities(rows.rows(), rows.cols(), rows.values(), b);
        } else {
            builder.equalities(matrix(root, "A"), b);
        }
        double[] h = vector(root.get("h"), "h");
        if (root.get("G") instanceof Obj gNode) {
            builder.sparseInequalities(triplets(gNode, "G", h == null ? -1 : h.length, n), h);
        } else if (root.get("G") instanceof Rows rows) {
            builder.takeInequalities(rows.rows(), rows.cols(), rows.values(), h);
        } else {
            builder.inequalities(matrix(root, "G"), h);
        }
        return builder.build();
    }

    private static final List<String> TRIPLET_KEYS = List.of("rows", "cols", "i", "j", "x");

    /**
     * @param rows the rows the block must have (n for P, the length of b or h), or -1 when unknown
     * @param cols the columns it must have (n)
     * @return a triplet object {"rows":r,"cols":c,"i":[…],"j":[…],"x":[…]} as a sparse matrix
     */
    private static SparseMatrix triplets(Obj node, String block, int rows, int cols) {
        for (String key : node.fields().keySet()) {
            if (!TRIPLET_KEYS.contains(key)) {
                throw new InvalidInputException(block + ": unknown key \"" + shorten(key)
                        + "\" in a triplet matrix (allowed: " + String.join(", ", TRIPLET_KEYS) + ")");
            }
        }
        int r = count(node.get("rows"), block + ".rows");
        int c = count(node.get("cols"), block + ".cols");
        if (rows >= 0 && r != rows || c != cols) { // before anything of the declared size is allocated
            throw new dev.altdiff.api.InvalidProblemException(block, -1, -1, block + " is " + r + "x" + c
                    + ", expected " + (rows >= 0 ? rows : "p") + "x" + cols + (block.equals("P") ? " (n×n)"
                    : " (" + (block.equals("A") ? "the length of b" : "the length of h") + " × n)"));
        }
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
        return SparseMatrix.fromTriplets(block, r, c, i, j, x);
    }

    private static int count(Object node, String where) {
        if (node == null) {
            throw new InvalidInputException(where + " is missing (a triplet matrix needs rows, cols, i, j and x)");
        }
        if (!(node instanceof Num num) || !num.isInt() || num.value() < 0) {
            throw new InvalidInputException(where + " must be a non-negative integer, got " + JsonTree.kind(node));
        }
        return (int) num.value();
    }

    private static int[] indices(Object value, String where) {
        Object node = generic(value);
        if (node == null) {
            throw new InvalidInputException(where + " is missing (a triplet matrix needs rows, cols, i, j and x)");
        }
        if (node instanceof Arr arr) {
            for (int k = 0; k < arr.elements().size(); k++) {
                Object e = arr.elements().get(k);
                if (!(e instanceof Num num) || !num.isInt()) {
                    throw new InvalidInputException(where + "[" + k + "] must be an integer index, got "
                            + JsonTree.kind(e));
                }
            }
        }
        if (!(node instanceof Numbers numbers)) {
            throw new InvalidInputException(where + " must be an array of zero-based integer indices, got "
                    + JsonTree.kind(node));
        }
        if (numbers.firstNonInt() >= 0) {
            throw new InvalidInputException(where + "[" + numbers.firstNonInt() + "] must be an integer index, got a"
                    + " number (" + numbers.nonIntText() + ")");
        }
        return numbers.ints(); // read as ints: there is no element that is not one
    }

    /**
     * Reads an upstream gradient file: a JSON array of numbers (length checked by the caller).
     *
     * @param maxBytes the size limit of the file (see {@link InputFiles})
     * @throws InvalidInputException for an unreadable file, malformed JSON or a non-number entry
     */
    public static double[] readVector(String file, long maxBytes) {
        Object root = readTree(file, "gradient file", maxBytes);
        double[] v = vector(root, "v");
        if (v == null) {
            throw new InvalidInputException(file + ": a gradient file must hold a JSON array of numbers, got null");
        }
        return v;
    }

    private static Object readTree(String file, String what, long maxBytes) {
        Object root;
        try (InputStream in = InputFiles.open(file, what, maxBytes)) {
            root = JsonTree.read(in);
        } catch (JsonProcessingException e) {
            String where = "";
            JsonLocation at = e.getLocation();
            if (at != null && at.getLineNr() > 0) {
                where = " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            }
            throw new InvalidInputException(file + ": malformed JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + what + " " + file + ": " + e, e);
        }
        if (root == null) {
            throw new InvalidInputException(file + ": the " + what + " is empty");
        }
        return root;
    }

    /** @return the node, with a {@link Rows} as the {@link Arr} of its rows (where it is not a dense QP block) */
    private static Object generic(Object node) {
        return node instanceof Rows rows ? rows.asArr() : node;
    }

    /** @return the block as rows, or null when the key is absent (the parsed rows are consumed) */
    private static double[][] matrix(Obj root, String block) {
        Object node = generic(root.get(block));
        if (node == null) {
            return null;
        }
        if (node instanceof Numbers numbers && numbers.length() == 0) {
            return new double[0][];
        }
        if (node instanceof Numbers numbers) {
            throw new InvalidInputException(block + " row 0 must be an array of numbers, got a number ("
                    + text(numbers.get(0)) + ")");
        }
        if (!(node instanceof Arr arr)) {
            throw new InvalidInputException(block + " must be an array of rows or (for a QP) a triplet object"
                    + " {\"rows\":r,\"cols\":c,\"i\":[…],\"j\":[…],\"x\":[…]}, got " + JsonTree.kind(node));
        }
        List<Object> elements = arr.elements();
        double[][] rows = new double[elements.size()][];
        for (int i = 0; i < rows.length; i++) {
            Object row = generic(elements.get(i));
            if (row instanceof Arr mixed) {
                vector(mixed, block + "[" + i + "]"); // names the first entry that is not a number
            }
            if (!(row instanceof Numbers numbers)) {
                throw new InvalidInputException(block + " row " + i + " must be an array of numbers, got "
                        + JsonTree.kind(row));
            }
            rows[i] = numbers.doubles();
            elements.set(i, null); // the parsed row (e.g. as int[]) is garbage from here on
        }
        return rows;
    }

    /** @return the vector (the parsed array itself, not a copy), or null when node is null (key absent) */
    private static double[] vector(Object value, String block) {
        Object node = generic(value);
        if (node == null) {
            return null;
        }
        if (node instanceof Arr arr) {
            for (int i = 0; i < arr.elements().size(); i++) {
                number(arr.elements().get(i), block + "[" + i + "]");
            }
        }
        if (!(node instanceof Numbers numbers)) {
            throw new InvalidInputException(block + " must be an array of numbers, got " + JsonTree.kind(node));
        }
        return numbers.doubles();
    }

    private static double number(Object node, String where) {
        if (!(node instanceof Num num)) {
            throw new InvalidInputException(where + " must be a number, got " + JsonTree.kind(node));
        }
        return num.value();
    }

    /** @return a value as it reads in the file, for messages (long strings cut) */
    private static String text(Object node) {
        if (node instanceof Num num) {
            return num.text();
        }
        if (node instanceof String s) {
            return "\"" + shorten(s) + "\"";
        }
        if (node instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
        }
        return JsonTree.kind(node);
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "… (" + s.length() + " characters)" : s;
    }
}
