package dev.altdiff.core;

import dev.altdiff.api.Layer;
import dev.altdiff.api.Polish;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A recorded run with the reduced x-step keeps x_k as the step's input y_k ({@link Admm.StepInputs}):
 * x_k formed from it, one at a time or a run at a time across ρ switches, is the iterate the loop formed
 * (the last one is the solution's x), to the rounding of one product; a forward-only run keeps none.
 */
class TrajectoryTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void xFromTheStepInputsIsTheIterate(long seed) {
        QuadraticProgram problem = RandomQp.paper(seed, 30, 6, 10, 1e-2);
        Settings settings = Settings.DEFAULTS.withScaling(0).withTolerance(1e-9); // adaptive ρ: several segments
        QpData d = QpData.load(problem, LA, settings);
        Admm.Run run = Admm.solve(d, settings, true);
        List<double[]> xs = run.trajectory().x();
        Admm.StepInputs inputs = assertInstanceOf(Admm.StepInputs.class, xs);
        int k = run.solution().iterations();
        assertEquals(k, xs.size());
        double[] last = xs.get(k - 1);
        double[] x = run.solution().x();
        double scale = Vectors.normInf(x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], last[i], 1e-12 * scale);
        }
        double[] rows = new double[k * 30];
        inputs.rows(0, k, rows, 0);
        for (int step = 0; step < k; step += 7) {
            double[] one = xs.get(step);
            for (int i = 0; i < 30; i++) {
                assertEquals(one[i], rows[step * 30 + i], 1e-12 * Math.max(1, Vectors.normInf(one)));
            }
        }
    }

    /**
     * The forward-only call ({@link Layer#solve}) runs the same iterations as {@link Layer#forward} without
     * keeping them (the run's trajectory is null), and gives the same solution; with polishing on it may
     * stop sooner, its point passing the same test.
     */
    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void aForwardOnlyCallKeepsNoTrajectoryAndGivesTheSameSolution(long seed) {
        QuadraticProgram problem = RandomQp.paper(seed, 30, 6, 10, 1e-2);
        Layer layer = new Layer(new AltDiffDifferentiator(), LA, Settings.DEFAULTS);
        Solution forwardOnly = layer.solve(problem);
        Solution recorded = layer.forward(problem).solution();
        assertEquals(recorded.status(), forwardOnly.status());
        assertEquals(recorded.iterations(), forwardOnly.iterations());
        double scale = Vectors.normInf(recorded.x());
        for (int i = 0; i < problem.n(); i++) {
            assertEquals(recorded.x()[i], forwardOnly.x()[i], 1e-12 * scale);
        }
        assertNull(Admm.solve(QpData.load(problem, LA, Settings.DEFAULTS), Settings.DEFAULTS, false).trajectory(),
                "a run that is not differentiated keeps no trajectory");
        Settings polished = Settings.DEFAULTS.withPolish(true);
        Solution early = new Layer(new AltDiffDifferentiator(), LA, polished).solve(problem);
        assertEquals(Status.SOLVED, early.status());
        assertEquals(Polish.ACCEPTED, early.polish());
        assertTrue(early.iterations() <= recorded.iterations(), early.iterations() + " > " + recorded.iterations());
        StatusContract.assertHonest(problem, early, polished.tolerance(), "forward-only, polished");
    }
}
