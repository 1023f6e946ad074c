package dev.altdiff.core;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.Gaussian;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batched layer against the single-problem layer: per sample the same x, λ, ν, iterations and
 * gradients (to the rounding of matrix–matrix versus matrix–vector products), summed shared
 * gradients, failed samples, warm starts and invalid input.
 */
class BatchLayerTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();
    private static final double TIGHT = 1e-12;

    /**
     * Shared P, A, G and per-sample q, b, h. G's row 1 is −(row 0), so a sample with h₀ + h₁ &lt; 0 is
     * infeasible; the others have b = Ax₀, h = Gx₀ + u (u uniform in [0, 1)) for a random x₀.
     */
    record Case(double[][] P, double[][] A, double[][] G, double[][] q, double[][] b, double[][] h) {
        static Case random(long seed, int n, int p, int m, int batch, int infeasible) {
            Random r = new Random(seed);
            double[][] z = Gaussian.matrix(r, n, n);
            double[][] pm = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int t = 0; t < n; t++) {
                        s += z[t][i] * z[t][j];
                    }
                    pm[i][j] = s / n;
                }
                pm[i][i] += 0.5;
            }
            double[][] a = p > 0 ? Gaussian.matrix(r, p, n) : null;
            double[][] g = m > 0 ? Gaussian.matrix(r, m, n) : null;
            if (m >= 2) {
                for (int j = 0; j < n; j++) {
                    g[1][j] = -g[0][j];
                }
            }
            double[][] q = new double[batch][];
            double[][] b = p > 0 ? new double[batch][] : null;
            double[][] h = m > 0 ? new double[batch][] : null;
            for (int c = 0; c < batch; c++) {
                double[] x0 = Gaussian.vector(r, n);
                q[c] = Gaussian.vector(r, n);
                for (int i = 0; i < n; i++) {
                    q[c][i] *= 1 + 3 * c % 4; // different scales: different K_b
                }
                if (p > 0) {
                    b[c] = times(a, x0);
                }
                if (m > 0) {
                    h[c] = times(g, x0);
                    for (int i = 0; i < m; i++) {
                        h[c][i] += r.nextDouble();
                    }
                    if (c == infeasible) {
                        h[c][0] = -1;
                        h[c][1] = -1;
                    }
                }
            }
            return new Case(pm, a, g, q, b, h);
        }

        SharedBatch batch() {
            return new SharedBatch(P, A, G, q, b, h);
        }

        QuadraticProgram sample(int c) {
            QuadraticProgram.Builder builder = QuadraticProgram.builder(q[c].length).P(P).q(q[c]);
            if (A != null) {
                builder.equalities(A, b[c]);
            }
            if (G != null) {
                builder.inequalities(G, h[c]);
            }
            return builder.build();
        }

        List<QuadraticProgram> samples() {
            List<QuadraticProgram> out = new ArrayList<>();
            for (int c = 0; c < q.length; c++) {
                out.add(sample(c));
            }
            return out;
        }
    }

    @ParameterizedTest
    @CsvSource({
            "1, 12, 3, 8, 6, RELATIVE_CHANGE, 1e-8",
            "2, 10, 0, 6, 5, RELATIVE_CHANGE, 1e-7",
            "3, 9, 4, 0, 4, RELATIVE_CHANGE, 1e-9",
            "4, 15, 2, 10, 7, RESIDUALS, 1e-7",
            "5, 8, 0, 0, 3, RELATIVE_CHANGE, 1e-8",
            "6, 1, 0, 0, 1, RELATIVE_CHANGE, 1e-8"})
    void sharedBatchEqualsSingleSolves(long seed, int n, int p, int m, int batch, Truncation rule, double tol) {
        Case data = Case.random(seed, n, p, m, batch, -1);
        Settings settings = new Settings(1.0, tol, 20_000, rule);
        BatchResult result = new BatchLayer(LA, settings).forward(data.batch());
        double[][] v = Gaussian.matrix(new Random(seed + 1), batch, n);
        BatchGradients grads = result.backward(v);
        Set<Integer> iterations = new HashSet<>();
        Gradients sum = null;
        for (int c = 0; c < batch; c++) {
            AltDiffSolution single = new AltDiffDifferentiator().solve(data.sample(c), settings, LA);
            Solution expected = single.solution();
            Solution actual = result.solution(c);
            assertSameSolution(expected, actual, "sample " + c);
            // the residual rule stops only where the test passes; the paper's rule at this ε may stop short of it
            assertTrue(actual.status() == Status.SOLVED
                    || rule == Truncation.RELATIVE_CHANGE && actual.status() == Status.TRUNCATED, "status");
            StatusContract.assertHonest(data.sample(c), actual, tol, "sample " + c);
            iterations.add(actual.iterations());
            Gradients g = single.backward(v[c]);
            Gradients bg = grads.sample(c);
            assertClose(g.q(), bg.q(), "q of sample " + c);
            if (p > 0) {
                assertClose(g.b(), bg.b(), "b of sample " + c);
            } else {
                assertNull(bg.b());
            }
            if (m > 0) {
                assertClose(g.h(), bg.h(), "h of sample " + c);
            } else {
                assertNull(bg.h());
            }
            assertNull(bg.P());
            sum = add(sum, g);
        }
        if (batch > 3) {
            assertTrue(iterations.size() > 1, "the samples should stop at different K_b: " + iterations);
        }
        assertSharedEqualsSum(sum, grads.shared());
        // the gradients of q, b, h alone (P, A, G fixed data) are the same sweep without the matrix sums
        BatchGradients vectors = result.backward(v, false);
        assertNull(vectors.shared());
        for (int c = 0; c < batch; c++) {
            assertArrayEquals(grads.sample(c).q(), vectors.sample(c).q(), 0.0);
            if (p > 0) {
                assertArrayEquals(grads.sample(c).b(), vectors.sample(c).b(), 0.0);
            }
            if (m > 0) {
                assertArrayEquals(grads.sample(c).h(), vectors.sample(c).h(), 0.0);
            }
        }
    }

    /**
     * A shared batch wider than {@link BatchSettings#runColumns()} is solved as runs of consecutive samples on the
     * layer's pool: each sample's solution and gradients are, bit for bit, those of its run solved alone as a batch
     * in the calling thread, and the gradients of P, A, G are the runs' sums added in order. Adaptive ρ is on (each
     * run has its own schedule), scaling off (with scaling the cost scale comes from the whole batch's q), and
     * sample 1 is infeasible (a failed sample inside a run).
     */
    @ParameterizedTest
    @CsvSource({"11, 12, 3, 8, 7, 3", "12, 10, 0, 6, 9, 4", "13, 9, 4, 0, 5, 2", "14, 6, 2, 5, 70, 32"})
    void aWideBatchRunsAsItsRunsWouldAlone(long seed, int n, int p, int m, int batch, int runColumns) {
        Case data = Case.random(seed, n, p, m, batch, m >= 2 ? 1 : -1);
        Settings settings = Settings.DEFAULTS.withScaling(0);
        BatchSettings options = BatchSettings.DEFAULTS.withRunColumns(runColumns);
        int[] bounds = options.runBounds(batch);
        double[][] v = Gaussian.matrix(new Random(seed + 1), batch, n);
        try (BatchLayer layer = new BatchLayer(LA, settings, options);
             BatchLayer alone = new BatchLayer(LA, settings, options.withRunColumns(Integer.MAX_VALUE))) {
            BatchResult result = layer.forward(data.batch());
            BatchGradients grads = result.backward(v);
            Gradients sum = null;
            Set<Integer> iterations = new HashSet<>();
            for (int k = 0; k + 1 < bounds.length; k++) {
                int from = bounds[k];
                int to = bounds[k + 1];
                BatchResult part = alone.forward(new SharedBatch(data.P(), data.A(), data.G(), rows(data.q(), from, to),
                        rows(data.b(), from, to), rows(data.h(), from, to)));
                BatchGradients partGrads = part.backward(rows(v, from, to));
                for (int c = from; c < to; c++) {
                    assertBitIdentical(part.solution(c - from), result.solution(c), "sample " + c);
                    iterations.add(result.solution(c).iterations());
                    Gradients expected = partGrads.sample(c - from);
                    Gradients actual = grads.sample(c);
                    assertArrayEquals(expected.q(), actual.q(), 0.0, "q of sample " + c);
                    assertArrayEquals(expected.b(), actual.b(), 0.0, "b of sample " + c);
                    assertArrayEquals(expected.h(), actual.h(), 0.0, "h of sample " + c);
                }
                sum = add(sum, partGrads.shared());
            }
            assertTrue(iterations.size() > 1, "the samples should stop at different K_b: " + iterations);
            for (double[][][] pair : new double[][][][]{{sum.P(), grads.shared().P()}, {sum.A(), grads.shared().A()},
                    {sum.G(), grads.shared().G()}}) {
                if (pair[0] == null) {
                    assertNull(pair[1]);
                    continue;
                }
                for (int i = 0; i < pair[0].length; i++) {
                    assertArrayEquals(pair[0][i], pair[1][i], 0.0, "summed matrix gradient, row " + i);
                }
            }
        }
    }

    /**
     * The layer's pool size changes nothing but the speed: one thread (a Spark task's layer) and one per processor
     * give the same solutions and gradients, bit for bit, for a shared batch of several runs and for per-sample
     * matrices.
     */
    @Test
    void oneThreadGivesTheBitsOfManyThreads() {
        Case data = Case.random(16, 20, 3, 6, 40, 2);
        Settings settings = Settings.DEFAULTS;
        double[][] v = Gaussian.matrix(new Random(17), 40, 20);
        BatchSettings options = BatchSettings.DEFAULTS.withRunColumns(8);
        try (BatchLayer many = new BatchLayer(LA, settings, options);
             BatchLayer one = new BatchLayer(LA, settings, options.withThreads(1))) {
            BatchResult[] results = {many.forward(data.batch()), one.forward(data.batch())};
            BatchGradients[] grads = {results[0].backward(v), results[1].backward(v)};
            List<QuadraticProgram> samples = data.samples().subList(0, 6);
            BatchResult[] perSample = {many.forward(samples), one.forward(samples)};
            BatchGradients[] perSampleGrads = {perSample[0].backward(java.util.Arrays.copyOf(v, 6)),
                perSample[1].backward(java.util.Arrays.copyOf(v, 6))};
            for (int c = 0; c < 40; c++) {
                assertBitIdentical(results[0].solution(c), results[1].solution(c), "sample " + c);
                assertArrayEquals(grads[0].sample(c).q(), grads[1].sample(c).q(), 0.0, "q of sample " + c);
                assertArrayEquals(grads[0].sample(c).h(), grads[1].sample(c).h(), 0.0, "h of sample " + c);
            }
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(grads[0].shared().P()[i], grads[1].shared().P()[i], 0.0, "P row " + i);
            }
            for (int c = 0; c < 6; c++) {
                assertBitIdentical(perSample[0].solution(c), perSample[1].solution(c), "own matrices, sample " + c);
                assertArrayEquals(perSampleGrads[0].sample(c).A()[0], perSampleGrads[1].sample(c).A()[0], 0.0,
                        "A of sample " + c);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchSettings.DEFAULTS.withThreads(-1));
        assertTrue(e.getMessage().contains("threads"), e.getMessage());
    }

    /** Runs of consecutive samples: ⌈B / runColumns⌉ of them, widths differing by at most one, the wider first. */
    @Test
    void aBatchSplitsIntoRunsOfNearlyEqualWidth() {
        assertArrayEquals(new int[]{0, 24, 47, 70}, BatchSettings.DEFAULTS.runBounds(70));
        assertArrayEquals(new int[]{0, 32, 64}, BatchSettings.DEFAULTS.runBounds(64));
        assertArrayEquals(new int[]{0, 32}, BatchSettings.DEFAULTS.runBounds(32));
        assertArrayEquals(new int[]{0, 17, 33}, BatchSettings.DEFAULTS.runBounds(33));
        assertArrayEquals(new int[]{0, 1}, BatchSettings.DEFAULTS.runBounds(1));
        assertArrayEquals(new int[]{0, 3, 5, 7}, BatchSettings.DEFAULTS.withRunColumns(3).runBounds(7));
        assertArrayEquals(new int[]{0, 1000}, BatchSettings.DEFAULTS.withRunColumns(Integer.MAX_VALUE).runBounds(1000));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchSettings.DEFAULTS.withRunColumns(0));
        assertTrue(e.getMessage().contains("runColumns"), e.getMessage());
    }

    /**
     * A failing run or sample reaches the caller as it was thrown: the first failure by index, an error (a run's
     * {@link OutOfMemoryError}, which the command line reports as such) not wrapped.
     */
    @Test
    void aFailingTaskReachesTheCallerAsItWasThrown() {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            OutOfMemoryError oom = new OutOfMemoryError("run 1");
            Error error = assertThrows(OutOfMemoryError.class, () -> BatchResult.parallel(pool, 3, k -> {
                if (k == 1) {
                    throw oom;
                }
                if (k == 2) {
                    throw new IllegalArgumentException("run 2");
                }
                return k;
            }));
            assertTrue(error == oom, "the error itself");
            IllegalArgumentException first = assertThrows(IllegalArgumentException.class,
                    () -> BatchResult.parallel(pool, 4, k -> {
                        if (k >= 2) {
                            throw new IllegalArgumentException("run " + k);
                        }
                        return k;
                    }));
            assertEquals("run 2", first.getMessage());
            assertEquals(List.of(0, 1, 2), BatchResult.parallel(pool, 3, k -> k));
        } finally {
            pool.shutdown();
        }
    }

    private static double[][] rows(double[][] a, int from, int to) {
        return a == null ? null : java.util.Arrays.copyOfRange(a, from, to);
    }

    @ParameterizedTest
    @EnumSource(BatchSettings.FailedGradients.class)
    void aFailedSampleDoesNotFailTheBatch(BatchSettings.FailedGradients policy) {
        int n = 10;
        int p = 2;
        int m = 7;
        int batch = 4;
        int failing = 2;
        Case data = Case.random(11, n, p, m, batch, failing);
        // the residual rule never holds for an infeasible sample: it stops with a certificate
        Settings settings = new Settings(1.0, 1e-7, 3000, Truncation.RESIDUALS);
        for (boolean shared : new boolean[]{true, false}) {
            BatchLayer layer = new BatchLayer(LA, settings, BatchSettings.DEFAULTS.withFailedGradients(policy));
            BatchResult result = shared ? layer.forward(data.batch()) : layer.forward(data.samples());
            layer.close();
            double[][] v = Gaussian.matrix(new Random(12), batch, n);
            BatchGradients grads = result.backward(v);
            Gradients sum = null;
            for (int c = 0; c < batch; c++) {
                AltDiffSolution single = new AltDiffDifferentiator().solve(data.sample(c), settings, LA);
                assertSameSolution(single.solution(), result.solution(c), "sample " + c);
                Gradients g = grads.sample(c);
                if (c == failing) {
                    // proved infeasible (a certificate) well before the cap
                    assertEquals(Status.PRIMAL_INFEASIBLE, result.solution(c).status());
                    assertTrue(result.solution(c).iterations() < 3000);
                    assertNotNull(result.solution(c).certificate());
                    double expected = policy == BatchSettings.FailedGradients.NAN ? Double.NaN : 0.0;
                    for (double[] block : new double[][]{g.q(), g.b(), g.h()}) {
                        for (double value : block) {
                            assertEquals(expected, value);
                        }
                    }
                    if (!shared) {
                        for (double[][] block : new double[][][]{g.P(), g.A(), g.G()}) {
                            for (double[] row : block) {
                                for (double value : row) {
                                    assertEquals(expected, value);
                                }
                            }
                        }
                    }
                    assertEquals(p, g.b().length);
                    assertEquals(m, g.h().length);
                    continue;
                }
                assertEquals(Status.SOLVED, result.solution(c).status());
                Gradients expected = single.backward(v[c]);
                assertClose(expected.q(), g.q(), "q of sample " + c);
                assertClose(expected.b(), g.b(), "b of sample " + c);
                assertClose(expected.h(), g.h(), "h of sample " + c);
                if (!shared) {
                    assertClose(expected.P(), g.P(), "P of sample " + c);
                    assertClose(expected.A(), g.A(), "A of sample " + c);
                    assertClose(expected.G(), g.G(), "G of sample " + c);
                }
                sum = add(sum, expected);
            }
            if (shared) { // the failed sample is left out of the sums
                assertSharedEqualsSum(sum, grads.shared());
            } else {
                assertNull(grads.shared());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"21, 8, 2, 6, 5", "22, 12, 0, 9, 8", "23, 6, 3, 0, 3", "24, 5, 1, 4, 1"})
    void perSampleMatricesEqualSingleSolves(long seed, int n, int p, int m, int batch) {
        List<QuadraticProgram> problems = new ArrayList<>();
        for (int c = 0; c < batch; c++) { // every sample its own P, A, G
            problems.add(Case.random(seed * 100 + c, n, p, m, 1, -1).sample(0));
        }
        Settings settings = Settings.PAPER.withTolerance(1e-8);
        double[][] v = Gaussian.matrix(new Random(seed), batch, n);
        try (BatchLayer layer = new BatchLayer(LA, settings)) {
            BatchResult result = layer.forward(problems);
            BatchGradients grads = result.backward(v);
            BatchGradients again = result.backward(v);
            for (int c = 0; c < batch; c++) {
                AltDiffSolution single = new AltDiffDifferentiator().solve(problems.get(c), settings, LA);
                assertSameSolution(single.solution(), result.solution(c), "sample " + c);
                Gradients expected = single.backward(v[c]);
                for (Gradients g : new Gradients[]{grads.sample(c), again.sample(c)}) {
                    assertClose(expected.P(), g.P(), "P");
                    assertClose(expected.q(), g.q(), "q");
                    if (p > 0) {
                        assertClose(expected.A(), g.A(), "A");
                        assertClose(expected.b(), g.b(), "b");
                    }
                    if (m > 0) {
                        assertClose(expected.G(), g.G(), "G");
                        assertClose(expected.h(), g.h(), "h");
                    }
                }
            }
        }
    }

    /**
     * A second call with the same data starts at the first call's solution and stops within a few
     * iterations; its gradient is the derivative of that short run from the (constant) warm start,
     * checked against central differences of the run with K fixed, for q, b, h per sample and for the
     * summed P, A, G.
     */
    @ParameterizedTest
    @CsvSource({"31, 10, 2, 7, 4", "32, 8, 0, 5, 3", "33, 7, 3, 0, 2"})
    void warmStartConvergesFasterAndDifferentiatesTheRunItMade(long seed, int n, int p, int m, int batch) {
        Case data = Case.random(seed, n, p, m, batch, -1);
        Settings settings = Settings.PAPER.withTruncation(Truncation.RESIDUALS).withTolerance(1e-9);
        BatchLayer layer = new BatchLayer(LA, settings, BatchSettings.DEFAULTS.withWarmStart(true));
        BatchResult cold = layer.forward(data.batch());
        BatchResult warm = layer.forward(data.batch());
        double[][] v = Gaussian.matrix(new Random(seed + 5), batch, n);
        BatchGradients grads = warm.backward(v);
        Random dr = new Random(seed + 6);
        double[][] dP = Gaussian.matrix(dr, n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                dP[i][j] = dP[j][i];
            }
        }
        double[][] dA = p > 0 ? Gaussian.matrix(dr, p, n) : null;
        double[][] dG = m > 0 ? Gaussian.matrix(dr, m, n) : null;
        double eps = 1e-6;
        double fdShared = 0;
        for (int c = 0; c < batch; c++) {
            Solution first = cold.solution(c);
            Solution second = warm.solution(c);
            assertEquals(Status.SOLVED, second.status());
            assertTrue(second.iterations() * 5 <= first.iterations(),
                    "warm " + second.iterations() + " vs cold " + first.iterations() + " iterations");
            assertClose(first.x(), second.x(), 1e-6, "warm solution of sample " + c);
            // the same run, K fixed, from the same start
            Admm.Start start = Admm.Start.of(first);
            Settings fixedK = new Settings(settings.rho(), 1e-300, second.iterations(), settings.truncation());
            Admm.Run rerun = Admm.solve(new QpData(data.sample(c), LA, 1.0), fixedK, true, start);
            assertClose(second.x(), rerun.solution().x(), TIGHT, "rerun of sample " + c);
            double[] dq = Gaussian.vector(dr, n);
            double[] db = p > 0 ? Gaussian.vector(dr, p) : new double[0];
            double[] dh = m > 0 ? Gaussian.vector(dr, m) : new double[0];
            double fd = (dot(v[c], runFrom(data, c, start, fixedK, eps, null, dq, null, db, null, dh))
                    - dot(v[c], runFrom(data, c, start, fixedK, -eps, null, dq, null, db, null, dh))) / (2 * eps);
            Gradients g = grads.sample(c);
            double inner = dot(g.q(), dq) + (p > 0 ? dot(g.b(), db) : 0) + (m > 0 ? dot(g.h(), dh) : 0);
            assertEquals(fd, inner, 1e-7 * (1 + Math.abs(fd)), "q, b, h directional derivative of sample " + c);
            fdShared += (dot(v[c], runFrom(data, c, start, fixedK, eps, dP, null, dA, null, dG, null))
                    - dot(v[c], runFrom(data, c, start, fixedK, -eps, dP, null, dA, null, dG, null))) / (2 * eps);
        }
        Gradients shared = grads.shared();
        double inner = dot(shared.P(), dP) + (p > 0 ? dot(shared.A(), dA) : 0) + (m > 0 ? dot(shared.G(), dG) : 0);
        assertEquals(fdShared, inner, 1e-7 * (1 + Math.abs(fdShared)), "summed P, A, G directional derivative");
        // a batch of another shape starts cold
        Case other = Case.random(seed, n + 1, p, m, batch, -1);
        BatchResult reshaped = layer.forward(other.batch());
        BatchResult fresh = new BatchLayer(LA, settings).forward(other.batch());
        for (int c = 0; c < batch; c++) {
            assertEquals(fresh.solution(c).iterations(), reshaped.solution(c).iterations());
        }
    }

    /**
     * forwardOnly gives the forward pass's solutions bit for bit in both modes (with scaling and an
     * infeasible sample too), leaves the same warm-start memory, and its result refuses backward with
     * a message naming the forward-only call.
     */
    @ParameterizedTest
    @CsvSource({"51, 9, 2, 6, 4, 0, -1", "52, 7, 0, 5, 3, 10, 1", "53, 6, 3, 0, 2, 0, -1"})
    void forwardOnlySolvesAlikeAndHasNoBackwardPass(long seed, int n, int p, int m, int batch, int scaling,
                                                   int infeasible) {
        Case data = Case.random(seed, n, p, m, batch, infeasible);
        Settings settings = Settings.PAPER.withTolerance(1e-8).withScaling(scaling);
        BatchSettings warm = BatchSettings.DEFAULTS.withWarmStart(true);
        try (BatchLayer recording = new BatchLayer(LA, settings, warm);
             BatchLayer notRecording = new BatchLayer(LA, settings, warm)) {
            for (boolean shared : new boolean[]{true, false}) {
                BatchResult full = shared ? recording.forward(data.batch()) : recording.forward(data.samples());
                BatchResult only = shared ? notRecording.forwardOnly(data.batch())
                        : notRecording.forwardOnly(data.samples());
                assertTrue(full.isDifferentiable());
                assertFalse(only.isDifferentiable());
                assertEquals(shared, only.isShared());
                for (int c = 0; c < batch; c++) {
                    assertBitIdentical(full.solution(c), only.solution(c), (shared ? "shared" : "per-sample")
                            + " sample " + c);
                }
                double[][] v = Gaussian.matrix(new Random(seed), batch, n);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> only.backward(v));
                assertTrue(e.getMessage().contains("BatchLayer.forwardOnly"), e.getMessage());
                assertNotNull(full.backward(v).sample(0).q());
            }
            // the warm-start memory of a forward-only call is the forward call's
            BatchResult afterFull = recording.forward(data.batch());
            BatchResult afterOnly = notRecording.forward(data.batch());
            for (int c = 0; c < batch; c++) {
                assertBitIdentical(afterFull.solution(c), afterOnly.solution(c), "warm sample " + c);
            }
        }
    }

    /**
     * forward(batch, false) records the masks alone: the same solutions bit for bit, the gradients of q, b, h
     * of backward(v, false) bit for bit those of a fully recorded run (the sweep reads no iterate for them),
     * with adaptive ρ, over-relaxation and scaling on; and backward(v, true) refuses with a message naming the
     * call.
     */
    @ParameterizedTest
    @CsvSource({"61, 12, 3, 7, 5, 1.0, 0", "62, 9, 0, 6, 4, 1.6, 10", "63, 8, 4, 0, 3, 1.0, 10",
            "64, 20, 5, 10, 6, 1.6, 0"})
    void masksAloneGiveTheGradientsOfTheVectors(long seed, int n, int p, int m, int batch, double alpha, int scaling) {
        Case data = Case.random(seed, n, p, m, batch, -1);
        Settings settings = Settings.DEFAULTS.withTolerance(1e-7).withAlpha(alpha).withScaling(scaling);
        try (BatchLayer layer = new BatchLayer(LA, settings)) {
            BatchResult full = layer.forward(data.batch());
            BatchResult masks = layer.forward(data.batch(), false);
            double[][] v = Gaussian.matrix(new Random(seed), batch, n);
            BatchGradients expected = full.backward(v, false);
            BatchGradients actual = masks.backward(v, false);
            assertNull(actual.shared());
            for (int c = 0; c < batch; c++) {
                assertBitIdentical(full.solution(c), masks.solution(c), "sample " + c);
                assertArrayEquals(expected.sample(c).q(), actual.sample(c).q(), 0.0, "q of sample " + c);
                if (p > 0) {
                    assertArrayEquals(expected.sample(c).b(), actual.sample(c).b(), 0.0, "b of sample " + c);
                }
                if (m > 0) {
                    assertArrayEquals(expected.sample(c).h(), actual.sample(c).h(), 0.0, "h of sample " + c);
                }
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> masks.backward(v));
            assertTrue(e.getMessage().contains("BatchLayer.forward(batch, false)"), e.getMessage());
        }
    }

    private static void assertBitIdentical(Solution expected, Solution actual, String what) {
        assertEquals(expected.status(), actual.status(), what + " status");
        assertEquals(expected.iterations(), actual.iterations(), what + " iterations");
        assertArrayEquals(expected.x(), actual.x(), what + " x");
        assertArrayEquals(expected.lambda(), actual.lambda(), what + " lambda");
        assertArrayEquals(expected.nu(), actual.nu(), what + " nu");
        assertArrayEquals(expected.s(), actual.s(), what + " s");
    }

    @Test
    void invalidInputNamesTheSample() {
        Case data = Case.random(41, 6, 2, 4, 4, -1);
        BatchLayer layer = new BatchLayer(LA, Settings.PAPER);
        double[][] q = data.q().clone();
        q[2] = q[2].clone();
        q[2][3] = Double.NaN;
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> layer.forward(new SharedBatch(data.P(), data.A(), data.G(), q, data.b(), data.h())));
        assertEquals("q", e.block());
        assertEquals(2, e.sample());
        assertEquals(3, e.row());
        assertTrue(e.getMessage().startsWith("sample 2: "), e.getMessage());

        double[][] h = data.h().clone();
        h[1] = new double[3];
        e = assertThrows(InvalidProblemException.class,
                () -> layer.forward(new SharedBatch(data.P(), data.A(), data.G(), data.q(), data.b(), h)));
        assertEquals("h", e.block());
        assertEquals(1, e.sample());

        e = assertThrows(InvalidProblemException.class,
                () -> layer.forward(new SharedBatch(data.P(), data.A(), data.G(), data.q(), null, data.h())));
        assertEquals("b", e.block());

        double[][] g = data.G().clone();
        g[0] = g[0].clone();
        g[0][1] = Double.POSITIVE_INFINITY;
        e = assertThrows(InvalidProblemException.class,
                () -> layer.forward(new SharedBatch(data.P(), data.A(), g, data.q(), data.b(), data.h())));
        assertEquals("G", e.block());
        assertEquals(-1, e.sample());

        List<QuadraticProgram> problems = new ArrayList<>(data.samples());
        double[][] indefinite = {{1, 0, 0, 0, 0, 0}, {0, -1, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0}, {0, 0, 0, 1, 0, 0},
                {0, 0, 0, 0, 1, 0}, {0, 0, 0, 0, 0, 1}};
        problems.set(3, QuadraticProgram.builder(6).P(indefinite).build());
        e = assertThrows(InvalidProblemException.class, () -> layer.forward(problems));
        assertEquals("P", e.block());
        assertEquals(3, e.sample());

        BatchResult result = layer.forward(data.batch());
        double[][] v = new double[4][6];
        v[1][5] = Double.NaN;
        e = assertThrows(InvalidProblemException.class, () -> result.backward(v));
        assertEquals("v", e.block());
        assertEquals(1, e.sample());
        assertEquals(5, e.row());
        e = assertThrows(InvalidProblemException.class, () -> result.backward(new double[3][6]));
        assertEquals("v", e.block());
        layer.close();
    }

    /** @return x_K of sample c's run from start with K fixed, the data moved by eps·(dP, dq, dA, db, dG, dh) */
    private static double[] runFrom(Case data, int c, Admm.Start start, Settings fixedK, double eps, double[][] dP,
                                    double[] dq, double[][] dA, double[] db, double[][] dG, double[] dh) {
        QuadraticProgram qp = data.sample(c);
        QuadraticProgram.Builder builder = QuadraticProgram.builder(qp.n()).P(move(qp.P(), dP, eps))
                .q(move(qp.q(), dq, eps));
        if (qp.hasEqualities()) {
            builder.equalities(move(qp.A(), dA, eps), move(qp.b(), db, eps));
        }
        if (qp.hasInequalities()) {
            builder.inequalities(move(qp.G(), dG, eps), move(qp.h(), dh, eps));
        }
        return Admm.solve(new QpData(builder.build(), LA, fixedK.rho()), fixedK, false, start).solution().x();
    }

    private static double[][] move(double[][] a, double[][] d, double eps) {
        if (d == null) {
            return a;
        }
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = move(a[i], d[i], eps);
        }
        return out;
    }

    private static double[] move(double[] a, double[] d, double eps) {
        if (d == null) {
            return a;
        }
        double[] out = a.clone();
        for (int i = 0; i < a.length; i++) {
            out[i] += eps * d[i];
        }
        return out;
    }

    private static void assertSameSolution(Solution expected, Solution actual, String what) {
        assertEquals(expected.status(), actual.status(), what + " status");
        assertEquals(expected.iterations(), actual.iterations(), what + " iterations");
        assertClose(expected.x(), actual.x(), TIGHT, what + " x");
        assertClose(expected.lambda(), actual.lambda(), TIGHT, what + " lambda");
        assertClose(expected.nu(), actual.nu(), TIGHT, what + " nu");
        assertClose(expected.s(), actual.s(), TIGHT, what + " s");
        assertEquals(expected.primalResidual(), actual.primalResidual(),
                TIGHT * (1 + Math.abs(expected.primalResidual())) + 1e-15, what + " primal residual");
        assertEquals(expected.objective(), actual.objective(), TIGHT * (1 + Math.abs(expected.objective())),
                what + " objective");
    }

    private static void assertSharedEqualsSum(Gradients sum, Gradients shared) {
        assertNull(shared.q());
        assertNull(shared.b());
        assertNull(shared.h());
        assertClose(sum.P(), shared.P(), "summed P");
        if (sum.A() != null) {
            assertClose(sum.A(), shared.A(), "summed A");
        } else {
            assertNull(shared.A());
        }
        if (sum.G() != null) {
            assertClose(sum.G(), shared.G(), "summed G");
        } else {
            assertNull(shared.G());
        }
    }

    private static Gradients add(Gradients sum, Gradients g) {
        if (sum == null) {
            return g;
        }
        return new Gradients(add(sum.P(), g.P()), null, add(sum.A(), g.A()), null, add(sum.G(), g.G()), null);
    }

    private static double[][] add(double[][] a, double[][] b) {
        if (a == null) {
            return null;
        }
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] += b[i][j];
            }
        }
        return out;
    }

    private static void assertClose(double[][] expected, double[][] actual, String what) {
        assertEquals(expected.length, actual.length, what + " rows");
        double scale = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, what + " columns");
            for (int j = 0; j < expected[i].length; j++) {
                scale = Math.max(scale, Math.abs(expected[i][j]));
                err = Math.max(err, Math.abs(expected[i][j] - actual[i][j]));
            }
        }
        assertTrue(err <= TIGHT * Math.max(scale, 1e-300), what + ": error " + err + " at scale " + scale);
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertClose(expected, actual, TIGHT, what);
    }

    /** max|expected − actual| ≤ tol·max|expected| (exact equality for a zero vector) */
    private static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double scale = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(err <= tol * scale, what + ": error " + err + " at scale " + scale);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double dot(double[][] a, double[][] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += dot(a[i], b[i]);
        }
        return s;
    }

    private static double[] times(double[][] a, double[] x) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = dot(a[i], x);
        }
        return out;
    }
}
