package dev.altdiff.core;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.testkit.BadlyScaledQp;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import dev.altdiff.testkit.RandomQp;
import dev.altdiff.testkit.BadlyScaledQp;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status contract ({@link Settings}): no {@link Status#SOLVED} whose residuals fail the termination
 * test on the caller's problem, checked by {@link StatusContract} from the problem's own arrays, on the
 * backend of the subclass, single and batched, under the robust defaults and the paper's preset. The
 * families: planted QPs and LPs with a known solution (unique and with weakly active, degenerate rows),
 * rank-deficient (repeated) constraints, badly scaled data, primal- and dual-infeasible problems, and the
 * small problems that used to be misreported.
 *
 * <p>Tolerances: "SOLVED" is checked at the solver's own ε (to a relative 1e-9 of rounding); the
 * distance of x to a planted x* at ε = 1e-6 is bounded by 1e-4 relative, a condition-number allowance
 * of 100 over ε for these well-conditioned draws (PlantedQp bounds κ([A; G_active]) by 10n).
 */
public abstract class StatusContractSuite {
    protected abstract LinearAlgebra backend();

    private Solution solve(QuadraticProgram qp, Settings settings) {
        return Admm.solve(qp, settings, backend()).solution();
    }

    /** Planted QPs and LPs, unique optimum: SOLVED under the defaults, x close to x*; honest under the paper's preset. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void plantedProblemsAreSolvedHonestly(long seed) {
        for (boolean withP : new boolean[]{true, false}) {
            PlantedQp planted = PlantedQp.generate(seed, 12, 3, 14, 0.1, withP);
            QuadraticProgram qp = planted.problem();
            Solution robust = solve(qp, Settings.DEFAULTS);
            assertEquals(Status.SOLVED, robust.status(), (withP ? "QP " : "LP ") + seed);
            StatusContract.assertHonest(qp, robust, Settings.DEFAULTS.tolerance(), "defaults");
            assertTrue(relativeError(robust.x(), planted.x()) <= 1e-4,
                    "x error " + relativeError(robust.x(), planted.x()));
            for (double eps : new double[]{1e-3, 1e-6}) {
                Solution paper = solve(qp, Settings.PAPER.withTolerance(eps));
                StatusContract.assertHonest(qp, paper, eps, "paper " + eps);
            }
        }
    }

    /** Weakly active (degenerate) rows and repeated constraint rows (rank-deficient [A; G]). */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void degenerateAndRankDeficientProblemsAreHonest(long seed) {
        PlantedQp degenerate = PlantedQp.generate(seed, 10, 2, 14, 0.1, true, 2);
        Solution s = solve(degenerate.problem(), Settings.DEFAULTS);
        StatusContract.assertHonest(degenerate.problem(), s, Settings.DEFAULTS.tolerance(), "degenerate");
        assertEquals(Status.SOLVED, s.status());
        QuadraticProgram base = PlantedQp.generate(seed, 10, 2, 8, 0.1, true).problem();
        double[][] a = base.A();
        double[][] repeatedA = {a[0], a[1], a[0]};
        double[] repeatedB = {base.b()[0], base.b()[1], base.b()[0]};
        QuadraticProgram repeated = QuadraticProgram.builder(base.n()).P(base.P()).q(base.q())
                .equalities(repeatedA, repeatedB).inequalities(base.G(), base.h()).build();
        Solution r = solve(repeated, Settings.DEFAULTS);
        StatusContract.assertHonest(repeated, r, Settings.DEFAULTS.tolerance(), "repeated rows");
        assertEquals(Status.SOLVED, r.status());
    }

    /** Rows and columns scaled over 1e-3..1e3: the test is made on the caller's data, not the scaled ones. */
    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23})
    void badlyScaledProblemsAreHonest(long seed) {
        PlantedQp planted = PlantedQp.generate(seed, 10, 2, 10, 0.1, true);
        QuadraticProgram qp = BadlyScaledQp.generate(planted, 3, seed).problem();
        for (Settings settings : new Settings[]{Settings.DEFAULTS, Settings.DEFAULTS.withScaling(0),
                Settings.PAPER, Settings.PAPER.withTruncation(Truncation.RESIDUALS).withMaxIterations(2000)}) {
            StatusContract.assertHonest(qp, solve(qp, settings), settings.tolerance(), settings.toString());
        }
    }

    /** x₁ + x₂ = 1 with x ≤ 0, and x ≤ −1 with x ≥ 1: a certificate, never SOLVED, under every preset. */
    @Test
    void infeasibleProblemsAreNeverSolved() {
        QuadraticProgram eq = QuadraticProgram.builder(2).P(new double[][]{{1, 0}, {0, 1}}).q(new double[]{0.3, -0.2})
                .equalities(new double[][]{{1, 1}}, new double[]{1})
                .inequalities(new double[][]{{1, 0}, {0, 1}}, new double[]{0, 0}).build();
        QuadraticProgram bounds = QuadraticProgram.builder(2).P(new double[][]{{2, 0}, {0, 1}})
                .q(new double[]{1, 1}).inequalities(new double[][]{{1, 0}, {-1, 0}}, new double[]{-1, -1}).build();
        for (QuadraticProgram qp : new QuadraticProgram[]{eq, bounds}) {
            Solution robust = solve(qp, Settings.DEFAULTS);
            assertEquals(Status.PRIMAL_INFEASIBLE, robust.status());
            assertNotNull(robust.certificate());
            for (Settings settings : new Settings[]{Settings.PAPER, Settings.PAPER.withTolerance(1e-3),
                    Settings.DEFAULTS.withPolish(true)}) {
                assertNotEquals(Status.SOLVED, solve(qp, settings).status(), settings.toString());
            }
        }
    }

    /** min x₁ + 2x₂ with 0 ≤ x₁ + x₂ ≤ 1: unbounded along (1, −1), and H singular for every ρ. */
    @Test
    void unboundedLpWithRankDeficientConstraintsIsNotSolved() {
        QuadraticProgram qp = QuadraticProgram.builder(2).q(new double[]{1, 2})
                .inequalities(new double[][]{{-1, -1}, {1, 1}}, new double[]{0, 1}).build();
        for (Settings settings : new Settings[]{Settings.DEFAULTS, Settings.PAPER}) {
            Status status;
            try {
                status = solve(qp, settings).status();
            } catch (dev.altdiff.api.InvalidProblemException e) {
                assertEquals("H", e.block(), e.getMessage());
                continue;
            }
            assertNotEquals(Status.SOLVED, status, settings.toString());
        }
    }

    /** min ½x² + x with x ≤ 1: x* = −1. The first step is x₁ = 0 = x₀, which the paper's rule took as converged. */
    @Test
    void oneVariableQpIsSolvedAtMinusOne() {
        QuadraticProgram qp = QuadraticProgram.builder(1).P(new double[][]{{1}}).q(new double[]{1})
                .inequalities(new double[][]{{1}}, new double[]{1}).build();
        Solution robust = solve(qp, Settings.DEFAULTS);
        assertEquals(Status.SOLVED, robust.status());
        assertEquals(-1.0, robust.x()[0], 1e-5);
        Solution paper = solve(qp, Settings.PAPER);
        assertEquals(Status.TRUNCATED, paper.status());
        assertEquals(1, paper.iterations());
        StatusContract.assertHonest(qp, paper, Settings.PAPER.tolerance(), "paper");
    }

    /**
     * A shared batch with feasible and infeasible columns (h shifted so that x ≤ −1 and x ≥ 1 clash):
     * every column's status is honest on its own problem, and the infeasible ones carry a certificate.
     */
    @ParameterizedTest
    @ValueSource(longs = {31, 32})
    void batchColumnsAreHonestOneByOne(long seed) {
        int n = 6;
        int batch = 6;
        Random r = new Random(seed);
        double[][] pm = new double[n][n];
        for (int i = 0; i < n; i++) {
            pm[i][i] = 1 + i;
        }
        double[][] g = new double[2 * n][n];
        for (int i = 0; i < n; i++) {
            g[i][i] = 1;
            g[n + i][i] = -1;
        }
        double[][] q = new double[batch][];
        double[][] h = new double[batch][];
        for (int c = 0; c < batch; c++) {
            q[c] = Gaussian.vector(r, n);
            h[c] = new double[2 * n];
            for (int i = 0; i < 2 * n; i++) {
                h[c][i] = c % 3 == 2 ? -1 : 0.5 + r.nextDouble(); // c = 2, 5: x ≤ −1 and −x ≤ −1
            }
        }
        for (Settings settings : new Settings[]{Settings.DEFAULTS, Settings.PAPER}) {
            BatchResult result = new BatchLayer(backend(), settings).forward(new SharedBatch(pm, null, g, q,
                    null, h));
            for (int c = 0; c < batch; c++) {
                QuadraticProgram qp = QuadraticProgram.builder(n).P(pm).q(q[c]).inequalities(g, h[c]).build();
                Solution s = result.solution(c);
                StatusContract.assertHonest(qp, s, settings.tolerance(), "column " + c);
                if (c % 3 == 2) {
                    assertEquals(Status.PRIMAL_INFEASIBLE, s.status(), "column " + c + " " + settings);
                } else if (settings == Settings.DEFAULTS) {
                    assertEquals(Status.SOLVED, s.status(), "column " + c);
                }
            }
        }
    }

    /** Random dense draws of the paper's family and P = ZᵀZ/n + I: the defaults solve them, honestly. */
    @ParameterizedTest
    @ValueSource(longs = {41, 42, 43, 44})
    void randomDenseQpsAreSolvedByTheDefaults(long seed) {
        List<QuadraticProgram> problems = new ArrayList<>();
        problems.add(RandomQp.paper(seed, 40, 10, 20, 0));
        problems.add(RandomQp.paper(seed, 40, 10, 20, 1));
        for (QuadraticProgram qp : problems) {
            Solution s = solve(qp, Settings.DEFAULTS);
            assertEquals(Status.SOLVED, s.status());
            StatusContract.assertHonest(qp, s, Settings.DEFAULTS.tolerance(), "defaults");
        }
    }

    private static double relativeError(double[] x, double[] reference) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            diff = Math.max(diff, Math.abs(x[i] - reference[i]));
            norm = Math.max(norm, Math.abs(reference[i]));
        }
        return diff / Math.max(norm, 1e-300);
    }
}
