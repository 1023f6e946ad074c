package dev.altdiff.api;

import dev.altdiff.api.linalg.LinearAlgebra;

import java.util.Objects;

/**
 * A differentiable optimization layer: a differentiator bound to a backend and settings.
 * {@link #forward} solves a problem; {@link DifferentiableSolution#backward} on its result maps
 * the upstream gradient v = ∂ℓ/∂x to ∂ℓ/∂θ.
 *
 * <p>Thread safety (the contract of {@link dev.altdiff.api the api package}): a layer is immutable;
 * {@link #forward} may be called from many threads at once on one shared layer, and each caller gets
 * exactly the result a single thread would get (its differentiator and backend must keep the same
 * contract, as every shipped one does).
 */
public final class Layer {
    private final Differentiator differentiator;
    private final LinearAlgebra backend;
    private final Settings settings;

    public Layer(Differentiator differentiator, LinearAlgebra backend, Settings settings) {
        this.differentiator = Objects.requireNonNull(differentiator, "differentiator");
        this.backend = Objects.requireNonNull(backend, "backend");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Solves the problem; call {@code backward(v)} on the result for gradients. */
    public DifferentiableSolution forward(QuadraticProgram problem) {
        return differentiator.solve(Objects.requireNonNull(problem, "problem"), settings, backend);
    }

    /**
     * Solves the problem for its solution only, without the state a backward pass needs
     * ({@link Differentiator#solveForward}): with Alt-Diff no trajectory is kept, so memory stays at the
     * problem's own whatever the number of iterations. Use {@link #forward} when gradients will be asked.
     */
    public Solution solve(QuadraticProgram problem) {
        return differentiator.solveForward(Objects.requireNonNull(problem, "problem"), settings, backend);
    }

    public Differentiator differentiator() { return differentiator; }

    public LinearAlgebra backend() { return backend; }

    public Settings settings() { return settings; }
}
