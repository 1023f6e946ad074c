package dev.altdiff.api;

/**
 * The outcome of a layer's forward pass: the solution, and what is needed to differentiate it.
 * Implementations are immutable after construction except for lazily computed caches, and are
 * safe to call {@link #backward} on repeatedly with different upstream gradients.
 *
 * <p>Thread safety (the contract of {@link dev.altdiff.api the api package}): {@link #backward} may be
 * called from many threads at once on one shared solution; caches are built once under a lock, and
 * every call returns exactly the gradients a single thread would get.
 */
public interface DifferentiableSolution {

    /** @return the forward solution */
    Solution solution();

    /**
     * The vector-Jacobian product for every block the differentiator supports.
     *
     * @param v upstream gradient ∂ℓ/∂x, length n, finite
     * @return ∂ℓ/∂θ per block
     * @throws InvalidProblemException for a wrong length or a non-finite entry (block "v")
     */
    Gradients backward(double[] v);
}
