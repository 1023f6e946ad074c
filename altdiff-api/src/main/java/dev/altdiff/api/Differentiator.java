package dev.altdiff.api;

import dev.altdiff.api.linalg.LinearAlgebra;

import java.util.Set;

/**
 * Service-provider interface of a differentiation method (Alt-Diff, implicit KKT, ...).
 * Implementations are discovered with {@link java.util.ServiceLoader} (a public no-argument
 * constructor and an entry in {@code META-INF/services/dev.altdiff.api.Differentiator}) and
 * must be stateless and thread-safe.
 */
public interface Differentiator {

    /** @return the unique name users select this method by, e.g. {@code altdiff} or {@code kkt} */
    String name();

    /** @return the parameter blocks whose gradients {@link DifferentiableSolution#backward} returns */
    Set<Block> blocks();

    /**
     * Solves the problem and prepares its differentiation.
     *
     * @param problem  validated problem data
     * @param settings solver settings
     * @param backend  the linear algebra every matrix operation goes through
     * @return the solution and its backward pass
     * @throws InvalidProblemException when P is not positive semidefinite, or when
     *         H = P + ρAᵀA + ρGᵀG is singular (an LP whose constraints do not have full column rank)
     */
    DifferentiableSolution solve(QuadraticProgram problem, Settings settings, LinearAlgebra backend);
}
