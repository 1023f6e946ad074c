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

    /**
     * Solves the problem without preparing its differentiation: the forward pass of a layer whose
     * gradient will not be asked (inference, a CLI solve without an upstream gradient). A method may keep
     * less for it (Alt-Diff records no trajectory, so memory stays at the problem's own) and may stop
     * sooner (with {@link Settings#polish()} a forward pass is polished during the run). The default is
     * {@link #solve}'s solution.
     *
     * @return the solution, with the same status contract as {@link #solve}'s
     * @throws InvalidProblemException as {@link #solve}
     */
    default Solution solveForward(QuadraticProgram problem, Settings settings, LinearAlgebra backend) {
        return solve(problem, settings, backend).solution();
    }
}
