package dev.altdiff.core;

import dev.altdiff.api.linalg.Factorization;

/**
 * The x-step of ADMM for a general smooth convex f ({@code ALTDIFF.md} §2, general case):
 * x⁺ = argmin φ(x) with
 * <pre>
 *   φ(x) = f(x) + λᵀAx + νᵀGx + (ρ_eq/2)‖Ax − b‖² + (ρ/2)‖Gx + s − h‖²
 *   ∇φ(x) = ∇f(x) + Aᵀ(λ + ρ_eq(Ax − b)) + Gᵀ(ν + ρ(Gx + s − h)),   ∇²φ(x) = H(x) = ∇²f(x) + ρ_eqAᵀA + ρGᵀG
 * </pre>
 * (ρ and ρ_eq those of the data d), by damped Newton, warm-started from the previous x (whose factor of H
 * is reused for the first step, since H does not depend on λ, ν, s; it does depend on ρ, so after a
 * switch of the adaptive ρ the caller passes no factor). Each step halves t until x + tΔx is in dom f, then
 * backtracks on the Armijo condition φ(x + tΔx) ≤ φ(x) + 10⁻⁴·t·∇φᵀΔx (skipped once the predicted
 * decrease −∇φᵀΔx is at the rounding level of φ, where the test is meaningless and the full step is
 * the quadratically convergent one). The loop stops, without stepping, when the Newton step is
 * small: ‖Δx‖∞ ≤ τ(1 + ‖x‖∞), or when it stagnates at the rounding floor (‖Δx‖∞ ≤ 10⁻⁸(1 + ‖x‖∞)
 * and no halving since the previous step). So the returned factor is that of H at the returned
 * x⁺ itself, which the Jacobian recursion needs ({@code ALTDIFF.md} §3).
 */
final class NewtonXStep {
    /** Newton iterations per x-step at most. */
    static final int MAX_NEWTON = 50;

    /** x⁺ with Ax⁺, Gx⁺, the factor of H(x⁺) and the number of factorizations done. */
    record Result(double[] x, double[] ax, double[] gx, Factorization factor, int factorizations) {
    }

    private NewtonXStep() {
    }

    /**
     * @param x0     start in dom f
     * @param f0     the factor of H(x0) at d's ρ, or null
     * @param tol    τ of the stopping rule
     */
    static Result solve(GeneralData d, double[] x0, Factorization f0, double[] lambda, double[] nu, double[] s,
                        double tol) {
        int n = d.n;
        double[] x = x0.clone();
        Factorization factor = f0;
        int factorizations = 0;
        if (factor == null) {
            factor = d.factor(x);
            factorizations++;
        }
        double[] ax = Vectors.times(d.a, d.p, n, x);
        double[] gx = Vectors.times(d.g, d.m, n, x);
        double previousStep = Double.POSITIVE_INFINITY;
        for (int it = 0; ; it++) {
            double[] grad = gradient(d, x, ax, gx, lambda, nu, s);
            double[] dx = d.solve(factor, grad);
            for (int i = 0; i < n; i++) {
                dx[i] = -dx[i];
            }
            double step = Vectors.normInf(dx);
            double scale = 1 + Vectors.normInf(x);
            if (step <= tol * scale || step <= 1e-8 * scale && step > 0.5 * previousStep || it == MAX_NEWTON) {
                return new Result(x, ax, gx, factor, factorizations);
            }
            previousStep = step;
            double slope = Vectors.dot(grad, dx);
            double[] adx = Vectors.times(d.a, d.p, n, dx);
            double[] gdx = Vectors.times(d.g, d.m, n, dx);
            double t = 1;
            double[] trial = axpy(x, t, dx);
            while (!d.f.inDomain(trial)) {
                t *= 0.5;
                if (t < 1e-300) {
                    throw new DomainException();
                }
                trial = axpy(x, t, dx);
            }
            double phi0 = phi(d, x, ax, gx, lambda, nu, s);
            if (-slope > 1e-12 * (1 + Math.abs(phi0))) {
                while (phi(d, trial, axpy(ax, t, adx), axpy(gx, t, gdx), lambda, nu, s) > phi0 + 1e-4 * t * slope
                        && t > 1e-12) {
                    t *= 0.5;
                    trial = axpy(x, t, dx);
                }
            }
            if (t < 1) {
                previousStep = Double.POSITIVE_INFINITY; // damped: not yet in the quadratic phase
            }
            x = trial;
            ax = Vectors.times(d.a, d.p, n, x);
            gx = Vectors.times(d.g, d.m, n, x);
            factor = d.factor(x);
            factorizations++;
        }
    }

    /** @return ∇φ(x) */
    static double[] gradient(GeneralData d, double[] x, double[] ax, double[] gx, double[] lambda, double[] nu,
                             double[] s) {
        double[] grad = d.f.gradient(x);
        if (d.p > 0) {
            double[] y = new double[d.p];
            for (int k = 0; k < d.p; k++) {
                y[k] = lambda[k] + d.rhoEq * (ax[k] - d.b[k]);
            }
            Vectors.addTransposeTimes(1.0, d.a, d.p, d.n, y, grad);
        }
        if (d.m > 0) {
            double[] y = new double[d.m];
            for (int i = 0; i < d.m; i++) {
                y[i] = nu[i] + d.rho * (gx[i] + s[i] - d.h[i]);
            }
            Vectors.addTransposeTimes(1.0, d.g, d.m, d.n, y, grad);
        }
        return grad;
    }

    private static double phi(GeneralData d, double[] x, double[] ax, double[] gx, double[] lambda, double[] nu,
                              double[] s) {
        double v = d.f.value(x);
        for (int k = 0; k < d.p; k++) {
            double r = ax[k] - d.b[k];
            v += lambda[k] * ax[k] + 0.5 * d.rhoEq * r * r;
        }
        for (int i = 0; i < d.m; i++) {
            double r = gx[i] + s[i] - d.h[i];
            v += nu[i] * gx[i] + 0.5 * d.rho * r * r;
        }
        return v;
    }

    private static double[] axpy(double[] x, double t, double[] dx) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] + t * dx[i];
        }
        return out;
    }

    /**
     * No damped Newton step stays in the domain of f (its values or derivatives overflow there): the
     * run ends with {@link dev.altdiff.api.Status#NUMERICAL_ERROR} ({@link GeneralAdmm}).
     */
    static final class DomainException extends ArithmeticException {
        DomainException() {
            super("Newton x-step: no step stays in the domain of f");
        }
    }
}
