package dev.altdiff.examples.dl4j;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.core.AltDiff;
import dev.altdiff.core.BatchGradients;
import dev.altdiff.core.BatchLayer;
import dev.altdiff.core.BatchResult;
import dev.altdiff.core.BatchSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * Ramp-constrained generation scheduling under a Gaussian load forecast, by the sequence of QPs of
 * Donti, Amos &amp; Kolter (2017), each solved by Alt-Diff, and differentiated through the last QP.
 *
 * <p>For each day (sample) minimise F(z) = Σ_t f(z_t; μ_t, σ_t) ({@link ExpectedCost}) subject to
 * |z_{t+1} − z_t| ≤ ramp. From z₀ = μ (projected implicitly by the first QP), repeat: solve the QP
 * with P = diag f''(z_k), q = f'(z_k) − f''(z_k)·z_k and the ramp rows G z ≤ h (the Newton model of
 * F; its solution x_k), then z_{k+1} = z_k + α(x_k − z_k) with the largest α ∈ {1, ½, ¼, …} that
 * satisfies Armijo's condition on F, until ‖x_k − z_k‖∞ ≤ the SQP tolerance or the iteration cap.
 * These QPs are solved with warm starts (sample b from the previous QP of sample b) and are not
 * differentiated.
 *
 * <p>{@link #schedule(double[][], double[][], boolean) With differentiation}, one last QP at the
 * final z_K is solved cold (its solution is the schedule returned) and kept for {@link #backward}:
 * the Alt-Diff reverse sweep gives ∂ℓ/∂P (diagonal used) and ∂ℓ/∂q, which the chain rule maps to
 * ∂ℓ/∂μ and ∂ℓ/∂σ with z_K held fixed. At the optimum this is the implicit derivative of the
 * nonlinear problem's solution: the QP's KKT system differentiated at fixed z_K equals the
 * nonlinear KKT system differentiated (f''·dz + ∂f'·d(μ,σ) + Gᵀdν = 0).
 *
 * <p>Each QP is divided by the mean of its diagonal, c = 1/mean(diag P) (P ← cP, q ← cq): the
 * solution does not change, and ADMM with ρ = 1 converges in far fewer iterations when P is of
 * order 1 (f'' reaches several hundred for small σ). Gradients are scaled back by c (x* does not
 * depend on c, so c is held constant).
 */
public final class Scheduler implements AutoCloseable {
    private final ExpectedCost cost;
    private final Settings settings;
    private final int maxSqpIterations;
    private final double sqpTolerance;
    private final double[][] g;
    private final double[] h;
    private final BatchLayer warm;
    private final BatchLayer cold;

    /**
     * @param cost             the cost weights
     * @param hours            the horizon (24)
     * @param ramp             the ramp limit
     * @param backend          the QP backend (ojalgo, nd4j)
     * @param settings         the ADMM settings of every QP
     * @param maxSqpIterations the SQP iteration cap
     * @param sqpTolerance     stop when ‖x_k − z_k‖∞ ≤ this
     */
    public Scheduler(ExpectedCost cost, int hours, double ramp, String backend, Settings settings,
                     int maxSqpIterations, double sqpTolerance) {
        if (hours < 2 || !(ramp > 0) || maxSqpIterations < 1 || !(sqpTolerance > 0)) {
            throw new IllegalArgumentException("need hours >= 2, ramp > 0, SQP iterations >= 1, SQP tolerance > 0");
        }
        this.cost = cost;
        this.settings = settings;
        this.maxSqpIterations = maxSqpIterations;
        this.sqpTolerance = sqpTolerance;
        double[][][] gh = ExpectedCost.ramp(hours, ramp);
        this.g = gh[0];
        this.h = gh[1][0];
        this.warm = new BatchLayer(AltDiff.backend(backend), settings, BatchSettings.DEFAULTS.withWarmStart(true));
        this.cold = new BatchLayer(AltDiff.backend(backend), settings, BatchSettings.DEFAULTS);
    }

    /** @return G of the ramp rows (unit rows) */
    public double[][] g() {
        return g;
    }

    /** @return h of the ramp rows */
    public double[] h() {
        return h;
    }

    public ExpectedCost cost() {
        return cost;
    }

    /**
     * A batch of schedules.
     *
     * @param z             the schedules (B × hours)
     * @param nu            the ramp multipliers of the last QP (B × m), scaled back to the unscaled problem
     * @param sqpIterations the largest SQP iteration count in the batch
     * @param qpIterations  ADMM iterations of the last (differentiated) QP, max over the batch (0 without)
     * @param unsolved      QP solves (all SQP steps and the last QP) that ended neither SOLVED nor TRUNCATED
     *                      (the paper's rule stopping short of the termination test still gives the run's
     *                      gradient; the cap or a certificate does not)
     * @param qpNanos       wall time in the Alt-Diff solver (forward solves; {@link #backward} adds its sweep)
     */
    public record Result(double[][] z, double[][] nu, int sqpIterations, int qpIterations, int unsolved,
                         long qpNanos, Final last) {
    }

    /** What {@link #backward} needs of the last QP. */
    public record Final(double[][] zK, double[][] mu, double[][] sigma, double[] scale, BatchResult qp) {
    }

    /**
     * Schedules every day of the batch.
     *
     * @param mu             forecast means (B × hours)
     * @param sigma          forecast standard deviations (B × hours, > 0)
     * @param differentiable solve the last QP at z_K and keep it for {@link #backward}
     */
    public Result schedule(double[][] mu, double[][] sigma, boolean differentiable) {
        int batch = mu.length;
        int n = mu[0].length;
        double[][] z = new double[batch][];
        for (int b = 0; b < batch; b++) {
            z[b] = mu[b].clone();
            for (int t = 0; t < n; t++) {
                if (!(sigma[b][t] > 0) || !Double.isFinite(mu[b][t])) {
                    throw new IllegalArgumentException("sample " + b + " hour " + t + ": need finite mu and sigma > 0, got "
                            + mu[b][t] + ", " + sigma[b][t]);
                }
            }
        }
        boolean[] done = new boolean[batch];
        double[][] nu = new double[batch][];
        double[] scale = new double[batch];
        int unsolved = 0;
        long nanos = 0;
        int iterations = 0;
        for (int k = 0; k < maxSqpIterations; k++) {
            List<QuadraticProgram> qps = new ArrayList<>(batch);
            for (int b = 0; b < batch; b++) {
                qps.add(model(z[b], mu[b], sigma[b], scale, b));
            }
            long t0 = System.nanoTime();
            BatchResult r = warm.forwardOnly(qps); // the SQP steps are not differentiated
            nanos += System.nanoTime() - t0;
            iterations = k + 1;
            boolean all = true;
            for (int b = 0; b < batch; b++) {
                Solution s = r.solution(b);
                if (!stopped(s.status())) {
                    unsolved++;
                }
                nu[b] = scaled(s.nu(), 1 / scale[b]);
                if (done[b]) {
                    continue;
                }
                double[] x = s.x();
                double step = 0;
                double slope = 0;
                for (int t = 0; t < n; t++) {
                    double d = x[t] - z[b][t];
                    step = Math.max(step, Math.abs(d));
                    slope += cost.first(z[b][t], mu[b][t], sigma[b][t]) * d;
                }
                if (step <= sqpTolerance || !(slope < 0)) {
                    done[b] = true;
                    if (step <= sqpTolerance) {
                        z[b] = x;
                    }
                    continue;
                }
                z[b] = lineSearch(z[b], x, mu[b], sigma[b], slope);
                all = false;
            }
            if (all) {
                break;
            }
        }
        if (!differentiable) {
            return new Result(z, nu, iterations, 0, unsolved, nanos, null);
        }
        double[][] zK = new double[batch][];
        List<QuadraticProgram> qps = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            zK[b] = z[b].clone();
            qps.add(model(zK[b], mu[b], sigma[b], scale, b));
        }
        long t0 = System.nanoTime();
        BatchResult r = cold.forward(qps);
        nanos += System.nanoTime() - t0;
        double[][] out = new double[batch][];
        int maxK = 0;
        for (int b = 0; b < batch; b++) {
            Solution s = r.solution(b);
            if (!stopped(s.status())) {
                unsolved++;
            }
            maxK = Math.max(maxK, s.iterations());
            out[b] = s.x();
            nu[b] = scaled(s.nu(), 1 / scale[b]);
        }
        return new Result(out, nu, iterations, maxK, unsolved, nanos,
                new Final(zK, copy(mu), copy(sigma), scale.clone(), r));
    }

    /**
     * ∂ℓ/∂μ and ∂ℓ/∂σ from ∂ℓ/∂z of the schedules of a differentiable {@link #schedule}.
     *
     * @param result the schedule (with its last QP)
     * @param dz     ∂ℓ/∂z, B × hours
     * @return {∂ℓ/∂μ, ∂ℓ/∂σ}, each B × hours (zero for a sample whose last QP ended neither SOLVED nor TRUNCATED)
     */
    public double[][][] backward(Result result, double[][] dz) {
        Final f = result.last();
        if (f == null) {
            throw new IllegalStateException("the schedule was computed without differentiation");
        }
        BatchGradients grads = f.qp().backward(dz);
        int batch = dz.length;
        int n = dz[0].length;
        double[][] dMu = new double[batch][n];
        double[][] dSigma = new double[batch][n];
        for (int b = 0; b < batch; b++) {
            Gradients gr = grads.sample(b);
            double c = f.scale()[b];
            for (int t = 0; t < n; t++) {
                double z = f.zK()[b][t];
                double mu = f.mu()[b][t];
                double s = f.sigma()[b][t];
                double gp = c * gr.P()[t][t];
                double gq = c * gr.q()[t];
                double d2mu = cost.secondDMu(z, mu, s);
                double d2s = cost.secondDSigma(z, mu, s);
                dMu[b][t] = gp * d2mu + gq * (cost.firstDMu(z, mu, s) - z * d2mu);
                dSigma[b][t] = gp * d2s + gq * (cost.firstDSigma(z, mu, s) - z * d2s);
            }
        }
        return new double[][][]{dMu, dSigma};
    }

    /** The scaled Newton QP of F at z (records the scale of sample b). */
    private QuadraticProgram model(double[] z, double[] mu, double[] sigma, double[] scale, int b) {
        int n = z.length;
        double[] second = new double[n];
        double mean = 0;
        for (int t = 0; t < n; t++) {
            second[t] = cost.second(z[t], mu[t], sigma[t]);
            mean += second[t] / n;
        }
        double c = 1 / mean;
        scale[b] = c;
        double[][] p = new double[n][n];
        double[] q = new double[n];
        for (int t = 0; t < n; t++) {
            p[t][t] = c * second[t];
            q[t] = c * (cost.first(z[t], mu[t], sigma[t]) - second[t] * z[t]);
        }
        return QuadraticProgram.builder(n).name("sqp").P(p).q(q).inequalities(g, h).build();
    }

    private double[] lineSearch(double[] z, double[] x, double[] mu, double[] sigma, double slope) {
        double f0 = cost.expected(z, mu, sigma);
        double alpha = 1;
        double[] trial = new double[z.length];
        for (int i = 0; i < 30; i++) {
            for (int t = 0; t < z.length; t++) {
                trial[t] = z[t] + alpha * (x[t] - z[t]);
            }
            if (cost.expected(trial, mu, sigma) <= f0 + 1e-4 * alpha * slope) {
                return trial;
            }
            alpha /= 2;
        }
        return z;
    }

    private static double[] scaled(double[] v, double c) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = c * v[i];
        }
        return out;
    }

    private static double[][] copy(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }

    @Override
    public void close() {
        warm.close();
        cold.close();
    }

    /** @return whether a QP solve stopped by its rule (SOLVED, or TRUNCATED by the relative-change rule) */
    private static boolean stopped(Status status) {
        return status == Status.SOLVED || status == Status.TRUNCATED;
    }
}
