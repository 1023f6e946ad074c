package dev.altdiff.api.linalg;

/** A Cholesky factorization met a matrix that is not (numerically) symmetric positive definite. */
public class NotPositiveDefiniteException extends ArithmeticException {
    public NotPositiveDefiniteException(String message) {
        super(message);
    }
}
