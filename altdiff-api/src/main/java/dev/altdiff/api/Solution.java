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
 * @param certificate    the infeasibility certificate when the status is {@link Status#PRIMAL_INFEASIBLE}
 *                       or {@link Status#DUAL_INFEASIBLE}, else null
 */
public record Solution(double[] x, double[] lambda, double[] nu, double[] s, Status status, int iterations,
                       double primalResidual, double dualResidual, double objective, Certificate certificate) {

    /** A solution without a certificate (any status other than the two infeasible ones). */
    public Solution(double[] x, double[] lambda, double[] nu, double[] s, Status status, int iterations,
                    double primalResidual, double dualResidual, double objective) {
        this(x, lambda, nu, s, status, iterations, primalResidual, dualResidual, objective, null);
    }
}
