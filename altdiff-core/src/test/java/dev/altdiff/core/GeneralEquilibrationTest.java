package dev.altdiff.core;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.ObjectiveGradients;
import dev.altdiff.api.objective.QuadraticObjective;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.BadlyScaledQp;
import dev.altdiff.testkit.EntropyProblem;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ruiz equilibration on the general-objective path ({@link Equilibration#of(ConvexProgram, int)},
 * {@link ScaledObjective}, {@link GeneralAdmm}): the planted negative-entropy problem (n = 30, p = 5,
 * m = 10, {@link EntropyProblem}) with the rows of A, b and of G, h multiplied by 10^U(−spread, spread).
 * Row scalings do not move x*, so the well-scaled problem's solution is the reference. Scaling on
 * ({@link Settings#DEFAULTS}: 10 passes) solves it in far fewer iterations than scaling off, at the same
 * x, and reports the caller's residuals exactly; its derivatives are those of the scaled run mapped
 * back: reverse mode agrees with {@code jvp}, with central differences of the same truncated run, and
 * (both runs converged) with the unscaled run's derivatives.
 */
class GeneralEquilibrationTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    /** The iteration cap of the unscaled runs (from spread 3 none of them finishes in 50 000). */
    private static final int UNSCALED_CAP = 20_000;

    /**
     * Measured (ε = 1e-8, ADMM's default adaptive ρ and ρ_eq = 10³ρ): spread 1.5, seeds 2 and 3: scaled 80
     * and 110 iterations, unscaled 1 490 and 5 520; spread 3, seeds 1 to 3: scaled 200, 140, 130, unscaled
     * not finished at 50 000 (the well-scaled problems: 60–110 either way). Asserted: scaled SOLVED, and
     * more than 10× fewer iterations than the unscaled run (or the unscaled run unfinished at its cap).
     * Both solutions are compared with the reference (the well-scaled problem at ε = 1e-12): each passes
     * the termination test at 1e-8 on the caller's data, and f is strongly convex near x* (∇²f = diag(1/x),
     * x ≤ 2), but the badly scaled rows weigh the residuals by up to 10^±3, so x may be off by ~1e-8·10³;
     * 1e-6 relative to ‖x*‖∞ leaves a margin.
     */
    @ParameterizedTest(name = "spread 10^±{0}, seed {1}")
    @CsvSource({"1.5, 2", "1.5, 3", "3, 1", "3, 2", "3, 3"})
    void aBadlyScaledProblemIsSolvedInFarFewerIterationsAtTheSameX(double spread, long seed) {
        ConvexProgram base = EntropyProblem.generate(seed, 30, 5, 10, EntropyProblem.Draw.PLANTED);
        ConvexProgram bad = rowScaled(base, spread, seed + 10);
        Settings settings = Settings.DEFAULTS.withTolerance(1e-8).withMaxIterations(UNSCALED_CAP);
        Solution scaled = GeneralAltDiff.solveOnly(bad, settings, LA);
        Solution unscaled = GeneralAltDiff.solveOnly(bad, settings.withScaling(0), LA);
        Solution reference = GeneralAltDiff.solveOnly(base, new Settings(0.1, 1e-12, 20_000, Truncation.RESIDUALS),
                LA);
        System.out.printf("general scaling, spread 10^±%s, seed %d: scaled %s in %d iterations, unscaled %s in %d%n",
                spread, seed, scaled.status(), scaled.iterations(), unscaled.status(), unscaled.iterations());
        assertEquals(Status.SOLVED, reference.status());
        assertEquals(Status.SOLVED, scaled.status());
        assertTrue(10 * scaled.iterations() < unscaled.iterations() || unscaled.status() != Status.SOLVED,
                "scaled " + scaled.iterations() + " vs unscaled " + unscaled.iterations());
        double xStar = Vectors.normInf(reference.x());
        assertTrue(maxDiff(scaled.x(), reference.x()) <= 1e-6 * xStar, "scaled x off the reference");
        if (unscaled.status() == Status.SOLVED) {
            assertTrue(maxDiff(unscaled.x(), reference.x()) <= 1e-6 * xStar, "unscaled x off the reference");
        }
    }

    /**
     * The scaled run's solution is the caller's: its residuals and objective are those recomputed on the
     * caller's data at the mapped point, bit for bit (every scaled quantity is a power of 2 times the
     * caller's, so the weighted norms of the termination test equal the caller's norms exactly), and the
     * factors are nontrivial (the test would be vacuous at D = E = c = 1).
     */
    @Test
    void theSolutionCarriesTheCallersResidualsExactly() {
        ConvexProgram bad = rowScaled(EntropyProblem.generate(1, 30, 5, 10, EntropyProblem.Draw.PLANTED), 3, 11);
        Solution s = GeneralAltDiff.solveOnly(bad, Settings.DEFAULTS, LA);
        assertEquals(Status.SOLVED, s.status());
        Equilibration scaling = Equilibration.of(bad, Settings.DEFAULTS.scaling());
        assertTrue(spread(scaling.d()) > 1 && spread(scaling.eA()) > 1e3 && spread(scaling.eG()) > 1e3);
        GeneralData caller = GeneralData.of(bad, LA, 1.0, 1.0, true, 0);
        double[] r = GeneralAdmm.residuals(caller, s.x(), s.lambda(), s.nu(), s.s(), null);
        assertEquals(r[0], s.primalResidual(), 0.0);
        assertEquals(r[2], s.dualResidual(), 0.0);
        assertEquals(bad.objective().value(s.x()), s.objective(), 0.0);
    }

    /**
     * The derivatives of the scaled run at a fixed K = 80 (ε = 1e-14: no stop before the cap) on the
     * 10^±3 row-scaled problem. Reverse mode against {@code jvp} for a direction in y, b and h (the same
     * recursion transposed, both on the scaled program and mapped back by exact powers of 2: equal to
     * rounding, ~K·cond(H)·1e-16; asserted to 1e-10 relative). Both against central differences of vᵀx_K
     * for every block (y, b, h, A, G) along random directions, each block's entries scaled like its rows
     * (10^±3) so that a step of 1e-6 is a relative change of 1e-6 everywhere. The perturbed runs must make
     * the same run: the same factors D, E, c (powers of 2, unmoved by so small a step), the same ρ schedule
     * and the same masks D_k. FD error: truncation δ²/6·|ℓ'''| ≈ 1e-12 and rounding (the Newton tolerance
     * τ = 1e-14 on x_K, times ‖v‖₁/δ: at most ~3e-7), against derivatives of order 0.1–10 (measured: 1e-10
     * to 2e-9 apart); asserted to 1e-6·(1 + |g|).
     */
    @Test
    void reverseModeMatchesForwardModeAndFiniteDifferencesOfTheTruncatedRun() {
        int kCap = 80;
        Settings settings = Settings.DEFAULTS.withTolerance(1e-14).withMaxIterations(kCap);
        Random scales = new Random(5);
        ConvexProgram problem = rowScaled(EntropyProblem.generate(1, 30, 5, 10, EntropyProblem.Draw.PLANTED), 3, 11);
        int n = problem.n();
        int p = problem.p();
        int m = problem.m();
        GeneralAdmm.Run run = GeneralAdmm.solve(problem, settings, LA, true, false);
        assertEquals(kCap, run.solution().iterations());
        assertTrue(!run.data().scaling.isOff());
        GeneralAltDiff.Solved solved = new GeneralAltDiff.Solved(run);
        double[] v = Gaussian.vector(new Random(11), n);
        ObjectiveGradients g = solved.backward(v);

        Random r = new Random(21);
        double[] dy = Gaussian.vector(r, n);
        double[] db = rowsLike(problem.b(), Gaussian.vector(r, p));
        double[] dh = rowsLike(problem.h(), Gaussian.vector(r, m));
        double[][] dA = rowsLike(problem.A(), Gaussian.matrix(r, p, n));
        double[][] dG = rowsLike(problem.G(), Gaussian.matrix(r, m, n));
        double forward = Vectors.dot(v, solved.jvp(dy, db, dh));
        double reverse = Vectors.dot(g.theta(), dy) + Vectors.dot(g.b(), db) + Vectors.dot(g.h(), dh);
        System.out.printf("general scaling, dot-product identity: forward %.15e, reverse %.15e%n", forward, reverse);
        assertEquals(forward, reverse, 1e-10 * Math.abs(forward), "dot-product identity");

        double step = 1e-6;
        for (String block : new String[]{"y", "b", "h", "A", "G"}) {
            double fd = 0;
            for (double sign : new double[]{1, -1}) {
                ConvexProgram moved = moved(problem, block, sign * step, dy, db, dh, dA, dG);
                GeneralAdmm.Run shifted = GeneralAdmm.solve(moved, settings, LA, true, false);
                assertTrue(run.data().scaling.sameFactors(shifted.data().scaling), block + ": the same factors");
                assertEquals(TestArrays.rhos(run), TestArrays.rhos(shifted), block + ": the same rho schedule");
                for (int k = 0; k < kCap; k++) {
                    assertArrayEquals(run.trajectory().masks().get(k), shifted.trajectory().masks().get(k),
                            block + ": the same mask at iteration " + (k + 1));
                }
                fd += sign * Vectors.dot(v, shifted.solution().x()) / (2 * step);
            }
            double inner = TestArrays.inner(g, block, dy, db, dh, dA, dG);
            System.out.printf("general scaling, %s: reverse %.12e, central difference %.12e%n", block, inner, fd);
            assertEquals(fd, inner, 1e-6 * (1 + Math.abs(inner)), block + " directional derivative");
        }
    }

    /**
     * Converged runs with scaling on and off give the same derivatives: both recursions converge, at the
     * rate of their ADMM runs, to the derivative of the solution map (ALTDIFF.md §3), so run to ε = 1e-12
     * on a problem both finish (spread 10^±1.5, seed 2: 110 iterations scaled, 2 870 unscaled), each is
     * within ~1e-12·cond of it. Measured: 7e-10 (y) to 1.5e-8 (h) apart relative to the largest entry of
     * each block; asserted 1e-7.
     */
    @Test
    void convergedDerivativesAgreeWithTheUnscaledRun() {
        ConvexProgram problem = rowScaled(EntropyProblem.generate(2, 30, 5, 10, EntropyProblem.Draw.PLANTED), 1.5, 12);
        Settings settings = Settings.DEFAULTS.withTolerance(1e-12).withMaxIterations(UNSCALED_CAP);
        GeneralAltDiff.Solved scaled = GeneralAltDiff.solve(problem, settings, LA);
        GeneralAltDiff.Solved unscaled = GeneralAltDiff.solve(problem, settings.withScaling(0), LA);
        assertEquals(Status.SOLVED, scaled.solution().status());
        assertEquals(Status.SOLVED, unscaled.solution().status());
        System.out.printf("general scaling, epsilon 1e-12: scaled %d iterations, unscaled %d%n",
                scaled.solution().iterations(), unscaled.solution().iterations());
        double[] v = Gaussian.vector(new Random(13), problem.n());
        ObjectiveGradients gs = scaled.backward(v);
        ObjectiveGradients gu = unscaled.backward(v);
        double[][] pairs = {gs.theta(), gu.theta(), gs.b(), gu.b(), gs.h(), gu.h(), TestArrays.flat(gs.A()), TestArrays.flat(gu.A()),
                TestArrays.flat(gs.G()), TestArrays.flat(gu.G())};
        String[] names = {"y", "b", "h", "A", "G"};
        for (int i = 0; i < names.length; i++) {
            double err = maxDiff(pairs[2 * i], pairs[2 * i + 1]) / Vectors.normInf(pairs[2 * i + 1]);
            System.out.printf("general scaling, %s: scaled vs unscaled gradient, relative %.2e%n", names[i], err);
            assertTrue(err <= 1e-7, names[i] + ": " + err);
        }
        double[] dy = Gaussian.vector(new Random(14), problem.n());
        double[] js = scaled.jvp(dy, null, null);
        assertTrue(maxDiff(js, unscaled.jvp(dy, null, null)) <= 1e-7 * Vectors.normInf(js), "jvp");
    }

    /**
     * A quadratic program given as a general objective (f = ½xᵀPx + qᵀx, {@code QuadraticObjective}, whose
     * initial point is 0: ∇²f = P, ∇f(0) = q, read dense) gets the QP path's factors bit for bit: both
     * paths run the same passes on the same entries.
     */
    @Test
    void aQuadraticObjectiveGetsTheQpPathsFactors() {
        QuadraticProgram qp = BadlyScaledQp.generate(PlantedQp.generate(3, 20, 4, 8, 0.5, true), 3, 7).problem();
        ConvexProgram program = new ConvexProgram(new QuadraticObjective(qp.P(), qp.q()), qp.A(), qp.b(), qp.G(),
                qp.h());
        Equilibration general = Equilibration.of(program, 10);
        assertTrue(general.sameFactors(Equilibration.of(qp, 10)));
        assertTrue(spread(general.d()) > 1e3 && general.c() != 1.0);
    }

    /**
     * The dense factor of the scaled H(x̄) (through {@link ScaledObjective#addHessian}: c D ∇²f D) and the
     * Woodbury form (through its diagonal) make the same scaled run: the same iterations, x and gradients
     * equal up to the rounding of the two factorizations over K steps (~K·cond(H)·1e-16; 1e-8 relative).
     */
    @Test
    void woodburyAndDenseFactorsMakeTheSameScaledRun() {
        ConvexProgram bad = rowScaled(EntropyProblem.generate(1, 30, 5, 10, EntropyProblem.Draw.PLANTED), 3, 11);
        Settings settings = Settings.DEFAULTS.withTolerance(1e-9);
        GeneralAltDiff.Solved woodbury = GeneralAltDiff.solve(bad, settings, LA, false);
        GeneralAltDiff.Solved dense = GeneralAltDiff.solve(bad, settings, LA, true);
        assertEquals(Status.SOLVED, woodbury.solution().status());
        assertEquals(woodbury.solution().iterations(), dense.solution().iterations());
        double[] v = Gaussian.vector(new Random(15), bad.n());
        ObjectiveGradients gw = woodbury.backward(v);
        ObjectiveGradients gd = dense.backward(v);
        assertTrue(maxDiff(woodbury.solution().x(), dense.solution().x()) <= 1e-8 * Vectors.normInf(dense.solution().x()));
        assertTrue(maxDiff(gw.theta(), gd.theta()) <= 1e-8 * Vectors.normInf(gd.theta()), "y");
        assertTrue(maxDiff(gw.b(), gd.b()) <= 1e-8 * Vectors.normInf(gd.b()), "b");
        assertTrue(maxDiff(TestArrays.flat(gw.G()), TestArrays.flat(gd.G())) <= 1e-8 * Vectors.normInf(TestArrays.flat(gd.G())), "G");
    }

    /**
     * Equality-only, inequality-only and unconstrained programs (absent blocks: empty E_A or E_G, null
     * gradient blocks) solve scaled at the unscaled run's x (both at ε = 1e-9 on the same problem: 1e-6
     * relative, as above), with the scaled run's gradient blocks present exactly where the problem has them.
     */
    @ParameterizedTest(name = "p = {0}, m = {1}")
    @CsvSource({"4, 0", "0, 6", "0, 0"})
    void absentConstraintBlocksAreScaledToo(int p, int m) {
        ConvexProgram problem = EntropyProblem.generate(4, 20, p, m, EntropyProblem.Draw.PLANTED);
        Settings settings = Settings.DEFAULTS.withTolerance(1e-9);
        GeneralAltDiff.Solved scaled = GeneralAltDiff.solve(problem, settings, LA);
        Solution unscaled = GeneralAltDiff.solveOnly(problem, settings.withScaling(0), LA);
        assertEquals(Status.SOLVED, scaled.solution().status());
        assertEquals(Status.SOLVED, unscaled.status());
        assertTrue(maxDiff(scaled.solution().x(), unscaled.x()) <= 1e-6 * Vectors.normInf(unscaled.x()));
        ObjectiveGradients g = scaled.backward(Gaussian.vector(new Random(16), problem.n()));
        assertEquals(p > 0, g.A() != null && g.b() != null);
        assertEquals(m > 0, g.G() != null && g.h() != null);
        assertEquals(problem.n(), g.theta().length);
    }

    /** @return the program with row i of A, b (and of G, h) multiplied by 10^U(−spread, spread) */
    static ConvexProgram rowScaled(ConvexProgram base, double spread, long seed) {
        Random r = new Random(seed);
        double[][] a = base.A();
        double[] b = base.b();
        double[][] g = base.G();
        double[] h = base.h();
        scaleRows(r, spread, a, b);
        scaleRows(r, spread, g, h);
        return new ConvexProgram(base.objective(), a, b, g, h);
    }

    private static void scaleRows(Random r, double spread, double[][] rows, double[] rhs) {
        for (int i = 0; i < rows.length; i++) {
            double s = Math.pow(10, spread * (2 * r.nextDouble() - 1));
            for (int j = 0; j < rows[i].length; j++) {
                rows[i][j] *= s;
            }
            rhs[i] *= s;
        }
    }

    private static ConvexProgram moved(ConvexProgram problem, String block, double t, double[] dy, double[] db,
                                       double[] dh, double[][] dA, double[][] dG) {
        return switch (block) {
            case "y" -> problem.withObjective(problem.objective().withParameters(
                    TestArrays.axpy(problem.objective().parameters(), t, dy)));
            case "b" -> problem.withB(TestArrays.axpy(problem.b(), t, db));
            case "h" -> problem.withH(TestArrays.axpy(problem.h(), t, dh));
            case "A" -> new ConvexProgram(problem.objective(), TestArrays.axpy(problem.A(), t, dA), problem.b(), problem.G(),
                    problem.h());
            default -> new ConvexProgram(problem.objective(), problem.A(), problem.b(), TestArrays.axpy(problem.G(), t, dG),
                    problem.h());
        };
    }

    /** @return direction entries i multiplied by |rhs_i| (scaled like the rows of the data) */
    private static double[] rowsLike(double[] rhs, double[] direction) {
        for (int i = 0; i < direction.length; i++) {
            direction[i] *= Math.abs(rhs[i]);
        }
        return direction;
    }

    /** @return direction row i multiplied by row i's ∞-norm */
    private static double[][] rowsLike(double[][] rows, double[][] direction) {
        for (int i = 0; i < direction.length; i++) {
            double norm = Vectors.normInf(rows[i]);
            for (int j = 0; j < direction[i].length; j++) {
                direction[i][j] *= norm;
            }
        }
        return direction;
    }

    private static double spread(double[] factors) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (double f : factors) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        return max / min;
    }

    private static double maxDiff(double[] a, double[] b) {
        double out = 0;
        for (int i = 0; i < a.length; i++) {
            out = Math.max(out, Math.abs(a[i] - b[i]));
        }
        return out;
    }

}
