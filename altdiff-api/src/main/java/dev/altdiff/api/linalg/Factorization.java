package dev.altdiff.api.linalg;

/** A factorization of a square matrix M, reused for many solves; not required to be thread-safe. */
public interface Factorization {
    /** @return the order of the factored matrix */
    int size();

    /**
     * @param rhs right-hand sides B, size()×k (any k ≥ 1); not modified
     * @return X with M X = B
     */
    Matrix solve(Matrix rhs);
}
