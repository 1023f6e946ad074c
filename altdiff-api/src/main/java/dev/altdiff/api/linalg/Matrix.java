package dev.altdiff.api.linalg;

/**
 * A dense double matrix owned by a {@link LinearAlgebra} backend, or a read-only sparse one where
 * the backend supports them ({@link LinearAlgebra#sparse}). Only the backend that created a
 * matrix may operate on it. Vectors are n×1 matrices.
 */
public interface Matrix {
    /** @return number of rows */
    int rows();

    /** @return number of columns */
    int cols();

    /** @return entry (i, j), zero-based */
    double get(int i, int j);

    /** @return a fresh row-major copy of all entries (rows·cols doubles, also for a sparse matrix) */
    double[] toRowMajor();
}
