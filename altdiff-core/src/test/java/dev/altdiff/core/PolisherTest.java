package dev.altdiff.core;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.Polish;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.SingularMatrixException;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.PlantedQp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Solution polishing ({@link Polisher}, {@link Settings#polish()}).
 *
 * <p>Tolerances: the planted problems ({@link PlantedQp}) have an exactly known KKT point with a
 * strict-complementarity margin, so once the final ADMM iterate identifies the active set, the
 * polished point is the solution of a nonsingular linear system whose data carry only the rounding
 * of q and h; its error is about cond(K₀)·2⁻⁵² ≈ 1e-13 for these well-conditioned systems (orders
 * 10–30, [A; G_active] redrawn to condition ≤ 10n); measured: 4e-16 to 4e-15 over the six planted
 * cases, against 2e-3 to 4e-2 for ADMM alone at the loose ε = 1e-3 (after 5–95 iterations). 1e-9 leaves
 * five orders of margin and is far below the unpolished error (asserted: &gt; 1e-7 without polishing).
 */
class PolisherTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();
    /** The loose tolerance the polished point is computed from. */
    private static final Settings LOOSE = new Settings(1.0, 1e-3, 10_000, Truncation.RESIDUALS);
    /** Polished error bound against the planted KKT point (see the class comment). */
    private static final double EXACT = 1e-9;

    /** Planted problems: both constraint kinds, no equalities, no inequalities, LPs (P absent). */
    @ParameterizedTest(name = "seed {0}: n {1}, p {2}, m {3}, quadratic {4}")
    @CsvSource({
            "11, 8, 2, 10, true",
            "12, 12, 3, 16, true",
            "13, 10, 0, 12, true",
            "14, 10, 4, 0, true",
            "15, 6, 2, 10, false",
            "16, 8, 0, 14, false",
    })
    void looseSolvePlusPolishReachesThePlantedKktPoint(long seed, int n, int p, int m, boolean quadratic) {
        PlantedQp planted = PlantedQp.generate(seed, n, p, m, 0.1, quadratic);
        Solution plain = Admm.solve(planted.problem(), LOOSE, LA).solution();
        Solution polished = Admm.solve(planted.problem(), LOOSE.withPolish(true), LA).solution();

        assertEquals(Polish.NOT_REQUESTED, plain.polish());
        assertTrue(error(plain, planted) > 1e-7, "ADMM alone at 1e-3 is not exact: " + error(plain, planted));
        assertEquals(Polish.ACCEPTED, polished.polish());
        assertEquals(Status.SOLVED, polished.status());
        assertEquals(plain.iterations(), polished.iterations(), "polishing does not change the run");
        assertClose(planted.x(), polished.x(), "x");
        assertClose(planted.lambda(), polished.lambda(), "lambda");
        assertClose(planted.nu(), polished.nu(), "nu");
        for (int i = 0; i < m; i++) { // ν is exactly zero off the identified active set
            if (!planted.active()[i]) {
                assertEquals(0.0, polished.nu()[i], "nu[" + i + "] of an inactive row");
            }
        }
        // the reported residuals and objective are the polished point's, far below the iterate's
        assertTrue(polished.primalResidual() <= 1e-10 && polished.dualResidual() <= 1e-10,
                polished.primalResidual() + " " + polished.dualResidual());
        assertTrue(Math.max(polished.primalResidual(), polished.dualResidual())
                <= Math.max(plain.primalResidual(), plain.dualResidual()));
        assertEquals(planted.problem().objective(planted.x()), polished.objective(),
                EXACT * (1 + Math.abs(polished.objective())));
        double[] gx = times(planted.problem(), polished.x());
        double[] h = planted.problem().rowMajor(dev.altdiff.api.Block.h);
        for (int i = 0; i < m; i++) {
            assertEquals(Math.max(0, h[i] - gx[i]), polished.s()[i], 0.0, "s = max(0, h - Gx)");
        }
    }

    @Test
    void polishingIsOffByDefault() {
        assertFalse(Settings.PAPER.polish());
        assertFalse(new Settings(1, 1e-6, 10, Truncation.RESIDUALS, 1e-5).polish());
        assertTrue(Settings.PAPER.withPolish(true).withRho(2).withTolerance(1e-4).polish(), "with* keeps polish");
        PlantedQp planted = PlantedQp.generate(21, 6, 1, 8, 0.1, true);
        assertEquals(Polish.NOT_REQUESTED, Admm.solve(planted.problem(), Settings.PAPER, LA).solution().polish());
    }

    /**
     * The iteration cap stops ADMM before the residual test holds; the active set is identified by
     * then, and the polished point passes the test, so the status becomes SOLVED with K unchanged. The
     * run keeps its trajectory (a differentiated run), so it is not polished early.
     */
    @Test
    void acceptedPolishTurnsMaxIterationsIntoSolved() {
        PlantedQp planted = PlantedQp.generate(31, 10, 2, 12, 0.1, true);
        Settings capped = new Settings(1.0, 1e-10, 60, Truncation.RESIDUALS);
        Solution plain = Admm.solve(planted.problem(), capped, LA).solution();
        Solution polished = Admm.solve(new QpData(planted.problem(), LA, 1.0), capped.withPolish(true), true)
                .solution();
        assertEquals(Status.MAX_ITERATIONS, plain.status());
        assertEquals(Polish.ACCEPTED, polished.polish());
        assertEquals(Status.SOLVED, polished.status());
        assertEquals(60, polished.iterations());
        assertClose(planted.x(), polished.x(), "x");
    }

    /**
     * Without a trajectory (a forward pass) the run is polished as soon as its residuals pass the test at
     * 1e-3, 1e-4, …: on the same problem the polished point passes at ε = 1e-10 at a termination check
     * before the cap, and the run stops there, SOLVED, with the planted point.
     */
    @Test
    void earlyPolishingStopsAForwardRunBeforeTheCap() {
        PlantedQp planted = PlantedQp.generate(31, 10, 2, 12, 0.1, true);
        Settings capped = new Settings(1.0, 1e-10, 60, Truncation.RESIDUALS).withPolish(true);
        Solution early = Admm.solve(planted.problem(), capped, LA).solution();
        assertEquals(Polish.ACCEPTED, early.polish());
        assertEquals(Status.SOLVED, early.status());
        assertTrue(early.iterations() < 60 && early.iterations() % Settings.TERMINATION_CHECK_INTERVAL == 0,
                "stopped at a check before the cap: " + early.iterations());
        assertClose(planted.x(), early.x(), "x");
        StatusContract.assertHonest(planted.problem(), early, capped.tolerance(), "early polish");
    }

    /**
     * min ½x² − x s.t. x ≤ 2 (solution x = 1, ν = 0) at the iterate x = 1, ν = 0.5, s = 1, ρ = 0.1: the
     * rule νᵢ + ρ(Gx − h)ᵢ = 0.5 − 0.1 &gt; 0 takes the row as active, the reduced system forces x = 2
     * with ν = −1, which fails the test; the active-set step drops the row (ν &lt; 0), and the empty active
     * set gives the solution x = 1 exactly: accepted, with the run's iteration count.
     */
    @Test
    void aWrongGuessIsCorrectedByAnActiveSetStep() {
        QuadraticProgram qp = QuadraticProgram.builder(1).P(new double[][]{{1}}).q(new double[]{-1})
                .inequalities(new double[][]{{1}}, new double[]{2}).build();
        QpData d = new QpData(qp, LA, 0.1);
        Solution iterate = new Solution(new double[]{1}, new double[0], new double[]{0.5}, new double[]{1},
                Status.MAX_ITERATIONS, 7, 0.0, 0.5, -0.5);
        Solution out = Polisher.polish(d, iterate, Settings.PAPER.withRho(0.1));
        assertEquals(Polish.ACCEPTED, out.polish());
        assertEquals(Status.SOLVED, out.status());
        assertEquals(1.0, out.x()[0], 1e-12);
        assertEquals(0.0, out.nu()[0]);
        assertEquals(7, out.iterations());
    }

    /**
     * x ≤ −1 and x ≥ 1 (infeasible, but the iterate says only MAX_ITERATIONS): every active set gives a
     * point that violates a row by at least 1, so polishing is rejected and the iterate comes back
     * unchanged, its own arrays and status.
     */
    @Test
    void polishThatCannotPassTheTestIsRejected() {
        QuadraticProgram qp = QuadraticProgram.builder(1).P(new double[][]{{1}}).q(new double[]{0})
                .inequalities(new double[][]{{1}, {-1}}, new double[]{-1, -1}).build();
        QpData d = new QpData(qp, LA, 0.1);
        Solution iterate = new Solution(new double[]{0}, new double[0], new double[]{0.5, 0.5}, new double[]{0, 0},
                Status.MAX_ITERATIONS, 7, 1.0, 0.0, 0.0);
        Solution out = Polisher.polish(d, iterate, Settings.PAPER.withRho(0.1));
        assertEquals(Polish.REJECTED, out.polish());
        assertSame(iterate.x(), out.x(), "the iterate's own arrays");
        assertEquals(Status.MAX_ITERATIONS, out.status());
        assertEquals(7, out.iterations());
    }

    /** A backend whose LU throws (as a numerically singular reduced system would): FAILED, iterate kept. */
    @Test
    void factorizationFailureReportsFailed() {
        LinearAlgebra singular = (LinearAlgebra) Proxy.newProxyInstance(LinearAlgebra.class.getClassLoader(),
                new Class<?>[]{LinearAlgebra.class}, (proxy, method, args) -> {
                    if (method.getName().equals("lu")) {
                        throw new SingularMatrixException("test: singular");
                    }
                    try {
                        return method.invoke(LA, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        PlantedQp planted = PlantedQp.generate(41, 6, 1, 8, 0.1, true);
        Solution plain = Admm.solve(planted.problem(), LOOSE, singular).solution();
        Solution failed = Admm.solve(planted.problem(), LOOSE.withPolish(true), singular).solution();
        assertEquals(Polish.FAILED, failed.polish());
        assertEquals(plain.status(), failed.status());
        assertArrayEquals(plain.x(), failed.x(), 0.0);
        assertArrayEquals(plain.nu(), failed.nu(), 0.0);
        assertEquals(plain.dualResidual(), failed.dualResidual(), 0.0);
    }

    /** Infeasibility statuses are never polished. */
    @Test
    void infeasibleProblemsAreNotPolished() {
        QuadraticProgram qp = QuadraticProgram.builder(2).P(new double[][]{{2, 0}, {0, 1}}).q(new double[]{1, 1})
                .inequalities(new double[][]{{1, 0}, {-1, 0}}, new double[]{-1, -1}).build();
        Solution s = Admm.solve(qp, new Settings(1.0, 1e-8, 20_000, Truncation.RESIDUALS).withPolish(true), LA)
                .solution();
        assertEquals(Status.PRIMAL_INFEASIBLE, s.status());
        assertEquals(Polish.NOT_REQUESTED, s.polish());
    }

    /**
     * A batch polishes every column as it stops: each equals the single-problem polished solve of the
     * same data (both are the planted point to {@link #EXACT}; the second column's q is that of a
     * second planted point sharing P, A, G, so it has its own exact answer too).
     */
    @Test
    void batchColumnsArePolished() {
        PlantedQp planted = PlantedQp.generate(51, 8, 2, 10, 0.1, true);
        QpData d = new QpData(planted.problem(), LA, LOOSE.rho());
        // a second point on the same P, A, G: x' = x* shifted, same active set and multipliers
        double[] x2 = planted.x().clone();
        x2[0] += 0.25;
        QuadraticProgram p1 = planted.problem();
        double[] q2 = planted2q(p1, x2, planted.lambda(), planted.nu());
        double[] b2 = times(p1, dev.altdiff.api.Block.A, x2);
        double[] h2 = times(p1, dev.altdiff.api.Block.G, x2);
        double[] h1 = p1.rowMajor(dev.altdiff.api.Block.h);
        double[] g1x = times(p1, dev.altdiff.api.Block.G, planted.x());
        for (int i = 0; i < h2.length; i++) { // keep every inactive row's slack
            h2[i] += h1[i] - g1x[i];
        }
        Admm.BatchRun run = Admm.solveBatch(d, Admm.fromColumns(LA, new double[][]{p1.rowMajor(dev.altdiff.api.Block.q), q2}, 8),
                Admm.fromColumns(LA, new double[][]{p1.rowMajor(dev.altdiff.api.Block.b), b2}, 2),
                Admm.fromColumns(LA, new double[][]{h1, h2}, 10), null, LOOSE.withPolish(true), Admm.Recording.TRAJECTORY);
        List<Admm.Column> columns = run.columns();
        assertEquals(Polish.ACCEPTED, columns.get(0).solution().polish());
        assertEquals(Polish.ACCEPTED, columns.get(1).solution().polish());
        assertClose(planted.x(), columns.get(0).solution().x(), "x of column 0");
        assertClose(x2, columns.get(1).solution().x(), "x of column 1");
        assertClose(planted.nu(), columns.get(1).solution().nu(), "nu of column 1");
        assertTrue(columns.get(1).masks().size() == columns.get(1).solution().iterations(), "masks are the run's");
    }

    /**
     * The backward pass differentiates the ADMM iterations, which polishing does not change: the
     * gradients with and without polishing are identical (bit for bit), while x differs.
     */
    @Test
    void gradientsAreThoseOfTheAdmmRun() {
        PlantedQp planted = PlantedQp.generate(61, 8, 2, 10, 0.1, true);
        double[] v = new double[8];
        Arrays.fill(v, 1.0);
        for (AltDiffDifferentiator.Mode mode : AltDiffDifferentiator.Mode.values()) {
            AltDiffDifferentiator alt = new AltDiffDifferentiator(mode);
            AltDiffSolution plain = alt.solve(planted.problem(), LOOSE, LA);
            AltDiffSolution polished = alt.solve(planted.problem(), LOOSE.withPolish(true), LA);
            assertEquals(Polish.ACCEPTED, polished.solution().polish());
            assertFalse(Arrays.equals(plain.solution().x(), polished.solution().x()));
            Gradients a = plain.backward(v);
            Gradients b = polished.backward(v);
            assertArrayEquals(a.q(), b.q(), 0.0, mode + ": q gradient");
            assertArrayEquals(a.h(), b.h(), 0.0, mode + ": h gradient");
        }
    }

    /** q = −Px − Aᵀλ − Gᵀν of the given point. */
    private static double[] planted2q(QuadraticProgram qp, double[] x, double[] lambda, double[] nu) {
        int n = qp.n();
        double[] pm = qp.rowMajor(dev.altdiff.api.Block.P);
        double[] a = qp.rowMajor(dev.altdiff.api.Block.A);
        double[] g = qp.rowMajor(dev.altdiff.api.Block.G);
        double[] q = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int t = 0; t < n; t++) {
                s += pm[j * n + t] * x[t];
            }
            for (int r = 0; r < lambda.length; r++) {
                s += a[r * n + j] * lambda[r];
            }
            for (int i = 0; i < nu.length; i++) {
                s += g[i * n + j] * nu[i];
            }
            q[j] = -s;
        }
        return q;
    }

    private static double[] times(QuadraticProgram qp, double[] x) {
        return times(qp, dev.altdiff.api.Block.G, x);
    }

    /** @return block·x for block A or G */
    private static double[] times(QuadraticProgram qp, dev.altdiff.api.Block block, double[] x) {
        int n = qp.n();
        double[] a = qp.rowMajor(block);
        double[] out = new double[a.length / n];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < n; j++) {
                out[i] += a[i * n + j] * x[j];
            }
        }
        return out;
    }

    /** @return max of the ∞-norm errors of x, λ, ν against the planted point */
    private static double error(Solution s, PlantedQp planted) {
        return Math.max(maxDiff(s.x(), planted.x()), Math.max(maxDiff(s.lambda(), planted.lambda()),
                maxDiff(s.nu(), planted.nu())));
    }

    private static double maxDiff(double[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double err = maxDiff(expected, actual);
        assertTrue(err <= EXACT, what + ": error " + err + " > " + EXACT);
    }
}
