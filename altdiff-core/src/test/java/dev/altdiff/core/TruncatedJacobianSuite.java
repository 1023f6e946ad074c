package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
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
    @CsvSource({"1, 8, 3, 6, 25", "2, 10, 0, 5, 40", "3, 9, 4, 0, 15", "4, 12, 3, 8, 1", "5, 6, 2, 9, 60"})
    void jacobianMatchesFiniteDifferencesOfTheTruncatedMap(long seed, int n, int p, int m, int k) {
        QuadraticProgram qp = RandomQp.paper(seed, n, p, m, 0.5);
        Settings fixedK = new Settings(1.0, 1e-300, k, Truncation.RELATIVE_CHANGE);
        AltDiffSolution sol = new AltDiffDifferentiator().solve(qp, fixedK, backend());
        assertEquals(k, sol.solution().iterations());
        assertEquals(Status.MAX_ITERATIONS, sol.solution().status());
        double eps = 1e-6;
        double err = 0;
        for (Block block : new Block[]{Block.q, Block.b, Block.h}) {
            double[][] jac = sol.jacobian(block);
            int dim = block == Block.q ? n : block == Block.b ? p : m;
            for (int j = 0; j < dim; j++) {
                double[] xp = new AltDiffDifferentiator().solve(perturb(qp, block, j, eps), fixedK, backend()).solution().x();
                double[] xm = new AltDiffDifferentiator().solve(perturb(qp, block, j, -eps), fixedK, backend()).solution().x();
                for (int i = 0; i < n; i++) {
                    err = Math.max(err, Math.abs((xp[i] - xm[i]) / (2 * eps) - jac[i][j]));
                }
            }
        }
        assertTrue(err < 1e-7, "max |J - FD| = " + err);
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
