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
 * @param polish         what polishing did ({@link Settings#polish()}); {@link Polish#NOT_REQUESTED} when it
 *                       was off. When {@link Polish#ACCEPTED}, x, λ, ν, s, the residuals and the objective are
 *                       the polished point's (s = max(0, h − Gx), ν zero off the identified active set), the
 *                       iteration count is still the ADMM run's K, and the status may have been raised from
 *                       MAX_ITERATIONS to SOLVED (see {@link Settings#polish()})
 */
public record Solution(double[] x, double[] lambda, double[] nu, double[] s, Status status, int iterations,
                       double primalResidual, double dualResidual, double objective, Certificate certificate,
                       Polish polish) {

    public Solution {
        if (polish == null) {
            throw new IllegalArgumentException("polish must not be null (use Polish.NOT_REQUESTED)");
        }
    }

    /** A solution that was not polished ({@link Polish#NOT_REQUESTED}). */
    public Solution(double[] x, double[] lambda, double[] nu, double[] s, Status status, int iterations,
                    double primalResidual, double dualResidual, double objective, Certificate certificate) {
        this(x, lambda, nu, s, status, iterations, primalResidual, dualResidual, objective, certificate,
                Polish.NOT_REQUESTED);
    }

    /** A solution without a certificate (any status other than the two infeasible ones), not polished. */
    public Solution(double[] x, double[] lambda, double[] nu, double[] s, Status status, int iterations,
                    double primalResidual, double dualResidual, double objective) {
        this(x, lambda, nu, s, status, iterations, primalResidual, dualResidual, objective, null);
    }

    /** @return a copy with the polish outcome replaced (same arrays) */
    public Solution withPolish(Polish polish) {
        return new Solution(x, lambda, nu, s, status, iterations, primalResidual, dualResidual, objective,
                certificate, polish);
    }
}
