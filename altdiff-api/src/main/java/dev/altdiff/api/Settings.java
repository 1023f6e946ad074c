package dev.altdiff.api;

/**
 * Solver settings.
 *
 * @param rho           ADMM penalty ρ &gt; 0 (the paper uses 1)
 * @param tolerance     ε of the truncation rule, &gt; 0
 * @param maxIterations iteration cap, ≥ 1; reaching it gives {@link Status#MAX_ITERATIONS}
 * @param truncation    the stopping rule
 */
public record Settings(double rho, double tolerance, int maxIterations, Truncation truncation) {

    /** ρ = 1, ε = 1e-6, 10 000 iterations, {@link Truncation#RELATIVE_CHANGE}. */
    public static final Settings DEFAULTS = new Settings(1.0, 1e-6, 10_000, Truncation.RELATIVE_CHANGE);

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
    }

    /** @return a copy with ρ replaced */
    public Settings withRho(double rho) { return new Settings(rho, tolerance, maxIterations, truncation); }

    /** @return a copy with ε replaced */
    public Settings withTolerance(double tolerance) { return new Settings(rho, tolerance, maxIterations, truncation); }

    /** @return a copy with the iteration cap replaced */
    public Settings withMaxIterations(int maxIterations) { return new Settings(rho, tolerance, maxIterations, truncation); }

    /** @return a copy with the truncation rule replaced */
    public Settings withTruncation(Truncation truncation) { return new Settings(rho, tolerance, maxIterations, truncation); }
}
