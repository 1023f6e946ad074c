package dev.altdiff.api;

import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.NegativeEntropy;
import dev.altdiff.api.objective.QuadraticObjective;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Limits}: sizes in long arithmetic, magnitudes, and the memory estimate, checked before allocating. */
class LimitsTest {

    @ParameterizedTest
    @ValueSource(ints = {46_341, 65_536, 100_000})
    void aDenseNByNBlockBeyondAJavaArrayIsTooLargeNotAnOverflow(int n) {
        TooLargeException e = assertThrows(TooLargeException.class,
                () -> Limits.length("H", (long) n * n, "n×n"));
        assertTrue(e.getMessage().contains("(" + (long) n * n + " entries)"), e.getMessage());
        assertEquals((long) n * n * Double.BYTES, e.bytesNeeded());
        assertEquals(46_340 * 46_340, Limits.length("H", 46_340L * 46_340, "n×n"));
    }

    @Test
    void countsSaturateInsteadOfOverflowing() {
        assertEquals(Long.MAX_VALUE, Limits.times(Integer.MAX_VALUE, Long.MAX_VALUE / 2));
        assertEquals(Long.MAX_VALUE, Limits.plus(Long.MAX_VALUE - 1, 2));
        assertEquals(6L * Integer.MAX_VALUE, Limits.times(6, Integer.MAX_VALUE));
    }

    @Test
    void entriesMustBeFiniteAndAtMostTheBound() {
        assertEquals(-1e150, Limits.value("q", 0, -1, -1e150));
        InvalidProblemException big = assertThrows(InvalidProblemException.class,
                () -> Limits.value("G", 2, 1, -1e308));
        assertEquals("G", big.block());
        assertTrue(big.getMessage().startsWith("G[2][1] is too large"), big.getMessage());
        InvalidProblemException nan = assertThrows(InvalidProblemException.class,
                () -> Limits.value("b", 4, -1, Double.NaN));
        assertEquals("b[4] is not finite (NaN)", nan.getMessage());
    }

    @Test
    void theProblemRefusesOverflowingDataWithTheBlockNamed() {
        InvalidProblemException e = assertThrows(InvalidProblemException.class, () -> QuadraticProgram.builder(3)
                .q(new double[]{1e308, -1e308, 1e308}).build());
        assertEquals("q", e.block());
        assertEquals(0, e.row());
    }

    @Test
    void declaredSizesAreCheckedBeforeAllocating() {
        assertThrows(TooLargeException.class, () -> SparseMatrix.fromTriplets("P", 3, Integer.MAX_VALUE,
                new int[]{0}, new int[]{0}, new double[]{1}));
        assertThrows(TooLargeException.class, () -> SparseMatrix.fromTriplets("A", Integer.MAX_VALUE, 3,
                new int[]{0}, new int[]{0}, new double[]{1}));
        TooLargeException n = assertThrows(TooLargeException.class,
                () -> QuadraticProgram.builder(Integer.MAX_VALUE).build());
        assertEquals("n", n.block());
    }

    @Test
    void aRunWhoseDenseMatricesExceedAJavaArrayIsRefusedUpFront() {
        QuadraticProgram qp = QuadraticProgram.builder(46_341).build();
        TooLargeException e = assertThrows(TooLargeException.class,
                () -> Limits.require(qp, Settings.DEFAULTS, Limits.Gradient.NONE));
        assertEquals("H", e.block());
    }

    @Test
    void theEstimateCountsTheTrajectoryOnlyWhenAGradientIsRecorded() {
        QuadraticProgram qp = QuadraticProgram.builder(3).P(new double[][]{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}})
                .equalities(new double[][]{{1, 1, 1}}, new double[]{1})
                .inequalities(new double[][]{{-1, 0, 0}, {0, -1, 0}}, new double[]{0, 0}).build();
        Settings settings = Settings.DEFAULTS.withMaxIterations(1000);
        long solveOnly = total(Limits.estimate(qp, settings, Limits.Gradient.NONE));
        long reverse = total(Limits.estimate(qp, settings, Limits.Gradient.REVERSE));
        long trajectory = 1000L * (3 + 1 + 2) * Double.BYTES + 1000L * 2; // the iterates, and the masks as bytes
        long gradients = (3L + 1 + 2) * 3 * Double.BYTES;
        assertEquals(solveOnly + trajectory + gradients, reverse);
        TooLargeException e = assertThrows(TooLargeException.class, () -> Limits.require(qp,
                settings.withMaxIterations(Integer.MAX_VALUE), Limits.Gradient.REVERSE));
        assertEquals("trajectory", e.block());
        assertTrue(e.getMessage().contains("--max-iter"), e.getMessage());
    }

    /**
     * A general program: a diagonal ∇²f with p + m &lt; n is factored through the Woodbury form (no
     * n×n part); a dense ∇²f takes the dense H(x); a reverse-mode gradient adds the trajectory
     * K·(n+p+4m) and the gradients of A and G, and a trajectory beyond the heap is refused.
     */
    @Test
    void aGeneralProgramsEstimateFollowsItsNewtonSystem() {
        int n = 4;
        double[][] a = {{1, 1, 1, 1}};
        double[][] g = {{-1, 0, 0, 0}, {0, -1, 0, 0}};
        double[] y = {0.1, 0.2, 0.3, 0.4};
        Settings settings = Settings.DEFAULTS.withMaxIterations(1000);
        long copies = 3L * n * Double.BYTES;
        ConvexProgram entropy = new ConvexProgram(new NegativeEntropy(y), a, new double[]{1}, g, new double[]{0, 0});
        assertEquals(copies + (3L * 3 * n + 3 * 3) * Double.BYTES,
                total(Limits.estimate(entropy, settings, Limits.Gradient.NONE)));
        double[][] pm = {{2, 1, 0, 0}, {1, 2, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
        ConvexProgram quadratic = new ConvexProgram(new QuadraticObjective(pm, y), a, new double[]{1}, g,
                new double[]{0, 0});
        long dense = copies + 3L * n * n * Double.BYTES;
        assertEquals(dense, total(Limits.estimate(quadratic, settings, Limits.Gradient.NONE)));
        long reverse = dense + 1000L * (n + 1 + 4 * 2) * Double.BYTES + copies;
        assertEquals(reverse, total(Limits.estimate(quadratic, settings, Limits.Gradient.REVERSE)));
        Limits.require(entropy, settings, Limits.Gradient.REVERSE);
        TooLargeException e = assertThrows(TooLargeException.class, () -> Limits.require(entropy,
                settings.withMaxIterations(Integer.MAX_VALUE), Limits.Gradient.REVERSE));
        assertEquals("trajectory", e.block());
        assertTrue(e.getMessage().contains("--max-iter") && e.getMessage().contains("n = 4, p = 1, m = 2"),
                e.getMessage());
    }

    private static long total(List<Limits.Part> parts) {
        return parts.stream().mapToLong(Limits.Part::bytes).sum();
    }
}
