package dev.altdiff.api;

/**
 * When ADMM (and with it the Alt-Diff recursion, which runs over exactly the same iterations)
 * stops. Both rules use {@link Settings#tolerance()} ε. Neither decides the status alone: a run is
 * {@link Status#SOLVED} only when the termination test of {@link Settings} passes on the caller's
 * problem.
 */
public enum Truncation {
    /**
     * The paper's rule: stop after iteration k when ‖x_k − x_{k−1}‖₂ ≤ ε·‖x_k‖₂ (for x_k = 0 only
     * when x_k = x_{k−1} = 0). The run is {@link Status#SOLVED} if the termination test passes at that
     * point, else {@link Status#TRUNCATED}.
     */
    RELATIVE_CHANGE,
    /**
     * OSQP's rule: stop when the termination test of {@link Settings} passes (checked every
     * {@link Settings#TERMINATION_CHECK_INTERVAL} iterations).
     */
    RESIDUALS
}
