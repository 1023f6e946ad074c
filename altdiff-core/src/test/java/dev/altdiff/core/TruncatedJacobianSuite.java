package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Alt-Diff Jacobians are the exact derivatives of the K-th ADMM iterate: with K fixed (a
 * tolerance that is never met), x_K(θ) is piecewise linear in q, b, h, smooth where no mask flips,
 * so central differences with step 1e-6 reproduce it up to rounding (‖x‖·1e-16/1e-6 ≈ 1e-10).
 */
public abstract class TruncatedJacobianSuite {
    /** The backend under test; every backend module runs this suite with its own. */
    protected abstract LinearAlgebra backend();

    @ParameterizedTest
    @CsvSource({"1, 8, 3, 6, 25, 1, false", "2, 10, 0, 5, 40, 1, false", "3, 9, 4, 0, 15, 1, false",
            "4, 12, 3, 8, 1, 1, false", "5, 6, 2, 9, 60, 1, false",
            // adaptive ρ from a badly chosen start: the run switches ρ (asserted), so the Jacobians cross segments
            "6, 10, 3, 6, 45, 1000, true", "7, 9, 4, 5, 60, 0.001, true", "8, 8, 0, 6, 35, 100, true"})
    void jacobianMatchesFiniteDifferencesOfTheTruncatedMap(long seed, int n, int p, int m, int k, double rho,
                                                           boolean adaptive) {
        QuadraticProgram qp = RandomQp.paper(seed, n, p, m, 0.5);
        Settings fixedK = new Settings(rho, 1e-300, k, Truncation.RELATIVE_CHANGE).withAdaptiveRho(adaptive);
        AltDiffSolution sol = new AltDiffDifferentiator().solve(qp, fixedK, backend());
        assertEquals(k, sol.solution().iterations());
        assertEquals(adaptive, sol.run().segments().size() > 1, "ρ switched");
        assertEquals(Status.MAX_ITERATIONS, sol.solution().status());
        double eps = 1e-6;
        double err = 0;
        for (Block block : new Block[]{Block.q, Block.b, Block.h}) {
            double[][] jac = sol.jacobian(block);
            int dim = block == Block.q ? n : block == Block.b ? p : m;
            for (int j = 0; j < dim; j++) {
                AltDiffSolution plus = new AltDiffDifferentiator().solve(perturb(qp, block, j, eps), fixedK, backend());
                AltDiffSolution minus = new AltDiffDifferentiator().solve(perturb(qp, block, j, -eps), fixedK,
                        backend());
                // the schedule (rounded to 10^(j/4)) is piecewise constant: the differences see the same ρ's
                assertEquals(schedule(sol.run()), schedule(plus.run()));
                assertEquals(schedule(sol.run()), schedule(minus.run()));
                double[] xp = plus.solution().x();
                double[] xm = minus.solution().x();
                for (int i = 0; i < n; i++) {
                    err = Math.max(err, Math.abs((xp[i] - xm[i]) / (2 * eps) - jac[i][j]));
                }
            }
        }
        assertTrue(err < 1e-7, "max |J - FD| = " + err);
    }

    /** @return the run's ρ schedule as "first:ρ" pairs */
    static String schedule(Admm.Run run) {
        StringBuilder out = new StringBuilder();
        for (Admm.Segment segment : run.segments()) {
            out.append(segment.first()).append(':').append(segment.data().rho).append(' ');
        }
        return out.toString();
    }

    /** @return the problem with entry j of vector block q, b or h moved by delta */
    static QuadraticProgram perturb(QuadraticProgram qp, Block block, int j, double delta) {
        double[] q = qp.q();
        double[] b = qp.b();
        double[] h = qp.h();
        double[] target = block == Block.q ? q : block == Block.b ? b : h;
        target[j] += delta;
        QuadraticProgram.Builder builder = QuadraticProgram.builder(qp.n()).P(qp.P()).q(q);
        if (qp.hasEqualities()) {
            builder.equalities(qp.A(), b);
        }
        if (qp.hasInequalities()) {
            builder.inequalities(qp.G(), h);
        }
        return builder.build();
    }
}
