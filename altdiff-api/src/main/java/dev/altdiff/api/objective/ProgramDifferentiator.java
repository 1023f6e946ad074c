package dev.altdiff.api.objective;

import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;

/**
 * Service-provider interface of a differentiation method for general convex programs
 * ({@link ConvexProgram}), the counterpart of {@link dev.altdiff.api.Differentiator} for quadratic
 * programs, looked up by the same names ({@code altdiff}, {@code kkt}). Implementations are found with
 * {@link java.util.ServiceLoader} (a public no-argument constructor and an entry in
 * {@code META-INF/services/dev.altdiff.api.objective.ProgramDifferentiator}) and must be stateless and
 * thread-safe.
 */
public interface ProgramDifferentiator {

    /** @return the unique name users select this method by, e.g. {@code altdiff} or {@code kkt} */
    String name();

    /**
     * Solves the program and prepares its differentiation.
     *
     * @param program  the program
     * @param settings solver settings (general programs run unpolished and without over-relaxation)
     * @param backend  the linear algebra every matrix operation goes through
     * @return the solution and its backward pass
     * @throws dev.altdiff.api.InvalidProblemException for invalid data or an objective whose initial point
     *         is outside its domain
     */
    DifferentiableProgramSolution solve(ConvexProgram program, Settings settings, LinearAlgebra backend);
}
