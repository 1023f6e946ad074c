package dev.altdiff.kkt;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ojalgo.matrix.store.R064Store;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.convex.ConvexSolver;
import org.ojalgo.structure.Access1D;

import java.util.Random;

import static dev.altdiff.kkt.Fixtures.LA;
import static dev.altdiff.kkt.Fixtures.TIGHT;
import static dev.altdiff.kkt.Fixtures.maxAbsDiff;
import static dev.altdiff.kkt.Fixtures.normInf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The forward solution (x, λ, ν) against ojAlgo's own convex QP solver ({@link ConvexSolver}, an
 * active-set method that solves the KKT system of the active set directly).
 *
 * <p><b>Conventions.</b> ojAlgo minimises ½xᵀQx − Cᵀx subject to A_E x = b_E, A_I x ≤ b_I, so Q = P and
 * C = −q. {@link Optimisation.Result#getMultipliers()} returns one vector of length p + m: the
 * equality multipliers first, then the inequality ones, in the order the rows were given, with the
 * same signs as here: Qx − C + A_Eᵀλ + A_Iᵀν = 0, i.e. Px + q + Aᵀλ + Gᵀν = 0 with ν ≥ 0 (checked
 * on a small example by hand and by the stationarity residual below).
 *
 * <p><b>Tolerance.</b> ADMM at the residual rule 1e-12 leaves x, λ, ν within ~1e-10 of the exact
 * KKT point on these well-conditioned problems (P ⪰ 0.1·I or ZᵀZ + I, [A; G_active] of modest
 * condition), and the active-set solver is exact up to rounding times the condition of its KKT
 * system (~1e-13); 1e-8·(1 + ‖·‖∞) leaves two orders of margin for ill-conditioned draws while a
 * sign or ordering mistake in the multipliers would show as an O(1) difference.
 */
class ConvexSolverAgreementTest {
    static final double TOLERANCE = 1e-8;

    /** Random feasible problems: P = ZᵀZ + I, x₀ random, b = Ax₀, h = Gx₀ + |U|, q random. */
    @ParameterizedTest(name = "random seed {0}: n={1} p={2} m={3}")
    @CsvSource({"1, 8, 2, 10", "2, 15, 5, 20", "3, 20, 0, 30", "4, 12, 6, 0", "5, 25, 8, 40"})
    void randomFeasibleProblemsAgree(long seed, int n, int p, int m) {
        Random r = new Random(seed);
        QuadraticProgram paper = RandomQp.paper(seed, n, p, m, 1.0);
        double[] x0 = Gaussian.vector(r, n);
        QuadraticProgram.Builder builder = QuadraticProgram.builder(n).P(paper.P()).q(paper.q());
        if (p > 0) {
            builder.equalities(paper.A(), times(paper.A(), x0, null, r));
        }
        if (m > 0) {
            builder.inequalities(paper.G(), times(paper.G(), x0, new double[m], r));
        }
        QuadraticProgram qp = builder.build();
        Solution admm = new KktDifferentiator().solve(qp, TIGHT, LA).solution();
        assertEquals(Status.SOLVED, admm.status());
        Solution oj = solveWithOjAlgo(qp);
        int active = 0;
        for (double nu : oj.nu()) {
            active += nu > 0 ? 1 : 0;
        }
        String report = compare(admm, oj, "admm vs ojAlgo");
        System.out.println("[convex-solver] random seed " + seed + " (" + active + " active): " + report);
    }

    /** Planted problems: ojAlgo and ADMM both against the planted (x*, λ*, ν*). */
    @ParameterizedTest(name = "planted seed {0}: n={1} p={2} m={3}")
    @CsvSource({"11, 8, 3, 8", "12, 20, 5, 30", "13, 30, 10, 20", "14, 10, 0, 16"})
    void plantedProblemsAgree(long seed, int n, int p, int m) {
        PlantedQp planted = PlantedQp.generate(seed, n, p, m, 0.1, true);
        Solution truth = new Solution(planted.x(), planted.lambda(), planted.nu(), new double[0], Status.SOLVED, 0, 0, 0,
                0);
        Solution oj = solveWithOjAlgo(planted.problem());
        Solution admm = new KktDifferentiator().solve(planted.problem(), TIGHT, LA).solution();
        String report = compare(oj, truth, "ojAlgo vs planted") + "; " + compare(admm, truth, "admm vs planted");
        System.out.println("[convex-solver] planted seed " + seed + ": " + report);
    }

    private static String compare(Solution a, Solution b, String what) {
        double ex = maxAbsDiff(a.x(), b.x());
        double el = maxAbsDiff(a.lambda(), b.lambda());
        double en = maxAbsDiff(a.nu(), b.nu());
        assertTrue(ex <= TOLERANCE * (1 + normInf(b.x())), what + ": x differs by " + ex);
        assertTrue(el <= TOLERANCE * (1 + normInf(b.lambda())), what + ": lambda differs by " + el);
        assertTrue(en <= TOLERANCE * (1 + normInf(b.nu())), what + ": nu differs by " + en);
        return String.format("%s x %.1e lambda %.1e nu %.1e", what, ex, el, en);
    }

    /** Solves with ojAlgo's ConvexSolver (Q = P, C = −q) and reads x and the multipliers [λ; ν]. */
    static Solution solveWithOjAlgo(QuadraticProgram qp) {
        int n = qp.n();
        int p = qp.p();
        int m = qp.m();
        double[] q = qp.q();
        double[] minusQ = new double[n];
        for (int i = 0; i < n; i++) {
            minusQ[i] = -q[i];
        }
        ConvexSolver.Builder builder = ConvexSolver.newBuilder().objective(store(qp.P()), column(minusQ));
        if (p > 0) {
            builder.equalities(store(qp.A()), column(qp.b()));
        }
        if (m > 0) {
            builder.inequalities(store(qp.G()), column(qp.h()));
        }
        Optimisation.Result result = builder.solve();
        assertTrue(result.getState().isOptimal(), "ojAlgo: " + result.getState());
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = result.doubleValue(i);
        }
        Access1D<?> multipliers = result.getMultipliers().orElseThrow();
        assertEquals(p + m, multipliers.count(), "ojAlgo returns [lambda; nu]");
        double[] lambda = new double[p];
        double[] nu = new double[m];
        for (int k = 0; k < p; k++) {
            lambda[k] = multipliers.doubleValue(k);
        }
        for (int i = 0; i < m; i++) {
            nu[i] = multipliers.doubleValue(p + i);
        }
        // the sign convention: Px + q + Aᵀλ + Gᵀν = 0 and ν ≥ 0
        Solution s = KktDifferentiator.at(qp, x, lambda, nu, LA).solution();
        assertTrue(s.dualResidual() <= 1e-9 * (1 + normInf(q)), "ojAlgo stationarity residual " + s.dualResidual());
        return s;
    }

    private static R064Store store(double[][] rows) {
        R064Store s = R064Store.FACTORY.make(rows.length, rows[0].length);
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows[i].length; j++) {
                s.set(i, j, rows[i][j]);
            }
        }
        return s;
    }

    private static R064Store column(double[] values) {
        R064Store s = R064Store.FACTORY.make(values.length, 1);
        for (int i = 0; i < values.length; i++) {
            s.set(i, 0, values[i]);
        }
        return s;
    }

    /** @return Ax₀ (+ |U|, U uniform in [0, 1), when slack is non-null) */
    private static double[] times(double[][] a, double[] x0, double[] slack, Random r) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Fixtures.dot(a[i], x0) + (slack == null ? 0 : r.nextDouble());
        }
        return out;
    }
}
