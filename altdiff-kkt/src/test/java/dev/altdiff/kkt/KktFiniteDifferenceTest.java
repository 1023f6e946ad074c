package dev.altdiff.kkt;

import dev.altdiff.api.Block;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.Status;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static dev.altdiff.kkt.Fixtures.TIGHT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The KKT gradients of all six blocks against central finite differences of ℓ(θ) = vᵀx*(θ), v
 * random, x* from a tight ADMM solve, on planted QPs with equalities and inequalities (strict
 * complementarity margin μ = 0.1 ≫ ε, so the active set is the same at θ ± εe) and fewer than n
 * active constraints (p + k &lt; n, so x* is not pinned to a vertex and every block has a nonzero
 * gradient), on every backend ({@link Fixtures#BACKENDS}).
 *
 * <p><b>Step and tolerance.</b> ε = 1e-5. The error of a central difference is the truncation
 * ε²/6·|ℓ'''| plus the solve error of the two solves divided by 2ε. Truncation: the third
 * derivatives on these problems are below ~10³ (the error at ε = 1e-3 is ≤ 3e-4), so ≤ 3e-8 at
 * ε = 1e-5. Solve error: the residual rule at 1e-12 leaves ‖x_K − x*‖∞ ≲ 1e-11, i.e. ≤ 1e-6 after
 * dividing by 2ε even if the two errors were unrelated (they are not: both solves run the same
 * smooth iteration map, and the measured errors are ~1e-9). Hence the bound
 * max|FD − ∇ℓ| ≤ 1e-6·max(1, max|∇ℓ|), while the gradients are of order 1 to 10: a wrong sign, a
 * factor 2 or a dropped term (e.g. λd_xᵀ in ∂ℓ/∂A) shows up as an error of order |∇ℓ|.
 *
 * <p><b>P.</b> A problem holds a symmetric P, so P_ij and P_ji are perturbed together: the
 * difference quotient estimates 2(∂ℓ/∂P)_ij off the diagonal and (∂ℓ/∂P)_ii on it.
 */
class KktFiniteDifferenceTest {
    static final double EPS = 1e-5;
    static final double TOLERANCE = 1e-6;

    static Stream<Arguments> cases() {
        return Fixtures.onEveryBackend(new Object[]{1L, 8, 3, 8}, new Object[]{2L, 6, 2, 6},
                new Object[]{3L, 10, 2, 12}, new Object[]{4L, 10, 3, 8});
    }

    @ParameterizedTest(name = "seed {0}: n={1} p={2} m={3} on {4}")
    @MethodSource("cases")
    void allSixBlocksMatchCentralDifferences(long seed, int n, int p, int m, LinearAlgebra la) {
        PlantedQp planted = PlantedQp.generate(seed, n, p, m, 0.1, true);
        double[] v = Gaussian.vector(new Random(seed + 100), n);
        KktSolution solution = new KktDifferentiator().solve(planted.problem(), TIGHT, la);
        assertEquals(Status.SOLVED, solution.solution().status());
        Gradients g = solution.backward(v);
        FiniteDifferences fd = new FiniteDifferences(planted.problem(), v, TIGHT, la);
        StringBuilder report = new StringBuilder(la.name() + " seed " + seed + ":");
        for (Block block : Block.values()) {
            assertTrue(g.has(block), block + " missing");
            FiniteDifferences.Comparison c = fd.compare(block, g, EPS);
            report.append(String.format(" %s %.1e (|g| %.1f)", block, c.maxError(), c.maxGradient()));
            assertTrue(c.maxGradient() > 1e-2, block + ": gradient too small for a meaningful check: " + c);
            assertTrue(c.relative() <= TOLERANCE, block + ": " + c);
        }
        System.out.println("[kkt-fd] " + report);
    }
}
