package dev.altdiff.examples.bench;

import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Differentiator;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;

import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One timed method run: a differentiator's forward pass ({@link Differentiator#solve}) and its
 * backward pass ({@link DifferentiableSolution#backward}) on one problem. {@code warmups} untimed
 * passes come first, then {@code repeats} timed ones; every pass solves anew (a solution caches
 * what its backward computes, e.g. forward mode's Jacobians, so timing a second backward on the
 * same solution would time a cache). The times reported are the medians of the timed passes; the
 * process's peak resident memory is taken over the timed passes ({@link MemoryProbe}), after a
 * garbage collection that frees the previous trials' buffers (heap and ND4J's off-heap ones).
 */
public final class Trial {
    private Trial() {
    }

    /**
     * @param solution    the last timed pass's solution (for its x, iterations, Jacobians)
     * @param gradients   its backward pass's gradients for the upstream gradient v
     * @param forwardMs   median wall time of the forward passes, ms
     * @param backwardMs  median wall time of the backward passes, ms
     * @param peakRssMb   the process's peak resident set during the timed passes, MiB (NaN where
     *                    {@link MemoryProbe#available()} is false)
     */
    public record Result(DifferentiableSolution solution, Gradients gradients, double forwardMs, double backwardMs,
                  double peakRssMb) {
    }

    /**
     * @throws IllegalArgumentException if warmups &lt; 0 or repeats &lt; 1
     */
    public static Result run(Differentiator differentiator, Settings settings, QuadraticProgram problem, LinearAlgebra la,
                      double[] v, int warmups, int repeats) {
        Timed<DifferentiableSolution, Gradients> t = time(() -> differentiator.solve(problem, settings, la),
                solution -> solution.backward(v), warmups, repeats);
        return new Result(t.solution(), t.gradients(), t.forwardMs(), t.backwardMs(), t.peakRssMb());
    }

    /**
     * A timed trial of any forward pass (S) and backward pass (S to G), e.g. a general objective's
     * ({@link dev.altdiff.core.GeneralAltDiff}); the same protocol as {@link #run}.
     *
     * @param <S> the forward pass's result
     * @param <G> the backward pass's result
     */
    record Timed<S, G>(S solution, G gradients, double forwardMs, double backwardMs, double peakRssMb) {
    }

    /**
     * Runs {@code warmups} untimed and {@code repeats} timed passes of {@code solve} followed by
     * {@code backward}, each pass solving anew.
     *
     * @throws IllegalArgumentException if warmups &lt; 0 or repeats &lt; 1
     */
    static <S, G> Timed<S, G> time(Supplier<S> solve, Function<S, G> backward, int warmups, int repeats) {
        if (warmups < 0 || repeats < 1) {
            throw new IllegalArgumentException("need warmups >= 0 and repeats >= 1, got " + warmups + " and "
                    + repeats);
        }
        for (int i = 0; i < warmups; i++) {
            backward.apply(solve.get());
        }
        double[] forward = new double[repeats];
        double[] backwardMs = new double[repeats];
        S solution = null;
        G gradients = null;
        // collect the previous trials' garbage first: ND4J's off-heap buffers are freed only when their Java
        // wrappers are collected, so without this they pile up (a full run was OOM-killed at 8.7 GB resident)
        // and inflate the next trial's peak
        System.gc();
        MemoryProbe.resetPeak();
        for (int i = 0; i < repeats; i++) {
            solution = null; // let the previous pass's working set go before the next is built
            gradients = null;
            long t0 = System.nanoTime();
            solution = solve.get();
            long t1 = System.nanoTime();
            gradients = backward.apply(solution);
            long t2 = System.nanoTime();
            forward[i] = (t1 - t0) / 1e6;
            backwardMs[i] = (t2 - t1) / 1e6;
        }
        return new Timed<>(solution, gradients, median(forward), median(backwardMs), MemoryProbe.peakMb());
    }

    /** The median (mean of the two middle values for an even count). */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int k = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[k] : 0.5 * (sorted[k - 1] + sorted[k]);
    }
}
