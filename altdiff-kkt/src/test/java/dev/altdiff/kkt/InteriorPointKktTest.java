package dev.altdiff.kkt;

import dev.altdiff.api.Block;
import dev.altdiff.api.Differentiator;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Status;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiff;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kkt-ipm}: found by name, its forward pass (the interior-point method) reaches the planted KKT
 * point, and its gradients are those of the exact point ({@link KktDifferentiator#at}).
 *
 * <p>Tolerances: the interior-point method stops at ε = 1e-10, where x is within ~cond·ε ≈ 1e-8 of x* on
 * these well-conditioned problems (margin 0.1, cond([A; G_act]) ≤ 10n), and the multipliers of the inactive
 * rows are ~1e-10, not 0: the gradients, linear in the point through K, agree to 1e-6 of the largest block's
 * norm. Errors are measured against that norm, not each block's own: at a vertex (p + k = n, see
 * {@link PlantedQp}) x does not depend on P, so ∂ℓ/∂P is ~1e-14 and its own relative error means nothing.
 */
class InteriorPointKktTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    @ParameterizedTest(name = "seed {0}: n {1}, p {2}, m {3}")
    @CsvSource({"1, 10, 3, 12", "2, 20, 5, 20", "3, 16, 0, 20", "4, 30, 6, 30", "5, 30, 10, 40"})
    void interiorPointGradientsAreTheExactKktGradients(long seed, int n, int p, int m) {
        PlantedQp planted = PlantedQp.generate(seed, n, p, m, 0.1, true);
        Differentiator found = AltDiff.differentiator(InteriorPointKktDifferentiator.NAME);
        assertTrue(found instanceof InteriorPointKktDifferentiator, found.getClass().getName());
        KktSolution solved = (KktSolution) found.solve(planted.problem(), Settings.DEFAULTS.withTolerance(1e-10), LA);
        assertEquals(Status.SOLVED, solved.solution().status());
        for (int i = 0; i < n; i++) {
            assertEquals(planted.x()[i], solved.solution().x()[i], 1e-8, "x[" + i + "]");
        }
        double[] v = Gaussian.vector(new Random(seed + 7), n);
        Gradients exact = KktDifferentiator.at(planted.problem(), planted.x(), planted.lambda(), planted.nu(), LA)
                .backward(v);
        assertTrue(worstError(solved.backward(v), exact, p) <= 1e-6);
    }

    /** @return max over the blocks of ‖g − g_exact‖₂, relative to the largest block norm of g_exact */
    private static double worstError(Gradients g, Gradients exact, int p) {
        double scale = 0;
        for (Block block : Block.values()) {
            if (p > 0 || block != Block.A && block != Block.b) { // absent without equalities
                scale = Math.max(scale, Fixtures.norm(exact.flat(block)));
            }
        }
        double worst = 0;
        for (Block block : Block.values()) {
            if (p > 0 || block != Block.A && block != Block.b) {
                worst = Math.max(worst, Fixtures.norm(minus(g.flat(block), exact.flat(block))) / scale);
            }
        }
        return worst;
    }

    /**
     * Polishing ({@link Settings#polish()}: the active set νᵢ &gt; ρsᵢ, its KKT system solved exactly) removes the
     * interior point's ~ε multipliers off the active set: at a vertex (p + k = n) the gradients go from ~1e-10
     * (measured 9e-12 and 5e-10 of the largest block) to rounding, asserted 1e-12 (the polished point is exact
     * to cond·2⁻⁵², cond ≤ 10n).
     */
    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"4, 30, 10, 40", "5, 20, 4, 32"})
    void polishedInteriorPointsGiveTheExactGradientsAtAVertex(long seed, int n, int p, int m) {
        PlantedQp planted = PlantedQp.generate(seed, n, p, m, 0.1, true);
        Settings settings = Settings.DEFAULTS.withTolerance(1e-10);
        KktSolution raw = new InteriorPointKktDifferentiator().solve(planted.problem(), settings, LA);
        KktSolution polished = new InteriorPointKktDifferentiator().solve(planted.problem(), settings.withPolish(true),
                LA);
        assertEquals(Status.SOLVED, polished.solution().status());
        assertEquals(dev.altdiff.api.Polish.ACCEPTED, polished.solution().polish());
        double[] v = Gaussian.vector(new Random(seed + 7), n);
        Gradients exact = KktDifferentiator.at(planted.problem(), planted.x(), planted.lambda(), planted.nu(), LA)
                .backward(v);
        double polishedError = worstError(polished.backward(v), exact, p);
        double rawError = worstError(raw.backward(v), exact, p);
        assertTrue(polishedError <= 1e-12, "polished: " + polishedError);
        assertTrue(polishedError < rawError, "polishing reduces the error " + rawError + " to " + polishedError);
    }

    private static double[] minus(double[] a, double[] b) {
        double[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] -= b[i];
        }
        return out;
    }
}
