package dev.altdiff.core;

import dev.altdiff.api.Gradients;

import java.util.List;

/**
 * The gradients of a batch for the upstream gradients v_b = ∂ℓ/∂x_b.
 *
 * @param samples one entry per sample, in order. For a batch with per-sample matrices every block
 *                the sample has (as {@link dev.altdiff.api.DifferentiableSolution#backward}); for a
 *                {@link SharedBatch} only q, b, h (P, A, G are null here: see {@code shared}). A
 *                sample whose status is not SOLVED has every block filled with 0 or NaN, as
 *                {@link BatchSettings#failedGradients()} says.
 * @param shared  for a {@link SharedBatch}: the gradients of the shared P (n×n, symmetric), A (p×n)
 *                and G (m×n) SUMMED over the samples whose status is SOLVED (the others are left
 *                out; all zeros when none is), which is the gradient of Σ_b ℓ_b with respect to a
 *                parameter the samples share; q, b, h are null. Null for per-sample matrices, and when
 *                {@link BatchResult#backward(double[][], boolean)} was asked not to form them.
 */
public record BatchGradients(List<Gradients> samples, Gradients shared) {

    /** @return sample b's gradients */
    public Gradients sample(int b) {
        return samples.get(b);
    }
}
