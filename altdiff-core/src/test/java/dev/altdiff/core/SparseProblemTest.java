package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Polish;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;
import dev.altdiff.api.linalg.NotPositiveDefiniteException;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.Gaussian;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sparse path (sparse P, A, G on the ojAlgo backend: sparse gemm, H formed in compressed columns
 * and factored by {@link SparseCholesky}) against the dense path on the same problems, and its
 * refusals.
 */
class SparseProblemTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();
    /**
     * Agreement of the two paths. They run the same iterations with different (both backward-stable)
     * factorizations of H and different product orders, so they differ by rounding that ADMM's
     * contraction keeps near 1e-13 on these well-conditioned problems (cond(H) &lt; 1e3); 1e-10
     * relative to the vector's ∞-norm leaves a margin of about 1000.
     */
    private static final double AGREEMENT = 1e-10;

    /** A random sparse problem: P = BᵀB + ½I with sparse B, sparse A and G, every entry kept w.p. density. */
    static QuadraticProgram randomSparse(long seed, int n, int p, int m, double density) {
        Random r = new Random(seed);
        SparseMatrix bm = randomSparse(r, "B", n, n, density);
        SparseMatrix pm = bm.transpose().times(bm).plus(1.0, SparseMatrix.diagonal(n, 0.5));
        QuadraticProgram.Builder b = QuadraticProgram.builder(n).name("sparse" + seed).sparseP(pm)
                .q(Gaussian.vector(r, n));
        double[] x0 = Gaussian.vector(r, n);
        if (p > 0) {
            SparseMatrix a = randomSparse(r, "A", p, n, density);
            b.sparseEqualities(a, a.times(x0));
        }
        if (m > 0) {
            SparseMatrix g = randomSparse(r, "G", m, n, density);
            double[] h = g.times(x0);
            for (int i = 0; i < m; i++) {
                h[i] += i % 2 == 0 ? 0.5 * r.nextDouble() : 0.0; // half of them tight at x0
            }
            b.sparseInequalities(g, h);
        }
        return b.build();
    }

    private static SparseMatrix randomSparse(Random r, String block, int rows, int cols, double density) {
        List<int[]> at = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            at.add(new int[]{i, r.nextInt(cols)}); // at least one entry per row
            for (int j = 0; j < cols; j++) {
                if (r.nextDouble() < density) {
                    at.add(new int[]{i, j});
                }
            }
        }
        int[] ii = new int[at.size()];
        int[] jj = new int[at.size()];
        double[] x = new double[at.size()];
        for (int k = 0; k < at.size(); k++) {
            ii[k] = at.get(k)[0];
            jj[k] = at.get(k)[1];
            x[k] = r.nextGaussian();
        }
        return SparseMatrix.fromTriplets(block, rows, cols, ii, jj, x);
    }

    /** The same problem with every block given dense. */
    static QuadraticProgram densified(QuadraticProgram sparse) {
        QuadraticProgram.Builder b = QuadraticProgram.builder(sparse.n()).name(sparse.name()).P(sparse.P())
                .q(sparse.q());
        if (sparse.p() > 0) {
            b.equalities(sparse.A(), sparse.b());
        }
        if (sparse.m() > 0) {
            b.inequalities(sparse.G(), sparse.h());
        }
        return b.build();
    }

    @ParameterizedTest
    @CsvSource({"1, 30, 5, 8, false", "2, 25, 0, 10, false", "3, 20, 4, 0, false", "4, 40, 10, 30, false",
            "5, 15, 3, 12, false", "6, 60, 6, 6, false",
            // adaptive ρ: the sparse H is formed and factored again at each switch, the schedule is the same
            "1, 30, 5, 8, true", "4, 40, 10, 30, true"})
    void sparsePathMatchesDensePath(long seed, int n, int p, int m, boolean adaptive) {
        QuadraticProgram sparse = randomSparse(seed, n, p, m, 0.1);
        QuadraticProgram dense = densified(sparse);
        assertTrue(sparse.isSparse());
        Settings settings = Settings.PAPER.withTruncation(Truncation.RESIDUALS).withTolerance(1e-8)
                .withRho(adaptive ? 100 : 1).withAdaptiveRho(adaptive);
        AltDiffDifferentiator altdiff = new AltDiffDifferentiator();
        AltDiffSolution s = altdiff.solve(sparse, settings, LA);
        AltDiffSolution d = altdiff.solve(dense, settings, LA);
        Solution ss = s.solution();
        Solution ds = d.solution();
        assertEquals(Status.SOLVED, ds.status());
        assertEquals(ds.status(), ss.status());
        assertEquals(ds.iterations(), ss.iterations());
        assertEquals(TruncatedJacobianSuite.schedule(d.run()), TruncatedJacobianSuite.schedule(s.run()));
        assertEquals(adaptive, s.run().segments().size() > 1, "ρ switched");
        assertClose(ds.x(), ss.x(), "x");
        assertClose(ds.lambda(), ss.lambda(), "lambda");
        assertClose(ds.nu(), ss.nu(), "nu");
        assertEquals(ds.objective(), ss.objective(), AGREEMENT * (1 + Math.abs(ds.objective())));
        double[] v = Gaussian.vector(new Random(seed + 100), n);
        Gradients gs = s.backward(v);
        Gradients gd = d.backward(v);
        assertClose(gd.q(), gs.q(), "dl/dq");
        if (p > 0) {
            assertClose(gd.b(), gs.b(), "dl/db");
        }
        if (m > 0) {
            assertClose(gd.h(), gs.h(), "dl/dh");
        }
        // sparse problems: reverse mode gives q, b, h only (the matrix gradients would be dense)
        assertNull(gs.P());
        assertNull(gs.A());
        assertNull(gs.G());
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = Vectors.normInf(expected);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], AGREEMENT * Math.max(1.0, scale), what + "[" + i + "]");
        }
    }

    /**
     * The per-sample batch accepts sparse problems: each sample's solution and q, b, h gradients are
     * the single-problem layer's (same code path, run on a pool; equal to rounding), P, A, G null; a
     * sample that fails (iteration cap 3) gets filled q, b, h and still no dense matrix blocks.
     */
    @Test
    void perSampleBatchOfSparseProblems() {
        List<QuadraticProgram> problems = List.of(randomSparse(21, 20, 3, 5, 0.15), randomSparse(22, 30, 2, 6, 0.15));
        double[][] v = {Gaussian.vector(new Random(1), 20), Gaussian.vector(new Random(2), 30)};
        try (BatchLayer layer = new BatchLayer(LA, Settings.PAPER)) {
            BatchResult out = layer.forward(problems);
            BatchGradients g = out.backward(v);
            for (int c = 0; c < 2; c++) {
                AltDiffSolution single = new AltDiffDifferentiator().solve(problems.get(c), Settings.PAPER, LA);
                assertClose(single.solution().x(), out.solution(c).x(), "x of sample " + c);
                assertClose(single.backward(v[c]).q(), g.sample(c).q(), "dl/dq of sample " + c);
                assertNull(g.sample(c).P());
            }
        }
        try (BatchLayer capped = new BatchLayer(LA, Settings.PAPER.withMaxIterations(3))) {
            Gradients failed = capped.forward(problems).backward(v).sample(0);
            assertEquals(0.0, failed.q()[0]);
            assertNull(failed.P());
            assertNull(failed.A());
        }
    }

    /**
     * Polishing a sparse problem (K₀ in compressed columns, LDLᵀ of the quasi-definite K_δ) gives the point
     * that polishing the same problem dense (dense K₀, LU) gives: both solve the reduced KKT system of the
     * same active set to refinement's accuracy, so they agree to rounding amplified by κ(K₀) (≤ 1e4 here),
     * far inside 1e-8. Run after the ADMM loop ({@code solve}) and during it ({@code solveForward}'s early
     * polishing); both runs pass the test only through the polished point (ADMM alone stops at 1e-6).
     */
    @ParameterizedTest
    @CsvSource({"1, 30, 5, 8", "4, 40, 10, 30", "5, 15, 3, 12", "6, 60, 6, 6"})
    void sparsePolishingMatchesDensePolishing(long seed, int n, int p, int m) {
        QuadraticProgram sparse = randomSparse(seed, n, p, m, 0.1);
        QuadraticProgram dense = densified(sparse);
        Settings settings = Settings.PAPER.withTruncation(Truncation.RESIDUALS).withTolerance(1e-6).withPolish(true);
        AltDiffDifferentiator altdiff = new AltDiffDifferentiator();
        Solution ss = altdiff.solve(sparse, settings, LA).solution();
        Solution ds = altdiff.solve(dense, settings, LA).solution();
        assertEquals(Polish.ACCEPTED, ds.polish());
        assertEquals(Polish.ACCEPTED, ss.polish());
        assertEquals(Status.SOLVED, ss.status());
        assertEquals(ds.x().length, ss.x().length);
        double scale = 1 + Vectors.normInf(ds.x());
        for (int i = 0; i < n; i++) {
            assertEquals(ds.x()[i], ss.x()[i], 1e-8 * scale, "x[" + i + "]");
        }
        Solution early = altdiff.solveForward(sparse, settings, LA);
        assertEquals(Status.SOLVED, early.status());
        assertEquals(Polish.ACCEPTED, early.polish());
        for (int i = 0; i < n; i++) {
            assertEquals(ds.x()[i], early.x()[i], 1e-8 * scale, "x[" + i + "] (early)");
        }
    }

    @Test
    void denseBlocksOfASparseProblemAreStoredSparse() {
        QuadraticProgram qp = QuadraticProgram.builder(3).P(new double[][]{{2, 1, 0}, {1, 2, 0}, {0, 0, 1}})
                .sparseInequalities(SparseMatrix.fromTriplets("G", 1, 3, new int[]{0}, new int[]{2}, new double[]{1}),
                        new double[]{1})
                .build();
        assertTrue(qp.isSparse());
        assertEquals(5, qp.sparse(Block.P).nonzeros());
        assertEquals(0.5 * (2 + 1 + 1 + 2 + 1) + 0, qp.objective(new double[]{1, 1, 1}), 1e-15);
    }

    @Test
    void refusesFeaturesThatNeedDenseMatrices() {
        QuadraticProgram qp = randomSparse(7, 10, 2, 3, 0.2);
        UnsupportedOperationException forward = assertThrows(UnsupportedOperationException.class,
                () -> new AltDiffDifferentiator(AltDiffDifferentiator.Mode.FORWARD).solve(qp, Settings.PAPER, LA));
        assertTrue(forward.getMessage().contains("reverse mode"), forward.getMessage());
        AltDiffSolution s = new AltDiffDifferentiator().solve(qp, Settings.PAPER, LA);
        assertThrows(UnsupportedOperationException.class, () -> s.jacobian(Block.q));
    }

    @Test
    void nonPsdSparsePIsReportedAsInvalid() {
        SparseMatrix pm = SparseMatrix.fromTriplets("P", 3, 3, new int[]{0, 1, 2, 0, 1}, new int[]{0, 1, 2, 1, 0},
                new double[]{1, 1, 1, 2, 2}); // eigenvalues 3, 1, −1
        QuadraticProgram qp = QuadraticProgram.builder(3).sparseP(pm).build();
        InvalidProblemException e = assertThrows(InvalidProblemException.class, () -> new QpData(qp, LA, 1.0));
        assertEquals("P", e.block());
    }

    /**
     * A diagonal sparse P is checked without an ordering or a factor ({@link QpData#diagonalShiftedIsPositive}): P + δI
     * is positive definite exactly when every δ + P_jj, the sum the factorization's pivot would be, is positive. On
     * diagonals with empty columns, zeros, entries at −δ and one rounding either side of it, and negative ones, the
     * check gives that criterion, and the LDLᵀ of P + δI gives the same decision wherever its pivots are clear of its
     * relative zero tolerance (ojAlgo refuses a pivot within n·ε of the largest before it: at −δ plus one rounding it
     * refuses what is, exactly, a positive pivot of 10⁻²⁶). A P with any entry off its diagonal goes to the
     * factorization (null). End to end, an indefinite diagonal P is refused and a PSD one (with a zero) accepted.
     */
    @Test
    void aDiagonalSparsePIsCheckedWithoutAFactorization() {
        double shift = 1e-10;
        double[][] diagonals = {{1, 2, 3}, {1, 0, 3}, {1, -shift, 3}, {1, -Math.nextUp(shift), 3},
            {1, -Math.nextDown(shift), 3}, {-1, 2, 3}, {0, 0, 0}, {5, -1e-3, 2}};
        for (double[] diagonal : diagonals) {
            int n = diagonal.length;
            java.util.List<Integer> rows = new java.util.ArrayList<>();
            java.util.List<Double> values = new java.util.ArrayList<>();
            boolean positive = true;
            double smallest = Double.POSITIVE_INFINITY;
            double largest = 0;
            for (int i = 0; i < n; i++) {
                if (i != 1 || diagonal[i] != 0) { // column 1 left empty where its entry is 0
                    rows.add(i);
                    values.add(diagonal[i]);
                }
                double pivot = shift + diagonal[i];
                positive &= pivot > 0;
                smallest = Math.min(smallest, Math.abs(pivot));
                largest = Math.max(largest, Math.abs(pivot));
            }
            int[] ij = rows.stream().mapToInt(Integer::intValue).toArray();
            SparseMatrix pm = SparseMatrix.fromTriplets("P", n, n, ij, ij,
                    values.stream().mapToDouble(Double::doubleValue).toArray());
            String label = java.util.Arrays.toString(diagonal);
            assertEquals(positive, QpData.diagonalShiftedIsPositive(pm, shift), label);
            if (smallest > n * Math.ulp(1.0) * largest) { // clear of the factorization's zero tolerance
                boolean factors;
                try {
                    SparseCholesky.factorGramSum(LA, SparseCholesky.planGramSum(n, pm), n, shift, pm, new double[0]);
                    factors = true;
                } catch (dev.altdiff.api.linalg.NotPositiveDefiniteException e) {
                    factors = false;
                }
                assertEquals(factors, positive, "the factorization of " + label);
            }
        }
        SparseMatrix offDiagonal = SparseMatrix.fromTriplets("P", 2, 2, new int[]{0, 1, 1}, new int[]{0, 1, 0},
                new double[]{1, 1, 0.5});
        assertEquals(null, QpData.diagonalShiftedIsPositive(offDiagonal, shift));
        SparseMatrix indefinite = SparseMatrix.fromTriplets("P", 3, 3, new int[]{0, 1, 2}, new int[]{0, 1, 2},
                new double[]{1, -0.5, 2});
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> new QpData(QuadraticProgram.builder(3).sparseP(indefinite).build(), LA, 1.0));
        assertEquals("P", e.block());
        SparseMatrix psd = SparseMatrix.fromTriplets("P", 3, 3, new int[]{0, 1, 2}, new int[]{0, 1, 2},
                new double[]{1, 0, 2});
        assertEquals(3, new QpData(QuadraticProgram.builder(3).sparseP(psd).q(new double[]{1, 1, 1})
                .sparseInequalities(SparseMatrix.fromTriplets("G", 1, 3, new int[]{0}, new int[]{1}, new double[]{1}),
                        new double[]{1}).build(), LA, 1.0).n);
    }

    @Test
    void singularSparseHIsReportedAsInvalid() {
        // an LP whose single constraint row leaves H = ρaᵀa singular
        QuadraticProgram qp = QuadraticProgram.builder(3).q(new double[]{1, 1, 1})
                .sparseEqualities(SparseMatrix.fromTriplets("A", 1, 3, new int[]{0, 0}, new int[]{0, 1},
                        new double[]{1, 1}), new double[]{1})
                .build();
        InvalidProblemException e = assertThrows(InvalidProblemException.class, () -> new QpData(qp, LA, 1.0));
        assertEquals("H", e.block());
    }

    /** A tridiagonal matrix numbered by a random permutation: RCM recovers the band. */
    @Test
    void reverseCuthillMcKeeRecoversAShuffledBand() {
        int n = 200;
        Random r = new Random(3);
        int[] shuffle = new int[n];
        for (int i = 0; i < n; i++) {
            shuffle[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = shuffle[i];
            shuffle[i] = shuffle[j];
            shuffle[j] = t;
        }
        List<int[]> at = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            at.add(new int[]{shuffle[i], shuffle[i]});
            if (i + 1 < n) {
                at.add(new int[]{shuffle[i], shuffle[i + 1]});
                at.add(new int[]{shuffle[i + 1], shuffle[i]});
            }
        }
        int[] ii = at.stream().mapToInt(e -> e[0]).toArray();
        int[] jj = at.stream().mapToInt(e -> e[1]).toArray();
        double[] x = at.stream().mapToDouble(e -> e[0] == e[1] ? 4.0 : -1.0).toArray();
        SparseMatrix s = SparseMatrix.fromTriplets("S", n, n, ii, jj, x);
        int[] rcm = SparseCholesky.reverseCuthillMcKee(s);
        // a path numbered along itself: L has exactly one entry below the diagonal per column but the last
        assertEquals(2L * n - 1, SparseCholesky.factorNonzeros(s, rcm));
        assertTrue(SparseCholesky.factorNonzeros(s, identity(n)) > 2L * n - 1);
        SparseCholesky factor = SparseCholesky.factor(LA, s);
        assertEquals(2L * n - 1, factor.nonzeros()); // AMD finds the path's zero-fill order too, and is tried first
        assertTrue(factor.ordering() != SparseCholesky.Ordering.NATURAL);
        // and it solves S x = b
        double[] xTrue = Gaussian.vector(r, n);
        Matrix solved = factor.solve(LA.vector(s.times(xTrue)));
        for (int i = 0; i < n; i++) {
            assertEquals(xTrue[i], solved.get(i, 0), 1e-12);
        }
    }

    /**
     * An arrow matrix with its hub numbered first: the natural order and RCM (which starts from a
     * pseudo-peripheral leaf but still meets the hub early) fill L completely below the hub; approximate
     * minimum degree eliminates the leaves first and the hub last, with no fill at all.
     */
    @Test
    void approximateMinimumDegreeOrdersAnArrowWithoutFill() {
        int n = 300;
        List<int[]> at = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            at.add(new int[]{i, i});
            if (i > 0) {
                at.add(new int[]{0, i});
                at.add(new int[]{i, 0});
            }
        }
        SparseMatrix s = SparseMatrix.fromTriplets("S", n, n, at.stream().mapToInt(e -> e[0]).toArray(),
                at.stream().mapToInt(e -> e[1]).toArray(), at.stream().mapToDouble(e -> e[0] == e[1] ? n : 1.0).toArray());
        assertEquals((long) n * (n + 1) / 2, SparseCholesky.factorNonzeros(s, identity(n)));
        SparseCholesky factor = SparseCholesky.factor(LA, s);
        assertEquals(SparseCholesky.Ordering.APPROXIMATE_MINIMUM_DEGREE, factor.ordering());
        assertEquals(2L * n - 1, factor.nonzeros());
        double[] xTrue = Gaussian.vector(new Random(4), n);
        Matrix solved = factor.solve(LA.vector(s.times(xTrue)));
        for (int i = 0; i < n; i++) {
            assertEquals(xTrue[i], solved.get(i, 0), 1e-12);
        }
    }

    /**
     * The quasi-definite K = [P + δI, Aᵀ; A, −δI] (P sparse PSD, A with more rows than rank would allow
     * without δ) factors on the JVM with its pivots' signs as stated, none replaced, and solves K z = r to
     * rounding; stating the wrong signs (all positive) makes the dynamic regularization replace the
     * pivots that come out negative. The backend's positive definite factorization refuses K.
     */
    @Test
    void quasiDefiniteMatricesFactorWithTheirInertia() {
        Random r = new Random(5);
        int n = 40;
        int p = 25;
        SparseMatrix pm = randomSparse(r, "P", n, n, 0.05);
        pm = pm.transpose().times(pm);
        SparseMatrix a = randomSparse(r, "A", p, n, 0.1);
        double delta = 1e-3;
        List<int[]> index = new ArrayList<>();
        List<Double> value = new ArrayList<>();
        for (int i = 0; i < n + p; i++) {
            index.add(new int[]{i, i});
            value.add(i < n ? delta : -delta);
        }
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                if (pm.get(i, j) != 0) {
                    index.add(new int[]{i, j});
                    value.add(pm.get(i, j));
                }
            }
            for (int i = 0; i < p; i++) {
                if (a.get(i, j) != 0) {
                    index.add(new int[]{n + i, j});
                    value.add(a.get(i, j));
                    index.add(new int[]{j, n + i});
                    value.add(a.get(i, j));
                }
            }
        }
        SparseMatrix k = SparseMatrix.fromTriplets("K", n + p, n + p, index.stream().mapToInt(e -> e[0]).toArray(),
                index.stream().mapToInt(e -> e[1]).toArray(), value.stream().mapToDouble(Double::doubleValue).toArray());
        boolean[] positive = new boolean[n + p];
        java.util.Arrays.fill(positive, 0, n, true);
        QuasiDefiniteLdl factor = QuasiDefiniteLdl.factor(k, positive, 1.0);
        assertEquals(0, factor.replacedPivots());
        double[] zTrue = Gaussian.vector(r, n + p);
        double[] rhs = k.times(zTrue);
        double[] z = factor.solve(rhs);
        double[] back = k.times(z);
        for (int i = 0; i < n + p; i++) { // backward error: the residual relative to the data, not κ-amplified
            assertEquals(rhs[i], back[i], 1e-10 * (1 + Math.abs(rhs[i])));
        }
        java.util.Arrays.fill(positive, true);
        assertTrue(QuasiDefiniteLdl.factor(k, positive, 1.0).replacedPivots() > 0);
        assertThrows(NotPositiveDefiniteException.class, () -> SparseCholesky.factor(LA, k));
    }

    @Test
    void sparseCholeskyRejectsIndefiniteMatrices() {
        SparseMatrix s = SparseMatrix.fromTriplets("S", 2, 2, new int[]{0, 0, 1, 1}, new int[]{0, 1, 0, 1},
                new double[]{1, 2, 2, 1});
        assertThrows(NotPositiveDefiniteException.class, () -> SparseCholesky.factor(LA, s));
    }

    /** The ojAlgo backend's sparse gemm against its dense gemm, every transpose combination, with α and β. */
    @Test
    void sparseGemmMatchesDenseGemm() {
        Random r = new Random(11);
        SparseMatrix a = randomSparse(r, "A", 6, 4, 0.3);
        Matrix sparseA = LA.sparse(a);
        Matrix denseA = LA.matrix(6, 4, a.toRowMajor());
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                int inner = ta ? 6 : 4;
                int rows = ta ? 4 : 6;
                Matrix b = tb ? LA.matrix(3, inner, flat(Gaussian.matrix(r, 3, inner)))
                        : LA.matrix(inner, 3, flat(Gaussian.matrix(r, inner, 3)));
                double[] c0 = flat(Gaussian.matrix(r, rows, 3));
                Matrix expected = LA.matrix(rows, 3, c0);
                Matrix actual = LA.matrix(rows, 3, c0);
                LA.gemm(-1.5, denseA, ta, b, tb, 0.5, expected);
                LA.gemm(-1.5, sparseA, ta, b, tb, 0.5, actual);
                double[] e = expected.toRowMajor();
                double[] g = actual.toRowMajor();
                for (int k = 0; k < e.length; k++) {
                    assertEquals(e[k], g[k], 1e-14, "ta " + ta + " tb " + tb);
                }
            }
        }
        assertEquals(a.transpose().get(2, 5), LA.transpose(sparseA).get(2, 5));
        assertEquals(a.normInf(), LA.normInf(sparseA));
        assertThrows(IllegalArgumentException.class, () -> LA.axpy(1.0, sparseA, LA.zeros(6, 4)));
    }

    /** @return the rows concatenated (row-major) */
    private static double[] flat(double[][] rows) {
        return java.util.Arrays.stream(rows).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    /** A backend without sparse matrices (only the SPI's defaults) refuses a sparse problem by name, up front. */
    @Test
    void backendWithoutSparseSupportRefusesClearly() {
        LinearAlgebra dense = (LinearAlgebra) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{LinearAlgebra.class}, (proxy, method, args) -> {
                    if (method.getName().equals("name")) {
                        return "dense-only";
                    }
                    if (method.isDefault()) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    throw new AssertionError("no backend operation may run before the refusal: " + method.getName());
                });
        QuadraticProgram qp = randomSparse(8, 6, 1, 2, 0.3);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> new AltDiffDifferentiator().solve(qp, Settings.PAPER, dense));
        assertTrue(e.getMessage().contains("dense-only") && e.getMessage().contains("ojalgo"), e.getMessage());
        UnsupportedOperationException spi = assertThrows(UnsupportedOperationException.class,
                () -> dense.sparse(qp.sparse(Block.P)));
        assertTrue(spi.getMessage().contains("dense-only backend has no sparse matrices"), spi.getMessage());
    }

    private static int[] identity(int n) {
        int[] id = new int[n];
        for (int i = 0; i < n; i++) {
            id[i] = i;
        }
        return id;
    }
}
