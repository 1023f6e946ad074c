package dev.altdiff.api;

import java.util.Locale;

/** Outcome of a forward solve. */
public enum Status {
    /** The truncation rule of {@link Settings} was met. */
    SOLVED,
    /** The iteration cap was reached before the truncation rule was met (or the iterates diverged). */
    MAX_ITERATIONS,
    /** The constraints were proved inconsistent. */
    PRIMAL_INFEASIBLE,
    /** The objective was proved unbounded below on the feasible set. */
    DUAL_INFEASIBLE;

    /** @return the lower-case name used in the CLI's JSON output, e.g. {@code max_iterations} */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
