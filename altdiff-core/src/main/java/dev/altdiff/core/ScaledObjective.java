package dev.altdiff.core;

import dev.altdiff.api.objective.Objective;

/**
 * The objective of an equilibrated general program ({@link Equilibration#scale(dev.altdiff.api.objective.ConvexProgram)}):
 * f̄(x̄; θ) = c·f(D x̄; θ) for the caller's f, the variable scaling D (x = D x̄) and the cost scale c:
 * <pre>
 *   ∇f̄(x̄) = c D ∇f(D x̄)    ∇²f̄(x̄) = c D ∇²f(D x̄) D    M̄(x̄) = ∂(∇f̄)/∂θ = c D M(D x̄)
 * </pre>
 * with the same parameters θ as f (so the reverse mode's ∂ℓ/∂θ on the scaled program is the caller's:
 * M̄ᵀū = Mᵀ(c D ū)), the domain {x̄ : D x̄ ∈ dom f} and the initial point D⁻¹x₀. D and c are powers of 2,
 * so every value here is c, D times the caller's exactly (barring under- or overflow): the scaled run
 * evaluates f at the very points x = D x̄ it maps back to.
 */
final class ScaledObjective implements Objective {
    private final Objective f;
    private final double[] d;
    private final double c;

    /**
     * @param d D, length n (not copied: the {@link Equilibration}'s own, never written)
     * @param c the cost scale
     */
    ScaledObjective(Objective f, double[] d, double c) {
        this.f = f;
        this.d = d;
        this.c = c;
    }

    @Override public int n() { return f.n(); }

    @Override public String type() { return f.type(); }

    @Override public String parameterName() { return f.parameterName(); }

    @Override public double[] parameters() { return f.parameters(); }

    @Override public ScaledObjective withParameters(double[] theta) {
        return new ScaledObjective(f.withParameters(theta), d, c);
    }

    /** @return x = D x̄ */
    private double[] x(double[] xBar) {
        double[] x = new double[xBar.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = d[i] * xBar[i];
        }
        return x;
    }

    /** @return c D v, in place (v is a fresh array: the gradients and products f returns are its caller's) */
    private double[] scaled(double[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= c * d[i];
        }
        return v;
    }

    @Override public boolean inDomain(double[] xBar) {
        return f.inDomain(x(xBar));
    }

    @Override public double[] initialPoint() {
        double[] x0 = f.initialPoint();
        double[] out = new double[x0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x0[i] / d[i];
        }
        return out;
    }

    @Override public double value(double[] xBar) {
        return c * f.value(x(xBar));
    }

    @Override public double[] gradient(double[] xBar) {
        return scaled(f.gradient(x(xBar)));
    }

    /** Adds α c D ∇²f(D x̄) D (through an n×n buffer of ∇²f, since f adds its Hessian unscaled). */
    @Override public void addHessian(double[] xBar, double alpha, double[] rowMajor) {
        int n = d.length;
        double[] hessian = new double[n * n];
        f.addHessian(x(xBar), 1.0, hessian);
        for (int i = 0; i < n; i++) {
            double left = alpha * c * d[i];
            for (int j = 0; j < n; j++) {
                rowMajor[i * n + j] += hessian[i * n + j] * (left * d[j]);
            }
        }
    }

    @Override public double[] hessianDiagonal(double[] xBar) {
        double[] diagonal = f.hessianDiagonal(x(xBar));
        if (diagonal == null) {
            return null;
        }
        double[] out = new double[diagonal.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = diagonal[i] * (c * d[i] * d[i]);
        }
        return out;
    }

    @Override public double[] mixedTimes(double[] xBar, double[] dTheta) {
        return scaled(f.mixedTimes(x(xBar), dTheta));
    }

    @Override public double[] mixedTransposeTimes(double[] xBar, double[] u) {
        return f.mixedTransposeTimes(x(xBar), scaled(u.clone()));
    }
}
