package dev.altdiff.core;

import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.Layer;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The README's Java example, verbatim, with the answers worked out by hand. */
class ReadmeExampleTest {
    @Test
    void readmeExampleGivesTheHandWorkedAnswer() {
        QuadraticProgram qp = QuadraticProgram.builder(2)          // n = 2
                .P(new double[][]{{2, 0}, {0, 2}})                 // symmetric PSD, omit for an LP
                .q(new double[]{-2, -5})
                .equalities(new double[][]{{1, 1}}, new double[]{1})               // A x = b (optional)
                .inequalities(new double[][]{{-1, 0}, {0, -1}}, new double[]{0, 0}) // G x <= h (optional)
                .build();                                          // throws InvalidProblemException

        Layer layer = AltDiff.layer("altdiff", "ojalgo", Settings.PAPER.withTolerance(1e-8));
        DifferentiableSolution out = layer.forward(qp);
        double[] x = out.solution().x();                           // [0.0, 1.0]
        Gradients g = out.backward(new double[]{1, 1});            // ℓ = 1ᵀx, v = ∂ℓ/∂x

        // x₁ is held at 0 by G (ν₁ = 1 > 0) and x₂ = b − x₁, so 1ᵀx = b: ∂ℓ/∂b = 1, ∂ℓ/∂q = 0;
        // moving the active bound h₁ (x₁ ≥ −h₁) moves x₁ by −1 and x₂ by +1: ∂ℓ/∂h = 0.
        assertArrayEquals(new double[]{0, 1}, x, 1e-6);
        assertArrayEquals(new double[]{3}, out.solution().lambda(), 1e-6);
        assertArrayEquals(new double[]{1, 0}, out.solution().nu(), 1e-6);
        assertArrayEquals(new double[]{0, 0}, g.q(), 1e-6);
        assertArrayEquals(new double[]{1}, g.b(), 1e-6);
        assertArrayEquals(new double[]{0, 0}, g.h(), 1e-6);
    }
}
