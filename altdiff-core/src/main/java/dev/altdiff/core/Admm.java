package dev.altdiff.core;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;

import java.util.ArrayList;
import java.util.List;

/**
 * The forward pass: ADMM on the slack form Gx + s = h ({@code ALTDIFF.md} §2). Iteration k → k+1,
 * with x using the old s, λ, ν:
 * <pre>
 *   x⁺ = H⁻¹(−q − Aᵀλ − Gᵀν + ρAᵀb + ρGᵀ(h − s))       H = P + ρAᵀA + ρGᵀG (factored once)
 *   s⁺ = max(0, −ν/ρ − (Gx⁺ − h))
 *   λ⁺ = λ + ρ(Ax⁺ − b)
 *   ν⁺ = ν + ρ(Gx⁺ + s⁺ − h)
 * </pre>
 * The run records, per iteration, the mask D_k = 1[s_k &gt; 0] that the Alt-Diff recursion needs and,
 * on request, the iterates that reverse mode needs ({@link Trajectory}).
 */
public final class Admm {
    private Admm() {
    }

    /**
     * The outcome of one ADMM run: the solution, the problem's matrices, the masks D_1..D_K and, when
     * recorded, the trajectory (else null).
     */
    public record Run(QpData data, Solution solution, Matrix x, Matrix lambda, Matrix nu, List<double[]> masks,
                      Trajectory trajectory) {
    }

    /**
     * The iterates k = 1..K that the reverse sweep needs, as row-major arrays: x_k, λ_k and
     * ν̃_k = ν_{k−1} + ρ(Gx_k + s_{k−1} − h) (the multiplier the x-step's ρGᵀ(Gx + s − h) term sees).
     * Memory K·(n + p + m) doubles.
     */
    public record Trajectory(List<double[]> x, List<double[]> lambda, List<double[]> nuTilde) {
    }

    /** Loads the problem into the backend, factors H and runs ADMM without recording the trajectory. */
    public static Run solve(QuadraticProgram problem, Settings settings, LinearAlgebra la) {
        return solve(new QpData(problem, la, settings.rho()), settings, false);
    }

    /**
     * Runs ADMM from zero on already loaded data (whose ρ must equal the settings' ρ).
     *
     * @param record whether to keep the {@link Trajectory} for reverse mode
     */
    public static Run solve(QpData d, Settings settings, boolean record) {
        if (d.rho != settings.rho()) {
            throw new IllegalArgumentException("data factored with rho " + d.rho + ", settings say " + settings.rho());
        }
        LinearAlgebra la = d.la;
        double rho = d.rho;
        // c0 = −q + ρAᵀb + ρGᵀh: the constant part of the x-step's right-hand side
        Matrix c0 = la.copy(d.q);
        la.scale(-1.0, c0);
        if (d.p > 0) {
            la.gemm(rho, d.At, false, d.b, false, 1.0, c0);
        }
        if (d.m > 0) {
            la.gemm(rho, d.Gt, false, d.h, false, 1.0, c0);
        }
        Matrix x = la.zeros(d.n, 1);
        Matrix lambda = d.p > 0 ? la.zeros(d.p, 1) : null;
        Matrix nu = d.m > 0 ? la.zeros(d.m, 1) : null;
        Matrix s = d.m > 0 ? la.zeros(d.m, 1) : null;
        Matrix ax = d.p > 0 ? la.zeros(d.p, 1) : null;
        Matrix gx = d.m > 0 ? la.zeros(d.m, 1) : null;
        double scalePrimal = 1 + Math.max(d.p > 0 ? la.normInf(d.b) : 0, d.m > 0 ? la.normInf(d.h) : 0);
        double scaleDual = 1 + la.normInf(d.q);
        List<double[]> masks = new ArrayList<>();
        Trajectory trajectory = record ? new Trajectory(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()) : null;
        Status status = Status.MAX_ITERATIONS;
        double primal = Double.NaN;
        int k = 0;
        while (k < settings.maxIterations()) {
            k++;
            // x-step: solve H x⁺ = c0 − Aᵀλ − Gᵀ(ν + ρs)
            Matrix rhs = la.copy(c0);
            if (d.p > 0) {
                la.gemm(-1.0, d.At, false, lambda, false, 1.0, rhs);
            }
            if (d.m > 0) {
                Matrix w = la.copy(nu);
                la.axpy(rho, s, w);
                la.gemm(-1.0, d.Gt, false, w, false, 1.0, rhs);
            }
            Matrix xNew = d.H.solve(rhs);
            primal = 0;
            if (d.p > 0) { // λ⁺ = λ + ρ(Ax⁺ − b)
                la.gemm(1.0, d.A, false, xNew, false, 0.0, ax);
                la.axpy(-1.0, d.b, ax);
                la.axpy(rho, ax, lambda);
                primal = la.normInf(ax);
            }
            double dualChange = 0;
            if (d.m > 0) {
                // s⁺ = max(0, h − Gx⁺ − ν/ρ)
                la.gemm(1.0, d.G, false, xNew, false, 0.0, gx);
                if (record) { // ν̃ = ν + ρ(Gx⁺ + s − h)
                    Matrix nuTilde = la.copy(nu);
                    la.axpy(rho, gx, nuTilde);
                    la.axpy(rho, s, nuTilde);
                    la.axpy(-rho, d.h, nuTilde);
                    trajectory.nuTilde().add(nuTilde.toRowMajor());
                }
                Matrix sNew = la.copy(d.h);
                la.axpy(-1.0, gx, sNew);
                la.axpy(-1.0 / rho, nu, sNew);
                la.clampBelow(sNew, 0.0);
                // ν⁺ = ν + ρ(Gx⁺ + s⁺ − h)
                Matrix r = gx;
                la.axpy(1.0, sNew, r);
                la.axpy(-1.0, d.h, r);
                la.axpy(rho, r, nu);
                primal = Math.max(primal, la.normInf(r));
                // dual residual: Px⁺ + q + Aᵀλ⁺ + Gᵀν⁺ = ρGᵀ(s⁺ − s)
                Matrix ds = la.copy(sNew);
                la.axpy(-1.0, s, ds);
                dualChange = rho * la.normInf(la.multiply(d.Gt, ds));
                s = sNew;
                masks.add(indicatorPositive(s));
            } else {
                masks.add(new double[0]);
            }
            if (record) {
                trajectory.x().add(xNew.toRowMajor());
                trajectory.lambda().add(d.p > 0 ? lambda.toRowMajor() : new double[0]);
                if (d.m == 0) {
                    trajectory.nuTilde().add(new double[0]);
                }
            }
            Matrix dx = la.copy(xNew);
            la.axpy(-1.0, x, dx);
            double change = la.normFrobenius(dx);
            double size = la.normFrobenius(xNew);
            x = xNew;
            boolean done = settings.truncation() == Truncation.RELATIVE_CHANGE
                    ? change <= settings.tolerance() * size
                    : primal <= settings.tolerance() * scalePrimal && dualChange <= settings.tolerance() * scaleDual;
            if (done) {
                status = Status.SOLVED;
                break;
            }
        }
        double dual = stationarityResidual(d, x, lambda, nu);
        double[] empty = new double[0];
        Solution solution = new Solution(x.toRowMajor(), lambda == null ? empty : lambda.toRowMajor(),
                nu == null ? empty : nu.toRowMajor(), s == null ? empty : s.toRowMajor(), status, k, primal, dual,
                d.objective(x));
        return new Run(d, solution, x, lambda, nu, List.copyOf(masks), trajectory);
    }

    /** @return ‖Px + q + Aᵀλ + Gᵀν‖∞, computed directly */
    static double stationarityResidual(QpData d, Matrix x, Matrix lambda, Matrix nu) {
        LinearAlgebra la = d.la;
        Matrix r = la.copy(d.q);
        if (d.P != null) {
            la.gemm(1.0, d.P, false, x, false, 1.0, r);
        }
        if (d.p > 0) {
            la.gemm(1.0, d.At, false, lambda, false, 1.0, r);
        }
        if (d.m > 0) {
            la.gemm(1.0, d.Gt, false, nu, false, 1.0, r);
        }
        return la.normInf(r);
    }

    private static double[] indicatorPositive(Matrix s) {
        double[] values = s.toRowMajor();
        for (int i = 0; i < values.length; i++) {
            values[i] = values[i] > 0 ? 1.0 : 0.0;
        }
        return values;
    }
}
