package dev.altdiff.api;

/**
 * Thrown when problem data or an upstream gradient is invalid: a shape mismatch, a NaN or
 * infinite entry, or a P that is not symmetric or not positive semidefinite. The message names
 * the offending block and, where one exists, the index (row, column) of the offending entry; in a
 * batch, also the index of the offending sample ({@link #sample()}). The invalid-input kind of the
 * taxonomy in {@link AltDiffError}.
 */
public class InvalidProblemException extends IllegalArgumentException implements AltDiffError {
    private final String block;
    private final int row;
    private final int col;
    private final int sample;

    /**
     * @param block the offending block: "P", "q", "A", "b", "G", "h", "n" (the dimension), "H" (a
     *              singular P + ρAᵀA + ρGᵀG) or "v" (an upstream gradient)
     * @param row   offending row or vector index, or -1 when the error concerns the whole block
     * @param col   offending column, or -1 for a vector or a whole block
     * @param message what is wrong
     */
    public InvalidProblemException(String block, int row, int col, String message) {
        this(block, row, col, -1, message);
    }

    /**
     * @param sample the offending sample's index in a batch, or -1 outside a batch (or for data the
     *               batch's samples share)
     */
    public InvalidProblemException(String block, int row, int col, int sample, String message) {
        super(message);
        this.block = block;
        this.row = row;
        this.col = col;
        this.sample = sample;
    }

    /**
     * @return the same error attributed to sample {@code sample} of a batch, its message prefixed
     *         with {@code "sample <index>: "}
     */
    public InvalidProblemException inSample(int sample) {
        InvalidProblemException e = new InvalidProblemException(block, row, col, sample,
                "sample " + sample + ": " + getMessage());
        e.initCause(this);
        return e;
    }

    /** @return the offending block's name */
    public String block() { return block; }

    /** @return the offending row or vector index, or -1 */
    public int row() { return row; }

    /** @return the offending column, or -1 */
    public int col() { return col; }

    /** @return the offending sample's index in a batch, or -1 */
    public int sample() { return sample; }

    @Override
    public Kind kind() {
        return Kind.INVALID_INPUT;
    }
}
