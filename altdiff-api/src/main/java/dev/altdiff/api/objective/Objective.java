package dev.altdiff.api.objective;

/**
 * A smooth convex objective f(x; θ) of the general problem {@code minimize f(x; θ) s.t. Ax = b, Gx ≤ h}
 * ({@code ALTDIFF.md} §1, §3): its value, gradient and Hessian in x, its domain, and the mixed
 * derivative M = ∂(∇ₓf)/∂θ (n × dim θ) as the two products M·dθ and Mᵀu, so that reverse mode never
 * forms M. The parameters θ are one named block (e.g. {@code y} for the negative entropy, {@code q}
 * for the quadratic and linear objectives).
 *
 * <p>Contract: f is convex and twice continuously differentiable on its domain, an open convex set;
 * {@link #initialPoint()} lies in it. Every method other than {@link #inDomain} may assume its
 * argument is in the domain. Implementations are immutable (hence thread-safe); users may implement
 * their own.
 */
public interface Objective {

    /** @return the number of variables n */
    int n();

    /** @return a short type name, e.g. {@code entropy} */
    String type();

    /** @return the name of the parameter block θ, e.g. {@code y} */
    String parameterName();

    /** @return a copy of θ */
    double[] parameters();

    /** @return the same objective with θ replaced (same length) */
    Objective withParameters(double[] theta);

    /** @return whether x is in the (open) domain of f; the default: everywhere */
    default boolean inDomain(double[] x) {
        return true;
    }

    /** @return a point of the domain to start from; the default: the origin */
    default double[] initialPoint() {
        return new double[n()];
    }

    /** @return f(x) */
    double value(double[] x);

    /** @return ∇f(x), length n */
    double[] gradient(double[] x);

    /**
     * Adds α∇²f(x) into an n×n row-major buffer (composes cheaply for sums and diagonal Hessians).
     */
    void addHessian(double[] x, double alpha, double[] rowMajor);

    /**
     * @return the diagonal of ∇²f(x) when the Hessian is diagonal (length n), else null (the default).
     *     A diagonal Hessian lets the solver factor H(x) = ∇²f(x) + ρCᵀC, C = [A; G], through the
     *     (p+m)-square matrix I/ρ + C∇²f(x)⁻¹Cᵀ (Woodbury) instead of the n-square H(x)
     */
    default double[] hessianDiagonal(double[] x) {
        return null;
    }

    /** @return M·dθ = (∂(∇f)/∂θ)(x)·dθ, length n */
    double[] mixedTimes(double[] x, double[] dTheta);

    /** @return Mᵀu = (∂(∇f)/∂θ)(x)ᵀ·u, length dim θ */
    double[] mixedTransposeTimes(double[] x, double[] u);
}
