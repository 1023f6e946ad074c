package dev.altdiff.core;

import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Limits;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A batched Alt-Diff layer: the forward pass (ADMM, {@link Admm}) and the backward pass (the reverse
 * sweep, {@link ReverseSweep}) for B problems at once, in two modes.
 * <ul>
 *   <li>{@link #forward(SharedBatch)}: the samples share P (n×n), A (p×n) and G (m×n) and have their
 *       own q_b (n), b_b (p), h_b (m). H = P + ρAᵀA + ρGᵀG is factored once for the batch; the
 *       iterations run on n×w, p×w, m×w blocks (one solve with w right-hand sides per iteration) in runs of
 *       w ≤ {@link BatchSettings#runColumns()} consecutive samples, which run in parallel on the layer's pool and
 *       share the factors of every ρ they meet; each sample stops at its own K_b. {@code backward} gives per-sample
 *       gradients of q, b, h and the gradients of P, A, G summed over the samples.</li>
 *   <li>{@link #forward(List)}: every sample carries its own matrices; the samples are solved, and
 *       later differentiated, in parallel on the layer's pool ({@link BatchSettings#threads()}: by default
 *       {@code Runtime.availableProcessors()} threads), each by the single-problem path. Results do
 *       not depend on the scheduling.</li>
 * </ul>
 * With a fixed ρ both give, per sample, exactly the x, λ, ν, iterations and gradients of the single-problem layer
 * ({@link AltDiffDifferentiator} in reverse mode) up to the rounding of matrix–matrix versus
 * matrix–vector products; with adaptive ρ a shared batch's run switches ρ for all its columns at once ({@link Admm}),
 * so a sample follows its run's schedule. Neither depends on the number of threads. One sample that does not reach {@link dev.altdiff.api.Status#SOLVED}
 * (the iteration cap; an infeasible sample shows up that way) never fails the batch: it keeps its
 * status, iterations and residuals, and its gradients are 0 or NaN as
 * {@link BatchSettings#failedGradients()} says.
 *
 * <p><b>Warm start</b> ({@link BatchSettings#warmStart()}): sample b starts from the final iterate
 * (x, s, λ, ν) of sample b of the previous forward call (either mode) when that had a sample b of
 * the same dimensions n, p, m with finite values; otherwise from zero. The gradient is then the
 * derivative of the run actually made from that starting point, which is held constant (the
 * recursion's tangents start at zero): after a warm start that stops within a few iterations it
 * is the derivative of those few iterations, which can differ a lot from the derivative at the
 * solution (the implicit KKT gradient). Use warm starts for the forward pass, or with a
 * tolerance tight enough that the warm run still takes many iterations.
 *
 * <p><b>Scaling</b> ({@link Settings#scaling()} &gt; 0, {@link Equilibration}): a shared batch is
 * equilibrated once, with D and E from the shared P, A, G and the cost scale c from P and the largest
 * ‖q_b‖∞ of the batch, so the samples keep sharing one factorization (a sample's iterates then
 * differ from its single-problem run, whose c comes from its own q alone); per-sample problems are
 * each equilibrated on their own, exactly as the single-problem path. Solutions, warm starts and
 * gradients are mapped between the caller's and the scaled problems.
 *
 * <p>Memory: the backward pass keeps every sample's iterates, Σ_b K_b·(n + p + m) doubles. A caller
 * that will not differentiate declares it with {@link #forwardOnly(SharedBatch)} or
 * {@link #forwardOnly(List)}: the same solutions, bit for bit, with nothing recorded (the memory is
 * the problem's and the factor's), and a {@link BatchResult#backward} that throws.
 *
 * <p>Thread safety (the contract of {@link dev.altdiff.api the api package}): a layer may be shared by
 * many threads. Forward calls are serialized (the warm-start memory is per layer), so with warm starts
 * off each caller gets exactly a single thread's result; a {@link BatchResult} is immutable and its
 * {@code backward} may run in many threads at once. {@link #close()} stops the thread pool.
 */
public final class BatchLayer implements AutoCloseable {
    private final LinearAlgebra backend;
    private final Settings settings;
    private final BatchSettings options;
    private final int threads;
    private ExecutorService pool;
    private List<Admm.Start> previous = List.of();

    /** A layer with {@link BatchSettings#DEFAULTS} (zero gradients for failed samples, no warm start). */
    public BatchLayer(LinearAlgebra backend, Settings settings) {
        this(backend, settings, BatchSettings.DEFAULTS);
    }

    public BatchLayer(LinearAlgebra backend, Settings settings, BatchSettings options) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.options = Objects.requireNonNull(options, "options");
        this.threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
    }

    public LinearAlgebra backend() { return backend; }

    public Settings settings() { return settings; }

    public BatchSettings options() { return options; }

    /**
     * Solves B problems that share P, A, G: one factorization, matrix–matrix iterations.
     *
     * @return per-sample solutions; {@code backward(v)} with v B×n
     * @throws InvalidProblemException for invalid shared data (sample −1: a shape or a non-finite
     *         entry of P, A, G, P not symmetric or not PSD, H singular) or an invalid q_b, b_b, h_b
     *         (naming the block, the index and the sample)
     */
    public BatchResult forward(SharedBatch batch) {
        return solve(batch, Admm.Recording.TRAJECTORY);
    }

    /**
     * {@link #forward(SharedBatch)} recording what {@link BatchResult#backward(double[][], boolean)
     * backward(v, sharedMatrices)} needs: with {@code sharedMatrices} false (P, A, G are fixed data, not learned)
     * only the masks D_k, m bytes per sample and iteration (the full record adds the iterates, min(n, p + m) + p + m
     * doubles), and no iterate is copied out of the iteration's blocks; {@code backward(v, true)} on such a result
     * throws {@link IllegalStateException}.
     *
     * @throws InvalidProblemException as {@link #forward(SharedBatch)}
     */
    public BatchResult forward(SharedBatch batch, boolean sharedMatrices) {
        return solve(batch, sharedMatrices ? Admm.Recording.TRAJECTORY : Admm.Recording.MASKS);
    }

    /**
     * {@link #forward(SharedBatch)} without recording the iterates: the same solutions (and warm-start
     * memory), in the memory of the problem and its factor alone. {@code backward} on the result throws
     * {@link IllegalStateException}.
     *
     * @throws InvalidProblemException as {@link #forward(SharedBatch)}
     */
    public BatchResult forwardOnly(SharedBatch batch) {
        return solve(batch, Admm.Recording.NONE);
    }

    /** @param recording what to keep for the backward pass */
    private synchronized BatchResult solve(SharedBatch batch, Admm.Recording recording) {
        Objects.requireNonNull(batch, "batch");
        int size = batch.size();
        if (size == 0) {
            throw new InvalidProblemException("q", -1, -1, "the batch has no samples (q has no rows)");
        }
        int n = dimension(batch);
        QuadraticProgram.Builder builder = QuadraticProgram.builder(n).name("shared").P(batch.P());
        if (batch.A() != null) {
            builder.equalities(batch.A(), new double[batch.A().length]);
        }
        if (batch.G() != null) {
            builder.inequalities(batch.G(), new double[batch.G().length]);
        }
        QuadraticProgram shared = builder.build();
        Limits.require(shared, settings, Limits.Gradient.NONE);
        int p = shared.p();
        int m = shared.m();
        checkRows("q", batch.q(), size, n);
        checkRows("b", batch.b(), size, p);
        checkRows("h", batch.h(), size, m);
        Equilibration scaling = Equilibration.of(shared, List.of(batch.q()), settings.scaling());
        // the set-up is reused from an earlier call with the same matrices and factors (QpData#load)
        QpData data = QpData.load(scaling.scale(shared), backend, settings.rho(), settings.equalityRhoScale(),
                settings.sigma(), settings.xStep(), scaling);
        double[][] q = scaling.rowsOf(batch.q(), scaling::q);
        double[][] b = p > 0 ? scaling.rowsOf(batch.b(), scaling::b) : null;
        double[][] h = m > 0 ? scaling.rowsOf(batch.h(), scaling::h) : null;
        List<Admm.Start> starts = starts(size, n, p, m);
        if (starts != null) {
            starts.replaceAll(scaling::scale);
        }
        // runs of at most runColumns consecutive samples, in parallel (BatchSettings#runColumns)
        int[] bounds = options.runBounds(size);
        ExecutorService runPool = bounds.length > 2 ? pool() : null;
        List<Admm.BatchRun> runs = BatchResult.parallel(runPool, bounds.length - 1, k -> {
            int from = bounds[k];
            int to = bounds[k + 1];
            return Admm.solveBatch(data, columns(q, from, to, n), p > 0 ? columns(b, from, to, p) : null,
                    m > 0 ? columns(h, from, to, m) : null, starts == null ? null : starts.subList(from, to), settings,
                    recording);
        });
        List<Solution> scaledSolutions = new ArrayList<>();
        for (Admm.BatchRun run : runs) {
            for (Admm.Column column : run.columns()) {
                scaledSolutions.add(column.solution());
            }
        }
        // unscaling recomputes the residuals on the caller's P, A, G, for all samples at once
        List<Solution> solutions = scaling.unscale(scaledSolutions, shared, batch.q(), batch.b(), batch.h());
        BatchResult result = BatchResult.shared(runs, scaling, solutions, options.failedGradients(), runPool,
                recording != Admm.Recording.NONE);
        remember(result);
        return result;
    }

    /**
     * Solves B problems with their own matrices, in parallel (each by the single-problem path).
     *
     * @return per-sample solutions; {@code backward(v)} with v B×n_b
     * @throws InvalidProblemException when a sample's P is not PSD or its H singular (naming the sample)
     */
    public BatchResult forward(List<QuadraticProgram> problems) {
        return solve(problems, true);
    }

    /**
     * {@link #forward(List)} without recording the iterates: the same solutions (and warm-start
     * memory), in the memory of the problems and their factors alone. {@code backward} on the result
     * throws {@link IllegalStateException}.
     *
     * @throws InvalidProblemException as {@link #forward(List)}
     */
    public BatchResult forwardOnly(List<QuadraticProgram> problems) {
        return solve(problems, false);
    }

    /** @param record whether to keep the masks and trajectories the backward pass needs */
    private synchronized BatchResult solve(List<QuadraticProgram> problems, boolean record) {
        Objects.requireNonNull(problems, "problems");
        if (problems.isEmpty()) {
            throw new InvalidProblemException("n", -1, -1, "the batch has no samples");
        }
        for (int c = 0; c < problems.size(); c++) {
            Objects.requireNonNull(problems.get(c), "sample " + c + " is null");
            Limits.require(problems.get(c), settings, Limits.Gradient.NONE);
        }
        List<Admm.Start> starts = new ArrayList<>();
        for (int c = 0; c < problems.size(); c++) {
            QuadraticProgram qp = problems.get(c);
            starts.add(start(c, qp.n(), qp.p(), qp.m()));
        }
        List<BatchResult.Sample> samples = BatchResult.parallel(problems.size() == 1 ? null : pool(), problems.size(),
                c -> {
                    QuadraticProgram problem = problems.get(c);
                    QpData data;
                    try {
                        data = QpData.load(problem, backend, settings);
                    } catch (InvalidProblemException e) {
                        throw e.inSample(c);
                    }
                    Equilibration scaling = data.scaling;
                    Admm.Run run = Admm.solve(data, settings, record, scaling.scale(starts.get(c)));
                    return new BatchResult.Sample(run, scaling, scaling.unscale(run.solution(), problem));
                });
        BatchResult result = BatchResult.perSample(samples, options.failedGradients(), pool(), record);
        remember(result);
        return result;
    }

    /** Stops the thread pool of the per-sample mode (results already returned stay usable on one thread). */
    @Override public synchronized void close() {
        if (pool != null) {
            pool.shutdown();
            pool = null;
        }
    }

    /**
     * @return the layer's pool, made on first use: a fork-join pool of {@link BatchSettings#threads()} daemon threads,
     *         on which the JVM kernel does not split a product again ({@link dev.altdiff.api.linalg.JvmBlas}): the
     *         runs or samples already keep every core busy
     */
    private synchronized ExecutorService pool() {
        if (pool == null) {
            AtomicInteger count = new AtomicInteger();
            ClassLoader loader = Thread.currentThread().getContextClassLoader(); // as a plain thread would inherit
            ForkJoinPool.ForkJoinWorkerThreadFactory factory = forkJoin -> {
                ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(forkJoin);
                t.setName("altdiff-batch-" + count.incrementAndGet());
                t.setDaemon(true);
                t.setContextClassLoader(loader);
                return t;
            };
            pool = new ForkJoinPool(threads, factory, null, false);
        }
        return pool;
    }

    private void remember(BatchResult result) {
        List<Admm.Start> next = new ArrayList<>();
        for (Solution s : result.solutions()) {
            next.add(Admm.Start.of(s));
        }
        previous = next;
    }

    private List<Admm.Start> starts(int size, int n, int p, int m) {
        if (!options.warmStart()) {
            return null;
        }
        List<Admm.Start> out = new ArrayList<>();
        for (int c = 0; c < size; c++) {
            out.add(start(c, n, p, m));
        }
        return out;
    }

    private Admm.Start start(int c, int n, int p, int m) {
        if (!options.warmStart() || c >= previous.size()) {
            return null;
        }
        Admm.Start s = previous.get(c);
        return s.fits(n, p, m) ? s : null;
    }

    /** @return n from the first of P, A, G, q₀ that is given */
    private static int dimension(SharedBatch batch) {
        if (batch.P() != null) {
            return batch.P().length;
        }
        for (double[][] block : new double[][][]{batch.A(), batch.G(), batch.q()}) {
            if (block != null && block.length > 0 && block[0] != null) {
                return block[0].length;
            }
        }
        throw new InvalidProblemException("q", -1, -1, 0, "sample 0: q is missing");
    }

    /** @return the len×(to − from) matrix whose columns are rows[from..to−1] */
    private Matrix columns(double[][] rows, int from, int to, int len) {
        return Admm.fromColumns(backend, java.util.Arrays.copyOfRange(rows, from, to), len);
    }

    /** Checks that rows holds B rows of length len, finite (none when len is 0). */
    private static void checkRows(String block, double[][] rows, int size, int len) {
        if (rows == null) {
            if (len == 0) {
                return;
            }
            throw new InvalidProblemException(block, -1, -1, block + " is missing: the batch needs one row per sample");
        }
        if (rows.length != size) {
            throw new InvalidProblemException(block, -1, -1, block + " has " + rows.length
                    + " rows, expected the batch size " + size + " (the number of rows of q)");
        }
        for (int c = 0; c < size; c++) {
            double[] row = rows[c];
            if (row == null || row.length != len) {
                throw new InvalidProblemException(block, -1, -1, c, "sample " + c + ": " + block + " has length "
                        + (row == null ? "null" : String.valueOf(row.length)) + ", expected " + len);
            }
            for (int i = 0; i < len; i++) {
                if (!Double.isFinite(row[i])) {
                    throw new InvalidProblemException(block, i, -1, c, "sample " + c + ": " + block + "[" + i
                            + "] is not finite (" + row[i] + ")");
                }
            }
        }
    }
}
