package dev.altdiff.core;

import dev.altdiff.api.Settings;
import dev.altdiff.api.TooLargeException;
import dev.altdiff.api.Truncation;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.Gaussian;

import java.util.Random;

/**
 * Child-JVM program of {@link TrajectoryMemoryTest}: a differentiated batch run that never meets its
 * tolerance, so that its record grows until the heap (set small by the test) is nearly spent. Prints one line,
 * REFUSED with the exception's class and message, FINISHED, or OOM.
 */
public final class TrajectoryMemoryProbe {
    private TrajectoryMemoryProbe() {
    }

    public static void main(String[] args) {
        int n = 300;
        int m = 300;
        int batch = 8;
        Random r = new Random(1);
        double[][] pm = new double[n][n];
        for (int i = 0; i < n; i++) {
            pm[i][i] = 1;
        }
        double[][] g = Gaussian.matrix(r, m, n);
        double[][] q = new double[batch][];
        double[][] h = new double[batch][];
        for (int c = 0; c < batch; c++) {
            q[c] = Gaussian.vector(r, n);
            double[] x0 = Gaussian.vector(r, n);
            h[c] = new double[m];
            for (int i = 0; i < m; i++) {
                h[c][i] = Vectors.dot(g[i], x0) + 1;
            }
        }
        // ε far below rounding: the run goes on to its cap, recording every step
        Settings settings = new Settings(1.0, 1e-300, 1_000_000, Truncation.RESIDUALS).withAdaptiveRho(false)
                .withInfeasibilityTolerance(0);
        try (BatchLayer layer = new BatchLayer(new OjAlgoLinearAlgebra(), settings)) {
            layer.forward(new SharedBatch(pm, null, g, q, null, h));
            System.out.println("FINISHED");
        } catch (TooLargeException e) {
            System.out.println("REFUSED " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (OutOfMemoryError e) {
            System.out.println("OOM " + e.getMessage());
        }
    }
}
