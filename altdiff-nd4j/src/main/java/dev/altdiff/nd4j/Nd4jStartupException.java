package dev.altdiff.nd4j;

import dev.altdiff.api.BackendStartupException;

/**
 * The ND4J backend refused to start: its native libraries did not load, or its start-up self-check
 * (known Cholesky, LU and matrix-product answers) failed, so it would have produced wrong numbers.
 * The message says what to change (typically: set {@code OPENBLAS_CORETYPE=Haswell} in the
 * environment before the JVM starts).
 */
public final class Nd4jStartupException extends BackendStartupException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and what to change; @param cause the underlying failure */
    public Nd4jStartupException(String message, Throwable cause) {
        super("nd4j", message, cause);
    }
}
