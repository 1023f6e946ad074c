package dev.altdiff.api.objective;

import dev.altdiff.api.InvalidProblemException;

/**
 * f(x; y) = −yᵀx + Σ xᵢ log xᵢ on x &gt; 0 (the paper's entropy example), θ = y.
 * ∇f = −y + log x + 1, ∇²f = diag(1/x), ∂(∇f)/∂y = −I. Unconstrained minimizer exp(y − 1), the
 * {@link #initialPoint()}; with 1ᵀx = 1 the minimizer is softmax(y).
 */
public final class NegativeEntropy implements Objective {
    private final double[] y;

    public NegativeEntropy(double[] y) {
        this.y = Checks.finite("y", y).clone();
    }

    @Override public int n() { return y.length; }

    @Override public String type() { return "entropy"; }

    @Override public String parameterName() { return "y"; }

    @Override public double[] parameters() { return y.clone(); }

    @Override public NegativeEntropy withParameters(double[] theta) {
        Checks.length("y", theta, y.length);
        return new NegativeEntropy(theta);
    }

    @Override public boolean inDomain(double[] x) {
        for (double v : x) {
            if (!(v > 0) || v == Double.POSITIVE_INFINITY) {
                return false;
            }
        }
        return true;
    }

    @Override public double[] initialPoint() {
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(Math.min(Math.exp(y[i] - 1), 1e6), 1e-300); // in the domain even where exp underflows
        }
        return x;
    }

    @Override public double value(double[] x) {
        double f = 0;
        for (int i = 0; i < x.length; i++) {
            f += x[i] * (Math.log(x[i]) - y[i]);
        }
        return f;
    }

    @Override public double[] gradient(double[] x) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            g[i] = Math.log(x[i]) + 1 - y[i];
        }
        return g;
    }

    @Override public void addHessian(double[] x, double alpha, double[] rowMajor) {
        int n = x.length;
        for (int i = 0; i < n; i++) {
            rowMajor[i * n + i] += alpha / x[i];
        }
    }

    @Override public double[] hessianDiagonal(double[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = 1 / x[i];
        }
        return d;
    }

    @Override public double[] mixedTimes(double[] x, double[] dTheta) {
        double[] out = new double[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = -dTheta[i];
        }
        return out;
    }

    @Override public double[] mixedTransposeTimes(double[] x, double[] u) {
        return mixedTimes(x, u);
    }
}
