package dev.altdiff.api;

import java.util.Locale;

/**
 * Outcome of a forward solve. A status is a contract: {@link #SOLVED} is given only when the primal and
 * dual residuals pass the termination test ({@link Settings}) on the caller's (unscaled) problem,
 * whatever stopped the run.
 */
public enum Status {
    /** The primal and dual residuals pass the termination test on the caller's problem. */
    SOLVED,
    /**
     * The run was stopped early by the paper's relative-change truncation rule
     * ({@link Truncation#RELATIVE_CHANGE}) and its residuals do not pass the termination test: x is the
     * truncated iterate that Alt-Diff differentiates, not a certified solution.
     */
    TRUNCATED,
    /** The iteration cap was reached before the residuals passed the termination test. */
    MAX_ITERATIONS,
    /** The time limit of {@link Settings} was reached before the residuals passed the termination test. */
    TIME_LIMIT,
    /** The constraints were proved inconsistent (a certificate is attached). */
    PRIMAL_INFEASIBLE,
    /** The objective was proved unbounded below on the feasible set (a certificate is attached). */
    DUAL_INFEASIBLE,
    /** The iterates stopped being finite, or a step could not be computed (e.g. it left the objective's domain). */
    NUMERICAL_ERROR;

    /** @return the lower-case name used in the CLI's JSON output, e.g. {@code max_iterations} */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
