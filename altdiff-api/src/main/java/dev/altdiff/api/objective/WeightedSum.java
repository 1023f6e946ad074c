package dev.altdiff.api.objective;

import dev.altdiff.api.InvalidProblemException;

import java.util.List;

/**
 * f(x; θ) = Σⱼ wⱼ fⱼ(x; θⱼ) with fixed weights wⱼ ≥ 0; θ is the concatenation (θ₁, θ₂, …) and the
 * parameter block is named by the terms' names joined with '+', e.g. {@code y+q}. The domain is the
 * intersection of the terms' domains; the initial point is the first term's.
 */
public final class WeightedSum implements Objective {
    private final List<Objective> terms;
    private final double[] weights;
    private final int[] offsets;

    public WeightedSum(List<Objective> terms, double[] weights) {
        if (terms == null || terms.isEmpty() || weights == null || weights.length != terms.size()) {
            throw new InvalidProblemException("f", -1, -1, "a weighted sum needs one weight per term");
        }
        this.terms = List.copyOf(terms);
        this.weights = weights.clone();
        this.offsets = new int[terms.size() + 1];
        int n = terms.get(0).n();
        for (int j = 0; j < terms.size(); j++) {
            if (terms.get(j).n() != n) {
                throw new InvalidProblemException("f", j, -1, "term " + j + " has n = " + terms.get(j).n()
                        + ", expected " + n);
            }
            if (!(weights[j] >= 0) || Double.isInfinite(weights[j])) {
                throw new InvalidProblemException("f", j, -1, "weight " + j + " must be finite and >= 0");
            }
            offsets[j + 1] = offsets[j] + terms.get(j).parameters().length;
        }
    }

    public List<Objective> terms() { return terms; }

    public double[] weights() { return weights.clone(); }

    @Override public int n() { return terms.get(0).n(); }

    @Override public String type() { return "sum"; }

    @Override public String parameterName() {
        StringBuilder sb = new StringBuilder();
        for (Objective t : terms) {
            sb.append(sb.length() == 0 ? "" : "+").append(t.parameterName());
        }
        return sb.toString();
    }

    @Override public double[] parameters() {
        double[] out = new double[offsets[terms.size()]];
        for (int j = 0; j < terms.size(); j++) {
            double[] t = terms.get(j).parameters();
            System.arraycopy(t, 0, out, offsets[j], t.length);
        }
        return out;
    }

    @Override public WeightedSum withParameters(double[] theta) {
        Checks.length(parameterName(), theta, offsets[terms.size()]);
        Objective[] next = new Objective[terms.size()];
        for (int j = 0; j < next.length; j++) {
            next[j] = terms.get(j).withParameters(part(theta, j));
        }
        return new WeightedSum(List.of(next), weights);
    }

    private double[] part(double[] theta, int j) {
        double[] out = new double[offsets[j + 1] - offsets[j]];
        System.arraycopy(theta, offsets[j], out, 0, out.length);
        return out;
    }

    @Override public boolean inDomain(double[] x) {
        for (Objective t : terms) {
            if (!t.inDomain(x)) {
                return false;
            }
        }
        return true;
    }

    @Override public double[] initialPoint() {
        return terms.get(0).initialPoint();
    }

    @Override public double value(double[] x) {
        double f = 0;
        for (int j = 0; j < terms.size(); j++) {
            f += weights[j] * terms.get(j).value(x);
        }
        return f;
    }

    @Override public double[] gradient(double[] x) {
        double[] g = new double[x.length];
        for (int j = 0; j < terms.size(); j++) {
            double[] gj = terms.get(j).gradient(x);
            for (int i = 0; i < g.length; i++) {
                g[i] += weights[j] * gj[i];
            }
        }
        return g;
    }

    @Override public void addHessian(double[] x, double alpha, double[] rowMajor) {
        for (int j = 0; j < terms.size(); j++) {
            terms.get(j).addHessian(x, alpha * weights[j], rowMajor);
        }
    }

    /** @return the weighted sum of the terms' diagonals when every term has one, else null */
    @Override public double[] hessianDiagonal(double[] x) {
        double[] d = new double[x.length];
        for (int j = 0; j < terms.size(); j++) {
            double[] dj = terms.get(j).hessianDiagonal(x);
            if (dj == null) {
                return null;
            }
            for (int i = 0; i < d.length; i++) {
                d[i] += weights[j] * dj[i];
            }
        }
        return d;
    }

    @Override public double[] mixedTimes(double[] x, double[] dTheta) {
        double[] out = new double[x.length];
        for (int j = 0; j < terms.size(); j++) {
            double[] o = terms.get(j).mixedTimes(x, part(dTheta, j));
            for (int i = 0; i < out.length; i++) {
                out[i] += weights[j] * o[i];
            }
        }
        return out;
    }

    @Override public double[] mixedTransposeTimes(double[] x, double[] u) {
        double[] out = new double[offsets[terms.size()]];
        for (int j = 0; j < terms.size(); j++) {
            double[] o = terms.get(j).mixedTransposeTimes(x, u);
            for (int i = 0; i < o.length; i++) {
                out[offsets[j] + i] = weights[j] * o[i];
            }
        }
        return out;
    }
}
