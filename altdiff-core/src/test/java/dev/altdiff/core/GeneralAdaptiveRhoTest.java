package dev.altdiff.core;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.ObjectiveGradients;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.EntropyProblem;
import dev.altdiff.testkit.Gaussian;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adaptive ρ on the general-objective path ({@link GeneralAdmm}): the QP path's residual balancing,
 * switch rule and doubling schedule, with the equality rows at ρ_eq = 10³ρ ({@link Settings#DEFAULTS}, with
 * scaling off so that ρ is the problem's own: Ruiz scaling on this path is {@link GeneralEquilibrationTest}'s),
 * on the planted negative-entropy problem −yᵀx + Σ xᵢ log xᵢ s.t. Ax = b, Gx ≤ h ({@link EntropyProblem}).
 * From a badly chosen starting ρ the run switches and solves in far fewer iterations than at the fixed
 * ρ, at the KKT point; its derivatives (reverse mode, {@code jvp}) are those of the run with its switches,
 * checked against each other and against central differences of the map θ ↦ x_K at a fixed K.
 */
class GeneralAdaptiveRhoTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    /** {@link Settings#DEFAULTS} without Ruiz scaling (the measurements below are of the unscaled runs). */
    private static final Settings UNSCALED = Settings.DEFAULTS.withScaling(0);

    /** n = 30, p = 5, m = 10, planted: x₀ ∈ [0.5, 1.5) strictly feasible, slacks at x₀ of order 1. */
    private static final ConvexProgram PROBLEM = EntropyProblem.generate(1, 30, 5, 10, EntropyProblem.Draw.PLANTED);

    /** The cap of the fixed-ρ runs: from ρ = 1e3 the fixed run does not finish in 50 000 iterations. */
    private static final int FIXED_CAP = 5_000;

    /**
     * Measured (ε = 1e-8): from ρ = 1e-3 the fixed run needs 2 520 iterations, the adaptive one 60 (one
     * switch, at iteration 11, to 10^(−5/4)); from ρ = 1e3 the fixed run has not finished at 50 000, the
     * adaptive one needs 60 (one switch, to 0.1). The assertion asks for a factor 10. The adaptive solution
     * is checked against the KKT conditions directly and against a reference solved to ε = 1e-12 at the
     * fixed ρ = 0.1 (balanced for this problem: 50 iterations at ε = 1e-8): both pass the termination
     * test, the adaptive one at 1e-8 relative to scales of order 1, and f is strongly convex on the
     * feasible set's neighbourhood (∇²f = diag(1/x), x ≤ 2), so x differs from x* by a few 1e-8; 1e-6
     * leaves a margin for the conditioning of the constraints.
     */
    @ParameterizedTest(name = "starting rho {0}")
    @ValueSource(doubles = {1e-3, 1e3})
    void fromABadStartAdaptiveRhoSwitchesAndSolvesInFarFewerIterations(double rho0) {
        Settings adaptive = UNSCALED.withRho(rho0).withTolerance(1e-8).withMaxIterations(FIXED_CAP);
        Solution fixed = GeneralAltDiff.solveOnly(PROBLEM, adaptive.withAdaptiveRho(false), LA);
        GeneralAltDiff.Solved run = GeneralAltDiff.solve(PROBLEM, adaptive, LA);
        Solution fast = run.solution();
        List<Integer> switches = switches(run);
        System.out.printf("general adaptive rho from %.0e: fixed %d iterations (%s), adaptive %d (switches at %s,"
                + " final rho %.3g)%n", rho0, fixed.iterations(), fixed.status(), fast.iterations(), switches,
                run.rho(fast.iterations()));
        assertEquals(Status.SOLVED, fast.status());
        assertTrue(!switches.isEmpty(), "rho switched");
        assertEquals(rho0, run.rho(1));
        for (int k : switches) { // switches happen where the schedule considers them: before 11, 21, 31, ...
            assertEquals(1, k % Settings.ADAPTIVE_RHO_INTERVAL, "switch at iteration " + k);
            double ratio = run.rho(k) / run.rho(k - 1);
            assertTrue(ratio > Settings.ADAPTIVE_RHO_TOLERANCE || ratio < 1 / Settings.ADAPTIVE_RHO_TOLERANCE);
        }
        // the fixed run needs more than 10× the adaptive run's iterations (or has not finished at the cap)
        assertTrue(10 * fast.iterations() < fixed.iterations(),
                "adaptive " + fast.iterations() + " vs fixed " + fixed.iterations());

        double kkt = kktResidual(PROBLEM, fast);
        assertTrue(kkt <= 1e-6, "KKT residual " + kkt);
        Solution reference = GeneralAltDiff.solveOnly(PROBLEM, new Settings(0.1, 1e-12, 20_000,
                dev.altdiff.api.Truncation.RESIDUALS), LA);
        assertEquals(Status.SOLVED, reference.status());
        double err = 0;
        for (int i = 0; i < PROBLEM.n(); i++) {
            err = Math.max(err, Math.abs(fast.x()[i] - reference.x()[i]));
        }
        assertTrue(err <= 1e-6, "x differs from the reference by " + err);
    }

    /**
     * The derivatives of the run with its switches, at a fixed K = 60 on the planted problem (20, 5, 5)
     * (ε = 1e-14: no stop before the cap; measured: from ρ = 1e-3 one switch, at 11, from ρ = 1e3 two, at
     * 11 and 41, so the first 10 steps run at the start's ρ and the other 50 at switched ones). Reverse mode against {@code jvp} for directions in y, b and h (the same recursion
     * transposed: equal to rounding, ~K·cond(H)·1e-16, asserted to 1e-10 relative), and both, for every
     * block including A and G, against central differences of vᵀx_K along a random direction of that
     * block. The perturbed runs must make the same run: their ρ schedule and masks D_k are asserted equal
     * to the unperturbed run's (the schedule is rounded to 10^(j/4) and the slacks stay away from 0, so a
     * step of 1e-6 moves neither). FD error: truncation δ²/6·|l'''| ≈ 1e-13 and rounding (the Newton
     * tolerance τ = 1e-14 on x_K, through vᵀ: ~1e-13)/δ ≈ 1e-7 absolute, against derivatives of order 1;
     * asserted to 1e-6·(1 + |g|).
     */
    @ParameterizedTest(name = "starting rho {0}")
    @ValueSource(doubles = {1e-3, 1e3})
    void reverseModeAcrossSwitchesMatchesForwardModeAndFiniteDifferences(double rho0) {
        int kCap = 60;
        Settings settings = UNSCALED.withRho(rho0).withTolerance(1e-14).withMaxIterations(kCap);
        ConvexProgram problem = EntropyProblem.generate(1, 20, 5, 5, EntropyProblem.Draw.PLANTED);
        int n = problem.n();
        int p = problem.p();
        int m = problem.m();
        GeneralAdmm.Run run = GeneralAdmm.solve(problem, settings, LA, true, false);
        assertEquals(kCap, run.solution().iterations());
        GeneralAltDiff.Solved solved = new GeneralAltDiff.Solved(run);
        List<Integer> switches = switches(solved);
        System.out.printf("general adaptive rho from %.0e, K = %d: switches at %s%n", rho0, kCap, switches);
        assertTrue(!switches.isEmpty(), "rho switched within the " + kCap + " iterations");
        double[] v = Gaussian.vector(new Random(11), n);
        ObjectiveGradients g = solved.backward(v);

        Random r = new Random(21);
        double[] dy = Gaussian.vector(r, n);
        double[] db = Gaussian.vector(r, p);
        double[] dh = Gaussian.vector(r, m);
        double[][] dA = Gaussian.matrix(r, p, n);
        double[][] dG = Gaussian.matrix(r, m, n);
        double forward = Vectors.dot(v, solved.jvp(dy, db, dh));
        double reverse = Vectors.dot(g.theta(), dy) + Vectors.dot(g.b(), db) + Vectors.dot(g.h(), dh);
        assertEquals(forward, reverse, 1e-10 * Math.abs(forward), "dot-product identity");

        double step = 1e-6;
        String[] blocks = {"y", "b", "h", "A", "G"};
        for (String block : blocks) {
            double[] fd = new double[1];
            for (double sign : new double[]{1, -1}) {
                double t = sign * step;
                ConvexProgram moved = switch (block) {
                    case "y" -> problem.withObjective(problem.objective().withParameters(
                            TestArrays.axpy(problem.objective().parameters(), t, dy)));
                    case "b" -> problem.withB(TestArrays.axpy(problem.b(), t, db));
                    case "h" -> problem.withH(TestArrays.axpy(problem.h(), t, dh));
                    case "A" -> new ConvexProgram(problem.objective(), TestArrays.axpy(problem.A(), t, dA), problem.b(),
                            problem.G(), problem.h());
                    default -> new ConvexProgram(problem.objective(), problem.A(), problem.b(),
                            TestArrays.axpy(problem.G(), t, dG), problem.h());
                };
                GeneralAdmm.Run shifted = GeneralAdmm.solve(moved, settings, LA, true, false);
                assertEquals(TestArrays.rhos(run), TestArrays.rhos(shifted), block + ": the same rho schedule");
                for (int k = 0; k < kCap; k++) {
                    assertArrayEquals(run.trajectory().masks().get(k), shifted.trajectory().masks().get(k),
                            block + ": the same mask at iteration " + (k + 1));
                }
                fd[0] += sign * Vectors.dot(v, shifted.solution().x()) / (2 * step);
            }
            double inner = TestArrays.inner(g, block, dy, db, dh, dA, dG);
            System.out.printf("general adaptive rho from %.0e, %s: reverse %.12e, central difference %.12e%n", rho0,
                    block, inner, fd[0]);
            assertEquals(fd[0], inner, 1e-6 * (1 + Math.abs(inner)), block + " directional derivative");
        }
    }

    /**
     * A run truncated afterwards at k (after a switch) is the run capped at k: the same ρ for each of
     * its iterations, and x and the gradients bit for bit the same floating-point operations (1e-12
     * relative allows for nothing but reassociation).
     */
    @Test
    void aTruncatedRunKeepsTheRhoOfEachIteration() {
        Settings settings = UNSCALED.withRho(1e3).withTolerance(1e-10);
        GeneralAltDiff.Solved full = GeneralAltDiff.solve(PROBLEM, settings, LA);
        List<Integer> switches = switches(full);
        assertTrue(!switches.isEmpty());
        int k = switches.get(0) + 7;
        assertTrue(k < full.solution().iterations());
        GeneralAltDiff.Solved cut = full.truncated(k);
        GeneralAltDiff.Solved capped = GeneralAltDiff.solve(PROBLEM, settings.withMaxIterations(k), LA);
        assertEquals(k, capped.solution().iterations());
        for (int j = 1; j <= k; j++) {
            assertEquals(full.rho(j), cut.rho(j));
            assertEquals(full.rho(j), capped.rho(j));
        }
        double[] v = Gaussian.vector(new Random(12), PROBLEM.n());
        ObjectiveGradients gc = cut.backward(v);
        ObjectiveGradients gk = capped.backward(v);
        assertTrue(relativeError(cut.solution().x(), capped.solution().x()) <= 1e-12);
        assertTrue(relativeError(gc.theta(), gk.theta()) <= 1e-12);
        assertTrue(relativeError(gc.b(), gk.b()) <= 1e-12);
        assertTrue(relativeError(gc.h(), gk.h()) <= 1e-12);
        assertTrue(relativeError(TestArrays.flat(gc.G()), TestArrays.flat(gk.G())) <= 1e-12);
        assertTrue(relativeError(cut.jvp(v, null, null), capped.jvp(v, null, null)) <= 1e-12);
    }

    /**
     * The Woodbury form of H(x)⁻¹ (diagonal ∇²f, p + m &lt; n; its middle matrix R⁻¹ + C∇²f⁻¹Cᵀ carries
     * R = diag(ρ_eqI, ρI)) and the dense factor of H(x) = ∇²f(x) + ρ_eqAᵀA + ρGᵀG make the same run across
     * the switches: the same iterations and ρ schedule, x and gradients equal up to the rounding of the
     * two factorizations accumulated over K steps (~K·cond(H)·1e-16; 1e-8 relative leaves a wide margin).
     */
    @Test
    void woodburyAndDenseFactorsMakeTheSameRun() {
        Settings settings = UNSCALED.withRho(1e-3).withTolerance(1e-9);
        GeneralAltDiff.Solved woodbury = GeneralAltDiff.solve(PROBLEM, settings, LA, false);
        GeneralAltDiff.Solved dense = GeneralAltDiff.solve(PROBLEM, settings, LA, true);
        int k = woodbury.solution().iterations();
        assertEquals(k, dense.solution().iterations());
        assertTrue(!switches(woodbury).isEmpty());
        for (int j = 1; j <= k; j++) {
            assertEquals(woodbury.rho(j), dense.rho(j));
        }
        double[] v = Gaussian.vector(new Random(13), PROBLEM.n());
        ObjectiveGradients gw = woodbury.backward(v);
        ObjectiveGradients gd = dense.backward(v);
        assertTrue(relativeError(woodbury.solution().x(), dense.solution().x()) <= 1e-8);
        assertTrue(relativeError(gw.theta(), gd.theta()) <= 1e-8, "y");
        assertTrue(relativeError(gw.b(), gd.b()) <= 1e-8, "b");
        assertTrue(relativeError(gw.h(), gd.h()) <= 1e-8, "h");
        assertTrue(relativeError(TestArrays.flat(gw.A()), TestArrays.flat(gd.A())) <= 1e-8, "A");
    }

    /** @return the iterations k ≥ 2 whose ρ differs from iteration k − 1's */
    private static List<Integer> switches(GeneralAltDiff.Solved run) {
        List<Integer> out = new ArrayList<>();
        for (int k = 2; k <= run.solution().iterations(); k++) {
            if (run.rho(k) != run.rho(k - 1)) {
                out.add(k);
            }
        }
        return out;
    }

    /**
     * @return the largest violation of the KKT conditions at (x, λ, ν): ‖∇f(x) + Aᵀλ + Gᵀν‖∞, ‖Ax − b‖∞,
     *     max(Gx − h, 0), max(−ν, 0) and |νᵢ(h − Gx)ᵢ|
     */
    private static double kktResidual(ConvexProgram problem, Solution s) {
        double[] x = s.x();
        double[] stationarity = problem.objective().gradient(x);
        double[][] a = problem.A();
        double[][] g = problem.G();
        double worst = 0;
        for (int k = 0; k < problem.p(); k++) {
            worst = Math.max(worst, Math.abs(Vectors.dot(a[k], x) - problem.b()[k]));
            for (int i = 0; i < x.length; i++) {
                stationarity[i] += a[k][i] * s.lambda()[k];
            }
        }
        for (int k = 0; k < problem.m(); k++) {
            double slack = problem.h()[k] - Vectors.dot(g[k], x);
            double nu = s.nu()[k];
            worst = Math.max(worst, Math.max(-slack, 0));
            worst = Math.max(worst, Math.max(-nu, 0));
            worst = Math.max(worst, Math.abs(nu * slack));
            for (int i = 0; i < x.length; i++) {
                stationarity[i] += g[k][i] * nu;
            }
        }
        for (double value : stationarity) {
            worst = Math.max(worst, Math.abs(value));
        }
        return worst;
    }

    private static double relativeError(double[] a, double[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / Math.max(den, Double.MIN_NORMAL));
    }
}
