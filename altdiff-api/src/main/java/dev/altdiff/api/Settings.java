package dev.altdiff.api;

/**
 * Solver settings. Two presets: {@link #DEFAULTS}, the robust settings a user gets (adaptive ρ, Ruiz
 * scaling, OSQP's residual termination), and {@link #PAPER}, the settings of the Alt-Diff paper (ρ = 1,
 * the relative-change truncation rule, no scaling), kept so that the paper's experiments can be
 * reproduced by name.
 *
 * <p><b>Termination test and statuses.</b> Whatever rule stops a run, its {@link Status} is
 * {@link Status#SOLVED} only when the residuals and the duality gap pass OSQP 1.0's test on the caller's
 * (unscaled) problem, with ε_abs = ε_rel = ε = {@link #tolerance()}:
 * <pre>
 *   ‖r_prim‖∞ = max(‖Ax − b‖∞, ‖Gx + s − h‖∞) ≤ ε + ε·max(‖Ax‖∞, ‖Gx‖∞, ‖s‖∞, ‖b‖∞, ‖h‖∞)
 *   ‖r_dual‖∞ = ‖Px + q + Aᵀλ + Gᵀν‖∞        ≤ ε + ε·max(‖Px‖∞, ‖Aᵀλ‖∞, ‖Gᵀν‖∞, ‖q‖∞)
 *   |gap|     = |xᵀPx + qᵀx + bᵀλ + hᵀν|     ≤ ε + ε·max(|xᵀPx|, |qᵀx|, |bᵀλ|, |hᵀν|)
 * </pre>
 * (ν ≥ 0 and νᵢsᵢ = 0 hold exactly for every ADMM iterate, so this is a test of the KKT conditions; the
 * gap, the primal objective minus the dual one, bounds the objective's error where the residuals' scales
 * are large. General objectives are tested on the residuals alone.)
 * With {@link Truncation#RESIDUALS} the test is the stopping rule, run every
 * {@link #TERMINATION_CHECK_INTERVAL} iterations. With {@link Truncation#RELATIVE_CHANGE} (the paper's
 * truncation) a run stops when ‖x_k − x_{k−1}‖₂ ≤ ε‖x_k‖₂ and is {@link Status#SOLVED} if the test
 * passes there, else {@link Status#TRUNCATED}. A run that reaches the iteration cap or the time limit
 * is SOLVED if the test passes there, else {@link Status#MAX_ITERATIONS} or {@link Status#TIME_LIMIT}.
 * A certificate of infeasibility always wins over SOLVED; non-finite iterates give
 * {@link Status#NUMERICAL_ERROR}.
 *
 * @param rho           (starting) ADMM penalty ρ, in [{@value #RHO_MIN}, {@value #RHO_MAX}]
 * @param tolerance     ε of the termination test and of the truncation rule, in (0, 1)
 * @param maxIterations iteration cap, ≥ 1
 * @param truncation    the stopping rule
 * @param infeasibilityTolerance ε_inf of the infeasibility tests (see {@link Certificate}), in [0, 1)
 *                      (0 turns detection off), run every {@link #INFEASIBILITY_CHECK_INTERVAL}
 *                      iterations on the differences of the iterates. The tests are relative to ‖δy‖∞
 *                      or ‖δx‖∞, so ε_inf is unitless; a larger value detects sooner but may misreport
 *                      a feasible problem whose data are large or badly scaled
 * @param polish        whether to polish the final iterate: when a run stops with any status but the
 *                      infeasibility ones, the active set is guessed from the final iterate (row i of G
 *                      active when νᵢ + ρ(Gx − h)ᵢ &gt; 0), the equality-constrained KKT system of that
 *                      active set is solved, and the polished point is kept only if it passes the
 *                      termination test (it is then {@link Status#SOLVED}; {@link Solution#polish()}
 *                      says what happened); a wrong guess is corrected by primal–dual active-set steps. A run
 *                      that keeps no trajectory (a forward pass) is also polished during the run, when its
 *                      residuals first pass the test at 1e-3, 1e-4, …, and stops when a polished point
 *                      passes. Dense problems only (refused for a sparse one).
 *                      The gradients stay those of the ADMM iterations (Alt-Diff differentiates the run
 *                      that was made)
 * @param adaptiveRho   whether ρ adapts to the residuals: every {@link #ADAPTIVE_RHO_INTERVAL} iterations
 *                      the solver proposes ρ·√((‖r_prim‖∞/max(‖Ax‖∞, ‖Gx‖∞, ‖b‖∞, ‖h‖∞)) /
 *                      (‖r_dual‖∞/max(‖Px‖∞, ‖Aᵀλ‖∞, ‖Gᵀν‖∞, ‖q‖∞))) (OSQP's residual balancing), rounded
 *                      to the grid 10^(j/4) and clamped to [1e-6, 1e6]; it switches, and factors H again,
 *                      only when the proposal differs from the current ρ by more than
 *                      {@link #ADAPTIVE_RHO_TOLERANCE}× and, after j switches, the current ρ has run for at
 *                      least {@link #ADAPTIVE_RHO_INTERVAL}·2^j iterations. A batch sharing one factor
 *                      switches all its columns together, on the geometric mean of their proposals.
 *                      Alt-Diff differentiates the run with the ρ and the factor of each iteration; the
 *                      rounding makes the schedule piecewise constant in the data, so that derivative is
 *                      exact almost everywhere. General objectives adapt ρ the same way (∇f(x) in the
 *                      place of Px + q), their Newton x-step at the ρ of each iteration
 * @param scaling       Ruiz equilibration passes, in [0, {@value #MAX_SCALING_PASSES}] (0: off). The solver
 *                      works on the scaled problem D P D c, c D q, E A D, E b, …; the solution, residuals,
 *                      certificates and gradients are mapped back to the caller's problem, and the
 *                      termination test is made on the caller's problem. The factors are powers of 2 (no
 *                      rounding error). Quadratic programs (sparse ones too, in compressed columns) and
 *                      general objectives (f̄(x̄) = c·f(D x̄), the factors from ∇²f and ∇f at the start)
 * @param timeLimit     wall-clock limit of one run in seconds, ≥ 0 (0: none), checked every
 *                      {@link #TERMINATION_CHECK_INTERVAL} iterations; reaching it gives
 *                      {@link Status#TIME_LIMIT} unless the termination test passes there
 * @param alpha         over-relaxation α in [{@value #ALPHA_MIN}, {@value #ALPHA_MAX}] (OSQP's α; 1: none):
 *                      the s- and multiplier updates read αGx⁺ + (1 − α)(h − s) in place of Gx⁺ and
 *                      αAx⁺ + (1 − α)b in place of Ax⁺. Quadratic programs only: general objectives run with
 *                      α = 1
 * @param equalityRhoScale the penalty of the equality rows relative to ρ, in [1, {@value #EQUALITY_RHO_SCALE_MAX}]
 *                      (OSQP's per-row ρ: its equality rows get 10³ρ): H = P + ρ_eqAᵀA + ρGᵀG with
 *                      ρ_eq = equalityRhoScale·ρ, and λ⁺ = λ + αρ_eq(Ax⁺ − b). General objectives too:
 *                      H(x) = ∇²f(x) + ρ_eqAᵀA + ρGᵀG
 * @param sigma         the proximal weight σ in [0, {@value #SIGMA_MAX}] (OSQP's σ; 0: none): the x-step minimizes
 *                      the augmented Lagrangian plus σ/2‖x − x_k‖², so H = P + σI + ρ_eqAᵀA + ρGᵀG is positive
 *                      definite for any PSD P and any [A; G] (an LP with fewer constraint rows than variables,
 *                      rank-deficient constraints) and x⁺ = H⁻¹(σx_k + …). σ &gt; 0 runs the full x-step (the
 *                      reduced one needs x only through [A; G]x). Quadratic programs only
 * @param xStep         how a dense QP's x-step is evaluated ({@link XStepForm}: the same map up to rounding, different
 *                      set-up, per-iteration cost and memory); {@link XStepForm#REUSED} unless set. Quadratic programs
 *                      only
 */
public record Settings(double rho, double tolerance, int maxIterations, Truncation truncation,
                       double infeasibilityTolerance, boolean polish, boolean adaptiveRho, int scaling,
                       double timeLimit, double alpha, double equalityRhoScale, double sigma, XStepForm xStep) {

    /** Default ε_inf. */
    public static final double DEFAULT_INFEASIBILITY_TOLERANCE = 1e-5;

    /** The infeasibility tests run at iterations 10, 20, 30, … */
    public static final int INFEASIBILITY_CHECK_INTERVAL = 10;

    /** The termination test of {@link Truncation#RESIDUALS} (and the time limit) is checked at iterations 10, 20, 30, … */
    public static final int TERMINATION_CHECK_INTERVAL = 10;

    /** With {@link #adaptiveRho()}, ρ is reconsidered at iterations 10, 20, 30, … */
    public static final int ADAPTIVE_RHO_INTERVAL = 10;

    /** With {@link #adaptiveRho()}, ρ changes only when the proposal differs by more than this factor (OSQP's 5). */
    public static final double ADAPTIVE_RHO_TOLERANCE = 5.0;

    /** Smallest accepted ρ. */
    public static final double RHO_MIN = 1e-8;

    /** Largest accepted ρ. */
    public static final double RHO_MAX = 1e8;

    /** Smallest accepted over-relaxation α (OSQP requires α in (0, 2)). */
    public static final double ALPHA_MIN = 0.01;

    /** Largest accepted over-relaxation α. */
    public static final double ALPHA_MAX = 1.99;

    /** The default penalty scale of equality rows (OSQP's). */
    public static final double DEFAULT_EQUALITY_RHO_SCALE = 1e3;

    /** Largest accepted penalty scale of equality rows. */
    public static final double EQUALITY_RHO_SCALE_MAX = 1e6;

    /** The largest proximal weight σ. */
    public static final double SIGMA_MAX = 1e6;

    /** OSQP's σ, the value to pick for an LP or rank-deficient constraints ({@link #withSigma}). */
    public static final double OSQP_SIGMA = 1e-6;

    /** Most Ruiz passes (OSQP uses 10; more than a few dozen change nothing, since the factors are powers of 2). */
    public static final int MAX_SCALING_PASSES = 100;

    /**
     * The robust defaults: ρ = 1 adapted to the residuals, 10 Ruiz passes, the termination test at
     * ε = 1e-7 as the stopping rule ({@link Truncation#RESIDUALS}), 10 000 iterations, ε_inf = 1e-5, no
     * polishing (the CLI's {@code --method kkt} polishes), no time limit, the equality rows at 10³ρ (OSQP's
     * per-row ρ) and no over-relaxation (α = 1). OSQP's α = 1.6 is not the default: measured on the paper's
     * dense draw (n = 200), it leaves the adaptive ρ's proposal at 0.32 of ρ = 1, inside the 5× switch
     * tolerance, and the run takes 248 iterations instead of 80; on the Maros–Meszaros subset it solved one
     * problem more (18 against 17 of 40 at a 10 s cap). {@link #withAlpha} sets it. ε = 1e-7 rather than OSQP's
     * 1e-3 or the paper's 1e-6: on the paper's dense draws at (1000, 500, 200) the test at 1e-6 left x
     * 1.3e-6 to 3e-6 (relative, ∞-norm) from an interior-point reference, at 1e-7 within 3e-7, for 20–30 %
     * more iterations.
     */
    public static final Settings DEFAULTS = new Settings(1.0, 1e-7, 10_000, Truncation.RESIDUALS,
            DEFAULT_INFEASIBILITY_TOLERANCE, false, true, 10, 0, 1.0, DEFAULT_EQUALITY_RHO_SCALE, 0, XStepForm.REUSED);

    /**
     * The Alt-Diff paper's settings: fixed ρ = 1, its relative-change truncation rule at ε = 1e-6
     * ({@link Truncation#RELATIVE_CHANGE}), no scaling, no polishing, 10 000 iterations, ε_inf = 1e-5,
     * no over-relaxation (α = 1), one ρ for every row.
     * A run it truncates early is {@link Status#TRUNCATED} unless the termination test passes.
     */
    public static final Settings PAPER = new Settings(1.0, 1e-6, 10_000, Truncation.RELATIVE_CHANGE);

    /** Settings with a fixed ρ, no scaling, no polishing and the default infeasibility tolerance. */
    public Settings(double rho, double tolerance, int maxIterations, Truncation truncation) {
        this(rho, tolerance, maxIterations, truncation, DEFAULT_INFEASIBILITY_TOLERANCE);
    }

    /** Settings with a fixed ρ, no scaling, no polishing. */
    public Settings(double rho, double tolerance, int maxIterations, Truncation truncation,
                    double infeasibilityTolerance) {
        this(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, false);
    }

    /** Settings with a fixed ρ and no scaling. */
    public Settings(double rho, double tolerance, int maxIterations, Truncation truncation,
                    double infeasibilityTolerance, boolean polish) {
        this(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, false, 0);
    }

    /** Settings without a time limit. */
    public Settings(double rho, double tolerance, int maxIterations, Truncation truncation,
                    double infeasibilityTolerance, boolean polish, boolean adaptiveRho, int scaling) {
        this(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho, scaling, 0);
    }

    /** Settings of the paper's ADMM steps: no over-relaxation (α = 1), one ρ for every row. */
    public Settings(double rho, double tolerance, int maxIterations, Truncation truncation,
                    double infeasibilityTolerance, boolean polish, boolean adaptiveRho, int scaling,
                    double timeLimit) {
        this(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho, scaling,
                timeLimit, 1.0, 1.0, 0);
    }

    /** Settings with the x-step form of layers and batches ({@link XStepForm#REUSED}). */
    public Settings(double rho, double tolerance, int maxIterations, Truncation truncation,
                    double infeasibilityTolerance, boolean polish, boolean adaptiveRho, int scaling,
                    double timeLimit, double alpha, double equalityRhoScale, double sigma) {
        this(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho, scaling,
                timeLimit, alpha, equalityRhoScale, sigma, XStepForm.REUSED);
    }

    /**
     * Validates every field against its documented range.
     *
     * @throws IllegalArgumentException naming the field, its range and the value
     */
    public Settings {
        if (!(rho >= RHO_MIN && rho <= RHO_MAX)) {
            throw new IllegalArgumentException("rho must be in [" + RHO_MIN + ", " + RHO_MAX + "], got " + rho);
        }
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("tolerance must be in (0, 1), got " + tolerance);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
        }
        if (truncation == null) {
            throw new IllegalArgumentException("truncation must not be null");
        }
        if (!(infeasibilityTolerance >= 0 && infeasibilityTolerance < 1)) {
            throw new IllegalArgumentException("infeasibilityTolerance must be in [0, 1) (0: off), got "
                    + infeasibilityTolerance);
        }
        if (scaling < 0 || scaling > MAX_SCALING_PASSES) {
            throw new IllegalArgumentException("scaling (Ruiz passes) must be in [0, " + MAX_SCALING_PASSES
                    + "] (0: off), got " + scaling);
        }
        if (!(timeLimit >= 0) || Double.isInfinite(timeLimit)) {
            throw new IllegalArgumentException("timeLimit must be a finite number of seconds >= 0 (0: none), got "
                    + timeLimit);
        }
        if (!(alpha >= ALPHA_MIN && alpha <= ALPHA_MAX)) {
            throw new IllegalArgumentException("alpha (over-relaxation) must be in [" + ALPHA_MIN + ", " + ALPHA_MAX
                    + "] (1: none), got " + alpha);
        }
        if (!(equalityRhoScale >= 1 && equalityRhoScale <= EQUALITY_RHO_SCALE_MAX)) {
            throw new IllegalArgumentException("equalityRhoScale must be in [1, " + EQUALITY_RHO_SCALE_MAX
                    + "] (1: one ρ for every row), got " + equalityRhoScale);
        }
        if (xStep == null) {
            throw new IllegalArgumentException("xStep must not be null");
        }
        if (!(sigma >= 0 && sigma <= SIGMA_MAX)) {
            throw new IllegalArgumentException("sigma (proximal weight) must be in [0, " + SIGMA_MAX + "] (0: none), got "
                    + sigma);
        }
    }

    /** @return a copy with ρ replaced */
    public Settings withRho(double rho) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, xStep);
    }

    /** @return a copy with ε replaced */
    public Settings withTolerance(double tolerance) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, xStep);
    }

    /** @return a copy with the iteration cap replaced */
    public Settings withMaxIterations(int maxIterations) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, xStep);
    }

    /** @return a copy with the truncation rule replaced */
    public Settings withTruncation(Truncation truncation) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, xStep);
    }

    /** @return a copy with ε_inf replaced (0 turns infeasibility detection off) */
    public Settings withInfeasibilityTolerance(double infeasibilityTolerance) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, xStep);
    }

    /** @return a copy with polishing switched on or off */
    public Settings withPolish(boolean polish) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, xStep);
    }

    /** @return a copy with adaptive ρ switched on or off */
    public Settings withAdaptiveRho(boolean adaptiveRho) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, xStep);
    }

    /** @return a copy with the number of Ruiz equilibration passes replaced (0: off) */
    public Settings withScaling(int scaling) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, xStep);
    }

    /** @return a copy with the time limit replaced (seconds, 0: none) */
    public Settings withTimeLimit(double timeLimit) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, xStep);
    }

    /** @return a copy with the over-relaxation α replaced (1: none) */
    public Settings withAlpha(double alpha) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, xStep);
    }

    /** @return a copy with the equality rows' penalty scale replaced (1: one ρ for every row) */
    public Settings withEqualityRhoScale(double equalityRhoScale) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, xStep);
    }

    /** @return a copy with the proximal weight σ replaced */
    public Settings withSigma(double sigma) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, xStep);
    }

    /** @return a copy with the x-step form replaced */
    public Settings withXStep(XStepForm xStep) {
        return new Settings(rho, tolerance, maxIterations, truncation, infeasibilityTolerance, polish, adaptiveRho,
                scaling, timeLimit, alpha, equalityRhoScale, sigma, xStep);
    }
}
