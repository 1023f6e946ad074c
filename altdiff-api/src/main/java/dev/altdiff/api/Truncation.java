package dev.altdiff.api;

/**
 * When ADMM (and with it the Alt-Diff recursion, which runs over exactly the same iterations)
 * stops. Both rules use {@link Settings#tolerance()} ε.
 */
public enum Truncation {
    /**
     * The paper's rule: stop after iteration k when ‖x_k − x_{k−1}‖₂ ≤ ε·‖x_k‖₂
     * (or when both are zero).
     */
    RELATIVE_CHANGE,
    /**
     * Residual rule: stop when the primal residual max(‖Ax−b‖∞, ‖Gx+s−h‖∞) ≤ ε·(1 + max(‖b‖∞, ‖h‖∞))
     * and the dual residual ‖Px+q+Aᵀλ+Gᵀν‖∞ ≤ ε·(1 + ‖q‖∞).
     */
    RESIDUALS
}
