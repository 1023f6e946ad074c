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

    /**
     * @return the block as one vector: a vector block itself, a matrix block row-major
     *         (entry (i, j) of an r×c block at i·c + j)
     * @throws IllegalArgumentException if the block is absent
     */
    public double[] flat(Block block) {
        double[] vector = switch (block) {
            case q -> q;
            case b -> b;
            case h -> h;
            default -> null;
        };
        if (vector != null) {
            return vector;
        }
        double[][] matrix = switch (block) {
            case P -> P;
            case A -> A;
            case G -> G;
            default -> null;
        };
        if (matrix == null) {
            throw new IllegalArgumentException("gradient block " + block + " is absent");
        }
        int cols = matrix.length == 0 ? 0 : matrix[0].length;
        double[] out = new double[matrix.length * cols];
        for (int i = 0; i < matrix.length; i++) {
            System.arraycopy(matrix[i], 0, out, i * cols, cols);
        }
        return out;
    }
}
