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
 * rows are ~1e-10, not 0: the gradients, linear in the point through K, agree to 1e-6 relative, and
 * the active set, read from ν, is the planted one. The problems have p + k &lt; n: with p + k = n the planted
 * point is a vertex (see {@link PlantedQp}), where the interior point's ν ≈ 1e-10 on the inactive rows and
 * s ≈ 1e-10 on the active ones leave the KKT matrix nearly singular and the gradients of P far off (measured:
 * 1.3 relative at n = 30, p = 10, m = 40); there the polished ADMM point of {@code kkt} is the reference.
 */
class InteriorPointKktTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    @ParameterizedTest(name = "seed {0}: n {1}, p {2}, m {3}")
    @CsvSource({"1, 10, 3, 12", "2, 20, 5, 20", "3, 16, 0, 20", "4, 30, 6, 30"})
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
        Gradients gradients = solved.backward(v);
        for (Block block : Block.values()) {
            if (p == 0 && (block == Block.A || block == Block.b)) { // absent without equalities
                continue;
            }
            double error = Fixtures.relativeError(gradients.flat(block), exact.flat(block));
            assertTrue(error <= 1e-6, block + ": off by " + error);
        }
    }
}
