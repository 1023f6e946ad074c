package dev.altdiff.spark;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Truncation;

import java.io.Serializable;
import java.util.Objects;

/**
 * What a distributed solve does, in a form Spark ships to the executors ({@link Settings} itself is
 * not serializable, so its fields are carried here).
 *
 * @param rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho, scaling, timeLimit,
 *        alpha, equalityRhoScale, sigma the fields of {@link Settings}
 * @param backend   the linear-algebra backend's name ({@link dev.altdiff.core.AltDiff#backend})
 * @param gradients which gradients each row gets (with its upstream gradient v)
 * @param alwaysBatch solve rows that share matrices in chunks even when the settings make a row's result
 *                  depend on its chunk ({@link #batchIndependent()} false): about twice the throughput
 *                  with adaptive ρ, deterministic for a fixed partitioning, but no longer equal to the
 *                  single-problem library nor independent of the partitioning
 */
public record SolveOptions(double rho, double tolerance, int maxIterations, Truncation truncation,
                           double infeasibilityTolerance, boolean polish, boolean adaptiveRho, int scaling,
                           double timeLimit, double alpha, double equalityRhoScale, double sigma, String backend,
                           GradientBlocks gradients, boolean alwaysBatch)
        implements Serializable {

    /** The gradients a row gets. */
    public enum GradientBlocks {
        /** Forward only: no upstream gradient is read. */
        NONE,
        /** ∂ℓ/∂q, ∂ℓ/∂b, ∂ℓ/∂h of each row (the only per-row gradients when rows share P, A, G). */
        VECTORS,
        /**
         * Also ∂ℓ/∂P, ∂ℓ/∂A, ∂ℓ/∂G of each row: rows with their own matrices only, each differentiated on
         * its own (no shared factorization); a sparse row's matrix gradients are absent, as in the library.
         */
        ALL
    }

    public SolveOptions {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(gradients, "gradients");
        new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho, scaling,
                timeLimit, alpha, equalityRhoScale, sigma); // validates the fields
    }

    /** @return options with the given settings, backend and gradients (rows batched only where results allow it) */
    public static SolveOptions of(Settings s, String backend, GradientBlocks gradients) {
        return new SolveOptions(s.rho(), s.tolerance(), s.maxIterations(), s.truncation(), s.infeasibilityTolerance(),
                s.polish(), s.adaptiveRho(), s.scaling(), s.timeLimit(), s.alpha(), s.equalityRhoScale(), s.sigma(), backend,
                gradients,
                false);
    }

    /** @return a copy with {@link #alwaysBatch()} replaced */
    public SolveOptions withAlwaysBatch(boolean always) {
        return new SolveOptions(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, backend, gradients, always);
    }

    /** @return the solver settings */
    public Settings settings() {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma);
    }

    /**
     * @return whether a row's result depends only on the row when it is solved in a batch that shares
     *         P, A, G: not with adaptive ρ (the batch switches ρ together) or scaling (the cost scale
     *         comes from the batch's largest ‖q‖∞), where rows are then solved one by one
     */
    public boolean batchIndependent() {
        return !adaptiveRho && scaling == 0;
    }
}
