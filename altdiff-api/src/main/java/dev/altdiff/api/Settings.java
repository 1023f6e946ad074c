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
 * @param adaptiveRho   whether ρ adapts to the residuals (default false: the paper's fixed ρ). Every
 *                      {@link #ADAPTIVE_RHO_INTERVAL} iterations the solver proposes
 *                      ρ·√((‖r_prim‖∞/max(‖Ax‖∞, ‖Gx‖∞, ‖b‖∞, ‖h‖∞)) / (‖r_dual‖∞/max(‖Px‖∞,
 *                      ‖Aᵀλ‖∞, ‖Gᵀν‖∞, ‖q‖∞))) (OSQP's residual balancing), rounded to the grid
 *                      10^(j/4) and clamped to [1e-6, 1e6]; it switches, and factors H again, only when
 *                      the proposal differs from the current ρ by more than
 *                      {@link #ADAPTIVE_RHO_TOLERANCE}× and, after j switches, the current ρ has run
 *                      for at least {@link #ADAPTIVE_RHO_INTERVAL}·2^j iterations (residual balancing
 *                      can oscillate; this bounds the switches to O(log K)). The starting ρ is
 *                      {@code rho}. A batch sharing
 *                      one factor switches all its columns together, on the geometric mean of their
 *                      proposals. Alt-Diff differentiates the run with the ρ and the factor of each
 *                      iteration; the rounding makes the schedule piecewise constant in the data, so
 *                      that derivative is exact almost everywhere
 * @param scaling       Ruiz equilibration passes (0: off, the default). The solver works on the scaled
 *                      problem D P D c, c D q, E A D, E b, …; the solution, residuals, certificates and
 *                      gradients are mapped back to the caller's problem. The factors are powers of 2
 *                      (no rounding error), computed from P, A, G (and c from P and q). Termination is
 *                      tested on the scaled problem. QPs only: the general-objective path ignores it
 */
public record Settings(double rho, double tolerance, int maxIterations, Truncation truncation,
                       double infeasibilityTolerance, boolean polish, boolean adaptiveRho, int scaling) {

    /** Default ε_inf: as strict as OSQP's 1e-4 divided by 10, because the data are not scaled. */
    public static final double DEFAULT_INFEASIBILITY_TOLERANCE = 1e-5;

    /** The infeasibility tests run at iterations 10, 20, 30, … */
    public static final int INFEASIBILITY_CHECK_INTERVAL = 10;

    /** With {@link #adaptiveRho()}, ρ is reconsidered at iterations 10, 20, 30, … */
    public static final int ADAPTIVE_RHO_INTERVAL = 10;

    /** With {@link #adaptiveRho()}, ρ changes only when the proposal differs by more than this factor (OSQP's 5). */
    public static final double ADAPTIVE_RHO_TOLERANCE = 5.0;

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

    /** Settings with a fixed ρ and no scaling. */
    public Settings(double rho, double tolerance, int maxIterations, Truncation truncation,
                    double infeasibilityTolerance, boolean polish) {
        this(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, false, 0);
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
        if (scaling < 0) {
            throw new IllegalArgumentException("scaling (Ruiz passes) must be >= 0 (0: off), got " + scaling);
        }
    }

    /** @return a copy with ρ replaced */
    public Settings withRho(double rho) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling);
    }

    /** @return a copy with ε replaced */
    public Settings withTolerance(double tolerance) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling);
    }

    /** @return a copy with the iteration cap replaced */
    public Settings withMaxIterations(int maxIterations) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling);
    }

    /** @return a copy with the truncation rule replaced */
    public Settings withTruncation(Truncation truncation) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling);
    }

    /** @return a copy with ε_inf replaced (0 turns infeasibility detection off) */
    public Settings withInfeasibilityTolerance(double infeasibilityTolerance) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling);
    }

    /** @return a copy with polishing switched on or off */
    public Settings withPolish(boolean polish) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling);
    }

    /** @return a copy with adaptive ρ switched on or off */
    public Settings withAdaptiveRho(boolean adaptiveRho) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling);
    }

    /** @return a copy with the number of Ruiz equilibration passes replaced (0: off) */
    public Settings withScaling(int scaling) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling);
    }
}
