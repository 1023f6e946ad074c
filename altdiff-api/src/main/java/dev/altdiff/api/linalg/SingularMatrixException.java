package dev.altdiff.api.linalg;

/** An LU factorization met a (numerically) singular matrix. */
public class SingularMatrixException extends ArithmeticException {
    public SingularMatrixException(String message) {
        super(message);
    }
}
