package dev.altdiff.core;

import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.DifferentiableProgramSolution;
import dev.altdiff.api.objective.ProgramDifferentiator;

/**
 * Alt-Diff for general convex programs ({@link GeneralAltDiff}: the Newton x-step, reverse mode),
 * registered under the name {@value AltDiffDifferentiator#NAME} like its QP counterpart.
 */
public final class GeneralAltDiffDifferentiator implements ProgramDifferentiator {
    @Override
    public String name() {
        return AltDiffDifferentiator.NAME;
    }

    @Override
    public DifferentiableProgramSolution solve(ConvexProgram program, Settings settings, LinearAlgebra backend) {
        return GeneralAltDiff.solve(program, settings, backend);
    }
}
