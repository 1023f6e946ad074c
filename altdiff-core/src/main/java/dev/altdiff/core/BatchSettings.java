package dev.altdiff.core;

import java.util.Objects;

/**
 * Options of a {@link BatchLayer} (the solver's own settings are a {@link dev.altdiff.api.Settings}).
 *
 * @param failedGradients what {@link BatchResult#backward} returns for a sample whose forward status
 *                        is not {@link dev.altdiff.api.Status#SOLVED}
 * @param warmStart       whether sample b starts from the previous forward call's final iterate
 *                        (x, s, λ, ν) of sample b, when there was one of the same shape
 * @param runColumns      the widest ADMM run of a {@link SharedBatch}: a batch of B samples is solved as
 *                        ⌈B / runColumns⌉ runs of consecutive samples, of widths that differ by at most one, each
 *                        with its own ρ schedule (adaptive ρ switches a run's columns at once), run in parallel on the
 *                        layer's pool and differentiated in parallel. The results depend on B and runColumns, never
 *                        on the number of threads. {@link Integer#MAX_VALUE}: the whole batch is one run
 * @param threads         the threads of the layer's pool, on which a shared batch's runs and a per-sample batch's
 *                        samples are solved and differentiated: 0 for {@code Runtime.availableProcessors()}; 1 where
 *                        the caller already keeps every core busy (a Spark task per core). Results do not depend on it
 */
public record BatchSettings(FailedGradients failedGradients, boolean warmStart, int runColumns, int threads) {

    /**
     * The default {@link #runColumns()}: 32 columns keep a run's products at matrix–matrix speed (the JVM kernel
     * reaches its rate from about 16 columns) and give a minibatch of 64 two runs, 128 four, which a 2-core machine
     * runs two at a time (measured on the classification layer, docs/performance.md).
     */
    public static final int RUN_COLUMNS = 32;

    /**
     * Zero gradients for failed samples, no warm start, runs of at most {@value #RUN_COLUMNS} columns, a thread per
     * processor.
     */
    public static final BatchSettings DEFAULTS = new BatchSettings(FailedGradients.ZERO, false, RUN_COLUMNS, 0);

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

    /** Options with runs of at most {@value #RUN_COLUMNS} columns and a thread per processor. */
    public BatchSettings(FailedGradients failedGradients, boolean warmStart) {
        this(failedGradients, warmStart, RUN_COLUMNS, 0);
    }

    /** @throws IllegalArgumentException when runColumns is below 1 or threads negative */
    public BatchSettings {
        Objects.requireNonNull(failedGradients, "failedGradients");
        if (runColumns < 1) {
            throw new IllegalArgumentException("runColumns must be >= 1, got " + runColumns);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0: one per processor), got " + threads);
        }
    }

    /** @return a copy with the failed-sample policy replaced */
    public BatchSettings withFailedGradients(FailedGradients policy) {
        return new BatchSettings(policy, warmStart, runColumns, threads);
    }

    /** @return a copy with warm starting switched on or off */
    public BatchSettings withWarmStart(boolean warm) {
        return new BatchSettings(failedGradients, warm, runColumns, threads);
    }

    /** @return a copy whose shared batches run in runs of at most {@code columns} columns ({@link #runColumns()}) */
    public BatchSettings withRunColumns(int columns) {
        return new BatchSettings(failedGradients, warmStart, columns, threads);
    }

    /** @return a copy whose layer's pool has {@code count} threads (0: one per processor; {@link #threads()}) */
    public BatchSettings withThreads(int count) {
        return new BatchSettings(failedGradients, warmStart, runColumns, count);
    }

    /**
     * @return the first column of each run of a batch of {@code size} samples, then {@code size}: ⌈size / runColumns⌉
     *         runs whose widths differ by at most one, the wider first
     */
    int[] runBounds(int size) {
        int runs = (int) ((size + (long) runColumns - 1) / runColumns);
        int[] bounds = new int[runs + 1];
        for (int k = 0; k < runs; k++) {
            bounds[k + 1] = bounds[k] + size / runs + (k < size % runs ? 1 : 0);
        }
        return bounds;
    }
}
