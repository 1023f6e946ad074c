package example;

import dev.altdiff.api.*;
import dev.altdiff.core.AltDiff;

/** The README's Java snippet, verbatim inside {@link #run()}. */
public final class Quickstart {
    private Quickstart() {
    }

    /** @return the solution and gradients of the README's example */
    public static DifferentiableSolution run() {
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
        double[] dq = g.q(), db = g.b(), dh = g.h();               // and g.P(), g.A(), g.G()
        System.out.printf("x = %s, dl/db = %s%n", java.util.Arrays.toString(x), java.util.Arrays.toString(db));
        return out;
    }

    public static void main(String[] args) {
        run();
    }
}
