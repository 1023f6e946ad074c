package dev.altdiff.core;

import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.Layer;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The thread-safety contract of the api package, exercised on the subclass's backend: many threads
 * share one {@link Layer} (forward) and one {@link DifferentiableSolution} and one {@link BatchResult}
 * (backward), all released at once by a latch, and every result is identical, bit for bit, to the
 * single-threaded one, in every mode of the layer.
 */
public abstract class ConcurrencySuite {
    private static final int THREADS = 8;
    private static final int CALLS = 4 * THREADS;

    /** The backend under test; every backend module runs this suite with its own. */
    protected abstract LinearAlgebra backend();

    /** @return task(i) for i = 0 … CALLS−1, run by THREADS threads released together */
    private static <T> List<T> concurrently(IntTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                int call = i;
                futures.add(pool.submit((Callable<T>) () -> {
                    start.await();
                    return task.run(call);
                }));
            }
            start.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private interface IntTask<T> {
        T run(int call) throws Exception;
    }

    private static void assertSame(Gradients expected, Gradients actual) {
        assertArrayEquals(expected.q(), actual.q());
        assertArrayEquals(expected.b(), actual.b());
        assertArrayEquals(expected.h(), actual.h());
        assertArrayEquals(expected.P(), actual.P());
        assertArrayEquals(expected.A(), actual.A());
        assertArrayEquals(expected.G(), actual.G());
    }

    /** Each call solves its own problem (one of four) and differentiates it, on the one shared layer. */
    @ParameterizedTest
    @ValueSource(strings = {"reverse", "forward"})
    void oneSharedLayerGivesEveryThreadTheSingleThreadedResult(String mode) throws Exception {
        Layer layer = new Layer(new AltDiffDifferentiator("forward".equals(mode) ? AltDiffDifferentiator.Mode.FORWARD
                : AltDiffDifferentiator.Mode.REVERSE), backend(), Settings.PAPER.withTolerance(1e-8));
        List<QuadraticProgram> problems = new ArrayList<>();
        List<double[]> upstream = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            problems.add(RandomQp.paper(40 + k, 15, 4, 6, 0.5));
            upstream.add(Gaussian.vector(new Random(k), 15));
        }
        List<DifferentiableSolution> single = new ArrayList<>();
        List<Gradients> singleGradients = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            single.add(layer.forward(problems.get(k)));
            singleGradients.add(single.get(k).backward(upstream.get(k)));
        }
        List<Object[]> results = concurrently(call -> {
            DifferentiableSolution s = layer.forward(problems.get(call % 4));
            return new Object[] {s, s.backward(upstream.get(call % 4))};
        });
        for (int i = 0; i < CALLS; i++) {
            DifferentiableSolution s = (DifferentiableSolution) results.get(i)[0];
            assertArrayEquals(single.get(i % 4).solution().x(), s.solution().x());
            assertEquals(single.get(i % 4).solution().iterations(), s.solution().iterations());
            assertSame(singleGradients.get(i % 4), (Gradients) results.get(i)[1]);
        }
    }

    /** Many threads call backward at once on one shared solution, whose lazy caches none has built yet. */
    @ParameterizedTest
    @ValueSource(strings = {"reverse", "forward"})
    void oneSharedSolutionGivesEveryThreadTheSingleThreadedGradients(String mode) throws Exception {
        AltDiffDifferentiator.Mode m = "forward".equals(mode) ? AltDiffDifferentiator.Mode.FORWARD
                : AltDiffDifferentiator.Mode.REVERSE;
        QuadraticProgram qp = RandomQp.paper(7, 14, 3, 5, 0.5);
        Settings settings = Settings.PAPER.withTolerance(1e-8);
        DifferentiableSolution shared = new AltDiffDifferentiator(m).solve(qp, settings, backend());
        DifferentiableSolution reference = new AltDiffDifferentiator(m).solve(qp, settings, backend());
        List<double[]> upstream = new ArrayList<>();
        for (int k = 0; k < CALLS; k++) {
            upstream.add(Gaussian.vector(new Random(100 + k), 14));
        }
        List<Gradients> results = concurrently(call -> shared.backward(upstream.get(call)));
        for (int i = 0; i < CALLS; i++) {
            assertSame(reference.backward(upstream.get(i)), results.get(i));
        }
    }

    /** A batch's result is shared by threads calling backward with their own upstream gradients. */
    @Test
    void oneSharedBatchResultGivesEveryThreadTheSingleThreadedGradients() throws Exception {
        int batch = 3;
        List<QuadraticProgram> problems = new ArrayList<>();
        for (int k = 0; k < batch; k++) {
            problems.add(RandomQp.paper(20 + k, 12, 3, 4, 0.5));
        }
        try (BatchLayer layer = new BatchLayer(backend(), Settings.PAPER.withTolerance(1e-8))) {
            BatchResult result = layer.forward(problems);
            List<double[][]> upstream = new ArrayList<>();
            for (int k = 0; k < CALLS; k++) {
                upstream.add(Gaussian.matrix(new Random(200 + k), batch, 12));
            }
            List<BatchGradients> single = new ArrayList<>();
            for (double[][] v : upstream) {
                single.add(result.backward(v));
            }
            List<BatchGradients> results = concurrently(call -> result.backward(upstream.get(call)));
            for (int i = 0; i < CALLS; i++) {
                for (int b = 0; b < batch; b++) {
                    assertSame(single.get(i).sample(b), results.get(i).sample(b));
                }
            }
        }
    }
}
