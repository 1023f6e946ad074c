package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.Certificate;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.BadlyScaledQp;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ruiz equilibration ({@link Settings#scaling()}, {@link Equilibration}): convergence on a badly
 * scaled problem, the mapped gradients against finite differences and against forward mode, the
 * factors, and that 0 passes changes nothing. Problems are planted ({@link PlantedQp}) and then
 * badly scaled ({@link BadlyScaledQp}), so the solution of the badly scaled problem is known exactly.
 */
class EquilibrationTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    /**
     * Rows and columns scaled over 1e-3..1e3: with 10 Ruiz passes ADMM (fixed ρ = 1) reaches SOLVED
     * far sooner than without. The solution is checked against the planted KKT point normwise,
     * ‖x − y*‖∞ ≤ 1e-6·‖y*‖∞: the residual test at ε = 1e-9 on the scaled problem bounds the error by
     * about cond·1e-9 with cond the condition number of the equilibrated KKT matrix (≲ 1e2 here), so
     * 1e-6 leaves an order of margin (entrywise relative errors are not bounded this way: y* spans
     * 1e-3..1e3 and the small entries carry the large entries' absolute error).
     */
    @ParameterizedTest
    @CsvSource({"1, 20, 5, 20", "2, 30, 0, 30", "3, 15, 6, 10"})
    void scalingSolvesABadlyScaledProblemInFarFewerIterations(long seed, int n, int p, int m) {
        BadlyScaledQp bad = bad(seed, n, p, m, 3, seed + 50);
        Settings settings = new Settings(1.0, 1e-9, 200_000, Truncation.RESIDUALS);
        Solution plain = Admm.solve(bad.problem(), settings, LA).solution();
        Solution scaled = Admm.solve(bad.problem(), settings.withScaling(10), LA).solution();
        System.out.printf("[equilibration] seed %d n=%d p=%d m=%d: scaling 0 -> %s after %d iterations, scaling 10 ->"
                + " %s after %d%n", seed, n, p, m, plain.status(), plain.iterations(), scaled.status(),
                scaled.iterations());
        assertEquals(Status.SOLVED, scaled.status());
        assertTrue(scaled.iterations() * 10 < plain.iterations(),
                "scaled " + scaled.iterations() + " vs plain " + plain.iterations());
        double error = 0;
        for (int i = 0; i < n; i++) {
            error = Math.max(error, Math.abs(bad.y()[i] - scaled.x()[i]));
        }
        System.out.printf("[equilibration] |x - y*| = %.2e, |y*| = %.2e%n", error, Vectors.normInf(bad.y()));
        assertTrue(error <= 1e-6 * Vectors.normInf(bad.y()), "error " + error);
        // the returned residuals are the caller's problem's, recomputed
        assertEquals(primalResidual(bad.problem(), scaled), scaled.primalResidual(), 1e-12);
        // scaling with adaptive ρ, as OSQP pairs them: solved, to the same accuracy
        Solution both = Admm.solve(bad.problem(), settings.withScaling(10).withAdaptiveRho(true), LA).solution();
        System.out.printf("[equilibration] scaling 10 + adaptive rho -> %s after %d%n", both.status(),
                both.iterations());
        assertEquals(Status.SOLVED, both.status());
        double bothError = 0;
        for (int i = 0; i < n; i++) {
            bothError = Math.max(bothError, Math.abs(bad.y()[i] - both.x()[i]));
        }
        assertTrue(bothError <= 1e-6 * Vectors.normInf(bad.y()), "error " + bothError);
    }

    /**
     * Reverse-mode gradients of a scaled run (fixed K, so the run is a fixed map of the data) against
     * central differences of that map, in every block, along random directions. The factors are
     * piecewise constant, so they are the same at θ ± εdθ (asserted). Step ε = 1e-6 relative to each
     * entry: truncation O(ε²) plus rounding ~1e-16·‖x‖/ε ≈ 1e-10 relative, so 1e-6·(1 + |fd|) is ample
     * and still far below a missing factor (a wrong D, E or c changes the result by ≥ a factor 2).
     */
    @ParameterizedTest
    // K below the iteration where x reaches an exact fixed point (‖x⁺ − x‖ = 0 ends even a 1e-300 relative-change
    // run: case 3 does at 18)
    @CsvSource({"1, 8, 3, 6, 40", "2, 10, 0, 5, 60", "3, 9, 4, 0, 15", "4, 7, 2, 9, 80"})
    void scaledGradientsMatchFiniteDifferencesOfTheTruncatedMap(long seed, int n, int p, int m, int k) {
        QuadraticProgram qp = bad(seed, n, p, m, 1, seed + 9).problem();
        Settings fixedK = new Settings(1.0, 1e-300, k, Truncation.RELATIVE_CHANGE).withScaling(10);
        AltDiffSolution solution = new AltDiffDifferentiator().solve(qp, fixedK, LA);
        assertEquals(k, solution.solution().iterations());
        double[] v = Gaussian.vector(new Random(seed), n);
        Gradients g = solution.backward(v);
        Random r = new Random(seed + 100);
        for (Block block : Block.values()) {
            if ((block == Block.A || block == Block.b) && p == 0 || (block == Block.G || block == Block.h) && m == 0) {
                continue;
            }
            // relative perturbations: entry i moves by ε·gᵢ·|θᵢ| (floor 1e-3·‖θ‖∞), so small entries of the
            // badly scaled data are not swamped (an absolute step would make the O(ε²) term dominate)
            double[] theta = qp.rowMajor(block);
            double floor = 1e-3 * Math.max(Vectors.normInf(theta), 1e-3);
            double[] dir = Gaussian.vector(r, theta.length);
            for (int i = 0; i < dir.length; i++) {
                dir[i] *= Math.max(Math.abs(theta[i]), floor);
            }
            if (block == Block.P) { // symmetric direction
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < i; j++) {
                        dir[i * n + j] = dir[j * n + i];
                    }
                }
            }
            double eps = 1e-6;
            QuadraticProgram plus = shift(qp, block, dir, eps);
            QuadraticProgram minus = shift(qp, block, dir, -eps);
            assertSameFactors(Equilibration.of(plus, 10), Equilibration.of(minus, 10));
            double[] xp = Admm.solve(plus, fixedK, LA).solution().x();
            double[] xm = Admm.solve(minus, fixedK, LA).solution().x();
            double fd = 0;
            for (int i = 0; i < n; i++) {
                fd += v[i] * (xp[i] - xm[i]) / (2 * eps);
            }
            double inner = Vectors.dot(g.flat(block), dir);
            System.out.printf("[equilibration] seed %d %s: fd %.10e adjoint %.10e%n", seed, block, fd, inner);
            assertEquals(fd, inner, 1e-6 * (1 + Math.abs(fd)), block + " directional derivative");
        }
    }

    /**
     * Under scaling, the three evaluations of the derivative of the same truncated run agree to
     * rounding: the dot-product identity vᵀẋ_K(dθ) = ⟨∇_θℓ, dθ⟩ between {@link AltDiffSolution#jvp}
     * and reverse mode, all blocks at once, and forward-mode contraction and full Jacobians against
     * reverse mode for q, b, h. 1e-10 relative, as in {@link ReverseSweepSuite}: the mappings are exact
     * (powers of 2), so only the rounding of the recursions (≈1e-14 for K ≤ 60) is left.
     */
    @ParameterizedTest
    @CsvSource({"1, 8, 3, 6, 25", "2, 10, 0, 5, 40", "3, 9, 4, 0, 15", "5, 6, 2, 9, 60"})
    void reverseForwardAndJvpAgreeUnderScaling(long seed, int n, int p, int m, int k) {
        QuadraticProgram qp = bad(seed, n, p, m, 3, seed + 3).problem();
        Settings fixedK = new Settings(1.0, 1e-300, k, Truncation.RELATIVE_CHANGE).withScaling(10);
        AltDiffSolution reverse = new AltDiffDifferentiator().solve(qp, fixedK, LA);
        AltDiffSolution forward = new AltDiffDifferentiator(AltDiffDifferentiator.Mode.FORWARD).solve(qp, fixedK, LA);
        assertArrayEquals(reverse.solution().x(), forward.solution().x());
        double[] v = Gaussian.vector(new Random(seed), n);
        Gradients gr = reverse.backward(v);
        Gradients gf = forward.backward(v);
        Gradients direction = RandomQp.direction(new Random(seed + 7), n, p, m);
        double lhs = Vectors.dot(v, forward.jvp(direction));
        double rhs = 0;
        double scale = 0;
        for (Block block : Block.values()) {
            if (direction.has(block)) {
                double[] a = direction.flat(block);
                double[] b = gr.flat(block);
                for (int i = 0; i < a.length; i++) {
                    rhs += a[i] * b[i];
                    scale += Math.abs(a[i] * b[i]);
                }
            }
        }
        assertEquals(lhs, rhs, 1e-10 * scale, "dot-product identity");
        for (Block block : new Block[]{Block.q, Block.b, Block.h}) {
            if (!gr.has(block)) {
                continue;
            }
            assertClose(gr.flat(block), gf.flat(block), block + " contraction");
            double[][] jacobian = forward.jacobian(block);
            double[] vj = new double[jacobian[0].length];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < vj.length; j++) {
                    vj[j] += v[i] * jacobian[i][j];
                }
            }
            assertClose(gr.flat(block), vj, block + " Jacobian");
        }
    }

    /** Every factor is a power of 2; a badly scaled problem gets factors far from 1. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 10})
    void factorsArePowersOfTwo(int passes) {
        Equilibration e = Equilibration.of(bad(4, 12, 3, 9, 3, 4).problem(), passes);
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (double[] factors : new double[][]{e.d(), e.eA(), e.eG(), {e.c()}}) {
            for (double f : factors) {
                assertEquals(Math.scalb(1.0, Math.getExponent(f)), f, 0.0, f + " is not a power of 2");
                min = Math.min(min, f);
                max = Math.max(max, f);
            }
        }
        assertTrue(max / min >= 16, "factors " + min + ".." + max);
    }

    /** scaling = 0 runs exactly the unscaled path: x, λ, ν, residuals and gradients bit for bit. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void zeroPassesIsBitIdentical(long seed) {
        QuadraticProgram qp = bad(seed, 10, 3, 8, 1, seed).problem();
        Settings settings = new Settings(1.0, 1e-8, 5000, Truncation.RESIDUALS);
        assertEquals(0, settings.scaling());
        assertTrue(Equilibration.of(qp, 0).isOff());
        double[] v = Gaussian.vector(new Random(seed), 10);
        Admm.Run raw = Admm.solve(new QpData(qp, LA, 1.0), settings, true);
        Gradients rawGradients = ReverseSweep.gradients(raw, v, true);
        AltDiffSolution solution = new AltDiffDifferentiator().solve(qp, settings, LA);
        Solution s = solution.solution();
        Solution r = raw.solution();
        assertEquals(r.status(), s.status());
        assertEquals(r.iterations(), s.iterations());
        assertArrayEquals(r.x(), s.x());
        assertArrayEquals(r.lambda(), s.lambda());
        assertArrayEquals(r.nu(), s.nu());
        assertArrayEquals(r.s(), s.s());
        assertEquals(r.primalResidual(), s.primalResidual(), 0.0);
        assertEquals(r.dualResidual(), s.dualResidual(), 0.0);
        assertEquals(r.objective(), s.objective(), 0.0);
        Gradients g = solution.backward(v);
        for (Block block : Block.values()) {
            assertArrayEquals(rawGradients.flat(block), g.flat(block), block.name());
        }
        assertArrayEquals(raw.solution().x(), Admm.solve(qp, settings, LA).solution().x());
    }

    /**
     * Polishing runs on the scaled problem and the polished point is mapped back: from a loose solve
     * (ε = 1e-3) of a badly scaled planted problem it is the planted KKT point to 1e-9·‖y*‖∞ (the
     * reduced KKT solve of the equilibrated problem is exact to about cond·1e-16).
     */
    @Test
    void polishedPointIsMappedBack() {
        BadlyScaledQp bad = bad(7, 12, 3, 10, 3, 7);
        Settings loose = new Settings(1.0, 1e-3, 50_000, Truncation.RESIDUALS).withScaling(10).withPolish(true);
        Solution s = Admm.solve(bad.problem(), loose, LA).solution();
        assertEquals(dev.altdiff.api.Polish.ACCEPTED, s.polish());
        double error = 0;
        for (int i = 0; i < 12; i++) {
            error = Math.max(error, Math.abs(bad.y()[i] - s.x()[i]));
        }
        assertTrue(error <= 1e-9 * Vectors.normInf(bad.y()), "polished error " + error);
        for (int i = 0; i < 10; i++) {
            assertEquals(bad.nu()[i], s.nu()[i], 1e-9 * Vectors.normInf(bad.nu()), "nu[" + i + "]");
        }
    }

    /**
     * Warm starts are mapped into the scaled problem: a second forward call on the same shared batch
     * and on the same per-sample list starts at the first call's (mapped back) solution and stops
     * within one infeasibility-check interval (measured: 1 iteration, against 171 cold; a start mapped
     * with a wrong factor took 155).
     */
    @Test
    void warmStartsAreScaled() {
        QuadraticProgram qp = bad(8, 10, 3, 8, 2, 8).problem();
        Settings settings = new Settings(1.0, 1e-8, 50_000, Truncation.RESIDUALS).withScaling(10);
        BatchSettings warm = new BatchSettings(BatchSettings.FailedGradients.ZERO, true);
        SharedBatch batch = new SharedBatch(qp.P(), qp.A(), qp.G(), new double[][]{qp.q()}, new double[][]{qp.b()},
                new double[][]{qp.h()});
        try (BatchLayer layer = new BatchLayer(LA, settings, warm)) {
            int cold = layer.forward(batch).solution(0).iterations();
            int again = layer.forward(batch).solution(0).iterations();
            int list = layer.forward(List.of(qp)).solution(0).iterations();
            System.out.printf("[equilibration] warm start: cold %d, warm shared %d, warm list %d%n", cold, again, list);
            assertTrue(cold > 100, "cold " + cold);
            assertTrue(again <= Settings.INFEASIBILITY_CHECK_INTERVAL, "warm shared " + again);
            assertTrue(list <= Settings.INFEASIBILITY_CHECK_INTERVAL, "warm list " + list);
        }
    }

    /**
     * The batch paths respect the scaling: a shared batch of one sample and the per-sample list give
     * the single-problem solve's x and gradients (same factors: c comes from the one q), up to the
     * rounding of matrix–matrix against matrix–vector products (1e-9 relative).
     */
    @Test
    void batchesAreScaledAsSingleProblems() {
        QuadraticProgram qp = bad(6, 10, 3, 8, 2, 6).problem();
        Settings settings = new Settings(1.0, 1e-9, 50_000, Truncation.RESIDUALS).withScaling(10);
        AltDiffSolution single = new AltDiffDifferentiator().solve(qp, settings, LA);
        double[] v = Gaussian.vector(new Random(6), 10);
        Gradients expected = single.backward(v);
        try (BatchLayer layer = new BatchLayer(LA, settings)) {
            BatchResult shared = layer.forward(new SharedBatch(qp.P(), qp.A(), qp.G(), new double[][]{qp.q()},
                    new double[][]{qp.b()}, new double[][]{qp.h()}));
            BatchResult list = layer.forward(List.of(qp));
            for (BatchResult result : new BatchResult[]{shared, list}) {
                assertEquals(single.solution().iterations(), result.solution(0).iterations());
                assertClose(single.solution().x(), result.solution(0).x(), "x");
                assertEquals(single.solution().dualResidual(), result.solution(0).dualResidual(),
                        1e-9 * (1 + single.solution().dualResidual()));
                BatchGradients g = result.backward(new double[][]{v});
                Gradients sample = g.samples().get(0);
                Gradients matrices = result.isShared() ? g.shared() : sample;
                assertClose(expected.q(), sample.q(), "q");
                assertClose(expected.b(), sample.b(), "b");
                assertClose(expected.h(), sample.h(), "h");
                assertClose(expected.flat(Block.P), matrices.flat(Block.P), "P");
                assertClose(expected.flat(Block.A), matrices.flat(Block.A), "A");
                assertClose(expected.flat(Block.G), matrices.flat(Block.G), "G");
            }
        }
    }

    /**
     * A badly scaled infeasible problem (x₁ + x₂ = 1 times 1e3, x ≤ 0 times 1e-2 and 1): the scaled run
     * detects it and the mapped certificate is one of the caller's data: δν ≥ 0, ‖(δλ, δν)‖∞ = 1,
     * the support bᵀδλ + hᵀδν clearly negative and ‖Aᵀδλ + Gᵀδν‖∞ within ε_inf times the spread of
     * the factors ({@link Equilibration#certificate}).
     */
    @Test
    void primalCertificateIsMappedBack() {
        QuadraticProgram qp = QuadraticProgram.builder(2).P(new double[][]{{1, 0}, {0, 1}}).q(new double[]{0.3, -0.2})
                .equalities(new double[][]{{1e3, 1e3}}, new double[]{1e3})
                .inequalities(new double[][]{{1e-2, 0}, {0, 1}}, new double[]{0, 0}).build();
        Settings settings = new Settings(1.0, 1e-8, 20_000, Truncation.RESIDUALS).withScaling(10);
        Solution s = Admm.solve(qp, settings, LA).solution();
        assertEquals(Status.PRIMAL_INFEASIBLE, s.status());
        Certificate c = s.certificate();
        assertNotNull(c);
        Equilibration e = Equilibration.of(qp, 10);
        double spread = 1 / min(e.d()) * Math.max(max(e.eA()), max(e.eG()))
                / Math.min(min(e.eA()), min(e.eG()));
        double[] dl = c.lambda();
        double[] dn = c.nu();
        assertEquals(1.0, Math.max(Vectors.normInf(dl), Vectors.normInf(dn)), 1e-15);
        for (double value : dn) {
            assertTrue(value >= 0);
        }
        double[] aty = new double[2];
        double[][] a = qp.A();
        double[][] g = qp.G();
        for (int j = 0; j < 2; j++) {
            aty[j] = a[0][j] * dl[0] + g[0][j] * dn[0] + g[1][j] * dn[1];
        }
        double support = qp.b()[0] * dl[0] + Vectors.dot(qp.h(), dn);
        System.out.printf("[equilibration] certificate after %d iterations: support %.3e, |A'y+G'z| %.3e,"
                + " spread %.0f%n", s.iterations(), support, Vectors.normInf(aty), spread);
        // the exact normalized certificate (δλ, δν) = (−1e-5, 1, 1e-2) has support −1e-2; half of it is
        // clearly negative
        assertTrue(support <= -0.005, "support " + support);
        assertTrue(Vectors.normInf(aty) <= Settings.DEFAULT_INFEASIBILITY_TOLERANCE * spread, "A'y + G'z");
    }

    /** @return a planted QP (margin 0.1) badly scaled over 10^±spread ({@link BadlyScaledQp}) */
    private static BadlyScaledQp bad(long seed, int n, int p, int m, double spread, long scaleSeed) {
        return BadlyScaledQp.generate(PlantedQp.generate(seed, n, p, m, 0.1, true), spread, scaleSeed);
    }

    /**
     * A badly scaled unbounded LP (min −1e3·x₁ + 0.5x₂ over 1e-2·x₁ ≥ 0, 10·x₂ ≥ 0): the mapped dual
     * certificate d = D d̄/‖D d̄‖∞ is a direction of the caller's problem: ‖d‖∞ = 1, qᵀd clearly
     * negative, Gd ≤ ε_inf times the factors' spread (max D / min D · max E_G).
     */
    @Test
    void dualCertificateIsMappedBack() {
        QuadraticProgram qp = QuadraticProgram.builder(2).q(new double[]{-1e3, 0.5})
                .inequalities(new double[][]{{-1e-2, 0}, {0, -10}}, new double[]{0, 0}).build();
        Settings settings = new Settings(1.0, 1e-8, 20_000, Truncation.RESIDUALS).withScaling(10);
        Solution s = Admm.solve(qp, settings, LA).solution();
        assertEquals(Status.DUAL_INFEASIBLE, s.status());
        double[] d = s.certificate().x();
        Equilibration e = Equilibration.of(qp, 10);
        double spread = max(e.d()) / min(e.d()) * max(e.eG());
        double[] gd = Vectors.times(qp.rowMajor(Block.G), 2, 2, d);
        System.out.printf("[equilibration] dual certificate after %d iterations: q'd %.3e, max Gd %.3e%n",
                s.iterations(), Vectors.dot(qp.q(), d), Math.max(gd[0], gd[1]));
        assertEquals(1.0, Vectors.normInf(d), 1e-15);
        assertTrue(Vectors.dot(qp.q(), d) <= -0.01, "q'd");
        for (double value : gd) {
            assertTrue(value <= Settings.DEFAULT_INFEASIBILITY_TOLERANCE * spread, "Gd " + value);
        }
    }

    /**
     * A sparse problem is scaled in compressed columns with the dense path's arithmetic: on the same data
     * given sparse and dense the factors are equal bit for bit (the norms are maxima of the same entries,
     * every product is one of powers of 2), for one q and for a batch's, and the scaled problem is sparse,
     * keeps every block's sparsity pattern and holds exactly the dense scaled problem's entries.
     */
    @ParameterizedTest
    @CsvSource({"1, 30, 5, 12, true", "2, 25, 0, 10, true", "3, 20, 6, 0, true", "4, 40, 8, 20, false"})
    void sparseFactorsAreTheDenseFactorsBitForBit(long seed, int n, int p, int m, boolean withP) {
        QuadraticProgram sparse = badSparse(seed, n, p, m, withP);
        QuadraticProgram dense = SparseProblemTest.densified(sparse);
        List<double[]> qs = List.of(sparse.q(), Gaussian.vector(new Random(seed), n));
        for (int passes : new int[]{1, 3, 10}) {
            Equilibration e = Equilibration.of(sparse, passes);
            assertSameFactors(Equilibration.of(dense, passes), e);
            assertSameFactors(Equilibration.of(dense, qs, passes), Equilibration.of(sparse, qs, passes));
            QuadraticProgram scaled = e.scale(sparse);
            QuadraticProgram scaledDense = Equilibration.of(dense, passes).scale(dense);
            assertTrue(scaled.isSparse());
            for (Block block : Block.values()) {
                assertArrayEquals(scaledDense.rowMajor(block), scaled.rowMajor(block), block.name());
            }
            for (Block block : new Block[]{Block.P, Block.A, Block.G}) {
                SparseMatrix given = sparse.sparse(block);
                SparseMatrix pattern = scaled.sparse(block);
                assertEquals(given == null, pattern == null, block.name());
                if (given != null) {
                    assertArrayEquals(given.colStart(), pattern.colStart(), block.name());
                    assertArrayEquals(given.rowIndex(), pattern.rowIndex(), block.name());
                }
            }
        }
        Equilibration ten = Equilibration.of(sparse, 10);
        assertTrue(max(ten.d()) / min(ten.d()) >= 16, "D spans " + min(ten.d()) + ".." + max(ten.d()));
        // what the passes read is kept only for factors kept for later calls (dense ones): a D step of n doubles
        // per pass, 160 MB for a sparse problem of n = 2·10⁶, which no later call replays
        assertFalse(ten.keepsTrace(), "sparse factors keep their passes' trace");
        assertTrue(Equilibration.of(dense, 10).keepsTrace(), "kept dense factors keep their passes' trace");
        assertFalse(Equilibration.computed(dense, List.of(dense.q()), 10).keepsTrace(), "computed factors");
        assertSameFactors(Equilibration.of(dense, 10), Equilibration.computed(dense, List.of(dense.q()), 10));
    }

    /**
     * A sparse QP with rows and columns scaled over 10^±3, solved with {@link Settings#DEFAULTS} (10 passes,
     * adaptive ρ, ε = 1e-7) on its sparse path: SOLVED, the x of the same problem given dense, and the
     * residuals of the caller's problem (unscaled, the defaults fail on it). Both runs iterate on the same
     * scaled data (bit for bit, above), so they differ only by rounding (the two factorizations of H̄;
     * measured ≤ 1.1e-12). x is compared in the scaled problem's units, x̄ = D⁻¹x, where its entries are
     * balanced (normwise on x, only the entries the 10^±3 scaling made large would count): 1e-6·‖x̄‖∞ is
     * what two ε-solutions of the equilibrated problem would be held to even if they stopped at different
     * iterations. The residuals are recomputed here with sparse products in another summation order: they
     * agree to 1e-12 of the largest term they sum (n·2⁻⁵³ ≈ 5e-15 would do). The per-sample
     * {@link BatchLayer} makes the same run.
     */
    @ParameterizedTest
    @CsvSource({"5, 40, 6, 15", "6, 30, 0, 20", "7, 35, 8, 0"})
    void badlyScaledSparseProblemIsSolvedAsTheDenseOne(long seed, int n, int p, int m) {
        QuadraticProgram sparse = badSparse(seed, n, p, m, true);
        QuadraticProgram dense = SparseProblemTest.densified(sparse);
        AltDiffSolution s = new AltDiffDifferentiator().solve(sparse, Settings.DEFAULTS, LA);
        AltDiffSolution d = new AltDiffDifferentiator().solve(dense, Settings.DEFAULTS, LA);
        assertTrue(s.run().data().problem.isSparse());
        assertSameFactors(d.scaling(), s.scaling());
        Solution ss = s.solution();
        Solution ds = d.solution();
        String plain; // the problem is badly scaled indeed: unscaled, the defaults do not solve it
        try {
            Solution unscaled = Admm.solve(sparse, Settings.DEFAULTS.withScaling(0), LA).solution();
            assertNotEquals(Status.SOLVED, unscaled.status());
            plain = unscaled.status() + " after " + unscaled.iterations();
        } catch (InvalidProblemException e) { // H = P + ρ_eqAᵀA + ρGᵀG fails to factor at this spread
            plain = "no factor of H";
        }
        double[] dInv = inverse(s.scaling().d());
        double xError = normwise(times(dInv, ds.x()), times(dInv, ss.x()));
        double[][] r = sparseResiduals(sparse, ss);
        System.out.printf("[equilibration] sparse seed %d: scaled %s after %d (dense %s after %d), unscaled %s;"
                + " x̄ differs by %.1e; residuals %.2e, %.2e recomputed %.2e, %.2e%n", seed, ss.status(),
                ss.iterations(), ds.status(), ds.iterations(), plain, xError, ss.primalResidual(), ss.dualResidual(),
                r[0][0], r[0][1]);
        assertEquals(Status.SOLVED, ds.status());
        assertEquals(Status.SOLVED, ss.status());
        assertTrue(xError <= 1e-6, "x̄ differs by " + xError);
        // the returned residuals are the caller's, recomputed at the unscaled point
        assertEquals(r[0][0], ss.primalResidual(), 1e-12 * r[1][0]);
        assertEquals(r[0][1], ss.dualResidual(), 1e-12 * r[1][1]);
        // the per-sample batch scales and unscales the same way (the same run, on a pool)
        try (BatchLayer layer = new BatchLayer(LA, Settings.DEFAULTS)) {
            Solution sample = layer.forward(List.of(sparse)).solution(0);
            assertEquals(ss.iterations(), sample.iterations());
            assertTrue(normwise(times(dInv, ss.x()), times(dInv, sample.x())) <= 1e-12, "batch x̄");
            assertEquals(ss.dualResidual(), sample.dualResidual(), 1e-12 * r[1][1]);
        }
    }

    /**
     * The reverse-mode gradients of q, b and h of the badly scaled sparse problem are its dense version's
     * (both with {@link Settings#DEFAULTS}): the runs make the same iterations with the same ρ schedule
     * (asserted) on bit-identical scaled data, so they differ only by the rounding of the two factorizations
     * of H̄ (sparse LDLᵀ after a fill-reducing ordering, dense Cholesky) and of the products, ≈ cond(H̄)·2⁻⁵³
     * per solve, which neither ADMM's contraction nor its adjoint's amplifies; the maps back multiply by
     * powers of 2, exactly. The gradients are compared in the scaled problem's units (ḡ_q = g_q/(cD),
     * ḡ_b = g_b/E_A, ḡ_h = g_h/E_G), where every entry counts and not only those the 10^±3 scaling made
     * large: 1e-9·‖ḡ‖∞ leaves a margin of about 1000 over the differences measured (≤ 1.1e-12).
     */
    @ParameterizedTest
    @CsvSource({"5, 40, 6, 15", "6, 30, 0, 20", "7, 35, 8, 0"})
    void sparseGradientsUnderScalingAreTheDenseOnes(long seed, int n, int p, int m) {
        QuadraticProgram sparse = badSparse(seed, n, p, m, true);
        QuadraticProgram dense = SparseProblemTest.densified(sparse);
        AltDiffSolution s = new AltDiffDifferentiator().solve(sparse, Settings.DEFAULTS, LA);
        AltDiffSolution d = new AltDiffDifferentiator().solve(dense, Settings.DEFAULTS, LA);
        assertEquals(d.solution().iterations(), s.solution().iterations());
        assertEquals(TruncatedJacobianSuite.schedule(d.run()), TruncatedJacobianSuite.schedule(s.run()));
        double[] v = Gaussian.vector(new Random(seed + 200), n);
        Gradients gs = s.backward(v);
        Gradients gd = d.backward(v);
        Equilibration e = s.scaling();
        double[] cd = e.d();
        for (int i = 0; i < n; i++) {
            cd[i] *= e.c();
        }
        double[] eA = inverse(e.eA());
        double[] eG = inverse(e.eG());
        double[] errors = {normwise(times(inverse(cd), gd.q()), times(inverse(cd), gs.q())),
                p > 0 ? normwise(times(eA, gd.b()), times(eA, gs.b())) : 0,
                m > 0 ? normwise(times(eG, gd.h()), times(eG, gs.h())) : 0};
        System.out.printf("[equilibration] sparse seed %d gradients: q %.1e, b %.1e, h %.1e%n", seed, errors[0],
                errors[1], errors[2]);
        for (double error : errors) {
            assertTrue(error <= 1e-9, "gradient difference " + error);
        }
        assertNull(gs.P());
        assertNull(gs.A());
        assertNull(gs.G());
    }

    /**
     * A random sparse problem ({@link SparseProblemTest#randomSparse}) badly scaled in compressed columns:
     * P' = SPS, q' = Sq, A' = R_A A S, b' = R_A b, G' = R_G G S, h' = R_G h with S, R_A, R_G entries
     * 10^U(−3, 3); an LP (no P) when withP is false.
     */
    private static QuadraticProgram badSparse(long seed, int n, int p, int m, boolean withP) {
        QuadraticProgram qp = SparseProblemTest.randomSparse(seed, n, p, m, 0.15);
        Random r = new Random(seed + 1000);
        double[] s = logUniform(r, n);
        double[] rA = logUniform(r, p);
        double[] rG = logUniform(r, m);
        QuadraticProgram.Builder b = QuadraticProgram.builder(n).name("bad " + qp.name()).q(times(s, qp.q()));
        if (withP) {
            b.sparseP(scaled(qp.sparse(Block.P), s, s));
        }
        if (p > 0) {
            b.sparseEqualities(scaled(qp.sparse(Block.A), rA, s), times(rA, qp.b()));
        }
        if (m > 0) {
            b.sparseInequalities(scaled(qp.sparse(Block.G), rG, s), times(rG, qp.h()));
        }
        return b.build();
    }

    /** @return diag(rows) M diag(cols), same pattern (M_ij·(rows_i·cols_j): a symmetric M stays symmetric) */
    private static SparseMatrix scaled(SparseMatrix a, double[] rows, double[] cols) {
        int[] start = a.colStart();
        int[] row = a.rowIndex();
        double[] x = a.values();
        for (int j = 0; j < a.cols(); j++) {
            for (int k = start[j]; k < start[j + 1]; k++) {
                x[k] *= rows[row[k]] * cols[j];
            }
        }
        return SparseMatrix.fromCsc("M", a.rows(), a.cols(), start, row, x);
    }

    private static double[] logUniform(Random r, int len) {
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
            out[i] = Math.pow(10, 3 * (2 * r.nextDouble() - 1));
        }
        return out;
    }

    /** @return diag(f) v, new */
    private static double[] times(double[] f, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = f[i] * v[i];
        }
        return out;
    }

    private static double[] inverse(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = 1 / v[i];
        }
        return out;
    }

    /** @return ‖expected − actual‖∞ / ‖expected‖∞ */
    private static double normwise(double[] expected, double[] actual) {
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        return err / Vectors.normInf(expected);
    }

    /**
     * @return {{‖r_prim‖∞, ‖r_dual‖∞}, {the largest term of each}} of s on qp, by sparse products:
     *         r_prim = (Ax − b, Gx + s − h), r_dual = Px + q + Aᵀλ + Gᵀν
     */
    private static double[][] sparseResiduals(QuadraticProgram qp, Solution s) {
        double[] x = s.x();
        double primal = 0;
        double primalTerms = 0;
        double[] r = qp.sparse(Block.P).times(x);
        double dualTerms = Math.max(Vectors.normInf(r), Vectors.normInf(qp.q()));
        for (int i = 0; i < r.length; i++) {
            r[i] += qp.q()[i];
        }
        if (qp.p() > 0) {
            double[] ax = qp.sparse(Block.A).times(x);
            for (int i = 0; i < ax.length; i++) {
                primal = Math.max(primal, Math.abs(ax[i] - qp.b()[i]));
            }
            primalTerms = Math.max(Vectors.normInf(ax), Vectors.normInf(qp.b()));
            double[] atLambda = qp.sparse(Block.A).transpose().times(s.lambda());
            dualTerms = Math.max(dualTerms, Vectors.normInf(atLambda));
            for (int i = 0; i < r.length; i++) {
                r[i] += atLambda[i];
            }
        }
        if (qp.m() > 0) {
            double[] gx = qp.sparse(Block.G).times(x);
            for (int i = 0; i < gx.length; i++) {
                primal = Math.max(primal, Math.abs(gx[i] + s.s()[i] - qp.h()[i]));
            }
            primalTerms = Math.max(primalTerms, Math.max(Vectors.normInf(gx), Vectors.normInf(qp.h())));
            double[] gtNu = qp.sparse(Block.G).transpose().times(s.nu());
            dualTerms = Math.max(dualTerms, Vectors.normInf(gtNu));
            for (int i = 0; i < r.length; i++) {
                r[i] += gtNu[i];
            }
        }
        return new double[][]{{primal, Vectors.normInf(r)}, {primalTerms, dualTerms}};
    }

    private static double min(double[] v) {
        double out = Double.POSITIVE_INFINITY;
        for (double x : v) {
            out = Math.min(out, x);
        }
        return out;
    }

    private static double max(double[] v) {
        double out = 0;
        for (double x : v) {
            out = Math.max(out, x);
        }
        return out;
    }

    private static double primalResidual(QuadraticProgram qp, Solution s) {
        double out = 0;
        int n = qp.n();
        if (qp.p() > 0) {
            double[] ax = Vectors.times(qp.rowMajor(Block.A), qp.p(), n, s.x());
            for (int i = 0; i < qp.p(); i++) {
                out = Math.max(out, Math.abs(ax[i] - qp.b()[i]));
            }
        }
        if (qp.m() > 0) {
            double[] gx = Vectors.times(qp.rowMajor(Block.G), qp.m(), n, s.x());
            for (int i = 0; i < qp.m(); i++) {
                out = Math.max(out, Math.abs(gx[i] + s.s()[i] - qp.h()[i]));
            }
        }
        return out;
    }

    /**
     * The passes read P, A, G under the factors found so far instead of scaling a copy of them; the factors are those
     * of the passes on a copy scaled in place pass by pass (written out here as the class comment states them, OSQP's
     * Ruiz with the cost normalization), bit for bit, on data spread over 2·10⁻⁸⁰ to 10⁸⁰ (where a factor's product
     * with an entry could lose bits if it were not exact).
     */
    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33, 34})
    void thePassesReadTheMatricesAsTheirScaledCopiesWouldHoldThem(long seed) {
        Random r = new Random(seed);
        int n = 5 + r.nextInt(20);
        int p = r.nextInt(4);
        int m = 1 + r.nextInt(12);
        double[][] z = Gaussian.matrix(r, n, n);
        double[][] pm = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0;
                for (int k = 0; k < n; k++) {
                    v += z[k][i] * z[k][j];
                }
                pm[i][j] = pm[j][i] = v * Math.pow(10, (i + j) % 7 * (seed % 2 == 0 ? 12 : -12));
            }
        }
        double[][] a = Gaussian.matrix(r, p, n);
        double[][] g = Gaussian.matrix(r, m, n);
        for (double[] row : g) {
            row[r.nextInt(n)] *= Math.pow(10, 80 * (r.nextDouble() - 0.5));
        }
        double[] q = Gaussian.vector(r, n);
        QuadraticProgram qp = QuadraticProgram.builder(n).P(pm).q(q).equalities(a, new double[p])
                .inequalities(g, new double[m]).build();
        int passes = 1 + r.nextInt(12);
        Equilibration e = Equilibration.computed(qp, List.of(qp.q()), passes);

        double[][] pc = qp.P(); // the copies, scaled in place pass by pass
        double[][] ac = p > 0 ? qp.A() : new double[0][n];
        double[][] gc = qp.G();
        double[] qc = qp.q();
        double[] d = ones(n);
        double[] eA = ones(p);
        double[] eG = ones(m);
        double c = 1;
        for (int pass = 0; pass < passes; pass++) {
            double[] dStep = new double[n];
            for (int j = 0; j < n; j++) {
                double norm = 0;
                for (double[][] block : new double[][][]{pc, ac, gc}) {
                    for (double[] row : block) {
                        norm = Math.max(norm, Math.abs(row[j]));
                    }
                }
                dStep[j] = step(norm);
            }
            double[] aStep = rowSteps(ac);
            double[] gStep = rowSteps(gc);
            scaleInPlace(pc, dStep, dStep);
            scaleInPlace(ac, aStep, dStep);
            scaleInPlace(gc, gStep, dStep);
            double meanP = 0;
            double qInf = 0;
            for (int j = 0; j < n; j++) {
                double column = 0;
                for (double[] row : pc) {
                    column = Math.max(column, Math.abs(row[j]));
                }
                meanP += column / n;
                qc[j] *= dStep[j];
                d[j] *= dStep[j];
            }
            for (double v : qc) {
                qInf = Math.max(qInf, Math.abs(v));
            }
            for (int i = 0; i < p; i++) {
                eA[i] *= aStep[i];
            }
            for (int i = 0; i < m; i++) {
                eG[i] *= gStep[i];
            }
            double gamma = Equilibration.powerOfTwo(1.0 / limit(Math.max(meanP, limit(qInf))));
            for (double[] row : pc) {
                for (int j = 0; j < n; j++) {
                    row[j] *= gamma;
                }
            }
            for (int j = 0; j < n; j++) {
                qc[j] *= gamma;
            }
            c *= gamma;
        }
        assertArrayEquals(d, e.d(), "D after " + passes + " passes");
        assertArrayEquals(eA, e.eA(), "E_A");
        assertArrayEquals(eG, e.eG(), "E_G");
        assertEquals(c, e.c(), "c");
    }

    private static double[] ones(int length) {
        double[] out = new double[length];
        java.util.Arrays.fill(out, 1.0);
        return out;
    }

    /** @return OSQP's limit_scaling ({@link Equilibration#MIN_NORM}, {@link Equilibration#MAX_NORM}) */
    private static double limit(double norm) {
        return norm < Equilibration.MIN_NORM ? 1.0 : Math.min(norm, Equilibration.MAX_NORM);
    }

    /** @return a pass's factor for a norm: the power of 2 nearest 1/√norm */
    private static double step(double norm) {
        return Equilibration.powerOfTwo(1.0 / Math.sqrt(limit(norm)));
    }

    private static double[] rowSteps(double[][] block) {
        double[] out = new double[block.length];
        for (int i = 0; i < block.length; i++) {
            double norm = 0;
            for (double v : block[i]) {
                norm = Math.max(norm, Math.abs(v));
            }
            out[i] = step(norm);
        }
        return out;
    }

    private static void scaleInPlace(double[][] block, double[] left, double[] right) {
        for (int i = 0; i < block.length; i++) {
            for (int j = 0; j < right.length; j++) {
                block[i][j] *= left[i] * right[j];
            }
        }
    }

    private static void assertSameFactors(Equilibration a, Equilibration b) {
        assertArrayEquals(a.d(), b.d());
        assertArrayEquals(a.eA(), b.eA());
        assertArrayEquals(a.eG(), b.eG());
        assertEquals(a.c(), b.c());
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        double scale = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(err <= 1e-9 * Math.max(scale, 1e-300), what + ": error " + err + " at scale " + scale);
    }

    /** @return the problem with θ_block + eps·dir (dir row-major in the block's layout) */
    private static QuadraticProgram shift(QuadraticProgram qp, Block block, double[] dir, double eps) {
        double[] theta = qp.rowMajor(block);
        for (int i = 0; i < theta.length; i++) {
            theta[i] += eps * dir[i];
        }
        int n = qp.n();
        double[] pm = block == Block.P ? theta : qp.rowMajor(Block.P);
        double[] q = block == Block.q ? theta : qp.q();
        QuadraticProgram.Builder b = QuadraticProgram.builder(n).P(Vectors.rows(pm, n, n)).q(q);
        if (qp.hasEqualities()) {
            b.equalities(Vectors.rows(block == Block.A ? theta : qp.rowMajor(Block.A), qp.p(), n),
                    block == Block.b ? theta : qp.b());
        }
        if (qp.hasInequalities()) {
            b.inequalities(Vectors.rows(block == Block.G ? theta : qp.rowMajor(Block.G), qp.m(), n),
                    block == Block.h ? theta : qp.h());
        }
        return b.build();
    }
}
