package dev.altdiff.api.objective;

import dev.altdiff.api.Solution;

/**
 * A solved {@link ConvexProgram} and its backward pass, as returned by a
 * {@link ProgramDifferentiator}. Thread safety as for {@link dev.altdiff.api.DifferentiableSolution}:
 * immutable once returned, {@link #backward} may be called from any number of threads at once.
 */
public interface DifferentiableProgramSolution {

    /** @return the forward solution */
    Solution solution();

    /**
     * @param v the upstream gradient ∂ℓ/∂x (length n, finite)
     * @return the gradients of ℓ with respect to the objective's parameter θ and to b, h, A, G (null where
     *         the program lacks the block)
     * @throws dev.altdiff.api.NotDifferentiableException where the solution map has no derivative
     */
    ObjectiveGradients backward(double[] v);
}
