package dev.altdiff.api;

/**
 * A certificate of infeasibility, taken from the differences of the last two ADMM iterates
 * (Banjac, Goulart, Stellato and Boyd, "Infeasibility detection in the alternating direction
 * method of multipliers for convex optimization", JOTA 2019), normalized to ‖·‖∞ = 1.
 *
 * <ul>
 *   <li>{@link Status#PRIMAL_INFEASIBLE}: {@code lambda} (length p) and {@code nu} (length m, ≥ 0)
 *       form y = (δλ, δν) with, to the tolerance ε of {@link Settings#infeasibilityTolerance()},
 *       ‖Aᵀδλ + Gᵀδν‖∞ ≤ ε and bᵀδλ + hᵀδν ≤ −ε: a Farkas certificate, since any x with Ax = b,
 *       Gx ≤ h would give bᵀδλ + hᵀδν ≥ xᵀ(Aᵀδλ + Gᵀδν) ≈ 0. {@code x} is null.</li>
 *   <li>{@link Status#DUAL_INFEASIBLE}: {@code x} (length n) is a direction d with ‖Pd‖∞ ≤ ε,
 *       qᵀd ≤ −ε, ‖Ad‖∞ ≤ ε and Gd ≤ ε: along it the objective decreases without bound on the
 *       feasible set (when that is not empty). {@code lambda} and {@code nu} are null.</li>
 * </ul>
 */
public record Certificate(double[] lambda, double[] nu, double[] x) {
}
