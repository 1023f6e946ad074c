package dev.altdiff.examples.io;

/**
 * Invalid command-line input that is not problem data: an unreadable or malformed JSON file, an
 * unknown key, a bad option value, an unknown backend or method. The CLI maps it, like
 * {@link dev.altdiff.api.InvalidProblemException}, to exit status 2.
 */
public final class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
