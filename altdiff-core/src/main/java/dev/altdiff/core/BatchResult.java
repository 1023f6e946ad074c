package dev.altdiff.core;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * The forward pass of a {@link BatchLayer} over B samples: each sample's {@link Solution} (x, λ, ν,
 * s, status, iterations K_b, residuals, objective) and the backward pass. Immutable; {@link #backward}
 * may be called repeatedly, from any thread, on the result of {@link BatchLayer#forward(SharedBatch)}
 * or {@link BatchLayer#forward(List)}; a result of {@code BatchLayer.forwardOnly} recorded no iterates
 * and has no backward pass ({@link #isDifferentiable()}).
 */
public final class BatchResult {
    /** A shared batch's runs, of consecutive samples ({@link BatchSettings#runColumns()}); null per sample. */
    private final List<Admm.BatchRun> shared;
    private final Equilibration sharedScaling;
    private final List<Sample> samples;
    private final List<Solution> solutions;
    private final BatchSettings.FailedGradients policy;
    private final ExecutorService pool;
    private final boolean differentiable;

    /**
     * One sample of the per-sample mode: its run on the (scaled) problem, the scaling, and the
     * solution mapped back to the sample's problem.
     */
    record Sample(Admm.Run run, Equilibration scaling, Solution solution) {
    }

    private BatchResult(List<Admm.BatchRun> shared, Equilibration sharedScaling, List<Sample> samples,
                        List<Solution> solutions, BatchSettings.FailedGradients policy, ExecutorService pool,
                        boolean differentiable) {
        this.shared = shared;
        this.sharedScaling = sharedScaling;
        this.samples = samples;
        this.solutions = solutions;
        this.policy = policy;
        this.pool = pool;
        this.differentiable = differentiable;
    }

    /**
     * @param runs      the runs on the (scaled) shared data, of consecutive samples in order
     * @param scaling   the batch's equilibration (off: the runs are on the caller's data)
     * @param solutions every column's solution, mapped back to the caller's problem
     * @param pool      where the runs are differentiated in parallel (null: in the calling thread)
     * @param recorded  whether the runs kept the masks and trajectories (false: no backward pass)
     */
    static BatchResult shared(List<Admm.BatchRun> runs, Equilibration scaling, List<Solution> solutions,
                              BatchSettings.FailedGradients policy, ExecutorService pool, boolean recorded) {
        return new BatchResult(List.copyOf(runs), scaling, null, List.copyOf(solutions), policy, pool, recorded);
    }

    /** @param recorded whether the runs kept the masks and trajectories (false: no backward pass) */
    static BatchResult perSample(List<Sample> samples, BatchSettings.FailedGradients policy, ExecutorService pool,
                                 boolean recorded) {
        List<Solution> solutions = new ArrayList<>();
        for (Sample sample : samples) {
            solutions.add(sample.solution());
        }
        return new BatchResult(null, null, List.copyOf(samples), List.copyOf(solutions), policy, pool, recorded);
    }

    /**
     * @return whether {@link #backward} is available: false for a result of
     *         {@code BatchLayer.forwardOnly}, which recorded no iterates
     */
    public boolean isDifferentiable() { return differentiable; }

    /** @return the batch size B */
    public int size() { return solutions.size(); }

    /** @return whether the samples share P, A, G ({@link BatchLayer#forward(SharedBatch)}) */
    public boolean isShared() { return shared != null; }

    /** @return every sample's solution, in order (the arrays are the result's: do not modify them) */
    public List<Solution> solutions() { return solutions; }

    /** @return sample b's solution */
    public Solution solution(int b) { return solutions.get(b); }

    /**
     * The vector-Jacobian products of every sample: the reverse sweep of {@link ReverseSweep}, over
     * exactly the K_b iterations sample b ran (truncation and warm start included). For a
     * {@link SharedBatch} one sweep on n×B blocks; with per-sample matrices the samples' sweeps run
     * in parallel. A sample whose status is neither {@link Status#SOLVED} nor {@link Status#TRUNCATED} is not differentiated: its
     * blocks are filled with 0 or NaN ({@link BatchSettings#failedGradients()}), and in the shared
     * mode it is left out of the summed P, A, G gradients. See {@link BatchGradients} for the layout.
     *
     * @param v B×n: row b is ∂ℓ/∂x_b, finite
     * @throws InvalidProblemException (block "v", with the sample index) for a wrong shape or a
     *         non-finite entry
     * @throws IllegalStateException when the result came from {@code BatchLayer.forwardOnly}
     */
    public BatchGradients backward(double[][] v) {
        return backward(v, true);
    }

    /**
     * As {@link #backward(double[][])}; with {@code sharedMatrices} false a {@link SharedBatch}'s gradients of
     * the shared P, A, G are not formed ({@link BatchGradients#shared()} is null): a layer whose P, A, G are
     * fixed data, not learned, skips their sums over every step of every sample, 2T(n² + 2n(p+m)) flops for
     * T steps in all, more than the sweep itself. Per-sample batches give every block either way.
     *
     * @throws IllegalStateException as {@link #backward(double[][])}, and with {@code sharedMatrices} true on a
     *         result of {@link BatchLayer#forward(SharedBatch, boolean) BatchLayer.forward(batch, false)}, which
     *         recorded the masks alone
     */
    public BatchGradients backward(double[][] v, boolean sharedMatrices) {
        if (!differentiable) {
            throw new IllegalStateException("no backward pass: this result came from BatchLayer.forwardOnly,"
                    + " which records no iterates; solve with BatchLayer.forward to differentiate");
        }
        int batch = size();
        if (v == null || v.length != batch) {
            throw new InvalidProblemException("v", -1, -1, "upstream gradient has "
                    + (v == null ? "no" : String.valueOf(v.length)) + " rows, expected the batch size " + batch);
        }
        for (int c = 0; c < batch; c++) {
            try {
                Vectors.checkUpstream(v[c], solutions.get(c).x().length);
            } catch (InvalidProblemException e) {
                throw e.inSample(c);
            }
        }
        return shared != null ? backwardShared(v, sharedMatrices) : backwardPerSample(v);
    }

    /**
     * @return whether sample c has gradients: its run was {@link Status#SOLVED} or {@link Status#TRUNCATED}
     *     (Alt-Diff differentiates the truncated run, whose gradient error is of the order of x's)
     */
    private boolean solved(int c) {
        Status status = solutions.get(c).status();
        return status == Status.SOLVED || status == Status.TRUNCATED;
    }

    /**
     * The runs' sweeps, in parallel; the gradients of P, A, G are the sums of the runs' sums, added in the runs'
     * order (the same bits whatever the threads).
     */
    private BatchGradients backwardShared(double[][] v, boolean matrices) {
        QpData d = shared.get(0).data();
        Equilibration scaling = sharedScaling;
        double[][] upstream = scaling.rowsOf(v, scaling::upstream);
        int[] first = new int[shared.size()];
        for (int k = 1; k < first.length; k++) {
            first[k] = first[k - 1] + shared.get(k - 1).columns().size();
        }
        List<ReverseSweep.Result> sweeps = parallel(pool, shared.size(), k -> {
            Admm.BatchRun run = shared.get(k);
            int width = run.columns().size();
            boolean[] include = new boolean[width];
            for (int c = 0; c < width; c++) {
                include[c] = solved(first[k] + c);
            }
            return ReverseSweep.sweep(run.data(), run.columns(),
                    Arrays.copyOfRange(upstream, first[k], first[k] + width), include, matrices);
        });
        List<Gradients> samples = new ArrayList<>();
        for (int k = 0; k < sweeps.size(); k++) {
            ReverseSweep.Result r = sweeps.get(k);
            for (int c = 0; c < r.q().length; c++) {
                samples.add(solved(first[k] + c)
                        ? scaling.gradients(new Gradients(null, r.q()[c], null, d.p > 0 ? r.b()[c] : null, null,
                        d.m > 0 ? r.h()[c] : null))
                        : new Gradients(null, fill(d.n), null, d.p > 0 ? fill(d.p) : null, null,
                        d.m > 0 ? fill(d.m) : null));
            }
        }
        if (!matrices) {
            return new BatchGradients(List.copyOf(samples), null);
        }
        ReverseSweep.Result sum = sweeps.get(0);
        for (int k = 1; k < sweeps.size(); k++) {
            addTo(sum.P(), sweeps.get(k).P());
            addTo(sum.A(), sweeps.get(k).A());
            addTo(sum.G(), sweeps.get(k).G());
        }
        return new BatchGradients(List.copyOf(samples),
                scaling.gradients(new Gradients(sum.P(), null, sum.A(), null, sum.G(), null)));
    }

    /** sum ← sum + term, entry by entry (both null for an absent block) */
    private static void addTo(double[][] sum, double[][] term) {
        if (sum == null) {
            return;
        }
        for (int i = 0; i < sum.length; i++) {
            for (int j = 0; j < sum[i].length; j++) {
                sum[i][j] += term[i][j];
            }
        }
    }

    private BatchGradients backwardPerSample(double[][] v) {
        List<Gradients> gradients = parallel(pool, size(), c -> {
            Sample sample = samples.get(c);
            Admm.Run run = sample.run();
            if (solved(c)) {
                return sample.scaling().gradients(ReverseSweep.gradients(run, sample.scaling().upstream(v[c]), true));
            }
            QpData d = run.data();
            boolean matrices = !d.sparse; // a sparse problem's gradients are q, b, h only (ReverseSweep)
            return new Gradients(matrices ? fill(d.n, d.n) : null, fill(d.n),
                    matrices && d.p > 0 ? fill(d.p, d.n) : null, d.p > 0 ? fill(d.p) : null,
                    matrices && d.m > 0 ? fill(d.m, d.n) : null, d.m > 0 ? fill(d.m) : null);
        });
        return new BatchGradients(gradients, null);
    }

    private double value() {
        return policy == BatchSettings.FailedGradients.NAN ? Double.NaN : 0.0;
    }

    private double[] fill(int len) {
        double[] out = new double[len];
        Arrays.fill(out, value());
        return out;
    }

    private double[][] fill(int rows, int cols) {
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = fill(cols);
        }
        return out;
    }

    /**
     * @return task(0..count−1) run on the pool (in the calling thread when the pool is null or shut
     *         down, or count is 1), results in index order; the first failing task's (by index)
     *         unchecked exception or error (an {@link OutOfMemoryError} of a run) is rethrown as is
     */
    static <T> List<T> parallel(ExecutorService pool, int count, IntFunction<T> task) {
        List<T> out = new ArrayList<>(count);
        if (pool == null || pool.isShutdown() || count == 1) {
            for (int c = 0; c < count; c++) {
                out.add(task.apply(c));
            }
            return List.copyOf(out);
        }
        List<Future<T>> futures = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            int index = c;
            futures.add(pool.submit(() -> task.apply(index)));
        }
        Throwable failure = null;
        for (Future<T> f : futures) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException || e.getCause() instanceof Error
                            ? e.getCause() : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(other -> other.cancel(true));
                throw new IllegalStateException("interrupted while solving a batch", e);
            }
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw (RuntimeException) failure;
        }
        return List.copyOf(out);
    }
}
