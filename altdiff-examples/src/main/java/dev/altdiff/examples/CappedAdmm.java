package dev.altdiff.examples;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.Admm;
import dev.altdiff.core.Equilibration;
import dev.altdiff.core.Polisher;
import dev.altdiff.core.QpData;
import dev.altdiff.core.Vectors;

import java.util.function.LongSupplier;

/**
 * The library's ADMM forward solve ({@link Admm}) under a wall-clock limit, for benchmark runs such
 * as {@code altdiff maros}. {@link Settings} has no time limit, so the run is cut into chunks of
 * iterations, each continuing exactly where the previous one stopped ({@link Admm.Start} carries
 * x, s, λ, ν, and the truncation rule compares against the chunk's start, which is the previous
 * iterate; with adaptive ρ the next chunk continues with the last chunk's ρ and factor, and chunks are
 * whole multiples of the check interval so the periodic tests fall on the same iterations): the
 * iterates are the same as in one uninterrupted run. Between chunks the clock is
 * checked; chunks are sized from the measured time per iteration to take about
 * {@value #CHUNK_SECONDS} s (and never more than the time left), so the limit is overshot by at
 * most about one chunk. The limit counts from the start, loading the problem and factoring
 * H = P + ρAᵀA + ρGᵀG included, but that one-off setup cannot be interrupted (its cost is bounded
 * by the caller's size limit); when it alone uses up the limit, the run ends with
 * {@link End#TIME_LIMIT} before the first iteration. Only the forward pass runs (no
 * trajectory is kept), and each chunk's masks are dropped after it, so memory stays at the
 * problem's own.
 *
 * <p>With {@link Settings#polish()} the chunks run without polishing (a polished point would change
 * the next chunk's start) and the final iterate is polished once ({@link Polisher}): when the
 * solver stops, and also when the time limit stops the run, in which case a polished point that
 * passes the residual test (status SOLVED) ends the run as {@link End#SOLVER}. The polish runs after
 * the limit is checked, so it may overshoot the limit by its own cost (one dense LU).
 *
 * <p>With {@link Settings#scaling()} &gt; 0 the problem is equilibrated once ({@link Equilibration},
 * inside the time limit), the chunks and the polish run on the scaled problem, and the final
 * solution is mapped back to the caller's problem (its residuals recomputed there).
 */
public final class CappedAdmm {
    /** Target duration of one chunk of iterations, in seconds. */
    static final double CHUNK_SECONDS = 0.5;
    /** Chunks are whole multiples of this (the interval of the periodic infeasibility and ρ tests). */
    private static final int CHECK_INTERVAL = Settings.INFEASIBILITY_CHECK_INTERVAL;
    /** Iterations of the first chunk, which measures the time per iteration. */
    static final int FIRST_CHUNK = 20;
    /** Upper bound on chunk · m, the doubles of one chunk's masks. */
    private static final long MASK_DOUBLES = 4_000_000L;

    private CappedAdmm() {
    }

    /** How a capped run ended. */
    public enum End { SOLVER, TIME_LIMIT, DIVERGED }

    /**
     * @param solution   the last iterate as a solution (its status is the solver's; its iteration
     *                   count is that of the last chunk only), polished when the settings ask; null
     *                   when the limit passed before the first iteration
     * @param iterations iterations over all chunks
     * @param end        SOLVER: the solver's status stands (SOLVED, MAX_ITERATIONS of the settings'
     *                   cap, or an infeasibility status); TIME_LIMIT; DIVERGED: a non-finite iterate
     * @param seconds    wall-clock time including loading and factoring
     */
    public record Outcome(Solution solution, int iterations, End end, double seconds) {
        /** @return the status for reports: the solver's, or {@code time_limit} or {@code diverged} */
        public String status() {
            return switch (end) {
                case SOLVER -> solution.status().jsonName();
                case TIME_LIMIT -> "time_limit";
                case DIVERGED -> "diverged";
            };
        }
    }

    /**
     * Solves with the settings' iteration cap and a wall-clock limit.
     *
     * @param limitNanos the limit, from the start of this call
     * @param clock      {@link System#nanoTime}, or a test clock
     * @throws dev.altdiff.api.InvalidProblemException when P is not PSD or H is not positive definite
     */
    public static Outcome solve(QuadraticProgram problem, Settings settings, LinearAlgebra la, long limitNanos,
                         LongSupplier clock) {
        long start = clock.getAsLong();
        long deadline = start + limitNanos;
        Equilibration scaling = Equilibration.of(problem, settings.scaling());
        QpData data = new QpData(scaling.scale(problem), la, settings.rho(), scaling);
        Settings chunkSettings = settings.withPolish(false);
        int done = 0;
        Admm.Start from = null;
        Solution last = null;
        long chunk = FIRST_CHUNK;
        long maxChunk = Math.max(1, MASK_DOUBLES / Math.max(1, problem.m()));
        while (true) {
            long now = clock.getAsLong();
            if (now - deadline >= 0) {
                if (last != null && settings.polish()) {
                    last = scaling.unscale(Polisher.polish(data, last, settings), problem);
                    End end = last.status() == Status.SOLVED ? End.SOLVER : End.TIME_LIMIT;
                    return new Outcome(last, done, end, seconds(clock.getAsLong() - start));
                }
                return new Outcome(last == null ? null : scaling.unscale(last, problem), done, End.TIME_LIMIT,
                        seconds(now - start));
            }
            // chunks of whole multiples of the check interval keep the periodic infeasibility and ρ tests on
            // the iterations where an uninterrupted run makes them
            long whole = Math.max(1, Math.min(chunk, maxChunk) / CHECK_INTERVAL) * CHECK_INTERVAL;
            int cap = (int) Math.max(1, Math.min(whole, settings.maxIterations() - (long) done));
            Admm.Run run = Admm.solve(data, chunkSettings.withMaxIterations(cap), false, from);
            data = run.last(); // with adaptive ρ the next chunk continues with the last ρ and factor
            long after = clock.getAsLong();
            last = run.solution();
            done += last.iterations();
            if (!finite(last)) {
                return new Outcome(scaling.unscale(last, problem), done, End.DIVERGED, seconds(after - start));
            }
            if (last.status() != Status.MAX_ITERATIONS || done >= settings.maxIterations()) {
                if (settings.polish()) {
                    last = Polisher.polish(data, last, settings);
                    after = clock.getAsLong();
                }
                return new Outcome(scaling.unscale(last, problem), done, End.SOLVER, seconds(after - start));
            }
            double perIteration = Math.max(1.0, (double) (after - now) / last.iterations());
            long left = deadline - after;
            chunk = (long) Math.max(1, Math.min(CHUNK_SECONDS * 1e9 / perIteration, left / perIteration));
            from = run.continuation(); // the iterate and the adaptive-ρ schedule
        }
    }

    private static boolean finite(Solution s) {
        return Vectors.finite(s.x()) && Vectors.finite(s.lambda()) && Vectors.finite(s.nu()) && Vectors.finite(s.s())
                && Double.isFinite(s.objective());
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
