package dev.altdiff.spark;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Solution;
import dev.altdiff.api.SparseMatrix;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The columns of {@link QpFrames}' input and output DataFrames, and the conversion of one row each way.
 *
 * <p>Input: {@code q} (array&lt;double&gt;, required), {@code b}, {@code h}, {@code v} (array&lt;double&gt;,
 * optional) and, for rows with their own matrices, {@code P}, {@code A}, {@code G}: dense as
 * array&lt;array&lt;double&gt;&gt; (rows), or sparse as a struct of {@code rows}, {@code cols} (int),
 * {@code i}, {@code j} (array&lt;int&gt;, zero-based) and {@code x} (array&lt;double&gt;; repeated
 * entries are summed) — the JSON problem format's triplets. An {@code id} column of any type is
 * carried to the output; a JSON line Spark could not parse ({@code _corrupt_record}) is an invalid row.
 * Other columns are ignored.
 *
 * <p>Output: {@code id} (when the input has one), {@code status} (a {@link dev.altdiff.api.Status}'s
 * {@code jsonName()}, or {@value #INVALID} for a row the solver refuses), {@code error} (why, for
 * those rows), {@code iterations}, {@code objective}, {@code primal_residual}, {@code dual_residual},
 * {@code x}, {@code lambda}, {@code nu}, and as asked {@code grad_q}, {@code grad_b}, {@code grad_h}
 * ({@code grad_P}, {@code grad_A}, {@code grad_G}): present for a row with an upstream gradient v
 * whose status is {@code solved}, null otherwise.
 */
final class RowCodec implements Serializable {
    /** The status of a row the solver refuses (bad shapes, non-finite data, P not PSD, H singular, bad v). */
    static final String INVALID = "invalid_input";

    private static final DataType VECTOR = DataTypes.createArrayType(DataTypes.DoubleType);
    private static final DataType MATRIX = DataTypes.createArrayType(VECTOR);

    private final int id;
    private final int corrupt; // Spark's _corrupt_record of a JSON line it could not parse, or -1
    private final int[] vectors; // q, b, h, v: column index or -1
    private final int[] matrices; // P, A, G
    private final boolean[] triplets;
    private final StructType output;
    private final SolveOptions.GradientBlocks gradients;

    /**
     * @param matrices whether the rows carry their own P, A, G (else they are shared)
     * @throws IllegalArgumentException when q is missing or a column has a type this codec cannot read
     */
    RowCodec(StructType input, boolean matrices, SolveOptions.GradientBlocks gradients) {
        this.gradients = gradients;
        this.id = index(input, "id");
        this.corrupt = index(input, "_corrupt_record");
        this.vectors = new int[]{index(input, "q"), index(input, "b"), index(input, "h"), index(input, "v")};
        if (vectors[0] < 0) {
            throw new IllegalArgumentException("the input has no column q (array<double>); columns: "
                    + String.join(", ", input.fieldNames()));
        }
        for (String name : new String[]{"q", "b", "h", "v"}) {
            requireType(input, name, VECTOR);
        }
        this.matrices = new int[]{-1, -1, -1};
        this.triplets = new boolean[3];
        String[] names = {"P", "A", "G"};
        for (int k = 0; k < 3 && matrices; k++) {
            this.matrices[k] = index(input, names[k]);
            if (this.matrices[k] >= 0) {
                DataType type = input.fields()[this.matrices[k]].dataType();
                triplets[k] = type instanceof StructType;
                if (!triplets[k]) {
                    requireType(input, names[k], MATRIX);
                }
            }
        }
        this.output = output(id < 0 ? null : input.fields()[id], matrices, gradients);
    }

    /** @return the output schema */
    StructType schema() {
        return output;
    }

    /** Decodes one row; a value this codec cannot read becomes the row's error, never an exception. */
    ProblemRow decode(int index, Row row) {
        Object key = id < 0 ? null : row.get(id);
        if (corrupt >= 0 && !row.isNullAt(corrupt)) {
            return ProblemRow.invalid(index, key, "not a JSON object of a problem: " + row.get(corrupt));
        }
        try {
            double[] q = vector(row, vectors[0], "q");
            if (q == null) {
                return ProblemRow.invalid(index, key, "q is missing (null)");
            }
            double[][] dense = new double[3][];
            SparseMatrix[] sparse = new SparseMatrix[3];
            double[][][] full = new double[3][][];
            String[] names = {"P", "A", "G"};
            for (int k = 0; k < 3; k++) {
                if (matrices[k] < 0 || row.isNullAt(matrices[k])) {
                    continue;
                }
                if (triplets[k]) {
                    sparse[k] = triplet(row.getStruct(matrices[k]), names[k]);
                } else {
                    full[k] = matrix(row, matrices[k], names[k]);
                }
            }
            return new ProblemRow(index, key, full[0], full[1], full[2], sparse[0], sparse[1], sparse[2], q,
                    vector(row, vectors[1], "b"), vector(row, vectors[2], "h"),
                    gradients == SolveOptions.GradientBlocks.NONE ? null : vector(row, vectors[3], "v"), null);
        } catch (InvalidProblemException e) {
            return ProblemRow.invalid(index, key, e.getMessage());
        }
    }

    /** @return the output row of a solved row (gradients may be null: not asked, no v, or not solved) */
    Row solved(ProblemRow in, Solution s, Gradients g) {
        List<Object> values = start(in, s.status().jsonName(), null);
        values.add(s.iterations());
        values.add(s.objective());
        values.add(s.primalResidual());
        values.add(s.dualResidual());
        values.add(s.x());
        values.add(s.lambda());
        values.add(s.nu());
        if (gradients != SolveOptions.GradientBlocks.NONE) {
            values.add(g == null ? null : g.q());
            values.add(g == null ? null : g.b());
            values.add(g == null ? null : g.h());
        }
        if (gradients == SolveOptions.GradientBlocks.ALL) {
            values.add(g == null ? null : g.P());
            values.add(g == null ? null : g.A());
            values.add(g == null ? null : g.G());
        }
        return RowFactory.create(values.toArray());
    }

    /** @return the output row of a row the solver refused */
    Row invalid(ProblemRow in, String error) {
        List<Object> values = start(in, INVALID, error);
        while (values.size() < output.size()) {
            values.add(null);
        }
        return RowFactory.create(values.toArray());
    }

    private List<Object> start(ProblemRow in, String status, String error) {
        List<Object> values = new ArrayList<>(output.size());
        if (id >= 0) {
            values.add(in.id());
        }
        values.add(status);
        values.add(error);
        return values;
    }

    private static StructType output(StructField id, boolean matrices, SolveOptions.GradientBlocks gradients) {
        List<StructField> fields = new ArrayList<>();
        if (id != null) {
            fields.add(DataTypes.createStructField("id", id.dataType(), true));
        }
        fields.add(DataTypes.createStructField("status", DataTypes.StringType, false));
        fields.add(DataTypes.createStructField("error", DataTypes.StringType, true));
        fields.add(DataTypes.createStructField("iterations", DataTypes.IntegerType, true));
        for (String name : new String[]{"objective", "primal_residual", "dual_residual"}) {
            fields.add(DataTypes.createStructField(name, DataTypes.DoubleType, true));
        }
        for (String name : new String[]{"x", "lambda", "nu"}) {
            fields.add(DataTypes.createStructField(name, VECTOR, true));
        }
        if (gradients != SolveOptions.GradientBlocks.NONE) {
            for (String name : new String[]{"grad_q", "grad_b", "grad_h"}) {
                fields.add(DataTypes.createStructField(name, VECTOR, true));
            }
        }
        if (gradients == SolveOptions.GradientBlocks.ALL) {
            if (!matrices) {
                throw new IllegalArgumentException("per-row gradients of P, A, G need rows with their own matrices;"
                        + " shared matrices give per-row gradients of q, b, h (GradientBlocks.VECTORS)");
            }
            for (String name : new String[]{"grad_P", "grad_A", "grad_G"}) {
                fields.add(DataTypes.createStructField(name, MATRIX, true));
            }
        }
        return DataTypes.createStructType(fields);
    }

    private static int index(StructType schema, String name) {
        for (int i = 0; i < schema.fields().length; i++) {
            if (schema.fields()[i].name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static void requireType(StructType schema, String name, DataType type) {
        int i = index(schema, name);
        if (i >= 0 && !compatible(schema.fields()[i].dataType(), type)) {
            throw new IllegalArgumentException("column " + name + " has type " + schema.fields()[i].dataType().simpleString()
                    + ", expected " + type.simpleString() + " (numbers of any numeric type)");
        }
    }

    /** Arrays of any numeric type are read as doubles (JSON gives bigint for whole numbers). */
    private static boolean compatible(DataType actual, DataType expected) {
        if (expected instanceof ArrayType e) {
            return actual instanceof ArrayType a && compatible(a.elementType(), e.elementType());
        }
        return actual instanceof org.apache.spark.sql.types.NumericType;
    }

    private static double[] vector(Row row, int column, String name) {
        if (column < 0 || row.isNullAt(column)) {
            return null;
        }
        return doubles(row.getList(column), name);
    }

    private static double[] doubles(List<?> list, String name) {
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object value = list.get(i);
            if (!(value instanceof Number number)) {
                throw new InvalidProblemException(name, i, -1, name + "[" + i + "] is null");
            }
            out[i] = number.doubleValue();
        }
        return out;
    }

    private static double[][] matrix(Row row, int column, String name) {
        List<?> rows = row.getList(column);
        double[][] out = new double[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            Object r = rows.get(i);
            if (r == null) {
                throw new InvalidProblemException(name, i, -1, name + " row " + i + " is null");
            }
            out[i] = doubles(asList(r), name + " row " + i);
        }
        return out;
    }

    private static List<?> asList(Object array) {
        if (array instanceof List<?> list) {
            return list;
        }
        return scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<?>) array);
    }

    private static SparseMatrix triplet(Row t, String name) {
        for (String field : new String[]{"rows", "cols", "i", "j", "x"}) {
            int k = index(t.schema(), field);
            if (k < 0 || t.isNullAt(k)) {
                throw new InvalidProblemException(name, -1, -1, name + ": the triplet field " + field + " is missing");
            }
        }
        int rows = ((Number) t.getAs("rows")).intValue();
        int cols = ((Number) t.getAs("cols")).intValue();
        return SparseMatrix.fromTriplets(name, rows, cols, ints(t.getList(t.fieldIndex("i")), name + ".i"),
                ints(t.getList(t.fieldIndex("j")), name + ".j"), doubles(t.getList(t.fieldIndex("x")), name + ".x"));
    }

    private static int[] ints(List<?> list, String name) {
        double[] d = doubles(list, name);
        int[] out = new int[d.length];
        for (int k = 0; k < d.length; k++) {
            out[k] = (int) d[k];
            if (out[k] != d[k]) {
                throw new InvalidProblemException(name, k, -1, name + "[" + k + "] = " + d[k] + " is not an index");
            }
        }
        return out;
    }
}
