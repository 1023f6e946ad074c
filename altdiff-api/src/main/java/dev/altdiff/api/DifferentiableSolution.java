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

    /**
     * The vector-Jacobian product, with the gradients of P, A and G only when asked: a layer whose matrices
     * are fixed data needs those of q, b and h alone, and a differentiator may then skip the matrix sums (for
     * Alt-Diff in reverse mode, about as much work as the rest of the backward pass). The default computes
     * every block and drops P, A, G when they are not asked for.
     *
     * @param v        upstream gradient ∂ℓ/∂x, length n, finite
     * @param matrices whether to give ∂ℓ/∂P, ∂ℓ/∂A, ∂ℓ/∂G (null in the result otherwise)
     * @return ∂ℓ/∂θ per block
     * @throws InvalidProblemException for a wrong length or a non-finite entry (block "v")
     */
    default Gradients backward(double[] v, boolean matrices) {
        Gradients all = backward(v);
        return matrices ? all : new Gradients(null, all.q(), null, all.b(), null, all.h());
    }
}
