package dev.altdiff.api;

/**
 * Thrown before anything is allocated when a problem (or a run on it) would not fit: an array
 * beyond Java's limit of {@link Limits#MAX_ARRAY_LENGTH} entries, or more bytes than the JVM has
 * available ({@link Limits#availableBytes()}). The message names the block or the part of the run
 * and the bytes it needs; the CLI reports it as the status {@code too_large} (exit 2). It is an
 * {@link InvalidProblemException}: code that handles invalid input handles it too.
 */
public class TooLargeException extends InvalidProblemException {
    private final long bytesNeeded;

    /**
     * @param block       what does not fit: a block ("P", "A", "G", "n") or a part of the run ("H", "trajectory")
     * @param bytesNeeded the bytes it needs (Long.MAX_VALUE when the count itself overflows)
     * @param message     what does not fit, with the sizes
     */
    public TooLargeException(String block, long bytesNeeded, String message) {
        super(block, -1, -1, message);
        this.bytesNeeded = bytesNeeded;
    }

    /** @return the bytes the refused block or run needs */
    public long bytesNeeded() { return bytesNeeded; }
}
