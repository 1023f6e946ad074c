package dev.altdiff.api.linalg;

/**
 * A factorization of a square matrix M, reused for many solves. Built once, it may be shared:
 * {@link #solve} only reads the factor, so several threads may solve with one factorization at once
 * (the thread-safety contract of {@link dev.altdiff.api the api package}).
 */
public interface Factorization {
    /** @return the order of the factored matrix */
    int size();

    /**
     * @param rhs right-hand sides B, size()×k (any k ≥ 1); not modified
     * @return X with M X = B
     */
    Matrix solve(Matrix rhs);

    /**
     * The factor L of a Cholesky factorization M = LLᵀ, for solves in the JVM ({@link JvmBlas#choleskySolve}) where
     * a backend call per solve (copies in and out, a native call) costs more than the solve: the ADMM loop's solves
     * with a few or tens of right-hand sides.
     *
     * @return L as a new row-major size()×size() array (zeros above the diagonal), or null when this is not a
     *     Cholesky factorization or the backend does not give its factor (the default)
     */
    default double[] choleskyFactor() {
        return null;
    }

    /**
     * Solves M X = B in place on the first size()·width entries of an array (B row-major, size()×width; the rest of
     * the array is not touched), in the JVM, where the factor is held there (a
     * factorization of {@link LinearAlgebra#cholesky(int, double[])} that keeps L in the JVM): no backend matrix, no
     * copy of B or of the factor.
     *
     * @param b B on entry, X on return (when this returns true)
     * @return whether it solved; false (b untouched, the default) where the factor is not in the JVM: the caller then
     *     solves through {@link #solve}
     */
    default boolean solveInPlace(double[] b, int width) {
        return false;
    }
}
