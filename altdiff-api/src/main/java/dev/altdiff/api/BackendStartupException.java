package dev.altdiff.api;

/**
 * A linear-algebra backend could not start: its native libraries did not load, or its start-up
 * self-check failed so that it would compute wrong numbers. The message says what to change in the
 * environment. See {@link AltDiffError} for the taxonomy.
 */
public class BackendStartupException extends IllegalStateException implements AltDiffError {
    private static final long serialVersionUID = 1L;

    private final String backend;

    /**
     * @param backend the backend's name
     * @param message what failed and what to change
     * @param cause   the underlying failure, or null
     */
    public BackendStartupException(String backend, String message, Throwable cause) {
        super(message, cause);
        this.backend = backend;
    }

    /** @return the backend's name */
    public String backend() {
        return backend;
    }

    @Override
    public Kind kind() {
        return Kind.BACKEND_STARTUP;
    }
}
