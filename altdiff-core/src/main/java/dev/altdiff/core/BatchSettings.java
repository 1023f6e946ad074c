package dev.altdiff.core;

import java.util.Objects;

/**
 * Options of a {@link BatchLayer} (the solver's own settings are a {@link dev.altdiff.api.Settings}).
 *
 * @param failedGradients what {@link BatchResult#backward} returns for a sample whose forward status
 *                        is not {@link dev.altdiff.api.Status#SOLVED}
 * @param warmStart       whether sample b starts from the previous forward call's final iterate
 *                        (x, s, λ, ν) of sample b, when there was one of the same shape
 */
public record BatchSettings(FailedGradients failedGradients, boolean warmStart) {

    /** Zero gradients for failed samples, no warm start. */
    public static final BatchSettings DEFAULTS = new BatchSettings(FailedGradients.ZERO, false);

    /**
     * The gradients of a sample whose forward pass ended neither {@link dev.altdiff.api.Status#SOLVED} nor
     * {@link dev.altdiff.api.Status#TRUNCATED} (the two statuses whose run is differentiated).
     */
    public enum FailedGradients {
        /** Every gradient block of the sample is filled with 0.0: the sample does not move the parameters. */
        ZERO,
        /** Every gradient block of the sample is filled with NaN, so that a training loop notices. */
        NAN
    }

    public BatchSettings {
        Objects.requireNonNull(failedGradients, "failedGradients");
    }

    /** @return a copy with the failed-sample policy replaced */
    public BatchSettings withFailedGradients(FailedGradients policy) { return new BatchSettings(policy, warmStart); }

    /** @return a copy with warm starting switched on or off */
    public BatchSettings withWarmStart(boolean warm) { return new BatchSettings(failedGradients, warm); }
}
