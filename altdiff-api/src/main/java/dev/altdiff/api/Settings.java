package dev.altdiff.api;

/**
 * Solver settings.
 *
 * @param rho           ADMM penalty ρ &gt; 0 (the paper uses 1)
 * @param tolerance     ε of the truncation rule, &gt; 0
 * @param maxIterations iteration cap, ≥ 1; reaching it gives {@link Status#MAX_ITERATIONS}
 * @param truncation    the stopping rule
 * @param infeasibilityTolerance ε_inf &gt; 0 of the infeasibility tests (see {@link Certificate}),
 *                      run every {@link #INFEASIBILITY_CHECK_INTERVAL} iterations on the
 *                      differences of the iterates; 0 turns detection off. The tests are
 *                      relative to ‖δy‖∞ or ‖δx‖∞, so ε_inf is unitless; a larger value detects
 *                      sooner but may misreport a feasible problem whose data are large or badly
 *                      scaled (‖x‖₁·ε_inf ≳ 1 for a feasible x allows a false primal certificate)
 * @param polish        whether to polish the final iterate (default false): when a run stops with
 *                      {@link Status#SOLVED} or {@link Status#MAX_ITERATIONS}, the active set is guessed
 *                      from the final iterate (row i of G is active when νᵢ + ρ(Gx − h)ᵢ &gt; 0), the
 *                      equality-constrained KKT system of that active set is solved, and the solution is
 *                      kept only if max(primal, dual residual) does not grow ({@link Solution#polish()}
 *                      says what happened). An accepted polished point whose residuals pass the
 *                      {@link Truncation#RESIDUALS} test (primal ≤ ε(1 + max(‖b‖∞, ‖h‖∞)), dual
 *                      ≤ ε(1 + ‖q‖∞)) turns MAX_ITERATIONS into SOLVED, whichever truncation rule ran.
 *                      Polishing costs one dense LU of order n + p + (active rows). The gradients stay
 *                      those of the ADMM iterations (Alt-Diff differentiates the run that was made), so
 *                      with polishing the returned x and the backward pass belong to slightly different
 *                      points, both within the run's accuracy of the solution
 */
public record Settings(double rho, double tolerance, int maxIterations, Truncation truncation,
                       double infeasibilityTolerance, boolean polish) {

    /** Default ε_inf: as strict as OSQP's 1e-4 divided by 10, because the data are not scaled. */
    public static final double DEFAULT_INFEASIBILITY_TOLERANCE = 1e-5;

    /** The infeasibility tests run at iterations 10, 20, 30, … */
    public static final int INFEASIBILITY_CHECK_INTERVAL = 10;

    /** ρ = 1, ε = 1e-6, 10 000 iterations, {@link Truncation#RELATIVE_CHANGE}, ε_inf = 1e-5, no polishing. */
    public static final Settings DEFAULTS = new Settings(1.0, 1e-6, 10_000, Truncation.RELATIVE_CHANGE);

    /** Settings with the default infeasibility tolerance {@value #DEFAULT_INFEASIBILITY_TOLERANCE}, no polishing. */
    public Settings(double rho, double tolerance, int maxIterations, Truncation truncation) {
        this(rho, tolerance, maxIterations, truncation, DEFAULT_INFEASIBILITY_TOLERANCE);
    }

    /** Settings without polishing. */
    public Settings(double rho, double tolerance, int maxIterations, Truncation truncation,
                    double infeasibilityTolerance) {
        this(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, false);
    }

    public Settings {
        if (!(rho > 0) || Double.isInfinite(rho)) {
            throw new IllegalArgumentException("rho must be finite and > 0, got " + rho);
        }
        if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be finite and > 0, got " + tolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        if (truncation == null) {
            throw new IllegalArgumentException("truncation must not be null");
        }
        if (!(infeasibilityTolerance >= 0) || Double.isInfinite(infeasibilityTolerance)) {
            throw new IllegalArgumentException("infeasibilityTolerance must be finite and >= 0 (0: off), got "
                    + infeasibilityTolerance);
        }
    }

    /** @return a copy with ρ replaced */
    public Settings withRho(double rho) { return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish); }

    /** @return a copy with ε replaced */
    public Settings withTolerance(double tolerance) { return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish); }

    /** @return a copy with the iteration cap replaced */
    public Settings withMaxIterations(int maxIterations) { return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish); }

    /** @return a copy with the truncation rule replaced */
    public Settings withTruncation(Truncation truncation) { return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish); }

    /** @return a copy with ε_inf replaced (0 turns infeasibility detection off) */
    public Settings withInfeasibilityTolerance(double infeasibilityTolerance) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish);
    }

    /** @return a copy with polishing switched on or off */
    public Settings withPolish(boolean polish) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish);
    }
}
