package dev.altdiff.api;

import java.util.Arrays;

/**
 * An immutable sparse r×c matrix of doubles in compressed sparse column (CSC) form: column j holds
 * the entries k = colStart[j] .. colStart[j+1]−1, with row indices rowIndex[k] strictly increasing
 * within the column and values values[k]. Indices are zero-based. Entries given explicitly (even an
 * explicit 0) belong to the sparsity pattern; duplicates are summed when the matrix is built.
 *
 * <p>Built from triplets ({@link #fromTriplets}), from CSC arrays ({@link #fromCsc}) or from dense
 * rows ({@link #fromRows}, keeping the nonzero entries). Every factory validates its input (shapes,
 * indices in range, finite values) and raises {@link InvalidProblemException} naming the block
 * and the offending entry. Memory is O(c + nnz); nothing here forms a dense matrix except
 * {@link #toRowMajor()}, which exists for small problems and tests. {@link #colStart()}, {@link #rowIndex()} and
 * {@link #values()} give copies; {@link #columns()} gives solvers the stored arrays to read in place. A diagonally
 * scaled problem's blocks ({@link QuadraticProgram#scaledDiagonally}) are views: they share another matrix's arrays and
 * read its values through the factors ({@link Scaling}), to the entries a scaled copy would hold, in every operation.
 *
 * <p>The few operations the solver needs are here too (transpose, product, sum, symmetric
 * permutation, matrix–vector product, and the sum σI + P + Σ w·CᵀC formed at its size,
 * {@link #shiftedGramSum}), each O(nnz) or, for the products, O(flops).
 */
public final class SparseMatrix {
    private final int rows;
    private final int cols;
    private final int[] colStart;
    private final int[] rowIndex;
    private final double[] values;
    /** The scaling under which the stored values are read ({@link #scaledInPattern}), or null: they are the entries. */
    private final Scaling scaling;

    private SparseMatrix(int rows, int cols, int[] colStart, int[] rowIndex, double[] values) {
        this(rows, cols, colStart, rowIndex, values, null);
    }

    private SparseMatrix(int rows, int cols, int[] colStart, int[] rowIndex, double[] values, Scaling scaling) {
        this.rows = rows;
        this.cols = cols;
        this.colStart = colStart;
        this.rowIndex = rowIndex;
        this.values = values;
        this.scaling = scaling;
    }

    /** @return the entry stored at position k, at row i of column j, as the matrix reads it (under its scaling) */
    private double value(int k, int i, int j) {
        return scaling == null ? values[k] : scaling.entry(values[k], i, j);
    }

    /**
     * @param block the block name reported in errors (e.g. "P")
     * @param i     row indices, zero-based
     * @param j     column indices, zero-based
     * @param x     values; entries with the same (i, j) are summed
     * @throws InvalidProblemException for negative dimensions, arrays of different lengths, an index
     *         out of range or a non-finite value
     */
    public static SparseMatrix fromTriplets(String block, int rows, int cols, int[] i, int[] j, double[] x) {
        if (rows < 0 || cols < 0) {
            throw new InvalidProblemException(block, -1, -1, block + " has negative dimensions " + rows + "x" + cols);
        }
        if (i == null || j == null || x == null) {
            throw new InvalidProblemException(block, -1, -1, block + ": the triplet arrays i, j and x are required");
        }
        if (i.length != j.length || i.length != x.length) {
            throw new InvalidProblemException(block, -1, -1, block + ": triplet arrays of different lengths (i: "
                    + i.length + ", j: " + j.length + ", x: " + x.length + ")");
        }
        for (int k = 0; k < i.length; k++) { // entries before sizes: a wrong index is the clearer message
            if (i[k] < 0 || i[k] >= rows || j[k] < 0 || j[k] >= cols) {
                throw new InvalidProblemException(block, i[k], j[k], block + " entry " + k + " at (" + i[k] + ", "
                        + j[k] + ") is outside the " + rows + "x" + cols + " matrix");
            }
            Limits.value(block, i[k], j[k], x[k]);
        }
        // column pointers (cols + 1), the row scratch of compress (rows) and two copies of the entries
        Limits.requireBytes(block, Integer.BYTES * ((long) cols + 1 + rows) + 2L * i.length * (Integer.BYTES
                + Double.BYTES), "a " + rows + "x" + cols + " sparse matrix with " + i.length + " entries");
        int[] count = new int[Limits.length(block, cols + 1L, "the column pointers of " + cols + " columns")];
        for (int k = 0; k < i.length; k++) {
            count[j[k] + 1]++;
        }
        for (int c = 0; c < cols; c++) {
            count[c + 1] += count[c];
        }
        // bucket by column, then sort each column by row and sum duplicates
        int[] next = Arrays.copyOf(count, cols);
        int[] ri = new int[i.length];
        double[] vx = new double[i.length];
        for (int k = 0; k < i.length; k++) {
            int at = next[j[k]]++;
            ri[at] = i[k];
            vx[at] = x[k];
        }
        return compress(rows, cols, count, ri, vx);
    }

    /**
     * @param colStart column pointers, length cols + 1, non-decreasing, from 0 to nnz
     * @param rowIndex row index of each entry (any order within a column; duplicates are summed)
     * @param values   value of each entry
     * @throws InvalidProblemException for inconsistent pointers, an index out of range or a non-finite value
     */
    public static SparseMatrix fromCsc(String block, int rows, int cols, int[] colStart, int[] rowIndex,
                                       double[] values) {
        if (cols < 0 || colStart == null || colStart.length != cols + 1 || colStart[0] != 0) {
            throw new InvalidProblemException(block, -1, -1, block + ": column pointers must have length cols + 1 = "
                    + (cols + 1) + " and start at 0");
        }
        int nnz = colStart[cols];
        if (rowIndex == null || values == null || rowIndex.length != nnz || values.length != nnz) {
            throw new InvalidProblemException(block, -1, -1, block + ": the last column pointer (" + nnz
                    + ") must equal the number of row indices and values");
        }
        int[] j = new int[nnz];
        for (int c = 0; c < cols; c++) {
            if (colStart[c + 1] < colStart[c]) {
                throw new InvalidProblemException(block, -1, c, block + ": column pointers decrease at column " + c);
            }
            Arrays.fill(j, colStart[c], colStart[c + 1], c);
        }
        return fromTriplets(block, rows, cols, rowIndex, j, values);
    }

    /**
     * @param dense the matrix as rows (all of length cols); only its nonzero entries are kept
     * @throws InvalidProblemException for ragged rows or a non-finite value
     */
    public static SparseMatrix fromRows(String block, double[][] dense, int cols) {
        int nnz = 0;
        for (int r = 0; r < dense.length; r++) {
            if (dense[r] == null || dense[r].length != cols) {
                throw new InvalidProblemException(block, r, -1, block + " row " + r + " has "
                        + (dense[r] == null ? "no" : String.valueOf(dense[r].length)) + " entries, expected " + cols);
            }
            for (double v : dense[r]) {
                if (v != 0) {
                    nnz++;
                }
            }
        }
        int[] i = new int[nnz];
        int[] j = new int[nnz];
        double[] x = new double[nnz];
        for (int r = 0, k = 0; r < dense.length; r++) {
            for (int c = 0; c < cols; c++) {
                double v = dense[r][c];
                if (v != 0) { // NaN != 0: kept, and rejected by fromTriplets
                    i[k] = r;
                    j[k] = c;
                    x[k++] = v;
                }
            }
        }
        return fromTriplets(block, dense.length, cols, i, j, x);
    }

    /**
     * Sorts each column of bucketed entries by row and sums duplicates, in place (entry k is only
     * ever written to a position ≤ k): no copy of the entries unless duplicates shrink them.
     */
    private static SparseMatrix compress(int rows, int cols, int[] start, int[] ri, double[] vx) {
        int[] outStart = new int[cols + 1];
        int[] lastAt = null; // for unsorted columns: position+1 of row r's entry in the column, or ≤ its start
        int nnz = 0;
        for (int c = 0; c < cols; c++) {
            int from = start[c];
            int to = start[c + 1];
            int colFrom = nnz;
            boolean sorted = true;
            for (int k = from + 1; k < to; k++) {
                if (ri[k] <= ri[k - 1]) {
                    sorted = false;
                    break;
                }
            }
            if (sorted) {
                for (int k = from; k < to; k++) {
                    ri[nnz] = ri[k];
                    vx[nnz++] = vx[k];
                }
            } else {
                if (lastAt == null) {
                    lastAt = new int[rows];
                }
                for (int k = from; k < to; k++) {
                    int r = ri[k];
                    if (lastAt[r] > colFrom) {
                        vx[lastAt[r] - 1] += vx[k];
                    } else {
                        double v = vx[k];
                        ri[nnz] = r;
                        vx[nnz++] = v;
                        lastAt[r] = nnz;
                    }
                }
                sortColumn(ri, vx, colFrom, nnz);
                for (int k = colFrom; k < nnz; k++) {
                    lastAt[ri[k]] = 0;
                }
            }
            outStart[c + 1] = nnz;
        }
        return new SparseMatrix(rows, cols, outStart, nnz == ri.length ? ri : Arrays.copyOf(ri, nnz),
                nnz == vx.length ? vx : Arrays.copyOf(vx, nnz));
    }

    /**
     * The symmetric part ½(A + Aᵀ) of a square matrix, on the union of both patterns, after checking
     * |A_ij − A_ji| ≤ tol for every entry (the validation of a sparse P: one transpose and the result,
     * no other copy).
     *
     * @throws InvalidProblemException naming the first pair (i, j) that differs by more than tol
     */
    SparseMatrix symmetricPart(String block, double tol) {
        if (exactlySymmetric()) { // ½(A + Aᵀ) = A entry for entry: the matrix itself, no copy
            return this;
        }
        SparseMatrix t = transpose();
        int[] start = new int[cols + 1];
        int nnz = mergeSymmetric(block, t, tol, start, null, null);
        int[] row = new int[nnz];
        double[] val = new double[nnz];
        mergeSymmetric(block, t, tol, start, row, val);
        return new SparseMatrix(rows, cols, start, row, val);
    }

    /**
     * @return whether the matrix is square with a symmetric pattern and every entry equal to its mirror image bit for
     *     bit, each below 2¹⁰²³ in magnitude (so ½(a + a) = a): then ½(A + Aᵀ) is A itself. O(nnz), one int per
     *     column: column r's entries below the diagonal are met in order as the mirror images of the entries above
     *     it in the columns after r.
     */
    private boolean exactlySymmetric() {
        if (rows != cols) {
            return false;
        }
        int[] below = new int[cols]; // per column: its next entry below the diagonal not yet matched
        for (int c = 0; c < cols; c++) {
            int k = colStart[c];
            int end = colStart[c + 1];
            for (; k < end && rowIndex[k] < c; k++) {
                int r = rowIndex[k];
                int at = below[r];
                double v = value(k, r, c);
                if (at >= colStart[r + 1] || rowIndex[at] != c || !(Math.abs(v) < 0x1p1023)
                        || Double.doubleToRawLongBits(value(at, c, r)) != Double.doubleToRawLongBits(v)) {
                    return false;
                }
                below[r] = at + 1;
            }
            if (k < end && rowIndex[k] == c) {
                if (!(Math.abs(value(k, c, c)) < 0x1p1023)) {
                    return false;
                }
                k++;
            }
            below[c] = k;
        }
        for (int c = 0; c < cols; c++) {
            if (below[c] != colStart[c + 1]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The diagonally scaled matrix in this one's pattern and values (shared with it, not copied: a view that reads them
     * through the factors, {@link Scaling}), with the entries a scaled copy would hold, bit for bit: entry (i, j) =
     * A_ij·((alpha·left_i)·right_j), and for a symmetrized matrix (a square one whose entries equal their mirror
     * images, as a stored P: {@link #symmetricPart}) ½ of that plus its mirror image's A_ij·((alpha·left_j)·right_i),
     * as {@link #symmetricPart} stores a P. A matrix that is itself such a view is copied first (the factors are not
     * composed). The factors are read, not copied: the caller must not change them.
     *
     * <p>The mirror term is skipped, to the same bits, where it is the same double: when alpha·left = κ·right for a
     * power of two κ and every factor is a power of two in [2⁻⁴⁰⁰, 2⁴⁰⁰] (an equilibration's are), (alpha·left_i)·
     * right_j and (alpha·left_j)·right_i are the same exact product, so both terms are the same v, and ½(v + v) = v
     * when max|A|·max(alpha·left)·max(right) is below 2¹⁰²² (v + v finite).
     */
    SparseMatrix scaledInPattern(double[] left, double[] right, double alpha, boolean symmetrized) {
        if (scaling != null) {
            return new SparseMatrix(rows, cols, colStart, rowIndex, columns().entries()).scaledInPattern(left, right,
                    alpha, symmetrized);
        }
        double[] rowFactors = left;
        if (alpha != 1.0) { // alpha·left_i, the factor the entries are formed with (1.0·left_i is left_i itself)
            rowFactors = new double[rows];
            for (int i = 0; i < rows; i++) {
                rowFactors[i] = alpha * left[i];
            }
        }
        boolean mirrored = symmetrized && !(proportionalPowersOfTwo(rowFactors, right)
                && normInf() * max(rowFactors) * max(right) < 0x1p1022);
        return new SparseMatrix(rows, cols, colStart, rowIndex, values, new Scaling(rowFactors, right, mirrored));
    }

    /** @return whether left = κ·right for a power of two κ, every factor a power of two in [2⁻⁴⁰⁰, 2⁴⁰⁰] */
    private static boolean proportionalPowersOfTwo(double[] left, double[] right) {
        if (left.length != right.length || left.length == 0) {
            return false;
        }
        double kappa = left[0] / right[0];
        for (int i = 0; i < left.length; i++) {
            if (!powerOfTwo(left[i]) || !powerOfTwo(right[i]) || left[i] != kappa * right[i]) {
                return false;
            }
        }
        return powerOfTwo(kappa);
    }

    private static boolean powerOfTwo(double v) {
        return v > 0 && Math.abs(Math.getExponent(v)) <= 400 && v == Math.scalb(1.0, Math.getExponent(v));
    }

    private static double max(double[] v) {
        double max = 0;
        for (double x : v) {
            max = Math.max(max, x);
        }
        return max;
    }

    /**
     * The diagonal scaling under which a view ({@link #scaledInPattern}) reads its stored values: entry (i, j) of the
     * stored a_ij is
     * <pre>
     *   v_ij = a_ij · (left[i] · right[j])
     * </pre>
     * and, when mirrored (a P, whose stored values equal their mirror images), ½(v_ij + a_ij·(left[j]·right[i])):
     * the entries a scaled copy would hold, bit for bit, as {@link DenseBlock} reads a dense block.
     *
     * @param left     the row factors (length rows; read only)
     * @param right    the column factors (length cols; read only)
     * @param mirrored whether each entry is the mean of the scaled entry and its mirror image's
     */
    public record Scaling(double[] left, double[] right, boolean mirrored) {

        /** @return the entry of stored value a at row i, column j */
        public double entry(double a, int i, int j) {
            return entry(a, i, right[j], mirrored ? left[j] : 0);
        }

        /**
         * {@link #entry(double, int, int)} with column j's factors rj = right[j] and (mirrored) lj = left[j] read once
         * for its column, the same operations
         */
        double entry(double a, int i, double rj, double lj) {
            double v = a * (left[i] * rj);
            return mirrored ? 0.5 * (v + a * (lj * right[i])) : v;
        }
    }

    /**
     * Walks A and its transpose t column by column: without row (first pass) checks the symmetry and
     * fills the column pointers; with row and val (second pass) writes ½(A + Aᵀ).
     *
     * @return the number of entries of the union of both patterns
     */
    private int mergeSymmetric(String block, SparseMatrix t, double tol, int[] start, int[] row, double[] val) {
        int nnz = 0;
        for (int c = 0; c < cols; c++) {
            int ka = colStart[c];
            int kb = t.colStart[c];
            int ea = colStart[c + 1];
            int eb = t.colStart[c + 1];
            while (ka < ea || kb < eb) {
                int ra = ka < ea ? rowIndex[ka] : Integer.MAX_VALUE;
                int rb = kb < eb ? t.rowIndex[kb] : Integer.MAX_VALUE;
                int r = Math.min(ra, rb);
                double a = ra == r ? value(ka++, r, c) : 0; // A[r][c]
                double b = rb == r ? t.value(kb++, r, c) : 0; // Aᵀ[r][c] = A[c][r]
                if (row == null && Math.abs(a - b) > tol) {
                    throw new InvalidProblemException(block, Math.min(r, c), Math.max(r, c), block
                            + " is not symmetric: " + block + "[" + r + "][" + c + "] = " + a + " but " + block
                            + "[" + c + "][" + r + "] = " + b);
                }
                if (row != null) {
                    row[nnz] = r;
                    val[nnz] = 0.5 * (a + b);
                }
                nnz++;
            }
            start[c + 1] = nnz;
        }
        return nnz;
    }

    /** Insertion sort of one column's (row, value) pairs by row; columns are short. */
    private static void sortColumn(int[] row, double[] val, int from, int to) {
        for (int k = from + 1; k < to; k++) {
            int r = row[k];
            double v = val[k];
            int at = k - 1;
            while (at >= from && row[at] > r) {
                row[at + 1] = row[at];
                val[at + 1] = val[at];
                at--;
            }
            row[at + 1] = r;
            val[at + 1] = v;
        }
    }

    /** @return the n×n identity scaled by {@code diagonal} */
    public static SparseMatrix diagonal(int n, double diagonal) {
        int[] start = new int[n + 1];
        int[] row = new int[n];
        double[] val = new double[n];
        for (int k = 0; k < n; k++) {
            start[k + 1] = k + 1;
            row[k] = k;
            val[k] = diagonal;
        }
        return new SparseMatrix(n, n, start, row, val);
    }

    /** @return number of rows */
    public int rows() { return rows; }

    /** @return number of columns */
    public int cols() { return cols; }

    /** @return number of stored entries (the size of the sparsity pattern) */
    public int nonzeros() { return colStart[cols]; }

    /**
     * A sparse matrix's stored arrays, shared with it and not copied (for solvers that read them in place, as
     * {@link DenseBlock} gives a dense block's): column j holds the entries k = colStart[j] .. colStart[j+1]−1, at
     * rows rowIndex[k] (strictly increasing within the column), of stored values values[k], read under scaling when it
     * is not null ({@link #value}: a scaled problem's blocks share the caller's values, {@link Scaling}). The matrix is
     * immutable: a reader must not write to them. {@link #colStart()}, {@link #rowIndex()} and {@link #values()} give
     * copies.
     *
     * @param colStart the column pointers, length cols + 1 (read only)
     * @param rowIndex the row index of each entry, length nnz (read only)
     * @param values   the stored value of each entry, length nnz (read only), or null for a pattern
     * @param scaling  the scaling they are read under, or null (they are the entries)
     */
    public record Columns(int[] colStart, int[] rowIndex, double[] values, Scaling scaling) {

        /** Unscaled arrays (or a pattern, values null). */
        public Columns(int[] colStart, int[] rowIndex, double[] values) {
            this(colStart, rowIndex, values, null);
        }

        /** @return the entry stored at position k, which is at row i of column j, as the matrix reads it */
        public double value(int k, int i, int j) {
            return scaling == null ? values[k] : scaling.entry(values[k], i, j);
        }

        /**
         * out[offset + i] += a_ij·x over the entries a_ij of column j, in storage order (the scatter of a product A·x,
         * one column at a time).
         */
        public void scatterColumn(int j, double x, double[] out, int offset) {
            int end = colStart[j + 1];
            if (scaling == null) {
                for (int k = colStart[j]; k < end; k++) {
                    out[offset + rowIndex[k]] += values[k] * x;
                }
                return;
            }
            double rj = scaling.right[j];
            double lj = scaling.mirrored ? scaling.left[j] : 0;
            for (int k = colStart[j]; k < end; k++) {
                int i = rowIndex[k];
                out[offset + i] += scaling.entry(values[k], i, rj, lj) * x;
            }
        }

        /**
         * @return sum + Σ a_ij·(alpha·y[offset + i]) over the entries a_ij of column j, in storage order, leaving out the
         *     terms whose alpha·y is 0 when {@code skipZeros} (the gather of a product Aᵀ·y, one column at a time)
         */
        public double gatherColumn(int j, double alpha, double[] y, int offset, boolean skipZeros, double sum) {
            int end = colStart[j + 1];
            if (scaling == null) {
                for (int k = colStart[j]; k < end; k++) {
                    double yi = alpha * y[offset + rowIndex[k]];
                    if (!skipZeros || yi != 0) {
                        sum += values[k] * yi;
                    }
                }
                return sum;
            }
            double rj = scaling.right[j];
            double lj = scaling.mirrored ? scaling.left[j] : 0;
            for (int k = colStart[j]; k < end; k++) {
                int i = rowIndex[k];
                double yi = alpha * y[offset + i];
                if (!skipZeros || yi != 0) {
                    sum += scaling.entry(values[k], i, rj, lj) * yi;
                }
            }
            return sum;
        }

        /**
         * @return the entries in storage order: the stored values themselves when they are read unscaled (shared,
         *     read only), else a new array of the scaled entries
         */
        public double[] entries() {
            if (scaling == null) {
                return values;
            }
            double[] out = new double[values.length];
            for (int j = 0; j + 1 < colStart.length; j++) {
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    out[k] = scaling.entry(values[k], rowIndex[k], j);
                }
            }
            return out;
        }
    }

    /** @return the stored arrays, shared (read only, see {@link Columns}), with the scaling they are read under */
    public Columns columns() {
        return new Columns(colStart, rowIndex, values, scaling);
    }

    /** @return a copy of the column pointers (length cols + 1) */
    public int[] colStart() { return colStart.clone(); }

    /** @return a copy of the row indices (length nnz, increasing within each column) */
    public int[] rowIndex() { return rowIndex.clone(); }

    /** @return a copy of the values (length nnz), the entries as the matrix reads them */
    public double[] values() {
        return scaling == null ? values.clone() : columns().entries();
    }

    /** @return entry (i, j), 0 outside the pattern (binary search in column j) */
    public double get(int i, int j) {
        int k = Arrays.binarySearch(rowIndex, colStart[j], colStart[j + 1], i);
        return k >= 0 ? value(k, i, j) : 0.0;
    }

    /** @return max |a_ij| (0 for an empty pattern) */
    public double normInf() {
        double max = 0;
        for (int c = 0; c < cols; c++) {
            for (int k = colStart[c]; k < colStart[c + 1]; k++) {
                max = Math.max(max, Math.abs(value(k, rowIndex[k], c)));
            }
        }
        return max;
    }

    /** @return y = A x (x of length cols) */
    public double[] times(double[] x) {
        if (x.length != cols) {
            throw new IllegalArgumentException("times: vector of length " + x.length + ", expected " + cols);
        }
        double[] y = new double[rows];
        Columns columns = columns();
        for (int c = 0; c < cols; c++) {
            double xc = x[c];
            if (xc != 0) {
                columns.scatterColumn(c, xc, y, 0);
            }
        }
        return y;
    }

    /** @return y = Aᵀ x (x of length rows), in O(nnz + cols) without forming Aᵀ */
    public double[] transposeTimes(double[] x) {
        if (x.length != rows) {
            throw new IllegalArgumentException("transposeTimes: vector of length " + x.length + ", expected " + rows);
        }
        double[] y = new double[cols];
        Columns columns = columns();
        for (int c = 0; c < cols; c++) {
            y[c] = columns.gatherColumn(c, 1.0, x, 0, false, 0.0);
        }
        return y;
    }

    /** @return Aᵀ, in O(nnz + rows) */
    public SparseMatrix transpose() {
        int nnz = nonzeros();
        int[] start = new int[rows + 1];
        for (int k = 0; k < nnz; k++) {
            start[rowIndex[k] + 1]++;
        }
        for (int r = 0; r < rows; r++) {
            start[r + 1] += start[r];
        }
        int[] next = Arrays.copyOf(start, rows);
        int[] row = new int[nnz];
        double[] val = new double[nnz];
        for (int c = 0; c < cols; c++) { // columns in order: the new rows come out sorted
            for (int k = colStart[c]; k < colStart[c + 1]; k++) {
                int r = rowIndex[k];
                int at = next[r]++;
                row[at] = c;
                val[at] = value(k, r, c);
            }
        }
        return new SparseMatrix(cols, rows, start, row, val);
    }

    /** @return the product A·B (Gustavson's algorithm, O(flops + cols(B) + rows)) */
    public SparseMatrix times(SparseMatrix b) {
        if (cols != b.rows) {
            throw new IllegalArgumentException("times: " + rows + "x" + cols + " by " + b.rows + "x" + b.cols);
        }
        int[] start = new int[b.cols + 1];
        int capacity = Math.max(16, nonzeros() + b.nonzeros());
        int[] row = new int[capacity];
        double[] val = new double[capacity];
        int[] mark = new int[rows];
        Arrays.fill(mark, -1);
        double[] acc = new double[rows];
        int nnz = 0;
        for (int c = 0; c < b.cols; c++) {
            int colFrom = nnz;
            for (int kb = b.colStart[c]; kb < b.colStart[c + 1]; kb++) {
                int t = b.rowIndex[kb];
                double bv = b.value(kb, t, c);
                for (int ka = colStart[t]; ka < colStart[t + 1]; ka++) {
                    int r = rowIndex[ka];
                    if (mark[r] != c) {
                        mark[r] = c;
                        acc[r] = 0;
                        if (nnz == row.length) {
                            row = Arrays.copyOf(row, 2 * row.length);
                            val = Arrays.copyOf(val, 2 * val.length);
                        }
                        row[nnz++] = r;
                    }
                    acc[r] += value(ka, r, t) * bv;
                }
            }
            Arrays.sort(row, colFrom, nnz);
            for (int k = colFrom; k < nnz; k++) {
                val[k] = acc[row[k]];
            }
            start[c + 1] = nnz;
        }
        return new SparseMatrix(rows, b.cols, start, Arrays.copyOf(row, nnz), Arrays.copyOf(val, nnz));
    }

    /** @return A + α·B on the union of both patterns */
    public SparseMatrix plus(double alpha, SparseMatrix b) {
        if (rows != b.rows || cols != b.cols) {
            throw new IllegalArgumentException("plus: " + rows + "x" + cols + " and " + b.rows + "x" + b.cols);
        }
        int[] start = new int[cols + 1];
        int[] row = new int[nonzeros() + b.nonzeros()];
        double[] val = new double[row.length];
        int nnz = 0;
        for (int c = 0; c < cols; c++) {
            int ka = colStart[c];
            int kb = b.colStart[c];
            int ea = colStart[c + 1];
            int eb = b.colStart[c + 1];
            while (ka < ea || kb < eb) {
                int ra = ka < ea ? rowIndex[ka] : Integer.MAX_VALUE;
                int rb = kb < eb ? b.rowIndex[kb] : Integer.MAX_VALUE;
                if (ra == rb) {
                    row[nnz] = ra;
                    val[nnz++] = value(ka++, ra, c) + alpha * b.value(kb++, rb, c);
                } else if (ra < rb) {
                    row[nnz] = ra;
                    val[nnz++] = value(ka++, ra, c);
                } else {
                    row[nnz] = rb;
                    val[nnz++] = alpha * b.value(kb++, rb, c);
                }
            }
            start[c + 1] = nnz;
        }
        return new SparseMatrix(rows, cols, start, Arrays.copyOf(row, nnz), Arrays.copyOf(val, nnz));
    }

    /** @return α·A (same pattern) */
    public SparseMatrix scaled(double alpha) {
        double[] val = values();
        for (int k = 0; k < val.length; k++) {
            val[k] *= alpha;
        }
        return new SparseMatrix(rows, cols, colStart, rowIndex, val);
    }

    /**
     * The symmetric permutation B = A(perm, perm) of a square matrix: B_kl = A_{perm[k], perm[l]}.
     *
     * @param perm a permutation of 0..n−1 (new index → old index)
     */
    public SparseMatrix permuted(int[] perm) {
        if (rows != cols || perm.length != rows) {
            throw new IllegalArgumentException("permuted: needs a square matrix and a permutation of its order");
        }
        int n = rows;
        int[] inverse = new int[n];
        for (int k = 0; k < n; k++) {
            inverse[perm[k]] = k;
        }
        int nnz = nonzeros();
        int[] start = new int[n + 1];
        for (int l = 0; l < n; l++) {
            int c = perm[l];
            start[l + 1] = start[l] + colStart[c + 1] - colStart[c];
        }
        int[] row = new int[nnz];
        double[] val = new double[nnz];
        for (int l = 0; l < n; l++) {
            int c = perm[l];
            int at = start[l];
            for (int k = colStart[c]; k < colStart[c + 1]; k++, at++) {
                row[at] = inverse[rowIndex[k]];
                val[at] = value(k, rowIndex[k], c);
            }
            sortColumn(row, val, start[l], start[l + 1]);
        }
        return new SparseMatrix(n, n, start, row, val);
    }

    /**
     * The upper triangle of the symmetric permutation, {@code permuted(perm).upperTriangle()} entry for entry, formed
     * without the whole permuted matrix (half its entries for a symmetric pattern).
     *
     * @param perm a permutation of 0..n−1 (new index → old index)
     */
    public SparseMatrix permutedUpperTriangle(int[] perm) {
        if (rows != cols || perm.length != rows) {
            throw new IllegalArgumentException("permutedUpperTriangle: needs a square matrix and a permutation of its"
                    + " order");
        }
        int n = rows;
        int[] inverse = new int[n];
        for (int k = 0; k < n; k++) {
            inverse[perm[k]] = k;
        }
        int[] start = new int[n + 1];
        for (int l = 0; l < n; l++) {
            int c = perm[l];
            int count = 0;
            for (int k = colStart[c]; k < colStart[c + 1]; k++) {
                if (inverse[rowIndex[k]] <= l) {
                    count++;
                }
            }
            start[l + 1] = start[l] + count;
        }
        int[] row = new int[start[n]];
        double[] val = new double[row.length];
        for (int l = 0; l < n; l++) {
            int c = perm[l];
            int at = start[l];
            for (int k = colStart[c]; k < colStart[c + 1]; k++) {
                int r = inverse[rowIndex[k]];
                if (r <= l) {
                    row[at] = r;
                    val[at++] = value(k, rowIndex[k], c);
                }
            }
            sortColumn(row, val, start[l], start[l + 1]);
        }
        return new SparseMatrix(n, n, start, row, val);
    }

    /**
     * S = shift·I + base + Σ_k weights[k]·C_kᵀC_k of n×n base and r_k×n blocks C_k (null ones skipped), entry for entry
     * what {@code diagonal(n, shift).plus(1, base).plus(weights[0], C_0ᵀ.times(C_0))…} gives, bit for bit (the same
     * sums in the same order, on the union of the patterns), formed one column at a time without the intermediate
     * sums and products: a count of each column's entries first, then the arrays of S at their exact size.
     *
     * @param base   an n×n matrix, or null
     * @param blocks matrices of n columns, each weighted by weights[k], or null
     */
    public static SparseMatrix shiftedGramSum(int n, double shift, SparseMatrix base, double[] weights,
                                              SparseMatrix... blocks) {
        return (SparseMatrix) gramSum(null, true, n, shift, base, weights, blocks);
    }

    /**
     * {@code shiftedGramSum(n, shift, base, weights, blocks).permutedUpperTriangle(perm)}, entry for entry, formed
     * directly: S itself is never formed, only the half of its entries the triangle holds.
     *
     * @param perm a permutation of 0..n−1 (new index → old index)
     */
    public static SparseMatrix shiftedGramSum(int[] perm, int n, double shift, SparseMatrix base, double[] weights,
                                              SparseMatrix... blocks) {
        if (perm.length != n) {
            throw new IllegalArgumentException("shiftedGramSum: a permutation of " + perm.length + " for order " + n);
        }
        return (SparseMatrix) gramSum(perm, true, n, shift, base, weights, blocks);
    }

    /**
     * @return the pattern of {@link #shiftedGramSum(int, double, SparseMatrix, double[], SparseMatrix...)} (its
     *     column pointers and row indices, the same arrays' contents; values null), for choosing an ordering before
     *     the values are formed
     */
    public static Columns shiftedGramPattern(int n, SparseMatrix base, SparseMatrix... blocks) {
        return shiftedGramPattern(null, n, base, blocks);
    }

    /**
     * @param perm a permutation of 0..n−1 (new index → old index), or null
     * @return the pattern of {@link #shiftedGramSum(int[], int, double, SparseMatrix, double[], SparseMatrix...)} (the
     *     upper triangle of S(perm, perm); the identity gives S's own upper triangle), or with perm null of S itself
     */
    public static Columns shiftedGramPattern(int[] perm, int n, SparseMatrix base, SparseMatrix... blocks) {
        if (perm != null && perm.length != n) {
            throw new IllegalArgumentException("shiftedGramPattern: a permutation of " + perm.length + " for order " + n);
        }
        return (Columns) gramSum(perm, false, n, 0.0, base, new double[blocks.length], blocks);
    }

    /**
     * The work of {@link #shiftedGramSum} and {@link #shiftedGramPattern}: with perm, the upper triangle of
     * S(perm, perm); without values, the pattern only (a {@link Columns} with null values, no arithmetic).
     */
    private static Object gramSum(int[] perm, boolean numeric, int n, double shift, SparseMatrix base,
                                  double[] weights, SparseMatrix... blocks) {
        if (base != null && (base.rows != n || base.cols != n)) {
            throw new IllegalArgumentException("shiftedGramSum: base " + base.rows + "x" + base.cols + ", expected "
                    + n + "x" + n);
        }
        SparseMatrix[] transposes = new SparseMatrix[blocks.length];
        for (int b = 0; b < blocks.length; b++) {
            if (blocks[b] != null) {
                if (blocks[b].cols != n) {
                    throw new IllegalArgumentException("shiftedGramSum: block of " + blocks[b].cols + " columns, expected "
                            + n);
                }
                transposes[b] = blocks[b].transpose();
            }
        }
        int[] inverse = null;
        if (perm != null) {
            inverse = new int[n];
            for (int k = 0; k < n; k++) {
                inverse[perm[k]] = k;
            }
        }
        int[] mark = new int[n]; // the column whose pattern holds row r
        int[] gramMark = new int[n]; // the (column, block) stamp whose Gram column holds row r
        double[] acc = numeric ? new double[n] : null;
        double[] gram = numeric ? new double[n] : null;
        int[] pattern = new int[n];
        int[] gramPattern = new int[n];
        int[] start = new int[n + 1];
        int[] next = null; // with perm: the next free position of each column of the triangle
        int[] row = null;
        double[] val = null;
        for (int pass = 0; pass < 2; pass++) { // 0: count the entries of each column, 1: form them
            boolean values = numeric && pass == 1;
            Arrays.fill(mark, -1);
            Arrays.fill(gramMark, -1);
            int stamp = 0;
            for (int j = 0; j < n; j++) {
                int count = 0;
                mark[j] = j;
                if (values) {
                    acc[j] = shift;
                }
                pattern[count++] = j;
                if (base != null) {
                    for (int k = base.colStart[j]; k < base.colStart[j + 1]; k++) {
                        int r = base.rowIndex[k];
                        if (mark[r] == j) {
                            if (values) {
                                acc[r] = acc[r] + 1.0 * base.value(k, r, j);
                            }
                        } else {
                            mark[r] = j;
                            if (values) {
                                acc[r] = 1.0 * base.value(k, r, j);
                            }
                            pattern[count++] = r;
                        }
                    }
                }
                for (int b = 0; b < blocks.length; b++) {
                    SparseMatrix c = blocks[b];
                    if (c == null) {
                        continue;
                    }
                    SparseMatrix t = transposes[b];
                    int gramCount = 0;
                    for (int kb = c.colStart[j]; kb < c.colStart[j + 1]; kb++) { // column j of CᵀC (Gustavson, as times)
                        int s = c.rowIndex[kb];
                        double bv = values ? c.value(kb, s, j) : 0;
                        for (int ka = t.colStart[s]; ka < t.colStart[s + 1]; ka++) {
                            int r = t.rowIndex[ka];
                            if (gramMark[r] != stamp) {
                                gramMark[r] = stamp;
                                if (values) {
                                    gram[r] = 0;
                                }
                                gramPattern[gramCount++] = r;
                            }
                            if (values) {
                                gram[r] += t.value(ka, r, s) * bv;
                            }
                        }
                    }
                    stamp++;
                    double w = weights[b];
                    for (int g = 0; g < gramCount; g++) { // as plus(w, CᵀC)
                        int r = gramPattern[g];
                        if (mark[r] == j) {
                            if (values) {
                                acc[r] = acc[r] + w * gram[r];
                            }
                        } else {
                            mark[r] = j;
                            if (values) {
                                acc[r] = w * gram[r];
                            }
                            pattern[count++] = r;
                        }
                    }
                }
                if (perm == null) {
                    if (pass == 0) {
                        start[j + 1] = Math.addExact(start[j], count);
                    } else {
                        int from = start[j];
                        System.arraycopy(pattern, 0, row, from, count);
                        Arrays.sort(row, from, from + count);
                        for (int k = from; values && k < from + count; k++) {
                            val[k] = acc[row[k]];
                        }
                    }
                } else { // column j of S is column inverse[j] of S(perm, perm): its entries at rows up to that
                    int l = inverse[j];
                    for (int k = 0; k < count; k++) {
                        int r = pattern[k];
                        if (inverse[r] <= l) {
                            if (pass == 0) {
                                start[l + 1]++;
                            } else {
                                int at = next[l]++;
                                row[at] = inverse[r];
                                if (values) {
                                    val[at] = acc[r];
                                }
                            }
                        }
                    }
                }
            }
            if (pass == 0) {
                if (perm != null) {
                    for (int l = 0; l < n; l++) {
                        start[l + 1] = Math.addExact(start[l + 1], start[l]);
                    }
                    next = Arrays.copyOf(start, n);
                }
                row = new int[start[n]];
                val = numeric ? new double[start[n]] : null;
            }
        }
        if (perm != null) {
            for (int l = 0; l < n; l++) {
                if (numeric) {
                    sortColumn(row, val, start[l], start[l + 1]);
                } else {
                    Arrays.sort(row, start[l], start[l + 1]);
                }
            }
        }
        return numeric ? new SparseMatrix(n, n, start, row, val) : new Columns(start, row, null);
    }

    /** @return the entries on and above the diagonal (rowIndex ≤ column) */
    public SparseMatrix upperTriangle() {
        int[] start = new int[cols + 1];
        int[] row = new int[nonzeros()];
        double[] val = new double[row.length];
        int nnz = 0;
        for (int c = 0; c < cols; c++) {
            for (int k = colStart[c]; k < colStart[c + 1] && rowIndex[k] <= c; k++) {
                row[nnz] = rowIndex[k];
                val[nnz++] = value(k, rowIndex[k], c);
            }
            start[c + 1] = nnz;
        }
        return new SparseMatrix(rows, cols, start, Arrays.copyOf(row, nnz), Arrays.copyOf(val, nnz));
    }

    /** @return a dense row-major copy (rows·cols doubles: for small matrices and tests only) */
    public double[] toRowMajor() {
        double[] out = new double[Math.multiplyExact(rows, cols)];
        for (int c = 0; c < cols; c++) {
            for (int k = colStart[c]; k < colStart[c + 1]; k++) {
                out[rowIndex[k] * cols + c] = value(k, rowIndex[k], c);
            }
        }
        return out;
    }

    @Override public String toString() {
        return "sparse " + rows + "x" + cols + " (" + nonzeros() + " entries)";
    }
}
