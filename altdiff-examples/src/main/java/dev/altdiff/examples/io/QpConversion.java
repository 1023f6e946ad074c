package dev.altdiff.examples.io;

import dev.altdiff.api.Limits;
import dev.altdiff.api.QuadraticProgram;

import java.util.ArrayList;
import java.util.List;

/**
 * Converts an {@link MpsModel} to the project's form min ½xᵀPx + qᵀx s.t. Ax = b, Gx ≤ h (dense).
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
 * a problem too large to densify.
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

    /**
     * Builds the dense problem.
     *
     * @throws dev.altdiff.api.InvalidProblemException if the problem's own validation fails (it
     *         should not for a model the reader accepted)
     */
    public static MpsProblem convert(MpsModel model) {
        int n = model.columns();
        Shape shape = shape(model);
        // the dense blocks this conversion forms, checked before any is allocated (issue 18)
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
        double sign = model.maximize() ? -1.0 : 1.0;
        List<String> warnings = new ArrayList<>(model.warnings());

        double[][] pm = null;
        if (model.quadratic()) {
            pm = new double[n][n];
            for (int k = 0; k < model.quadraticEntries(); k++) {
                int r = model.quadraticRow(k);
                int c = model.quadraticColumn(k);
                double v = sign * model.quadraticValue(k);
                pm[r][c] = v;
                pm[c][r] = v;
            }
        }
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

        double[][] a = new double[shape.p()][];
        double[] b = new double[shape.p()];
        double[][] g = new double[shape.m()][];
        double[] h = new double[shape.m()];
        List<String> eqNames = new ArrayList<>(shape.p());
        List<String> ineqNames = new ArrayList<>(shape.m());
        int pi = 0;
        int mi = 0;
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
                a[pi] = dense(n, cols[i], vals[i], 1.0);
                b[pi] = hi;
                eqNames.add(name);
                pi++;
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
                g[mi] = dense(n, cols[i], vals[i], 1.0);
                h[mi] = hi;
                ineqNames.add(name + "<=");
                mi++;
                upperRows++;
            }
            if (Double.isFinite(lo)) {
                g[mi] = dense(n, cols[i], vals[i], -1.0);
                h[mi] = -lo;
                ineqNames.add(name + ">=");
                mi++;
                lowerRows++;
            }
        }
        int fixed = 0;
        int upperBounds = 0;
        int lowerBounds = 0;
        int freeColumns = 0;
        for (int j = 0; j < n; j++) {
            String name = model.columnNames().get(j);
            double lo = model.lower(j);
            double hi = model.upper(j);
            if (lo == hi) {
                a[pi] = new double[n];
                a[pi][j] = 1.0;
                b[pi] = lo;
                eqNames.add(name + "=fixed");
                pi++;
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
                g[mi] = new double[n];
                g[mi][j] = 1.0;
                h[mi] = hi;
                ineqNames.add(name + "<=ub");
                mi++;
                upperBounds++;
            }
            if (Double.isFinite(lo)) {
                g[mi] = new double[n];
                g[mi][j] = -1.0;
                h[mi] = -lo;
                ineqNames.add(name + ">=lb");
                mi++;
                lowerBounds++;
            }
        }
        QuadraticProgram.Builder builder = QuadraticProgram.builder(n).name(model.name()).P(pm).q(q);
        if (shape.p() > 0) {
            builder.equalities(a, b);
        }
        if (shape.m() > 0) {
            builder.inequalities(g, h);
        }
        MpsProblem.Mapping mapping = new MpsProblem.Mapping(equalityRows, upperRows, lowerRows, rangedRows, freeRows,
                fixed, upperBounds, lowerBounds, freeColumns, model.integerColumns());
        return new MpsProblem(builder.build(), model.name(), model.objectiveConstant(), model.maximize(),
                model.format(), model.columnNames(), model.rowNames(), eqNames, ineqNames, mapping, warnings);
    }

    private static double[] dense(int n, int[] cols, double[] vals, double sign) {
        double[] row = new double[n];
        for (int k = 0; k < cols.length; k++) {
            row[cols[k]] = sign * vals[k];
        }
        return row;
    }
}
