package dev.altdiff.api;

/**
 * The result of a forward solve. Arrays are owned by the caller (never shared with the solver).
 *
 * @param x              primal solution, length n
 * @param lambda         equality multipliers λ (free sign), length p (empty without A)
 * @param nu             inequality multipliers ν ≥ 0, length m (empty without G)
 * @param s              ADMM slack iterate s ≥ 0, length m (s = h − Gx at convergence)
 * @param status         outcome
 * @param iterations     ADMM iterations performed (the truncation point K)
 * @param primalResidual max(‖Ax−b‖∞, ‖Gx+s−h‖∞)
 * @param dualResidual   stationarity residual ‖Px+q+Aᵀλ+Gᵀν‖∞
 * @param objective      ½xᵀPx + qᵀx
 */
public record Solution(double[] x, double[] lambda, double[] nu, double[] s, Status status, int iterations,
                       double primalResidual, double dualResidual, double objective) {
}
