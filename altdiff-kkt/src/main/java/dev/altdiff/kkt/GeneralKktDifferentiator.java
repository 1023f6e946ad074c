package dev.altdiff.kkt;

import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.DifferentiableProgramSolution;
import dev.altdiff.api.objective.ProgramDifferentiator;

/**
 * The implicit KKT reference for general convex programs ({@link GeneralKktSolution} at the
 * general-objective ADMM's solution), registered under the name {@value KktDifferentiator#NAME} like its
 * QP counterpart.
 */
public final class GeneralKktDifferentiator implements ProgramDifferentiator {
    @Override
    public String name() {
        return KktDifferentiator.NAME;
    }

    @Override
    public DifferentiableProgramSolution solve(ConvexProgram program, Settings settings, LinearAlgebra backend) {
        return GeneralKktSolution.solve(program, settings, backend);
    }
}
