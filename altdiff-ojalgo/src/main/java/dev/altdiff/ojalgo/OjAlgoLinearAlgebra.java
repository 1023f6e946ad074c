package dev.altdiff.ojalgo;

import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.JvmBlas;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;
import dev.altdiff.api.linalg.NotPositiveDefiniteException;
import dev.altdiff.api.linalg.SingularMatrixException;
import org.ojalgo.matrix.decomposition.Cholesky;
import org.ojalgo.matrix.decomposition.LU;
import org.ojalgo.matrix.decomposition.MatrixDecomposition;
import org.ojalgo.matrix.decomposition.SparseQDLDL;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064CSC;
import org.ojalgo.matrix.store.R064Store;

/**
 * The pure-Java backend over ojAlgo's dense {@link R064Store} (column-major {@code double[]}) and its
 * {@link LU#R064} decomposition; the dense Cholesky factorizations are {@link JvmBlas#choleskyInPlace} (several
 * times the speed of ojAlgo's {@link Cholesky#R064}, and able to factor in the store's own array). Registered as
 * {@code ojalgo}.
 *
 * <p>Sparse matrices ({@link #supportsSparse()}): {@link #sparse} reads the compressed columns in place (no
 * copy), and {@link #transpose} of one reads the same arrays the other way; {@link #gemm} multiplies such a
 * matrix (transposed or not) by a dense block in O(nnz·cols) without densifying it. {@link #sparseCholesky} and
 * {@link #sparseCholeskyOfUpper} are ojAlgo's {@link SparseQDLDL} (a
 * port of QDLDL: LDLᵀ of the upper triangle in CSC form, elimination tree, no ordering and no
 * pivoting of its own, so the caller's ordering decides the fill-in).
 */
public final class OjAlgoLinearAlgebra implements LinearAlgebra {

    /** A matrix of this backend: a thin wrapper of one {@link R064Store}. */
    static final class Store implements Matrix {
        final R064Store store;

        Store(R064Store store) { this.store = store; }

        @Override public int rows() { return store.getRowDim(); }

        @Override public int cols() { return store.getColDim(); }

        @Override public double get(int i, int j) { return store.doubleValue(i, j); }

        @Override public double[] toRowMajor() {
            int r = rows();
            int c = cols();
            double[] out = new double[r * c];
            double[] data = store.data;
            for (int j = 0; j < c; j++) {
                for (int i = 0; i < r; i++) {
                    out[i * c + j] = data[j * r + i];
                }
            }
            return out;
        }

        @Override public String toString() { return "ojalgo " + rows() + "x" + cols(); }
    }

    /**
     * A read-only sparse matrix of this backend: the compressed columns of a {@link SparseMatrix}, read in place
     * (shared with it, not copied: it is immutable, {@link SparseMatrix#columns}), or their transpose
     * ({@link #transpose}: the same arrays read the other way, no copy). Products with a transpose make the sums a
     * transpose formed in compressed columns would make, term for term in the same order ({@link #sparseGemm}).
     */
    static final class Sparse implements Matrix {
        final SparseMatrix matrix;
        final int[] colStart;
        final int[] rowIndex;
        final double[] values;
        /** Whether this is the transpose of {@link #matrix} (rows and columns swapped). */
        final boolean transposed;

        Sparse(SparseMatrix matrix, boolean transposed) {
            SparseMatrix.Columns columns = matrix.columns();
            this.matrix = matrix;
            this.colStart = columns.colStart();
            this.rowIndex = columns.rowIndex();
            this.values = columns.values();
            this.transposed = transposed;
        }

        @Override public int rows() { return transposed ? matrix.cols() : matrix.rows(); }

        @Override public int cols() { return transposed ? matrix.rows() : matrix.cols(); }

        @Override public double get(int i, int j) { return transposed ? matrix.get(j, i) : matrix.get(i, j); }

        /** Densifies: rows·cols doubles. */
        @Override public double[] toRowMajor() {
            return transposed ? matrix.transpose().toRowMajor() : matrix.toRowMajor();
        }

        @Override public String toString() { return "ojalgo " + (transposed ? "transpose of " : "") + matrix; }
    }

    @Override public String name() { return "ojalgo"; }

    /** @return {@link #name()} */
    @Override public String toString() { return name(); }

    private static R064Store store(Matrix m) {
        if (m instanceof Store s) {
            return s.store;
        }
        if (m instanceof Sparse) {
            throw new IllegalArgumentException("matrix " + m + " is sparse and read-only: only gemm's left operand,"
                    + " transpose, copy and the norms accept it");
        }
        throw new IllegalArgumentException("matrix " + m + " was not created by the ojalgo backend");
    }

    private static double[] data(Matrix m) { return store(m).data; }

    @Override public Matrix matrix(int rows, int cols, double[] rowMajor) {
        if (rowMajor.length != rows * cols) {
            throw new IllegalArgumentException("expected " + rows * cols + " values for a " + rows + "x" + cols
                    + " matrix, got " + rowMajor.length);
        }
        R064Store s = R064Store.FACTORY.make(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                s.data[j * rows + i] = rowMajor[i * cols + j];
            }
        }
        return new Store(s);
    }

    /** {@inheritDoc} Into the store's column-major array through one row buffer. */
    @Override public Matrix matrix(int rows, int cols, RowSource source) {
        R064Store s = R064Store.FACTORY.make(rows, cols);
        double[] row = new double[cols];
        for (int i = 0; i < rows; i++) {
            source.row(i, row);
            for (int j = 0; j < cols; j++) {
                s.data[j * rows + i] = row[j];
            }
        }
        return new Store(s);
    }

    @Override public Matrix zeros(int rows, int cols) { return new Store(R064Store.FACTORY.make(rows, cols)); }

    @Override public Matrix identity(int n) {
        R064Store s = R064Store.FACTORY.make(n, n);
        for (int i = 0; i < n; i++) {
            s.data[i * n + i] = 1.0;
        }
        return new Store(s);
    }

    @Override public Matrix copy(Matrix a) {
        return a instanceof Sparse s ? s : new Store(R064Store.FACTORY.copy(store(a))); // a sparse one is read only
    }

    @Override public Matrix transpose(Matrix a) {
        return a instanceof Sparse s ? new Sparse(s.matrix, !s.transposed)
                : new Store(R064Store.FACTORY.copy(store(a).transpose()));
    }

    @Override public boolean supportsSparse() { return true; }

    @Override public Matrix sparse(SparseMatrix a) { return new Sparse(a, false); }

    @Override
    public void gemm(double alpha, Matrix a, boolean transposeA, Matrix b, boolean transposeB, double beta, Matrix c) {
        if (a instanceof Sparse sparse) {
            sparseGemm(alpha, sparse, transposeA, b, transposeB, beta, c);
            return;
        }
        R064Store sa = store(a);
        R064Store sb = store(b);
        R064Store sc = store(c);
        if (sc == sa || sc == sb) {
            throw new IllegalArgumentException("gemm output must not alias an input");
        }
        // a transposed operand is copied once: ojAlgo multiplies a transposed view element by element,
        // several times slower than the copy (measured on the batched layer: 13% of its time)
        MatrixStore<Double> left = transposeA ? R064Store.FACTORY.copy(sa.transpose()) : sa;
        MatrixStore<Double> right = transposeB ? R064Store.FACTORY.copy(sb.transpose()) : sb;
        if (left.getColDim() != right.getRowDim() || left.getRowDim() != sc.getRowDim()
                || right.getColDim() != sc.getColDim()) {
            throw new IllegalArgumentException("gemm shapes: op(a) " + left.getRowDim() + "x" + left.getColDim()
                    + ", op(b) " + right.getRowDim() + "x" + right.getColDim() + ", c " + sc.getRowDim() + "x"
                    + sc.getColDim());
        }
        if (sc.data.length == 0) { // an empty output (ojAlgo's multiply divides by its size)
            return;
        }
        if (left.getColDim() == 0) {
            scaleOrClear(beta, sc.data);
            return;
        }
        if (alpha == 1.0 && beta == 0.0) {
            sc.fillByMultiplying(left, right);
            return;
        }
        R064Store product = R064Store.FACTORY.make(sc.getRowDim(), sc.getColDim());
        product.fillByMultiplying(left, right);
        double[] pd = product.data;
        double[] cd = sc.data;
        for (int k = 0; k < cd.length; k++) {
            cd[k] = beta == 0.0 ? alpha * pd[k] : alpha * pd[k] + beta * cd[k];
        }
    }

    /**
     * c ← α·op(a)·op(b) + β·c for a sparse a: per column of op(b), a scatter over a's columns
     * (c = αab) or a gather along them (c = αaᵀb); O(nnz(a)·cols(c)).
     */
    private static void sparseGemm(double alpha, Sparse a, boolean transposeA, Matrix b, boolean transposeB,
                                   double beta, Matrix c) {
        R064Store sb = store(b);
        R064Store sc = store(c);
        R064Store right = transposeB ? R064Store.FACTORY.copy(sb.transpose()) : sb;
        int aRows = transposeA ? a.cols() : a.rows();
        int inner = transposeA ? a.rows() : a.cols();
        if (inner != right.getRowDim() || aRows != sc.getRowDim() || right.getColDim() != sc.getColDim()) {
            throw new IllegalArgumentException("gemm shapes: op(a) " + aRows + "x" + inner + " (sparse), op(b) "
                    + right.getRowDim() + "x" + right.getColDim() + ", c " + sc.getRowDim() + "x" + sc.getColDim());
        }
        scaleOrClear(beta, sc.data);
        double[] bd = right.data;
        double[] cd = sc.data;
        int[] start = a.colStart;
        int[] row = a.rowIndex;
        double[] val = a.values;
        int cRows = sc.getRowDim();
        if (a.transposed) {
            transposedGemm(alpha, a, transposeA, bd, inner, cd, cRows, sc.getColDim());
            return;
        }
        for (int col = 0; col < sc.getColDim(); col++) {
            int bOff = col * inner;
            int cOff = col * cRows;
            for (int j = 0; j < a.cols(); j++) {
                if (transposeA) { // (aᵀb)_j = Σ_k a_kj b_k
                    double sum = 0;
                    for (int k = start[j]; k < start[j + 1]; k++) {
                        sum += val[k] * bd[bOff + row[k]];
                    }
                    cd[cOff + j] += alpha * sum;
                } else { // (ab) += a_:j b_j
                    double bj = alpha * bd[bOff + j];
                    if (bj != 0) {
                        for (int k = start[j]; k < start[j + 1]; k++) {
                            cd[cOff + row[k]] += val[k] * bj;
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #sparseGemm}'s loops for the transpose t = Mᵀ of the stored M, term for term what they make on t formed in
     * compressed columns (whose column j is M's row j, by ascending column of M): c = αtb adds to each c_i (M's column
     * i) the terms t_ij·(αb_j) by ascending j (M's rows, as its column i lists them), skipping αb_j = 0; c = αtᵀb = αMb
     * adds to each c_j α times the sum, from 0, of M_jc·b_c by ascending c (one scatter over M's columns into sums).
     */
    private static void transposedGemm(double alpha, Sparse a, boolean transposeA, double[] bd, int inner, double[] cd,
                                       int cRows, int width) {
        int[] start = a.colStart;
        int[] row = a.rowIndex;
        double[] val = a.values;
        int storedCols = a.matrix.cols();
        double[] sums = transposeA ? new double[cRows] : null;
        for (int col = 0; col < width; col++) {
            int bOff = col * inner;
            int cOff = col * cRows;
            if (!transposeA) { // (tb)_i = Σ_j t_ij b_j, t_ij = M_ji: column i of M
                for (int i = 0; i < storedCols; i++) {
                    double sum = cd[cOff + i];
                    for (int k = start[i]; k < start[i + 1]; k++) {
                        double bj = alpha * bd[bOff + row[k]];
                        if (bj != 0) {
                            sum += val[k] * bj;
                        }
                    }
                    cd[cOff + i] = sum;
                }
            } else { // (tᵀb)_j = (Mb)_j = Σ_c M_jc b_c
                java.util.Arrays.fill(sums, 0.0);
                for (int c = 0; c < storedCols; c++) {
                    double bc = bd[bOff + c];
                    for (int k = start[c]; k < start[c + 1]; k++) {
                        sums[row[k]] += val[k] * bc;
                    }
                }
                for (int j = 0; j < cRows; j++) {
                    cd[cOff + j] += alpha * sums[j];
                }
            }
        }
    }

    private static void scaleOrClear(double beta, double[] data) {
        for (int k = 0; k < data.length; k++) {
            data[k] = beta == 0.0 ? 0.0 : beta * data[k];
        }
    }

    @Override public void axpy(double alpha, Matrix x, Matrix y) {
        requireSameShape(x, y);
        double[] xd = data(x);
        double[] yd = data(y);
        for (int k = 0; k < yd.length; k++) {
            yd[k] += alpha * xd[k];
        }
    }

    /** {@inheritDoc} The n diagonal entries of the column-major array, no identity formed. */
    @Override public void addToDiagonal(double alpha, Matrix a) {
        R064Store s = square(a, "addToDiagonal");
        int n = s.getRowDim();
        for (int i = 0; i < n; i++) {
            s.data[i * n + i] += alpha;
        }
    }

    @Override public void scale(double alpha, Matrix x) {
        double[] xd = data(x);
        for (int k = 0; k < xd.length; k++) {
            xd[k] *= alpha;
        }
    }

    @Override public void scaleRows(double[] d, Matrix x) {
        int r = x.rows();
        if (d.length != r) {
            throw new IllegalArgumentException("scaleRows: " + d.length + " factors for " + r + " rows");
        }
        double[] xd = data(x);
        for (int k = 0; k < xd.length; k++) {
            xd[k] *= d[k % r];
        }
    }

    @Override public void clampBelow(Matrix x, double floor) {
        double[] xd = data(x);
        for (int k = 0; k < xd.length; k++) {
            if (xd[k] < floor) { // NaN compares false and stays NaN
                xd[k] = floor;
            }
        }
    }

    @Override public double normInf(Matrix x) {
        if (x instanceof Sparse s) {
            return s.matrix.normInf();
        }
        double max = 0;
        for (double v : data(x)) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    @Override public double normFrobenius(Matrix x) {
        double scale = normInf(x);
        if (scale == 0 || !Double.isFinite(scale)) {
            return scale;
        }
        double sum = 0;
        for (double v : data(x)) {
            double t = v / scale;
            sum += t * t;
        }
        return scale * Math.sqrt(sum);
    }

    /**
     * {@inheritDoc} {@link JvmBlas#choleskyInPlace} on a copy of the store's array (4–6× the speed of ojAlgo's
     * {@link Cholesky#R064} from n = 500 to 2500 on two cores, the same pivot criterion), solving with {@link
     * JvmBlas#choleskySolve}.
     */
    @Override public Factorization cholesky(Matrix spd) {
        R064Store s = square(spd, "cholesky");
        int n = s.getRowDim();
        return jvmCholesky(java.util.Arrays.copyOf(s.data, n * n), n);
    }

    /** {@inheritDoc} {@link JvmBlas#choleskyInPlace} on the array itself, which then holds the factor. */
    @Override public Factorization cholesky(int n, double[] rowMajorSpd) {
        if (n < 0 || rowMajorSpd.length != (long) n * n) {
            throw new IllegalArgumentException("cholesky: " + rowMajorSpd.length + " values for order " + n);
        }
        JvmBlas.choleskyInPlace(n, rowMajorSpd);
        return new JvmCholesky(rowMajorSpd, n);
    }

    /** {@inheritDoc} {@link #cholesky} in the store's own array, which then holds the factor. */
    @Override public Factorization choleskyInPlace(Matrix spd) {
        R064Store s = square(spd, "choleskyInPlace");
        return jvmCholesky(s.data, s.getRowDim());
    }

    /**
     * The factorization of the column-major n×n array {@code data} in place. Column-major, M's lower triangle is the
     * row-major upper one: it is first copied over the row-major lower triangle that {@link JvmBlas#choleskyInPlace}
     * reads, so that the values read are M's lower triangle, as ojAlgo's decomposition and LAPACK's read them.
     */
    private static Factorization jvmCholesky(double[] data, int n) {
        int b = 64; // blocks of 64×64: the transposed reads stay in cache
        for (int j0 = 0; j0 < n; j0 += b) {
            for (int i0 = j0; i0 < n; i0 += b) {
                for (int j = j0; j < Math.min(n, j0 + b); j++) {
                    for (int i = Math.max(i0, j + 1); i < Math.min(n, i0 + b); i++) {
                        data[i * n + j] = data[j * n + i]; // M(i, j), i > j, to row-major (i, j)
                    }
                }
            }
        }
        JvmBlas.choleskyInPlace(n, data);
        return new JvmCholesky(data, n);
    }

    /** L as {@link JvmBlas#choleskyInPlace} leaves it (row-major, zeros above the diagonal); solves in the JVM. */
    private record JvmCholesky(double[] factor, int size) implements Factorization {
        @Override public Matrix solve(Matrix rhs) {
            R064Store b = store(rhs);
            if (b.getRowDim() != size) {
                throw new IllegalArgumentException("solve: right-hand side has " + b.getRowDim() + " rows, expected " + size);
            }
            int k = b.getColDim();
            double[] x = new double[size * k]; // row-major
            for (int j = 0; j < k; j++) {
                for (int i = 0; i < size; i++) {
                    x[i * k + j] = b.data[j * size + i];
                }
            }
            JvmBlas.choleskySolve(size, k, factor, x);
            R064Store out = R064Store.FACTORY.make(size, k);
            for (int j = 0; j < k; j++) {
                for (int i = 0; i < size; i++) {
                    out.data[j * size + i] = x[i * k + j];
                }
            }
            return new Store(out);
        }

        @Override public double[] choleskyFactor() {
            return factor.clone();
        }

        @Override public boolean solveInPlace(double[] b, int width) {
            if (width < 0 || b.length < (long) size * width) {
                throw new IllegalArgumentException("solveInPlace: " + b.length + " values for " + size + "x" + width);
            }
            JvmBlas.choleskySolve(size, width, factor, b);
            return true;
        }
    }

    /**
     * {@inheritDoc} ojAlgo's {@link SparseQDLDL} on the upper triangle of S(ordering, ordering); every
     * pivot of D must be positive and finite.
     */
    @Override public Factorization sparseCholesky(SparseMatrix spd, int[] ordering) {
        if (spd.rows() != spd.cols() || ordering.length != spd.rows()) {
            throw new IllegalArgumentException("sparseCholesky needs a square matrix and an ordering of its order, got "
                    + spd.rows() + "x" + spd.cols() + " and " + ordering.length);
        }
        return sparseCholeskyOfUpper(spd.permutedUpperTriangle(ordering), ordering);
    }

    /**
     * {@inheritDoc} ojAlgo's {@link SparseQDLDL} on the given arrays, read in place (QDLDL neither changes nor keeps
     * them); every pivot of D must be positive and finite.
     */
    @Override public Factorization sparseCholeskyOfUpper(SparseMatrix upper, int[] ordering) {
        int n = upper.rows();
        if (upper.cols() != n || ordering.length != n) {
            throw new IllegalArgumentException("sparseCholesky needs a square matrix and an ordering of its order, got "
                    + upper.rows() + "x" + upper.cols() + " and " + ordering.length);
        }
        SparseMatrix.Columns columns = upper.columns();
        R064CSC csc = new R064CSC(n, n, columns.values(), columns.rowIndex(), columns.colStart());
        SparseQDLDL ldl = new SparseQDLDL();
        boolean factored;
        try {
            factored = ldl.factor(csc);
        } catch (IllegalStateException e) { // ojAlgo's elimination tree rejects a missing diagonal entry
            factored = false;
        }
        if (!factored) {
            throw new NotPositiveDefiniteException("sparse matrix of order " + n + " has a zero pivot");
        }
        MatrixStore<Double> d = ldl.getD();
        for (int i = 0; i < n; i++) {
            double pivot = d.doubleValue(i, i);
            if (!(pivot > 0) || !Double.isFinite(pivot)) {
                throw new NotPositiveDefiniteException("sparse matrix of order " + n + " is not positive definite"
                        + " (pivot " + pivot + " at position " + i + " of the ordering)");
            }
        }
        return new SparseSolver(ldl, ordering.clone());
    }

    /** Solves column by column: permute, QDLDL's in-place ftran (L, D, Lᵀ), permute back. */
    private record SparseSolver(SparseQDLDL ldl, int[] ordering) implements Factorization {
        @Override public int size() { return ordering.length; }

        @Override public Matrix solve(Matrix rhs) {
            R064Store b = store(rhs);
            int n = ordering.length;
            if (b.getRowDim() != n) {
                throw new IllegalArgumentException("solve: right-hand side has " + b.getRowDim() + " rows, expected "
                        + n);
            }
            R064Store x = R064Store.FACTORY.make(n, b.getColDim());
            double[] work = new double[n];
            for (int col = 0; col < b.getColDim(); col++) {
                int off = col * n;
                for (int k = 0; k < n; k++) {
                    work[k] = b.data[off + ordering[k]];
                }
                ldl.ftran(work);
                for (int k = 0; k < n; k++) {
                    x.data[off + ordering[k]] = work[k];
                }
            }
            return new Store(x);
        }
    }

    @Override public Factorization lu(Matrix square) {
        R064Store s = square(square, "lu");
        LU<Double> lu = LU.R064.make(s);
        if (!lu.decompose(s) || !lu.isSolvable()) {
            throw new SingularMatrixException("matrix of order " + s.getRowDim() + " is singular");
        }
        return new Solver(lu, s.getRowDim());
    }

    private static R064Store square(Matrix m, String what) {
        R064Store s = store(m);
        if (s.getRowDim() != s.getColDim()) {
            throw new IllegalArgumentException(what + " needs a square matrix, got " + s.getRowDim() + "x" + s.getColDim());
        }
        return s;
    }

    private static void requireSameShape(Matrix x, Matrix y) {
        if (x.rows() != y.rows() || x.cols() != y.cols()) {
            throw new IllegalArgumentException("shape mismatch: " + x.rows() + "x" + x.cols() + " vs " + y.rows() + "x"
                    + y.cols());
        }
    }

    private record Solver(MatrixDecomposition.Solver<Double> decomposition, int size) implements Factorization {
        @Override public Matrix solve(Matrix rhs) {
            R064Store b = store(rhs);
            if (b.getRowDim() != size) {
                throw new IllegalArgumentException("solve: right-hand side has " + b.getRowDim() + " rows, expected " + size);
            }
            R064Store x = R064Store.FACTORY.make(size, b.getColDim());
            decomposition.getSolution(b, x);
            return new Store(x);
        }
    }
}
