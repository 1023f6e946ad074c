package dev.altdiff.api;

import java.util.Locale;

/**
 * What the optional solution polishing ({@link Settings#polish()}) did to a {@link Solution}.
 * Polishing guesses the active set from the final ADMM iterate, solves the equality-constrained
 * KKT system of that active set and keeps the result only if it does not make the residuals
 * worse. It changes the returned point only: the gradients are still those of the ADMM iterations
 * that were run (Alt-Diff differentiates the iterations actually made).
 */
public enum Polish {
    /**
     * Polishing was not requested, or it does not apply: an infeasibility status
     * ({@link Status#PRIMAL_INFEASIBLE}, {@link Status#DUAL_INFEASIBLE}) is never polished.
     */
    NOT_REQUESTED,
    /**
     * The polished point replaced the ADMM iterate: its max(primal, dual) residual is not larger
     * than the iterate's, and everything is finite.
     */
    ACCEPTED,
    /** The polished point was computed but would have made the residuals worse; the ADMM iterate is returned. */
    REJECTED,
    /**
     * The reduced KKT system could not be solved (numerically singular, the factorization threw, or
     * the result was not finite); the ADMM iterate is returned.
     */
    FAILED;

    /** @return the lower-case name used in the CLI's JSON output, e.g. {@code accepted} */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
