package dev.altdiff.api;

/**
 * The gradient ∂ℓ/∂θ of a scalar loss ℓ(x*(θ)) with respect to each parameter block, given the
 * upstream gradient v = ∂ℓ/∂x. A block is {@code null} when the problem has no such block or the
 * differentiator does not produce it (see {@link Differentiator#blocks()}). Shapes equal those of
 * the problem's blocks; {@code P} is symmetric.
 */
public record Gradients(double[][] P, double[] q, double[][] A, double[] b, double[][] G, double[] h) {

    /** @return whether the block is present */
    public boolean has(Block block) {
        return switch (block) {
            case P -> P != null;
            case q -> q != null;
            case A -> A != null;
            case b -> b != null;
            case G -> G != null;
            case h -> h != null;
        };
    }
}
