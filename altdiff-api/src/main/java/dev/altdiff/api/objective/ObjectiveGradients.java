package dev.altdiff.api.objective;

/**
 * The gradient ∂ℓ/∂· of a scalar loss ℓ(x*) for a {@link ConvexProgram}, given v = ∂ℓ/∂x: the
 * objective's parameter block θ (length dim θ, named by {@link Objective#parameterName()}) and the
 * constraint data (null when the problem lacks the block).
 */
public record ObjectiveGradients(double[] theta, double[][] A, double[] b, double[][] G, double[] h) {
}
