package dev.altdiff.kkt;

import dev.altdiff.api.Block;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static dev.altdiff.kkt.Fixtures.LA;
import static dev.altdiff.kkt.Fixtures.TIGHT;
import static dev.altdiff.kkt.Fixtures.maxAbsDiff;
import static dev.altdiff.kkt.Fixtures.normInf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Equality-only, inequality-only, unconstrained and linear programs: the tight ADMM solution
 * matches the planted (x*, λ*, ν*), and the KKT gradients match central differences (step,
 * tolerance and the factor 2 of P as in {@link KktFiniteDifferenceTest}). Solution tolerance 1e-8:
 * the residual rule at 1e-12 with [A; G_active] of condition ≤ 10n and P ⪰ 0.1·I leaves errors
 * ≲ 1e-10 (measured ≤ 1e-10), and the planted point itself is exact up to the rounding of q and h.
 */
class SpecialProblemsTest {
    static final double SOLUTION_TOLERANCE = 1e-8;

    @ParameterizedTest(name = "{0}: n={2} p={3} m={4}")
    @CsvSource({
            "equality-only,    11, 7, 3, 0",
            "inequality-only,  12, 8, 0, 10",
            "unconstrained,    13, 6, 0, 0",
            "equality-only,    14, 5, 5, 0"})
    void quadraticProgramsMatchPlantedTruthAndFiniteDifferences(String kind, long seed, int n, int p, int m) {
        PlantedQp planted = PlantedQp.generate(seed, n, p, m, 0.1, true);
        double[] v = Gaussian.vector(new Random(seed), n);
        KktSolution solution = new KktDifferentiator().solve(planted.problem(), TIGHT, LA);
        assertMatchesPlanted(planted, solution.solution());
        Gradients g = solution.backward(v);
        assertEquals(p > 0, g.has(Block.A));
        assertEquals(p > 0, g.has(Block.b));
        assertEquals(m > 0, g.has(Block.G));
        assertEquals(m > 0, g.has(Block.h));
        FiniteDifferences fd = new FiniteDifferences(planted.problem(), v, TIGHT, LA);
        StringBuilder report = new StringBuilder(kind + ":");
        for (Block block : Block.values()) {
            if (g.has(block)) {
                FiniteDifferences.Comparison c = fd.compare(block, g, KktFiniteDifferenceTest.EPS);
                report.append(String.format(" %s %.1e", block, c.maxError()));
                assertTrue(c.relative() <= KktFiniteDifferenceTest.TOLERANCE, kind + " " + block + ": " + c);
            }
        }
        System.out.println("[kkt-special] " + report);
    }

    @Test
    void unconstrainedGradientOfQIsMinusPInverseV() {
        PlantedQp planted = PlantedQp.generate(21, 6, 0, 0, 0.1, true);
        double[] v = Gaussian.vector(new Random(21), 6);
        Gradients g = new KktDifferentiator().solve(planted.problem(), TIGHT, LA).backward(v);
        // x* = −P⁻¹q, so ∂ℓ/∂q = −P⁻¹v: check P·g_q = −v
        double[][] pm = planted.problem().P();
        for (int i = 0; i < 6; i++) {
            assertEquals(-v[i], Fixtures.dot(pm[i], g.q()), 1e-12);
        }
        assertNull(g.A());
        assertNull(g.b());
        assertNull(g.G());
        assertNull(g.h());
    }

    /**
     * LP at a planted non-degenerate vertex: x* = [A; G_active]⁻¹[b; h_active] does not move when q
     * (or a small PSD quadratic term) changes, so ∂ℓ/∂q = 0 and ∂ℓ/∂P = 0, while b, h, A, G move
     * the vertex. ∂ℓ/∂P is checked with one-sided differences along P = εE_ii (the only PSD
     * directions among the entry perturbations; P = 0 is on the boundary of the PSD cone).
     */
    @ParameterizedTest(name = "LP seed {0}: n={1} p={2} m={3}")
    @CsvSource({"3, 6, 2, 7", "4, 6, 0, 8", "5, 8, 3, 8"})
    void linearProgramAtAVertex(long seed, int n, int p, int m) {
        PlantedQp planted = PlantedQp.generate(seed, n, p, m, 0.1, false);
        QuadraticProgram lp = planted.problem();
        assertTrue(!lp.hasP());
        double[] v = Gaussian.vector(new Random(seed), n);
        // polished, the point and the finite-difference solves are the vertex itself (a linear solve), so
        // the comparison measures the gradient alone, not the ADMM solves' residual error
        Settings exact = TIGHT.withPolish(true);
        KktSolution solution = new KktDifferentiator().solve(lp, exact, LA);
        assertMatchesPlanted(planted, solution.solution());
        Gradients g = solution.backward(v);
        assertTrue(normInf(g.q()) <= 1e-9, "dl/dq should vanish at a vertex: " + normInf(g.q()));
        double maxP = 0;
        for (double[] row : g.P()) {
            maxP = Math.max(maxP, normInf(row));
        }
        assertTrue(maxP <= 1e-9, "dl/dP should vanish at a vertex: " + maxP);
        assertTrue(normInf(g.h()) > 0.1, "dl/dh should not vanish");
        if (p > 0) {
            assertTrue(normInf(g.b()) > 0.1, "dl/db should not vanish");
        }
        FiniteDifferences fd = new FiniteDifferences(lp, v, exact, LA);
        StringBuilder report = new StringBuilder("LP seed " + seed + ":");
        for (Block block : new Block[]{Block.q, Block.A, Block.b, Block.G, Block.h}) {
            if (g.has(block)) {
                FiniteDifferences.Comparison c = fd.compare(block, g, KktFiniteDifferenceTest.EPS);
                report.append(String.format(" %s %.1e (|g| %.2g)", block, c.maxError(), c.maxGradient()));
                assertTrue(c.relative() <= KktFiniteDifferenceTest.TOLERANCE, "LP " + block + ": " + c);
            }
        }
        double l0 = fd.loss(lp);
        double eps = 1e-4;
        for (int i = 0; i < n; i++) {
            double oneSided = (fd.loss(FiniteDifferences.perturbed(lp, Block.P, i, i, eps)) - l0) / eps;
            assertTrue(Math.abs(oneSided - g.P()[i][i]) <= 1e-6, "P[" + i + "][" + i + "]: " + oneSided);
        }
        System.out.println("[kkt-special] " + report);
    }

    static void assertMatchesPlanted(PlantedQp planted, Solution solution) {
        assertEquals(Status.SOLVED, solution.status());
        double scale = 1 + normInf(planted.x());
        assertTrue(maxAbsDiff(solution.x(), planted.x()) <= SOLUTION_TOLERANCE * scale,
                "x error " + maxAbsDiff(solution.x(), planted.x()));
        assertTrue(maxAbsDiff(solution.lambda(), planted.lambda()) <= SOLUTION_TOLERANCE * scale,
                "lambda error " + maxAbsDiff(solution.lambda(), planted.lambda()));
        assertTrue(maxAbsDiff(solution.nu(), planted.nu()) <= SOLUTION_TOLERANCE * scale,
                "nu error " + maxAbsDiff(solution.nu(), planted.nu()));
    }
}
