package dev.altdiff.kkt;

import dev.altdiff.api.Block;
import dev.altdiff.api.Differentiator;
import dev.altdiff.api.Limits;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.Admm;

import java.util.EnumSet;
import java.util.Set;

/**
 * Implicit differentiation of the KKT conditions (OptNet, Amos &amp; Kolter 2017; {@code ALTDIFF.md} §6),
 * the reference the Alt-Diff gradients are checked against. Registered as {@code kkt}.
 *
 * <p><b>Forward:</b> the same ADMM as Alt-Diff ({@link Admm#solve(QuadraticProgram, Settings, LinearAlgebra)});
 * the gradients are those of the exact solution map evaluated at the returned (x, λ, ν), so for a
 * reference pick a tight tolerance (e.g. {@link dev.altdiff.api.Truncation#RESIDUALS} with ε = 1e-10)
 * or {@link Settings#polish()} (the CLI's {@code --method kkt} polishes by default).
 * <b>Backward:</b> one LU factorization of the (n+p+m)-square matrix Kᵀ, done on the first
 * {@link KktSolution#backward} call and reused; then one solve per upstream gradient. Gradients for
 * all six blocks (see {@link KktSolution}).
 *
 * <p>Stateless and thread-safe.
 */
public final class KktDifferentiator implements Differentiator {
    /** The name this differentiator is selected by. */
    public static final String NAME = "kkt";

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public KktDifferentiator() {
    }

    @Override public String name() { return NAME; }

    /** @return all six blocks P, q, A, b, G, h */
    @Override public Set<Block> blocks() { return EnumSet.allOf(Block.class); }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedOperationException for a {@link QuadraticProgram#isSparse() sparse} problem:
     *         the KKT matrix is factored dense ((n+p+m)² doubles); use the altdiff differentiator
     */
    @Override public KktSolution solve(QuadraticProgram problem, Settings settings, LinearAlgebra backend) {
        KktSolution.requireDense(problem);
        Limits.require(problem, settings, Limits.Gradient.KKT);
        return new KktSolution(problem, Admm.solveForward(problem, settings, backend), backend);
    }

    /**
     * Differentiates at a KKT point obtained elsewhere (another solver, or a point known in closed
     * form), without running ADMM. The point is not checked for optimality; its residuals are
     * reported in {@link KktSolution#solution()} (0 iterations, s = max(0, h − Gx)), whose status is
     * SOLVED when they pass the termination test at ε = {@link Settings#DEFAULTS}' tolerance, else
     * TRUNCATED (a point from outside counts as a run truncated at 0 iterations).
     *
     * @param problem validated problem data
     * @param x       primal solution, length n
     * @param lambda  equality multipliers, length p (empty without A)
     * @param nu      inequality multipliers ν ≥ 0, length m (empty without G)
     * @param backend the linear algebra the backward pass goes through
     * @return the point with its (lazily factored) backward pass; the arrays are copied
     * @throws dev.altdiff.api.InvalidProblemException for a wrong length, a non-finite entry or a
     *         negative νᵢ (block "x", "lambda" or "nu")
     */
    public static KktSolution at(QuadraticProgram problem, double[] x, double[] lambda, double[] nu,
                                 LinearAlgebra backend) {
        return new KktSolution(problem, KktSolution.pointSolution(problem, x, lambda, nu), backend);
    }
}
