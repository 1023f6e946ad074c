package dev.altdiff.kkt;

import dev.altdiff.api.Block;
import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Layer;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Status;
import dev.altdiff.core.AltDiff;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.altdiff.kkt.Fixtures.LA;
import static dev.altdiff.kkt.Fixtures.TIGHT;
import static dev.altdiff.kkt.Fixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery, input checks, degenerate solutions, thread safety and structural properties. */
class KktSolutionTest {

    @Test
    void discoveredByNameWithAllSixBlocks() {
        assertInstanceOf(KktDifferentiator.class, AltDiff.differentiator("kkt"));
        assertEquals(EnumSet.allOf(Block.class), AltDiff.differentiator("kkt").blocks());
        assertTrue(AltDiff.differentiators().containsKey("altdiff"));
        Layer layer = AltDiff.layer("kkt", "ojalgo", Settings.PAPER);
        Gradients g = layer.forward(RandomQp.paper(3, 4, 1, 2, 1)).backward(new double[]{1, 0, 0, 0});
        for (Block block : Block.values()) {
            assertTrue(g.has(block), block.name());
        }
    }

    @Test
    void upstreamGradientIsChecked() {
        DifferentiableSolution sol = new KktDifferentiator().solve(RandomQp.paper(1, 4, 1, 2, 1), Settings.PAPER, LA);
        InvalidProblemException wrongLength = assertThrows(InvalidProblemException.class, () -> sol.backward(new double[3]));
        assertEquals("v", wrongLength.block());
        InvalidProblemException nan = assertThrows(InvalidProblemException.class,
                () -> sol.backward(new double[]{0, 0, Double.NaN, 0}));
        assertEquals("v", nan.block());
        assertEquals(2, nan.row());
        assertThrows(InvalidProblemException.class, () -> sol.backward(null));
    }

    @Test
    void pointIsChecked() {
        QuadraticProgram qp = RandomQp.paper(1, 3, 1, 2, 1);
        InvalidProblemException negative = assertThrows(InvalidProblemException.class,
                () -> KktDifferentiator.at(qp, new double[3], new double[1], new double[]{0, -1e-3}, LA));
        assertEquals("nu", negative.block());
        assertEquals(1, negative.row());
        InvalidProblemException length = assertThrows(InvalidProblemException.class,
                () -> KktDifferentiator.at(qp, new double[3], new double[2], new double[2], LA));
        assertEquals("lambda", length.block());
        InvalidProblemException nan = assertThrows(InvalidProblemException.class,
                () -> KktDifferentiator.at(qp, new double[]{0, Double.NaN, 0}, new double[1], new double[2], LA));
        assertEquals("x", nan.block());
    }

    /** The KKT point in closed form: the planted one, whose residuals are at rounding level. */
    @Test
    void atReportsTheResidualsOfTheGivenPoint() {
        PlantedQp planted = PlantedQp.generate(8, 7, 2, 6, 0.1, true);
        var s = KktDifferentiator.at(planted.problem(), planted.x(), planted.lambda(), planted.nu(), LA).solution();
        assertEquals(Status.SOLVED, s.status());
        assertEquals(0, s.iterations());
        assertTrue(s.primalResidual() < 1e-14 && s.dualResidual() < 1e-13, s.toString());
        assertArrayEquals(planted.x(), s.x());
    }

    @Test
    void gradientOfPIsSymmetricAndBackwardIsLinearInV() {
        PlantedQp planted = PlantedQp.generate(9, 8, 2, 8, 0.1, true);
        KktSolution sol = new KktDifferentiator().solve(planted.problem(), TIGHT, LA);
        Random r = new Random(9);
        double[] v1 = Gaussian.vector(r, 8);
        double[] v2 = Gaussian.vector(r, 8);
        double[] v12 = new double[8];
        for (int i = 0; i < 8; i++) {
            v12[i] = v1[i] - 2 * v2[i];
        }
        Gradients g1 = sol.backward(v1);
        Gradients g2 = sol.backward(v2);
        Gradients g12 = sol.backward(v12);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                assertEquals(g1.P()[i][j], g1.P()[j][i]);
            }
        }
        double[] combined = new double[8];
        for (int i = 0; i < 8; i++) {
            combined[i] = g1.q()[i] - 2 * g2.q()[i];
        }
        assertTrue(maxAbsDiff(combined, g12.q()) < 1e-12);
        double[] combinedH = new double[8];
        for (int i = 0; i < 8; i++) {
            combinedH[i] = g1.h()[i] - 2 * g2.h()[i];
        }
        assertTrue(maxAbsDiff(combinedH, g12.h()) < 1e-12);
    }

    /** Inactive constraints (νᵢ = 0) get exactly zero gradients: ∂ℓ/∂hᵢ = 0 and row i of ∂ℓ/∂G = 0. */
    @Test
    void inactiveConstraintsHaveZeroGradients() {
        PlantedQp planted = PlantedQp.generate(10, 8, 1, 8, 0.1, true);
        Gradients g = new KktDifferentiator().solve(planted.problem(), TIGHT, LA)
                .backward(Gaussian.vector(new Random(10), 8));
        for (int i = 0; i < 8; i++) {
            if (!planted.active()[i]) {
                assertEquals(0.0, g.h()[i], 0.0, "h[" + i + "]");
                assertArrayEquals(new double[8], g.G()[i], 0.0, "G row " + i);
            } else {
                assertTrue(Math.abs(g.h()[i]) > 0, "active h[" + i + "]");
            }
        }
    }

    @Test
    void concurrentBackwardCallsAgreeWithSequentialOnes() throws Exception {
        PlantedQp planted = PlantedQp.generate(12, 20, 5, 20, 0.1, true);
        KktSolution shared = new KktDifferentiator().solve(planted.problem(), TIGHT, LA);
        KktSolution fresh = new KktDifferentiator().solve(planted.problem(), TIGHT, LA);
        Random r = new Random(12);
        List<double[]> vs = new ArrayList<>();
        for (int t = 0; t < 32; t++) {
            vs.add(Gaussian.vector(r, 20));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Gradients>> futures = new ArrayList<>();
            for (double[] v : vs) { // the first calls race to factor K
                futures.add(pool.submit(() -> shared.backward(v)));
            }
            for (int t = 0; t < vs.size(); t++) {
                Gradients expected = fresh.backward(vs.get(t));
                Gradients actual = futures.get(t).get();
                assertArrayEquals(expected.q(), actual.q());
                assertArrayEquals(expected.b(), actual.b());
                assertArrayEquals(expected.h(), actual.h());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A weakly active constraint (νᵢ = 0 and Gᵢx = hᵢ) makes K singular. At the exact planted point
     * both are exactly 0; a tight ADMM solve resolves them to ~1e-11, below the 1e-10 threshold.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void weaklyActiveConstraintIsReported(long seed) {
        PlantedQp planted = PlantedQp.generate(seed, 8, 2, 8, 0.1, true, 1);
        int weak = -1;
        for (int i = 0; i < 8; i++) {
            if (!planted.active()[i] && Fixtures.dot(planted.problem().G()[i], planted.x()) == planted.problem().h()[i]) {
                weak = i;
            }
        }
        double[] v = Gaussian.vector(new Random(seed), 8);
        for (KktSolution sol : new KktSolution[]{
                KktDifferentiator.at(planted.problem(), planted.x(), planted.lambda(), planted.nu(), LA),
                new KktDifferentiator().solve(planted.problem(), TIGHT, LA)}) {
            SingularKktException e = assertThrows(SingularKktException.class, () -> sol.backward(v));
            assertEquals(weak, e.constraint());
            assertTrue(e.getMessage().contains("weakly active"), e.getMessage());
            assertInstanceOf(ArithmeticException.class, e);
        }
    }

    @Test
    void dependentEqualityRowsAreReported() {
        PlantedQp planted = PlantedQp.generate(5, 6, 2, 6, 0.1, true);
        QuadraticProgram qp = planted.problem();
        double[][] a = qp.A();
        double[] b = qp.b();
        double[][] a3 = {a[0], a[1], new double[6]};
        for (int j = 0; j < 6; j++) {
            a3[2][j] = 0.3 * a[0][j] - 0.7 * a[1][j];
        }
        QuadraticProgram dependent = QuadraticProgram.builder(6).P(qp.P()).q(qp.q())
                .equalities(a3, new double[]{b[0], b[1], 0.3 * b[0] - 0.7 * b[1]}).inequalities(qp.G(), qp.h()).build();
        KktSolution sol = new KktDifferentiator().solve(dependent, TIGHT, LA);
        assertEquals(Status.SOLVED, sol.solution().status()); // ADMM does not mind: H = P + ρAᵀA + ρGᵀG ≻ 0
        SingularKktException e = assertThrows(SingularKktException.class, () -> sol.backward(new double[]{1, 2, 3, 4, 5, 6}));
        assertEquals(-1, e.constraint());
        assertTrue(e.getMessage().contains("linearly dependent"), e.getMessage());
    }

    /**
     * More active constraints than variables: min ½‖x − (1, 1)‖² s.t. x₁ ≤ 0, x₂ ≤ 0, x₁ + x₂ ≤ 0 has
     * x* = 0 with all three active and non-unique multipliers (ADMM returns ν ≈ (⅓, ⅓, ⅔)).
     */
    @Test
    void degenerateVertexIsReported() {
        QuadraticProgram qp = QuadraticProgram.builder(2).P(new double[][]{{1, 0}, {0, 1}}).q(new double[]{-1, -1})
                .inequalities(new double[][]{{1, 0}, {0, 1}, {1, 1}}, new double[]{0, 0, 0}).build();
        KktSolution sol = new KktDifferentiator().solve(qp, TIGHT, LA);
        SingularKktException e = assertThrows(SingularKktException.class, () -> sol.backward(new double[]{1, 2}));
        assertTrue(e.getMessage().contains("degenerate"), e.getMessage());
    }

    /** min x₁ over the box [−1, 1]²: x₂ is free on [−1, 1], a non-unique LP optimum. */
    @Test
    void nonUniqueLinearProgramOptimumIsReported() {
        QuadraticProgram lp = QuadraticProgram.builder(2).q(new double[]{1, 0})
                .inequalities(new double[][]{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}, new double[]{1, 1, 1, 1}).build();
        KktSolution sol = new KktDifferentiator().solve(lp, TIGHT, LA);
        assertEquals(-1.0, sol.solution().x()[0], 1e-9);
        SingularKktException e = assertThrows(SingularKktException.class, () -> sol.backward(new double[]{0, 1}));
        assertTrue(e.getMessage().contains("optimal x is not unique"), e.getMessage());
    }
}
