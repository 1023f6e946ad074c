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
}
