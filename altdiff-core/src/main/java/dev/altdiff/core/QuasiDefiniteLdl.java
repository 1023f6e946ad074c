package dev.altdiff.core;

import dev.altdiff.api.SparseMatrix;

import java.util.Arrays;

/**
 * The LDLᵀ factorization, without pivoting, of a symmetric quasi-definite matrix K in compressed columns,
 * computed on the JVM: QDLDL's up-looking algorithm (Stellato et al., the factorization of OSQP; Davis's
 * LDL) on K(ordering, ordering) for the fill-reducing ordering of {@link SparseCholesky#ordering}.
 *
 * <p><b>Dynamic regularization.</b> The caller states the sign each pivot must have (+ for the variables'
 * block, − for the constraints'): a quasi-definite matrix has an LDLᵀ with those signs under every
 * ordering, but in floating point a pivot of a nearly singular matrix (an interior-point method near its
 * end, where the diagonal's entries s/ν run from 10⁻¹² to 10¹²) can come out tiny or with the wrong sign.
 * Such a pivot, one with sign·d &lt; {@value #PIVOT_TOLERANCE}·scale, is replaced by
 * sign·{@value #PIVOT_REPLACEMENT}·scale (scale: that of the data, see {@link #factor}), as Clarabel does
 * with the same constants; the factor is then that of a nearby matrix, and the iterative refinement of
 * {@link QuasiDefiniteSystem} against K itself removes the difference. {@link #replacedPivots()} counts them.
 */
final class QuasiDefiniteLdl {
    /** A pivot with sign·d below this (relative to the matrix's scale) is replaced. */
    static final double PIVOT_TOLERANCE = 1e-13;
    /** The magnitude (relative to the matrix's scale) of a replaced pivot. */
    static final double PIVOT_REPLACEMENT = 2e-7;

    private final int[] ordering;
    private final int[] lStart;
    private final int[] lRow;
    private final double[] lValue;
    private final double[] dInverse;
    private final int replaced;

    private QuasiDefiniteLdl(int[] ordering, int[] lStart, int[] lRow, double[] lValue, double[] dInverse,
                             int replaced) {
        this.ordering = ordering;
        this.lStart = lStart;
        this.lRow = lRow;
        this.lValue = lValue;
        this.dInverse = dInverse;
        this.replaced = replaced;
    }

    /**
     * @param k        symmetric, both triangles stored, every diagonal entry in the pattern
     * @param positive whether the pivot of each (original) row must be positive; the others must be negative
     * @param scale    the scale of the pivot rule: max(1, max|Kᵢⱼ|) over the entries that are data (P, A, G);
     *                 a diagonal block that spans decades, as an interior-point method's s/ν, is left out
     * @throws UnsupportedOperationException when the factor would be too large to index
     *         ({@link SparseCholesky#ordering})
     */
    static QuasiDefiniteLdl factor(SparseMatrix k, boolean[] positive, double scale) {
        int n = k.rows();
        int[] ordering = SparseCholesky.ordering(k);
        SparseMatrix.Columns upper = k.permutedUpperTriangle(ordering).columns(); // new arrays, read in place
        int[] aStart = upper.colStart();
        int[] aRow = upper.rowIndex();
        double[] aValue = upper.values();
        double tolerance = PIVOT_TOLERANCE * scale;
        double replacement = PIVOT_REPLACEMENT * scale;

        // the elimination tree and the column counts of L
        int[] parent = new int[n];
        int[] count = new int[n];
        int[] work = new int[n];
        Arrays.fill(parent, -1);
        for (int j = 0; j < n; j++) {
            work[j] = j;
            for (int t = aStart[j]; t < aStart[j + 1]; t++) {
                int i = aRow[t];
                while (i < j && work[i] != j) {
                    if (parent[i] == -1) {
                        parent[i] = j;
                    }
                    count[i]++;
                    work[i] = j;
                    i = parent[i];
                }
            }
        }
        int[] lStart = new int[n + 1];
        for (int i = 0; i < n; i++) {
            lStart[i + 1] = Math.addExact(lStart[i], count[i]);
        }
        int[] lRow = new int[lStart[n]];
        double[] lValue = new double[lStart[n]];
        double[] dInverse = new double[n];
        int[] next = Arrays.copyOf(lStart, n); // the next free place in each column of L
        double[] y = new double[n];
        boolean[] marked = new boolean[n];
        int[] pattern = new int[n];
        int[] stack = new int[n];
        int replaced = 0;
        for (int row = 0; row < n; row++) {
            // row `row` of L: its pattern is the union of the etree paths from the entries of column `row` of A
            double d = 0;
            int size = 0;
            for (int t = aStart[row]; t < aStart[row + 1]; t++) {
                int i = aRow[t];
                if (i == row) {
                    d = aValue[t];
                    continue;
                }
                y[i] = aValue[t];
                if (marked[i]) {
                    continue;
                }
                int depth = 0;
                for (int v = i; v != -1 && v < row && !marked[v]; v = parent[v]) {
                    marked[v] = true;
                    stack[depth++] = v;
                }
                while (depth > 0) {
                    pattern[size++] = stack[--depth];
                }
            }
            for (int u = size - 1; u >= 0; u--) { // in topological order: children before parents
                int c = pattern[u];
                double yc = y[c];
                int end = next[c];
                for (int t = lStart[c]; t < end; t++) {
                    y[lRow[t]] -= lValue[t] * yc;
                }
                double l = yc * dInverse[c];
                lRow[end] = row;
                lValue[end] = l;
                next[c] = end + 1;
                d -= yc * l;
                y[c] = 0;
                marked[c] = false;
            }
            double sign = positive[ordering[row]] ? 1.0 : -1.0;
            if (!(sign * d >= tolerance)) { // also a NaN pivot
                d = sign * replacement;
                replaced++;
            }
            dInverse[row] = 1.0 / d;
        }
        return new QuasiDefiniteLdl(ordering, lStart, lRow, lValue, dInverse, replaced);
    }

    /** @return the number of pivots replaced by the dynamic regularization */
    int replacedPivots() {
        return replaced;
    }

    /** @return K̃⁻¹b for the factored K̃ (K itself when no pivot was replaced) */
    double[] solve(double[] b) {
        int n = ordering.length;
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            x[k] = b[ordering[k]];
        }
        for (int i = 0; i < n; i++) { // L
            double xi = x[i];
            if (xi != 0) {
                for (int t = lStart[i]; t < lStart[i + 1]; t++) {
                    x[lRow[t]] -= lValue[t] * xi;
                }
            }
        }
        for (int i = 0; i < n; i++) { // D
            x[i] *= dInverse[i];
        }
        for (int i = n - 1; i >= 0; i--) { // Lᵀ
            double xi = x[i];
            for (int t = lStart[i]; t < lStart[i + 1]; t++) {
                xi -= lValue[t] * x[lRow[t]];
            }
            x[i] = xi;
        }
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            out[ordering[k]] = x[k];
        }
        return out;
    }
}
