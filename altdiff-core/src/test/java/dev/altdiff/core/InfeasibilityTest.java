package dev.altdiff.core;

import dev.altdiff.api.Certificate;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.NegativeEntropy;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Infeasible and unbounded problems stop with the right status and a certificate that is checked
 * here from its definition ({@link Certificate}), independently of the solver's tests; feasible,
 * bounded problems never get one.
 *
 * <p>Tolerances: the certificate's defining inequalities are checked at the ε_inf = 1e-5 the
 * solver used (they are what the solver promises); the strict part (bᵀδλ + hᵀδν &lt; 0, qᵀd &lt; 0)
 * is checked to be clearly negative, ≤ −0.01, which holds for these problems because their true
 * certificates have values of order one (e.g. −1/2, −1).
 */
class InfeasibilityTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();
    private static final Settings SETTINGS = new Settings(1.0, 1e-8, 20_000, Truncation.RESIDUALS);
    private static final double EPS = Settings.DEFAULT_INFEASIBILITY_TOLERANCE;

    /** x₁ + x₂ = 1 with x ≤ 0. */
    @Test
    void equalityAgainstInequalitiesIsPrimalInfeasible() {
        QuadraticProgram qp = QuadraticProgram.builder(2).P(new double[][]{{1, 0}, {0, 1}}).q(new double[]{0.3, -0.2})
                .equalities(new double[][]{{1, 1}}, new double[]{1})
                .inequalities(new double[][]{{1, 0}, {0, 1}}, new double[]{0, 0}).build();
        assertPrimalCertificate(qp, solve(qp));
    }

    /** x ≤ −1 and x ≥ 1, plus a free second variable. */
    @Test
    void contradictoryBoundsArePrimalInfeasible() {
        QuadraticProgram qp = QuadraticProgram.builder(2).P(new double[][]{{2, 0}, {0, 1}}).q(new double[]{1, 1})
                .inequalities(new double[][]{{1, 0}, {-1, 0}}, new double[]{-1, -1}).build();
        assertPrimalCertificate(qp, solve(qp));
    }

    /** An LP: min −x₁ over x ≥ 0 (H = ρGᵀG = ρI is positive definite). */
    @Test
    void unboundedLpIsDualInfeasible() {
        QuadraticProgram qp = QuadraticProgram.builder(2).q(new double[]{-1, 0.5})
                .inequalities(new double[][]{{-1, 0}, {0, -1}}, new double[]{0, 0}).build();
        assertDualCertificate(qp, solve(qp));
    }

    /** A QP whose P = diag(1, 0) leaves x₂ free: min ½x₁² − x₂ over −1 ≤ x₁ ≤ 1, x₂ ≥ 0. */
    @Test
    void qpUnboundedAlongTheNullSpaceOfPIsDualInfeasible() {
        QuadraticProgram qp = QuadraticProgram.builder(2).P(new double[][]{{1, 0}, {0, 0}}).q(new double[]{0, -1})
                .inequalities(new double[][]{{1, 0}, {-1, 0}, {0, -1}}, new double[]{1, 1, 0}).build();
        assertDualCertificate(qp, solve(qp));
    }

    /**
     * With the reduced x-step (p + m ≤ n) x_{k−1} is not formed for the dual test: δx comes from the x-step's
     * inputs (BatchLoop). A QP with P = diag(1, …, 1, 0), q = −e_n and G's last column ≤ 0 is unbounded along
     * d = e_n; the certificate is found, with the robust defaults (scaling, adaptive ρ) too.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void unboundedQpWithTheReducedStepIsDualInfeasible(long seed) {
        int n = 20;
        int m = 5;
        java.util.Random r = new java.util.Random(seed);
        double[][] pm = new double[n][n];
        for (int i = 0; i < n - 1; i++) {
            pm[i][i] = 1;
        }
        double[][] g = dev.altdiff.testkit.Gaussian.matrix(r, m, n);
        double[] h = new double[m];
        for (int i = 0; i < m; i++) {
            g[i][n - 1] = -Math.abs(g[i][n - 1]);
            h[i] = 1 + r.nextDouble();
        }
        double[] q = dev.altdiff.testkit.Gaussian.vector(r, n);
        q[n - 1] = -1;
        QuadraticProgram qp = QuadraticProgram.builder(n).P(pm).q(q).inequalities(g, h).build();
        assertTrue(QpData.load(qp, LA, SETTINGS).xStep().reduced);
        assertDualCertificate(qp, solve(qp));
        Solution robust = Admm.solve(qp, Settings.DEFAULTS, LA).solution();
        assertDualCertificate(qp, robust);
    }

    /** Random feasible, bounded problems (P = ZᵀZ + 0.5I) are solved, never declared infeasible. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void feasibleProblemsAreNeverDeclaredInfeasible(long seed) {
        QuadraticProgram qp = RandomQp.paper(seed, 30, 10, 20, 0.5);
        Solution solution = solve(qp);
        assertEquals(Status.SOLVED, solution.status());
        assertNull(solution.certificate());
    }

    @Test
    void detectionCanBeTurnedOff() {
        QuadraticProgram qp = QuadraticProgram.builder(2).P(new double[][]{{2, 0}, {0, 1}}).q(new double[]{1, 1})
                .inequalities(new double[][]{{1, 0}, {-1, 0}}, new double[]{-1, -1}).build();
        Solution solution = Admm.solve(qp, SETTINGS.withInfeasibilityTolerance(0).withMaxIterations(500), LA)
                .solution();
        assertEquals(Status.MAX_ITERATIONS, solution.status());
        assertNull(solution.certificate());
    }

    private static Solution solve(QuadraticProgram qp) {
        Solution solution = Admm.solve(qp, SETTINGS, LA).solution();
        System.out.printf("[infeasibility] %s after %d iterations%n", solution.status(), solution.iterations());
        return solution;
    }

    private static void assertPrimalCertificate(QuadraticProgram qp, Solution solution) {
        assertEquals(Status.PRIMAL_INFEASIBLE, solution.status());
        Certificate c = solution.certificate();
        assertNotNull(c);
        assertNull(c.x());
        double[] dl = c.lambda();
        double[] dn = c.nu();
        assertEquals(qp.p(), dl.length);
        assertEquals(qp.m(), dn.length);
        double yInf = Math.max(normInf(dl), normInf(dn));
        assertEquals(1.0, yInf, 1e-12, "normalized");
        double[] aty = new double[qp.n()];
        double support = 0;
        for (int i = 0; i < qp.p(); i++) {
            for (int j = 0; j < qp.n(); j++) {
                aty[j] += qp.A()[i][j] * dl[i];
            }
            support += qp.b()[i] * dl[i];
        }
        for (int i = 0; i < qp.m(); i++) {
            assertTrue(dn[i] >= 0, "nu part must be >= 0");
            for (int j = 0; j < qp.n(); j++) {
                aty[j] += qp.G()[i][j] * dn[i];
            }
            support += qp.h()[i] * dn[i];
        }
        assertTrue(normInf(aty) <= EPS, "|A'dl + G'dn| = " + normInf(aty));
        assertTrue(support <= -0.01, "b'dl + h'dn = " + support);
    }

    private static void assertDualCertificate(QuadraticProgram qp, Solution solution) {
        assertEquals(Status.DUAL_INFEASIBLE, solution.status());
        Certificate c = solution.certificate();
        assertNotNull(c);
        assertNull(c.lambda());
        double[] d = c.x();
        assertEquals(1.0, normInf(d), 1e-12, "normalized");
        double qd = 0;
        for (int i = 0; i < qp.n(); i++) {
            qd += qp.q()[i] * d[i];
            if (qp.hasP()) {
                assertTrue(Math.abs(times(qp.P()[i], d)) <= EPS, "Pd");
            }
        }
        assertTrue(qd <= -0.01, "q'd = " + qd);
        for (int i = 0; i < qp.m(); i++) {
            assertTrue(times(qp.G()[i], d) <= EPS, "Gd <= 0");
        }
        for (int i = 0; i < qp.p(); i++) {
            assertTrue(Math.abs(times(qp.A()[i], d)) <= EPS, "Ad = 0");
        }
    }

    private static double times(double[] row, double[] v) {
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += row[i] * v[i];
        }
        return s;
    }

    private static double normInf(double[] v) {
        double max = 0;
        for (double value : v) {
            max = Math.max(max, Math.abs(value));
        }
        return max;
    }

    /**
     * A general objective (negative entropy) under x₁ + x₂ = 1 and x₁ + x₂ ≤ 0.5: no feasible point. The
     * general path runs the same primal test on its multiplier steps, so the run ends PRIMAL_INFEASIBLE
     * with a certificate (y_λ, y_ν): Aᵀy_λ + Gᵀy_ν ≈ 0, bᵀy_λ + hᵀy_ν &lt; 0, y_ν ≥ 0, to ε_inf.
     */
    @Test
    void aGeneralObjectiveWithNoFeasiblePointIsPrimalInfeasible() {
        ConvexProgram program = new ConvexProgram(new NegativeEntropy(new double[]{0.2, -0.1}),
                new double[][]{{1, 1}}, new double[]{1}, new double[][]{{1, 1}}, new double[]{0.5});
        Settings settings = Settings.DEFAULTS;
        Solution s = GeneralAltDiff.solve(program, settings, LA).solution();
        assertEquals(Status.PRIMAL_INFEASIBLE, s.status());
        Certificate c = s.certificate();
        assertNotNull(c);
        double eps = settings.infeasibilityTolerance();
        double[] yLambda = c.lambda();
        double[] yNu = c.nu();
        assertTrue(yNu[0] >= 0);
        assertTrue(Math.abs(yLambda[0] + yNu[0]) <= eps, "Aᵀy_λ + Gᵀy_ν = " + (yLambda[0] + yNu[0]));
        assertTrue(yLambda[0] * 1 + yNu[0] * 0.5 < -eps, "bᵀy_λ + hᵀy_ν = " + (yLambda[0] + 0.5 * yNu[0]));
    }
}
