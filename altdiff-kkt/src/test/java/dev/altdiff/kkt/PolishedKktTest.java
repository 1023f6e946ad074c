package dev.altdiff.kkt;

import dev.altdiff.api.Block;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.Polish;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The KKT differentiator's forward pass with {@link Settings#polish()}: from a loose ADMM solve
 * (ε = 1e-3) the polished (x, λ, ν) is the planted KKT point, so the implicit gradients evaluated
 * there equal the gradients at the exact point ({@link KktDifferentiator#at}), while without
 * polishing they carry the loose solve's error.
 *
 * <p>Tolerances: the polished point is exact to about cond·2⁻⁵² ≈ 1e-13 (see core's PolisherTest),
 * and the K matrix of the KKT gradient is then built from the same active set as at the exact
 * point, so the gradients agree to a few condition numbers times that: 1e-8 relative is a wide margin,
 * and the unpolished gradients are asserted to be more than 1e-6 off to show the margin means something.
 */
class PolishedKktTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();
    private static final Settings LOOSE = new Settings(1.0, 1e-3, 10_000, Truncation.RESIDUALS);

    @ParameterizedTest(name = "seed {0}: n {1}, p {2}, m {3}")
    @CsvSource({"1, 10, 3, 12", "2, 20, 5, 20", "3, 16, 0, 20"})
    void polishedLooseSolveGivesTheExactKktGradients(long seed, int n, int p, int m) {
        PlantedQp planted = PlantedQp.generate(seed, n, p, m, 0.1, true);
        double[] v = Gaussian.vector(new Random(seed + 7), n);
        KktSolution polished = new KktDifferentiator().solve(planted.problem(), LOOSE.withPolish(true), LA);
        KktSolution loose = new KktDifferentiator().solve(planted.problem(), LOOSE, LA);
        Solution s = polished.solution();
        assertEquals(Polish.ACCEPTED, s.polish(), "solution() carries the polish outcome");
        assertEquals(Polish.NOT_REQUESTED, loose.solution().polish());
        for (int i = 0; i < n; i++) {
            assertEquals(planted.x()[i], s.x()[i], 1e-9, "x[" + i + "]");
        }
        for (int i = 0; i < m; i++) {
            assertEquals(planted.nu()[i], s.nu()[i], 1e-9, "nu[" + i + "]");
        }
        Gradients exact = KktDifferentiator.at(planted.problem(), planted.x(), planted.lambda(), planted.nu(), LA)
                .backward(v);
        Gradients fromPolished = polished.backward(v);
        Gradients fromLoose = loose.backward(v);
        for (Block block : Block.values()) {
            if (p == 0 && (block == Block.A || block == Block.b)) { // absent without equalities
                continue;
            }
            double polishedError = Fixtures.relativeError(fromPolished.flat(block), exact.flat(block));
            assertTrue(polishedError <= 1e-8, block + ": polished gradient off by " + polishedError);
            if (block == Block.P || block == Block.A || block == Block.G) { // these carry x's error linearly
                double looseError = Fixtures.relativeError(fromLoose.flat(block), exact.flat(block));
                assertTrue(looseError > 1e-6, block + ": the loose gradient alone is off by only " + looseError);
            }
        }
    }
}
