package dev.altdiff.api.linalg;

import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.UnsupportedOptionException;

/**
 * Backend service-provider interface: the dense linear algebra the Alt-Diff core and the KKT
 * differentiator are written against. A backend is a thin adapter over one library.
 * Implementations are discovered with {@link java.util.ServiceLoader} (entry in
 * {@code META-INF/services/dev.altdiff.api.linalg.LinearAlgebra}) and must keep the thread-safety
 * contract of {@link dev.altdiff.api the api package}: one instance serves any number of threads at
 * once, an operation touches only the matrices passed to it (and writes only its output argument), and a
 * {@link Factorization} it returns may be shared by threads that solve with it.
 *
 * <p>Conventions: matrices are dense doubles, vectors are n×1 matrices, in-place operations
 * modify only the argument documented as the output, and shape mismatches throw
 * {@link IllegalArgumentException}.
 *
 * <p><b>Sparse matrices</b> (optional, {@link #supportsSparse()}): a backend may offer read-only
 * sparse matrices ({@link #sparse}) that {@link #gemm} accepts as its operand {@code a} (sparse
 * times dense into dense, in O(nnz·cols(b))), {@link #transpose}, {@link #copy} and
 * {@link #normInf} accept, and that {@link Matrix#get}/{@link Matrix#toRowMajor} read (the latter
 * densifies); other operations reject them with {@link IllegalArgumentException}. With them comes
 * a sparse Cholesky-type factorization ({@link #sparseCholesky}). A backend without sparse support
 * throws {@link UnsupportedOperationException} naming itself from both methods and never densifies.
 */
public interface LinearAlgebra {

    /** @return the unique name users select this backend by, e.g. {@code ojalgo} */
    String name();

    /** @return a rows×cols matrix holding a copy of {@code rowMajor} (length rows·cols) */
    Matrix matrix(int rows, int cols, double[] rowMajor);

    /** @return a rows×cols matrix of zeros */
    Matrix zeros(int rows, int cols);

    /** Writes one row of a matrix being formed ({@link #matrix(int, int, RowSource)}). */
    @FunctionalInterface
    interface RowSource {
        /** Writes row i into out (length cols), every entry. */
        void row(int i, double[] out);
    }

    /**
     * A rows×cols matrix formed row by row from a source, for matrices that exist nowhere else as an array (a
     * problem's block read under a scaling, a transpose). The default gathers the rows into one row-major array
     * and calls {@link #matrix(int, int, double[])}; a backend that fills its own storage row by row holds one copy
     * of the matrix while forming it, not two (at n = 4 000, 128 MB less at a set-up's peak).
     */
    default Matrix matrix(int rows, int cols, RowSource source) {
        double[] rowMajor = new double[Math.multiplyExact(rows, cols)];
        double[] row = new double[cols];
        for (int i = 0; i < rows; i++) {
            source.row(i, row);
            System.arraycopy(row, 0, rowMajor, i * cols, cols);
        }
        return matrix(rows, cols, rowMajor);
    }

    /** @return a column vector holding a copy of {@code values} */
    default Matrix vector(double[] values) {
        return matrix(values.length, 1, values);
    }

    /** @return the n×n identity */
    Matrix identity(int n);

    /** @return an independent copy */
    Matrix copy(Matrix a);

    /** @return a new matrix aᵀ */
    Matrix transpose(Matrix a);

    /**
     * General product in place: c ← α·op(a)·op(b) + β·c, where op(x) is x or xᵀ. With β = 0 the
     * previous contents of c are ignored (even NaN). c must not alias a or b.
     */
    void gemm(double alpha, Matrix a, boolean transposeA, Matrix b, boolean transposeB, double beta, Matrix c);

    /** @return a new matrix op(a)·op(b) */
    default Matrix multiply(Matrix a, boolean transposeA, Matrix b, boolean transposeB) {
        Matrix c = zeros(transposeA ? a.cols() : a.rows(), transposeB ? b.rows() : b.cols());
        gemm(1.0, a, transposeA, b, transposeB, 0.0, c);
        return c;
    }

    /** @return a new matrix a·b */
    default Matrix multiply(Matrix a, Matrix b) {
        return multiply(a, false, b, false);
    }

    /** In place: y ← y + α·x (same shape). */
    void axpy(double alpha, Matrix x, Matrix y);

    /**
     * c = β·c + α·a·b on row-major arrays in the JVM: a rows×inner, b inner×width, c rows×width (β = 0
     * ignores c's old values). The iterations' products; the default multiplies in the JVM
     * ({@link JvmBlas#gemm}), a backend overrides it where its BLAS is faster including the crossing.
     */
    default void gemm(int rows, int inner, int width, double alpha, double[] a, double[] b, double beta, double[] c) {
        JvmBlas.gemm(rows, inner, width, alpha, a, b, beta, c);
    }

    /**
     * c = β·c + α·aᵀ·b on row-major arrays in the JVM: a rows×cols, b rows×width, c cols×width (the
     * products with Aᵀ and Gᵀ without a transposed copy); default {@link JvmBlas#gemmTransposed}.
     */
    default void gemmTransposed(int rows, int cols, int width, double alpha, double[] a, double[] b, double beta,
                                double[] c) {
        JvmBlas.gemmTransposed(rows, cols, width, alpha, a, b, beta, c);
    }

    /**
     * ax = a·x and aty = aᵀ·y on row-major arrays in the JVM (a rows×cols), each entry exactly as {@link
     * #gemm(int, int, int, double, double[], double[], double, double[])} and {@link #gemmTransposed} of width 1
     * with α = 1, β = 0 give it: one pass over a where the two products would read it twice (the termination
     * test's Ax with Aᵀλ, Gx with Gᵀν); default {@link JvmBlas#gemvAndTransposed}, which a backend keeps as long
     * as its width-1 products are the JVM's.
     */
    default void gemvAndTransposed(int rows, int cols, double[] a, double[] x, double[] y, double[] ax,
                                   double[] aty) {
        JvmBlas.gemvAndTransposed(rows, cols, a, x, y, ax, aty);
    }

    /**
     * In place: a ← a + α·I for a square a, the same sums as {@code axpy(alpha, identity(n), a)} (off the
     * diagonal nothing changes). The δI and σI shifts of P and H use it; the default forms the identity,
     * the backends override it without an n×n temporary.
     *
     * @throws IllegalArgumentException when a is not square
     */
    default void addToDiagonal(double alpha, Matrix a) {
        if (a.rows() != a.cols()) {
            throw new IllegalArgumentException("addToDiagonal needs a square matrix, got " + a.rows() + "x" + a.cols());
        }
        axpy(alpha, identity(a.rows()), a);
    }

    /** In place: x ← α·x. */
    void scale(double alpha, Matrix x);

    /** In place: x ← diag(d)·x, i.e. row i of x is multiplied by d[i] (d.length = rows). */
    void scaleRows(double[] d, Matrix x);

    /** In place: x ← max(x, floor) element-wise. */
    void clampBelow(Matrix x, double floor);

    /** @return max |x_ij| (0 for an empty matrix, NaN when an entry is NaN) */
    double normInf(Matrix x);

    /**
     * @return the Frobenius norm (the 2-norm of a vector), without overflow or underflow of the
     *     squares; NaN when an entry is NaN
     */
    double normFrobenius(Matrix x);

    /**
     * Cholesky factorization of a symmetric positive definite matrix (only its values are used, the
     * symmetry is assumed).
     *
     * @throws NotPositiveDefiniteException when the matrix is not numerically positive definite
     */
    Factorization cholesky(Matrix spd);

    /**
     * {@link #cholesky} that may take the matrix's storage for the factor instead of copying it: the set-up's
     * factorizations of an n×n matrix formed for them alone, one n×n array less at their peak. The matrix is
     * consumed: whether the factorization succeeds or throws, its contents are unspecified afterwards (on success
     * they may be the factor's, which later solves read), and the caller must not use it again, neither read nor
     * write it nor pass it to another operation. The factorization solves as {@link #cholesky}'s does (to
     * rounding: a backend may factor in place with another kernel) and rejects the same matrices. The default
     * is {@link #cholesky} itself (the copy stays); a backend overrides it where its factorization can work in
     * the matrix's own storage.
     *
     * @throws NotPositiveDefiniteException when the matrix is not numerically positive definite (its contents
     *     are then unspecified)
     */
    default Factorization choleskyInPlace(Matrix spd) {
        return cholesky(spd);
    }

    /**
     * Cholesky factorization of a symmetric positive definite matrix formed in the JVM (row-major, order n; only its
     * lower triangle is read), which the call consumes: a backend may factor it in place and keep it as the factor's
     * storage, so the caller must not read or write the array while the returned factorization is in use. Once that
     * is dropped, or the call threw, the array is the caller's again, its contents unspecified (a caller may form its
     * next matrix in it). The default copies it into a backend matrix and
     * factors that in its own storage ({@link #choleskyInPlace}).
     *
     * @throws NotPositiveDefiniteException when the matrix is not numerically positive definite
     */
    default Factorization cholesky(int n, double[] rowMajorSpd) {
        return choleskyInPlace(matrix(n, n, rowMajorSpd));
    }

    /**
     * LU factorization with partial pivoting of a square matrix.
     *
     * @throws SingularMatrixException when the matrix is numerically singular
     */
    Factorization lu(Matrix square);

    /** @return whether {@link #sparse} and {@link #sparseCholesky} are available (false by default) */
    default boolean supportsSparse() {
        return false;
    }

    /**
     * @return a read-only backend matrix of {@code a} in sparse form (see the class comment for the operations
     *         that accept it); a backend may read a's arrays in place ({@link SparseMatrix#columns}: a is immutable)
     * @throws UnsupportedOperationException when this backend has no sparse matrices
     */
    default Matrix sparse(SparseMatrix a) {
        throw noSparse();
    }

    /**
     * A sparse LDLᵀ (square-root-free Cholesky) factorization of a symmetric positive definite
     * matrix S, after the symmetric permutation S(ordering, ordering) chosen by the caller to limit
     * fill-in; no pivoting happens inside. S is given with both triangles (a symmetric pattern); the
     * entries on and above the diagonal of S(ordering, ordering) are read.
     * The returned factorization solves with S itself (the permutation is applied inside
     * {@link Factorization#solve}), on dense right-hand sides.
     *
     * @param ordering a permutation of 0..n−1 (position k of the factor holds row/column ordering[k] of S)
     * @throws NotPositiveDefiniteException when a pivot of D is not positive (S not numerically PD)
     * @throws UnsupportedOperationException when this backend has no sparse matrices
     */
    default Factorization sparseCholesky(SparseMatrix spd, int[] ordering) {
        throw noSparse();
    }

    /**
     * {@link #sparseCholesky} given the upper triangle of S(ordering, ordering) itself (entries on and above the
     * diagonal only, {@link SparseMatrix#permutedUpperTriangle}), so that a caller can release S before the factor is
     * formed; the factorization reads it and does not keep it.
     *
     * @param upper    the upper triangle of S(ordering, ordering)
     * @param ordering the permutation it was formed with (applied inside {@link Factorization#solve})
     * @throws NotPositiveDefiniteException when a pivot of D is not positive (S not numerically PD)
     * @throws UnsupportedOperationException when this backend has no sparse matrices
     */
    default Factorization sparseCholeskyOfUpper(SparseMatrix upper, int[] ordering) {
        throw noSparse();
    }

    private UnsupportedOptionException noSparse() {
        return new UnsupportedOptionException("backend " + name(), "the " + name() + " backend has no sparse matrices",
                "solve sparse problems with the ojalgo backend (or give the problem dense)");
    }
}
