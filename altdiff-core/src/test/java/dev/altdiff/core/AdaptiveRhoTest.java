package dev.altdiff.core;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adaptive ρ ({@link Settings#adaptiveRho()}): fewer iterations where the fixed ρ = 1 is badly
 * balanced, and batches that switch ρ together and still differentiate each column's own run. The
 * exactness of the recursions across ρ segments (dot-product identity, forward mode, finite
 * differences) is in {@link ReverseSweepSuite} and {@link TruncatedJacobianSuite}, on every backend.
 */
class AdaptiveRhoTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    /** scale·(ZᵀZ/n + I) (the well-conditioned family of issue 5, scaled), other data standard normal. */
    static QuadraticProgram wellConditioned(long seed, int n, int p, int m, double scale) {
        return RandomQp.dense(null, seed, n, p, m, n / scale, scale, null);
    }

    /**
     * At n = 200 (100 + 50 rows) the fixed ρ = 1 needs 1 151 iterations for ε = 1e-6 and adaptive ρ
     * 98 (measured); here, smaller, the assertion asks for a factor of 3. Where both solve, they reach
     * the same point within the tolerance's accuracy.
     */
    @ParameterizedTest
    @CsvSource({"1, 80, 30, 20, 1", "2, 60, 20, 30, 100", "3, 70, 10, 40, 0.01"})
    void adaptiveRhoNeedsFarFewerIterations(long seed, int n, int p, int m, double scale) {
        QuadraticProgram qp = wellConditioned(seed, n, p, m, scale);
        Settings fixed = new Settings(1.0, 1e-6, 50_000, Truncation.RESIDUALS);
        Solution slow = Admm.solve(qp, fixed, LA).solution();
        Admm.Run run = Admm.solve(qp, fixed.withAdaptiveRho(true), LA);
        Solution fast = run.solution();
        System.out.printf("scale %s: fixed rho = 1 %d iterations (%s), adaptive %d (%d segments)%n", scale,
                slow.iterations(), slow.status(), fast.iterations(), run.schedule().switches() + 1);
        assertEquals(Status.SOLVED, fast.status());
        assertTrue(3 * fast.iterations() < slow.iterations(),
                "adaptive " + fast.iterations() + " vs fixed " + slow.iterations() + " iterations");
        assertTrue(run.schedule().switches() > 0, "ρ switched");
        if (slow.status() != Status.SOLVED) { // P = 0.01(ZᵀZ/n + I): ρ = 1 does not get there in 50 000
            return;
        }
        // both satisfy the residual test at 1e-6, so they agree to a few 1e-6 relative
        double err = 0;
        double scaleX = 0;
        for (int i = 0; i < n; i++) {
            err = Math.max(err, Math.abs(slow.x()[i] - fast.x()[i]));
            scaleX = Math.max(scaleX, Math.abs(slow.x()[i]));
        }
        assertTrue(err <= 1e-4 * (1 + scaleX), "x differs by " + err);
    }

    /**
     * A shared batch with adaptive ρ: the columns switch together and stop at their own K_b, and each
     * column's gradient is the derivative of its own run, checked by central differences of the batch
     * forward map in q_c and h_c (the other columns unchanged; the schedule, rounded to 10^(j/4), and
     * the K_b are the same in the perturbed runs, asserted). Step 1e-6: error ~1e-10 relative.
     */
    /**
     * A run that records nothing keeps only its last ρ segment (it lets go of the others' factors and x-steps) and
     * still makes the iterations of a recorded run: the same switches, the same ρ at the end, the same bits.
     */
    @ParameterizedTest
    @CsvSource({"1, 80, 30, 20, 1", "2, 60, 20, 30, 100", "3, 70, 10, 40, 0.01"})
    void aRunThatRecordsNothingKeepsOnlyItsLastSegment(long seed, int n, int p, int m, double scale) {
        QuadraticProgram qp = wellConditioned(seed, n, p, m, scale);
        Settings settings = new Settings(1.0, 1e-6, 50_000, Truncation.RESIDUALS).withAdaptiveRho(true);
        Admm.Run recorded = Admm.solve(QpData.load(qp, LA, settings), settings, true);
        Admm.Run forward = Admm.solve(QpData.load(qp, LA, settings), settings, false);
        assertTrue(recorded.segments().size() > 1, "ρ switched");
        assertEquals(1, forward.segments().size());
        assertEquals(recorded.schedule(), forward.schedule());
        assertEquals(recorded.last().rho, forward.last().rho);
        assertEquals(recorded.segments().get(recorded.segments().size() - 1).first(), forward.segments().get(0).first());
        assertArrayEquals(recorded.solution().x(), forward.solution().x(), 0.0);
        assertArrayEquals(recorded.solution().nu(), forward.solution().nu(), 0.0);
        assertArrayEquals(Admm.solveForward(qp, settings, LA).x(), Admm.solve(qp, settings, LA).solution().x(), 0.0);
    }

    /**
     * A recorded run lets go of the set-up of each ρ it leaves, and its reverse sweep of each segment it has swept (the
     * run's last ρ too): one ρ's factor, W and M in memory at a time. The gradients are the same, bit for bit, when the
     * collector took the set-ups and the sweep forms them again. The cases cover both accumulations of the matrix
     * gradients (direct after the sweep, and in the (p+m)-space per segment).
     */
    @ParameterizedTest
    @CsvSource({"1, 80, 30, 20, 1, false", "2, 60, 20, 30, 100, true", "3, 70, 10, 40, 0.01, false"})
    void aRecordedRunChecksItsSetUpsAndItsGradientIsTheSameWhenTheyAreFormedAgain(long seed, int n, int p, int m,
                                                                                    double scale, boolean perSegment) {
        QuadraticProgram qp = wellConditioned(seed, n, p, m, scale);
        Settings settings = new Settings(1.0, 1e-6, 50_000, Truncation.RESIDUALS).withAdaptiveRho(true);
        Admm.Run run = Admm.solve(QpData.load(qp, LA, settings), settings, true);
        List<Admm.Segment> segments = run.segments();
        int last = segments.size() - 1;
        assertTrue(last > 0, "ρ switched");
        assertEquals(perSegment, ReverseSweep.reducedAccumulationIsCheaper(n, p + m,
                new int[]{run.solution().iterations()}, new boolean[]{true}, segments.size()), "the accumulation");
        for (int j = 0; j <= last; j++) {
            assertEquals(j == last, segments.get(j).data().holdsSetup(), "segment " + j + " held");
        }
        double[] v = Gaussian.vector(new Random(seed + 100), n);
        Gradients kept = ReverseSweep.gradients(run, v, true);
        for (Admm.Segment segment : segments) {
            assertFalse(segment.data().holdsSetup(), "the sweep let go of the segment starting at " + segment.first());
            segment.data().dropReleased();
        }
        Gradients formedAgain = ReverseSweep.gradients(run, v, true);
        assertArrayEquals(kept.q(), formedAgain.q(), 0.0);
        assertArrayEquals(kept.b(), formedAgain.b(), 0.0);
        assertArrayEquals(kept.h(), formedAgain.h(), 0.0);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(kept.P()[i], formedAgain.P()[i], 0.0);
        }
        for (int i = 0; i < p; i++) {
            assertArrayEquals(kept.A()[i], formedAgain.A()[i], 0.0);
        }
        for (int i = 0; i < m; i++) {
            assertArrayEquals(kept.G()[i], formedAgain.G()[i], 0.0);
        }
    }

    @Test
    void batchColumnsDifferentiateTheirOwnRunAcrossSegments() {
        int n = 14;
        int p = 3;
        int m = 8;
        int batch = 4;
        QuadraticProgram base = wellConditioned(9, n, p, m, 1);
        Random r = new Random(10);
        double[][] q = new double[batch][];
        double[][] b = new double[batch][];
        double[][] h = new double[batch][];
        for (int c = 0; c < batch; c++) {
            q[c] = Gaussian.vector(r, n);
            for (int i = 0; i < n; i++) {
                q[c][i] *= 1 + c; // different scales: different K_b
            }
            b[c] = Gaussian.vector(r, p);
            h[c] = Gaussian.vector(r, m);
            for (int i = 0; i < m; i++) {
                h[c][i] += 2;
            }
        }
        Settings settings = new Settings(100.0, 1e-7, 20_000, Truncation.RELATIVE_CHANGE).withAdaptiveRho(true);
        BatchLayer layer = new BatchLayer(LA, settings);
        BatchResult result = layer.forward(new SharedBatch(base.P(), base.A(), base.G(), q, b, h));
        double[][] v = Gaussian.matrix(new Random(11), batch, n);
        Gradients g = result.backward(v).sample(2);
        int[] iterations = iterations(result);
        assertTrue(iterations[0] != iterations[3], "columns stop at different K_b");
        double eps = 1e-6;
        Random dr = new Random(12);
        for (boolean inQ : new boolean[]{true, false}) {
            double[] dir = Gaussian.vector(dr, inQ ? n : m);
            double[] fd = new double[1];
            for (double sign : new double[]{1, -1}) {
                double[][] q2 = q.clone();
                double[][] h2 = h.clone();
                double[] moved = (inQ ? q[2] : h[2]).clone();
                for (int i = 0; i < moved.length; i++) {
                    moved[i] += sign * eps * dir[i];
                }
                if (inQ) {
                    q2[2] = moved;
                } else {
                    h2[2] = moved;
                }
                BatchResult shifted = layer.forward(new SharedBatch(base.P(), base.A(), base.G(), q2, b, h2));
                assertEquals(java.util.Arrays.toString(iterations), java.util.Arrays.toString(iterations(shifted)));
                double[] x = shifted.solution(2).x();
                for (int i = 0; i < n; i++) {
                    fd[0] += sign * v[2][i] * x[i] / (2 * eps);
                }
            }
            double[] grad = inQ ? g.q() : g.h();
            double inner = 0;
            for (int i = 0; i < dir.length; i++) {
                inner += grad[i] * dir[i];
            }
            assertEquals(fd[0], inner, 1e-6 * (1 + Math.abs(fd[0])), (inQ ? "q" : "h") + " directional derivative");
        }
    }

    private static int[] iterations(BatchResult result) {
        int[] out = new int[result.size()];
        for (int c = 0; c < out.length; c++) {
            out[c] = result.solution(c).iterations();
        }
        return out;
    }
}
