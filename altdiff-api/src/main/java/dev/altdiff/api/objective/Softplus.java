package dev.altdiff.api.objective;

/**
 * The smooth penalty f(x; c) = Σ softplus(xᵢ − cᵢ) = Σ log(1 + exp(xᵢ − cᵢ)), a smooth version of
 * Σ max(0, xᵢ − cᵢ) (a soft upper bound x ≤ c), θ = c. With σ = logistic(x − c):
 * ∇f = σ, ∇²f = diag(σ(1 − σ)), ∂(∇f)/∂c = −diag(σ(1 − σ)). Convex but not strongly convex: pair it
 * with constraints whose [A; G] has full column rank or with a quadratic term ({@link WeightedSum}).
 */
public final class Softplus implements Objective {
    private final double[] c;

    public Softplus(double[] c) {
        this.c = Checks.finite("c", c).clone();
    }

    @Override public int n() { return c.length; }

    @Override public String type() { return "softplus"; }

    @Override public String parameterName() { return "c"; }

    @Override public double[] parameters() { return c.clone(); }

    @Override public Softplus withParameters(double[] theta) {
        Checks.length("c", theta, c.length);
        return new Softplus(theta);
    }

    private static double logistic(double t) {
        return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
    }

    @Override public double value(double[] x) {
        double f = 0;
        for (int i = 0; i < c.length; i++) {
            double t = x[i] - c[i];
            f += Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
        }
        return f;
    }

    @Override public double[] gradient(double[] x) {
        double[] g = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            g[i] = logistic(x[i] - c[i]);
        }
        return g;
    }

    private double curvature(double[] x, int i) {
        double s = logistic(x[i] - c[i]);
        return s * (1 - s);
    }

    @Override public void addHessian(double[] x, double alpha, double[] rowMajor) {
        int n = c.length;
        for (int i = 0; i < n; i++) {
            rowMajor[i * n + i] += alpha * curvature(x, i);
        }
    }

    @Override public double[] hessianDiagonal(double[] x) {
        double[] d = new double[c.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = curvature(x, i);
        }
        return d;
    }

    @Override public double[] mixedTimes(double[] x, double[] dTheta) {
        double[] out = new double[c.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = -curvature(x, i) * dTheta[i];
        }
        return out;
    }

    @Override public double[] mixedTransposeTimes(double[] x, double[] u) {
        return mixedTimes(x, u);
    }
}
