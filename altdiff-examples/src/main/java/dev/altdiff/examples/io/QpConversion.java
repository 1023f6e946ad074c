package dev.altdiff.examples.io;

import dev.altdiff.api.Limits;
import dev.altdiff.api.QuadraticProgram;

import java.util.ArrayList;
import java.util.List;

/**
 * Converts an {@link MpsModel} to the project's form min ½xᵀPx + qᵀx s.t. Ax = b, Gx ≤ h, with the
 * matrix blocks dense or in compressed columns ({@link Storage}).
 *
 * <ul>
 *   <li><b>Objective:</b> P = Q (QUADOBJ's triangle mirrored), q = c; for OBJSENSE MAX, P = −Q and
 *       q = −c (maximizing f is minimizing −f). The constant c0 is kept in {@link MpsProblem}.</li>
 *   <li><b>Rows</b>, each an interval l ≤ aᵀx ≤ u (see {@link MpsModel}): l = u gives a row of A
 *       (E rows, ranges of width 0); otherwise a finite u gives the row aᵀx ≤ u of G and a finite l
 *       the row −aᵀx ≤ −l; a row with no finite side is dropped. Rows of A and G keep file order.</li>
 *   <li><b>Bounds</b>, after all rows, by column: lower = upper (FX) gives the row x_j = v of A
 *       (one equality rather than two opposite inequalities, which the ADMM handles better);
 *       otherwise a finite upper bound gives x_j ≤ u and a finite lower bound (the default 0
 *       included) −x_j ≤ −l in G. Free sides (FR, MI, PL, ±1e30) give no row. A column with
 *       lower &gt; upper keeps both rows (the problem is infeasible) and a warning.</li>
 * </ul>
 * Sizes: n = columns, p = E rows + fixed columns, m = one or two per L/G/ranged row plus one per
 * finite bound. {@link #shape} gives them without building anything, so that a caller can refuse
 * a problem too large to densify, and {@link #prefersSparse} whether to.
 */
public final class QpConversion {
    private QpConversion() {
    }

    /**
     * The dimensions of the converted problem.
     *
     * @param n         variables
     * @param p         rows of A
     * @param m         rows of G
     * @param quadratic whether P is present
     */
    public record Shape(int n, int p, int m, boolean quadratic) {
        /** @return doubles of the dense blocks P (when quadratic), A and G: n² + (p + m)·n */
        public long denseDoubles() {
            return (quadratic ? (long) n * n : 0L) + ((long) p + m) * n;
        }
    }

    /** @return the dimensions {@link #convert} will produce, computed from the sparse model */
    public static Shape shape(MpsModel model) {
        int p = 0;
        int m = 0;
        for (int i = 0; i < model.rows(); i++) {
            double lo = model.rowLower(i);
            double hi = model.rowUpper(i);
            if (lo == hi) {
                p++;
            } else {
                m += (Double.isFinite(hi) ? 1 : 0) + (Double.isFinite(lo) ? 1 : 0);
            }
        }
        for (int j = 0; j < model.columns(); j++) {
            double lo = model.lower(j);
            double hi = model.upper(j);
            if (lo == hi) {
                p++;
            } else {
                m += (Double.isFinite(hi) ? 1 : 0) + (Double.isFinite(lo) ? 1 : 0);
            }
        }
        return new Shape(model.columns(), p, m, model.quadratic());
    }

    /** How {@link #convert(MpsModel, Storage)} stores the matrix blocks P, A, G. */
    public enum Storage {
        /** Dense rows: every feature (forward mode, {@code --method kkt}, gradients of P, A, G) applies. */
        DENSE,
        /** Compressed columns, nothing n×n formed: the sparse path (ojalgo; reverse mode for q, b, h). */
        SPARSE,
        /** {@link #SPARSE} when {@link #prefersSparse} says so, else {@link #DENSE}. */
        AUTO
    }

    /** {@link Storage#AUTO} stores sparse from this many doubles of dense blocks (P, A, G) on. */
    public static final long SPARSE_FROM_DOUBLES = 100_000;

    /** {@link Storage#AUTO} stores sparse when at most this fraction of the dense blocks' entries is nonzero. */
    public static final double SPARSE_DENSITY = 0.05;

    /**
     * @return whether the converted blocks are large ({@value #SPARSE_FROM_DOUBLES} doubles or more dense)
     *         and sparse (at most {@value #SPARSE_DENSITY} of their entries nonzero): then each ADMM iteration
     *         and the factorization cost what the nonzeros cost, instead of n² + (p + m)n and n³
     */
    public static boolean prefersSparse(MpsModel model) {
        Shape shape = shape(model);
        long dense = shape.denseDoubles();
        if (dense < SPARSE_FROM_DOUBLES) {
            return false;
        }
        long nonzeros = 2L * model.quadraticEntries() + 2L * model.entries() + shape.p() + shape.m();
        return nonzeros <= SPARSE_DENSITY * dense;
    }

    /** The dense problem ({@link Storage#DENSE}). */
    public static MpsProblem convert(MpsModel model) {
        return convert(model, Storage.DENSE);
    }

    /**
     * Builds the problem, its blocks stored as asked.
     *
     * @throws dev.altdiff.api.InvalidProblemException if the problem's own validation fails (it
     *         should not for a model the reader accepted)
     */
    public static MpsProblem convert(MpsModel model, Storage storage) {
        int n = model.columns();
        Shape shape = shape(model);
        boolean sparse = storage == Storage.SPARSE || storage == Storage.AUTO && prefersSparse(model);
        if (!sparse) { // the dense blocks this conversion forms, checked before any is allocated (issue 18)
            long denseRows = (long) shape.p() + shape.m() + (model.quadratic() ? n : 0);
            Limits.length(shape.m() >= shape.p() ? "G" : "A", Math.max(shape.p(), shape.m()) * (long) n,
                    "the dense constraint rows, " + Math.max(shape.p(), shape.m()) + "×" + n);
            if (model.quadratic()) {
                Limits.length("P", (long) n * n, "P as a dense " + n + "×" + n + " matrix");
            }
            Limits.requireBytes(model.quadratic() ? "P, A and G" : "A and G",
                    Limits.times(Limits.times(denseRows, n), Double.BYTES),
                    "the dense blocks of " + n + " columns (" + shape.p() + " equality and " + shape.m()
                            + " inequality rows" + (model.quadratic() ? ", P n×n" : "") + ")");
        }
        double sign = model.maximize() ? -1.0 : 1.0;
        List<String> warnings = new ArrayList<>(model.warnings());

        double[] q = model.objective();
        for (int j = 0; j < n; j++) {
            q[j] *= sign;
        }

        // sparse rows of the constraint matrix
        int rows = model.rows();
        int[] count = new int[rows];
        for (int k = 0; k < model.entries(); k++) {
            count[model.entryRow(k)]++;
        }
        int[][] cols = new int[rows][];
        double[][] vals = new double[rows][];
        for (int i = 0; i < rows; i++) {
            cols[i] = new int[count[i]];
            vals[i] = new double[count[i]];
            count[i] = 0;
        }
        for (int k = 0; k < model.entries(); k++) {
            int i = model.entryRow(k);
            cols[i][count[i]] = model.entryColumn(k);
            vals[i][count[i]] = model.entryValue(k);
            count[i]++;
        }

        Rows a = new Rows(shape.p());
        double[] b = new double[shape.p()];
        Rows g = new Rows(shape.m());
        double[] h = new double[shape.m()];
        List<String> eqNames = new ArrayList<>(shape.p());
        List<String> ineqNames = new ArrayList<>(shape.m());
        int equalityRows = 0;
        int upperRows = 0;
        int lowerRows = 0;
        int rangedRows = 0;
        int freeRows = 0;
        for (int i = 0; i < rows; i++) {
            String name = model.rowNames().get(i);
            double lo = model.rowLower(i);
            double hi = model.rowUpper(i);
            boolean ranged = model.rowType(i) == 'E' ? lo != hi
                    : Double.isFinite(lo) && Double.isFinite(hi);
            if (ranged) {
                rangedRows++;
            }
            if (lo == hi) {
                b[a.size] = hi;
                a.add(cols[i], vals[i], 1.0);
                eqNames.add(name);
                equalityRows++;
                continue;
            }
            if (!Double.isFinite(lo) && !Double.isFinite(hi)) {
                freeRows++;
                warnings.add("row '" + name + "' has no finite side and is dropped");
                continue;
            }
            if (lo > hi) {
                warnings.add("row '" + name + "' has lower side " + lo + " > upper side " + hi + ": infeasible");
            }
            if (Double.isFinite(hi)) {
                h[g.size] = hi;
                g.add(cols[i], vals[i], 1.0);
                ineqNames.add(name + "<=");
                upperRows++;
            }
            if (Double.isFinite(lo)) {
                h[g.size] = -lo;
                g.add(cols[i], vals[i], -1.0);
                ineqNames.add(name + ">=");
                lowerRows++;
            }
        }
        int fixed = 0;
        int upperBounds = 0;
        int lowerBounds = 0;
        int freeColumns = 0;
        double[] one = {1.0};
        for (int j = 0; j < n; j++) {
            String name = model.columnNames().get(j);
            double lo = model.lower(j);
            double hi = model.upper(j);
            int[] column = {j};
            if (lo == hi) {
                b[a.size] = lo;
                a.add(column, one, 1.0);
                eqNames.add(name + "=fixed");
                fixed++;
                continue;
            }
            if (lo > hi) {
                warnings.add("column '" + name + "' has lower bound " + lo + " > upper bound " + hi + ": infeasible");
            }
            if (!Double.isFinite(lo) && !Double.isFinite(hi)) {
                freeColumns++;
            }
            if (Double.isFinite(hi)) {
                h[g.size] = hi;
                g.add(column, one, 1.0);
                ineqNames.add(name + "<=ub");
                upperBounds++;
            }
            if (Double.isFinite(lo)) {
                h[g.size] = -lo;
                g.add(column, one, -1.0);
                ineqNames.add(name + ">=lb");
                lowerBounds++;
            }
        }
        QuadraticProgram.Builder builder = QuadraticProgram.builder(n).name(model.name()).q(q);
        if (model.quadratic()) {
            quadratic(model, sign, sparse, builder);
        }
        if (shape.p() > 0) {
            if (sparse) {
                builder.sparseEqualities(a.sparse("A", n), b);
            } else {
                builder.equalities(a.dense(n), b);
            }
        }
        if (shape.m() > 0) {
            if (sparse) {
                builder.sparseInequalities(g.sparse("G", n), h);
            } else {
                builder.inequalities(g.dense(n), h);
            }
        }
        MpsProblem.Mapping mapping = new MpsProblem.Mapping(equalityRows, upperRows, lowerRows, rangedRows, freeRows,
                fixed, upperBounds, lowerBounds, freeColumns, model.integerColumns());
        return new MpsProblem(builder.build(), model.name(), model.objectiveConstant(), model.maximize(),
                model.format(), model.columnNames(), model.rowNames(), eqNames, ineqNames, mapping, warnings);
    }

    /** P = sign·Q with QUADOBJ's triangle mirrored, dense or in compressed columns. */
    private static void quadratic(MpsModel model, double sign, boolean sparse, QuadraticProgram.Builder builder) {
        int n = model.columns();
        int entries = model.quadraticEntries();
        if (!sparse) {
            double[][] pm = new double[n][n];
            for (int k = 0; k < entries; k++) {
                int r = model.quadraticRow(k);
                int c = model.quadraticColumn(k);
                double v = sign * model.quadraticValue(k);
                pm[r][c] = v;
                pm[c][r] = v;
            }
            builder.P(pm);
            return;
        }
        int[] i = new int[2 * entries];
        int[] j = new int[2 * entries];
        double[] x = new double[2 * entries];
        int e = 0;
        for (int k = 0; k < entries; k++) {
            int r = model.quadraticRow(k);
            int c = model.quadraticColumn(k);
            double v = sign * model.quadraticValue(k);
            i[e] = r;
            j[e] = c;
            x[e++] = v;
            if (r != c) {
                i[e] = c;
                j[e] = r;
                x[e++] = v;
            }
        }
        builder.sparseP(dev.altdiff.api.SparseMatrix.fromTriplets("P", n, n, java.util.Arrays.copyOf(i, e),
                java.util.Arrays.copyOf(j, e), java.util.Arrays.copyOf(x, e)));
    }

    /** The rows of A or G as they are produced: column indices and values with a sign, one array pair per row. */
    private static final class Rows {
        private final int[][] cols;
        private final double[][] vals;
        private final double[] signs;
        private int size;
        private long nonzeros;

        Rows(int rows) {
            cols = new int[rows][];
            vals = new double[rows][];
            signs = new double[rows];
        }

        /** Appends the row sign·(vals at cols); the arrays are shared, not copied. */
        void add(int[] columns, double[] values, double sign) {
            cols[size] = columns;
            vals[size] = values;
            signs[size++] = sign;
            nonzeros += columns.length;
        }

        double[][] dense(int n) {
            double[][] out = new double[size][];
            for (int r = 0; r < size; r++) {
                out[r] = new double[n];
                for (int k = 0; k < cols[r].length; k++) {
                    out[r][cols[r][k]] = signs[r] * vals[r][k];
                }
            }
            return out;
        }

        dev.altdiff.api.SparseMatrix sparse(String block, int n) {
            int total = Math.toIntExact(nonzeros);
            int[] i = new int[total];
            int[] j = new int[total];
            double[] x = new double[total];
            int e = 0;
            for (int r = 0; r < size; r++) {
                for (int k = 0; k < cols[r].length; k++) {
                    i[e] = r;
                    j[e] = cols[r][k];
                    x[e++] = signs[r] * vals[r][k];
                }
            }
            return dev.altdiff.api.SparseMatrix.fromTriplets(block, size, n, i, j, x);
        }
    }
}
