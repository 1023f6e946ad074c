package dev.altdiff.core;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.NegativeEntropy;
import dev.altdiff.api.objective.Objective;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A general objective whose Newton step cannot stay in its domain ends the run with the status
 * NUMERICAL_ERROR at the last iterate, not with an exception (issue 18).
 */
class NewtonDomainTest {

    /** x ↦ Σ xᵢ log xᵢ on x > 0, but with derivatives that overflow (NaN) away from the starting point 1. */
    private static final class OverflowingEntropy implements Objective {
        private final NegativeEntropy entropy = new NegativeEntropy(new double[]{1, 1});

        @Override public int n() { return 2; }

        @Override public String type() { return "overflowing"; }

        @Override public String parameterName() { return "y"; }

        @Override public double[] parameters() { return entropy.parameters(); }

        @Override public Objective withParameters(double[] theta) { return this; } // its θ plays no part

        @Override public boolean inDomain(double[] x) { return entropy.inDomain(x); }

        @Override public double[] initialPoint() { return new double[]{1, 1}; }

        @Override public double value(double[] x) { return entropy.value(x); }

        @Override public double[] gradient(double[] x) {
            double[] g = new double[2];
            Arrays.fill(g, Double.NaN);
            return g;
        }

        @Override public void addHessian(double[] x, double alpha, double[] rowMajor) {
            entropy.addHessian(x, alpha, rowMajor);
        }

        @Override public double[] mixedTimes(double[] x, double[] dTheta) { return entropy.mixedTimes(x, dTheta); }

        @Override public double[] mixedTransposeTimes(double[] x, double[] u) {
            return entropy.mixedTransposeTimes(x, u);
        }
    }

    @Test
    void aStepThatLeavesTheDomainIsTheStatusNumericalError() {
        ConvexProgram program = new ConvexProgram(new OverflowingEntropy(), new double[][]{{1, 1}}, new double[]{1},
                null, null);
        Solution s = GeneralAltDiff.solve(program, Settings.DEFAULTS, new OjAlgoLinearAlgebra()).solution();
        assertEquals(Status.NUMERICAL_ERROR, s.status());
        assertEquals(0, s.iterations());
        assertArrayEquals(new double[]{1, 1}, s.x());
        assertTrue(Double.isFinite(s.objective()) && Double.isFinite(s.primalResidual()));
    }

    @Test
    void theEntropyStartsInsideItsDomainWhereExpUnderflows() {
        double[] x0 = new NegativeEntropy(new double[]{-1e5, -800, 0}).initialPoint();
        assertTrue(new NegativeEntropy(new double[]{1, 1, 1}).inDomain(x0), Arrays.toString(x0));
    }
}
