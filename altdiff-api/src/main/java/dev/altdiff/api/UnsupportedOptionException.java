package dev.altdiff.api;

/**
 * A valid request that this path does not support: forward mode or polishing of a sparse problem,
 * the {@code kkt} differentiator on sparse data, a backend without sparse matrices, a sparse factor
 * beyond its memory bound. It names the option and the alternative that does support the request.
 * See {@link AltDiffError} for the taxonomy.
 */
public class UnsupportedOptionException extends UnsupportedOperationException implements AltDiffError {
    private static final long serialVersionUID = 1L;

    private final String option;
    private final String alternative;

    /**
     * @param option      the unsupported option, as the user names it (e.g. "mode forward", "polish",
     *                    "differentiator kkt", "backend nd4j")
     * @param reason      why this path does not support it
     * @param alternative what to use instead
     */
    public UnsupportedOptionException(String option, String reason, String alternative) {
        super(option + " is not supported here: " + reason + "; instead: " + alternative);
        this.option = option;
        this.alternative = alternative;
    }

    /** @return the unsupported option */
    public String option() {
        return option;
    }

    /** @return what to use instead */
    public String alternative() {
        return alternative;
    }

    @Override
    public Kind kind() {
        return Kind.UNSUPPORTED_OPTION;
    }
}
