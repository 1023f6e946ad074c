package dev.altdiff.core;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;

import java.util.ArrayList;
import java.util.List;

/**
 * ADMM on the slack form for a general smooth convex f ({@code ALTDIFF.md} §2): the s, λ, ν updates
 * and the stopping rules are those of {@link Admm}; the x-step is the damped Newton solve of
 * {@link NewtonXStep}, warm-started from the previous x with the previous factor of H(x) (valid
 * because H(x) = ∇²f(x) + ρ_eqAᵀA + ρGᵀG does not depend on s, λ, ν). The equality rows get
 * ρ_eq = {@link Settings#equalityRhoScale()}·ρ as on the QP path ({@code ALTDIFF.md} §8): λ⁺ = λ + ρ_eq(Ax⁺ − b).
 *
 * <p>A separate loop rather than a hook in {@link Admm}: that loop is written for batches of columns
 * sharing one factor of a constant H, which a general f does not have (H(x) differs per column and per
 * iteration), and keeping it untouched keeps the QP path's speed and behaviour. This loop runs one
 * problem on plain arrays (its vector work is O((p+m)n) per iteration, against the O(n³) factorization
 * of H(x) per Newton step, done on the backend).
 *
 * <p><b>Adaptive ρ.</b> With {@link Settings#adaptiveRho()} ρ is reconsidered as on the QP path, by the
 * same code: before iterations 11, 21, … once due under the doubling schedule
 * ({@link Admm.RhoSchedule#reconsidered}), residual balancing proposes a ρ from the iterate's residuals
 * ({@link Admm#proposeRho(double, double[], double[], double[], double[], int)}, with ∇f(x) in the place of
 * Px + q; rounded to 10^(j/4), clamped to [1e-6, 1e6]) and ρ switches
 * when the proposal departs from it by more than {@link Settings#ADAPTIVE_RHO_TOLERANCE}×
 * ({@link Admm.RhoSchedule#departs}). A switch moves the run to {@link GeneralData#withRho} and drops the
 * cached factor of H(x) (H depends on ρ), so the next x-step factors H(x) at the new ρ; λ and ν are the
 * multipliers themselves (not divided by ρ) and carry over unchanged. A recorded run keeps the data (ρ,
 * ρ_eq) of every iteration ({@link Trajectory#data()}), which the derivatives use.
 *
 * <p>Stopping and status: the rules and the termination test of {@link Settings}, decided by
 * {@link Termination#status} as for quadratic programs, with ∇f(x) in the place of Px + q: the dual
 * residual is ‖∇f(x) + Aᵀλ + Gᵀν‖∞ (computed directly), its scale max(‖∇f(x)‖∞, ‖Aᵀλ‖∞, ‖Gᵀν‖∞). This
 * path runs unpolished and without over-relaxation ({@link Settings#polish()} and {@link Settings#alpha()}
 * apply to quadratic programs). The primal
 * infeasibility test of the QP path ({@link Infeasibility#primal}: it involves the constraints only) runs
 * every {@link Settings#INFEASIBILITY_CHECK_INTERVAL} iterations, so a problem with no feasible point ends
 * {@link Status#PRIMAL_INFEASIBLE} with its certificate; unboundedness of a general f is not detected (the
 * run ends at the iteration cap or time limit).
 *
 * <p><b>Ruiz scaling.</b> With {@link Settings#scaling()} &gt; 0 (10 passes in {@link Settings#DEFAULTS}) the
 * run is on the equilibrated program ({@link GeneralData#of}: {@link Equilibration#of(ConvexProgram, int)},
 * {@link Equilibration#scale(ConvexProgram)}): x = D x̄, f̄(x̄) = c·f(D x̄) ({@link ScaledObjective}, the
 * caller's θ), Ā = E_A A D, b̄ = E_A b, Ḡ = E_G G D, h̄ = E_G h, with D, E and c from the QP path's Ruiz passes
 * run with ∇²f(x₀) in the place of P and ∇f(x₀) in the place of q at the start x₀. As on the QP path the
 * iterations, adaptive ρ (on the scaled residuals, as OSQP balances them) and the infeasibility test work on
 * the scaled program, while the termination test is the caller's: it reads the scaled residuals with the
 * row weights 1/E and 1/(cD) ({@link Termination#of(Equilibration, double)}), which for powers of 2 are the
 * caller's residuals exactly. The solution is mapped back ({@link #solution}: x = D x̄, λ = E_A λ̄/c,
 * ν = E_G ν̄/c, s = E_G⁻¹ s̄, objective f̄/c, the certificate); the trajectory keeps the scaled iterates,
 * which {@link GeneralAltDiff} differentiates and maps back.
 * The Newton tolerance is τ = max(10⁻¹⁴, min(10⁻¹⁰, 10⁻³ε)) relative.
 */
public final class GeneralAdmm {
    private GeneralAdmm() {
    }

    /**
     * The iterates k = 1..K reverse mode and forward mode need: x_k, λ_k, ν̃_k = ν_{k−1} + ρ_k(Gx_k + s_{k−1} − h),
     * the masks D_k = 1[s_k &gt; 0] and the data iteration k ran with (its ρ_k and ρ_eq,k; the same object
     * for every iteration of one ρ); also ν_k, s_k and per iteration (‖x_k − x_{k−1}‖₂/‖x_k‖₂, primal
     * residual, elapsed ns since the start, factorizations so far), so that a run can be truncated afterwards ({@link #prefix}).
     * All of the (possibly scaled) program the run works on: x̄_k, λ̄_k, …, its relative change and residual.
     */
    record Trajectory(List<double[]> x, List<double[]> lambda, List<double[]> nuTilde, List<double[]> masks,
                      List<GeneralData> data, List<double[]> nu, List<double[]> s, List<double[]> stats) {
        Trajectory() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        /** @return the first k entries (a prefix: the run truncated at iteration k, with the ρ of each) */
        Trajectory prefix(int k) {
            return new Trajectory(x.subList(0, k), lambda.subList(0, k), nuTilde.subList(0, k), masks.subList(0, k),
                    data.subList(0, k), nu.subList(0, k), s.subList(0, k), stats.subList(0, k));
        }
    }

    /**
     * One run: the data at the starting ρ, the solution, the trajectory (null unless recorded), the factor
     * of H(x_K) (at the last iteration's ρ), the totals of Newton factorizations, and the termination test
     * the run used.
     */
    record Run(GeneralData data, Solution solution, Trajectory trajectory, Factorization lastFactor,
               int factorizations, Termination termination) {
    }

    /** @return the Newton tolerance τ for an ADMM tolerance ε */
    static double newtonTolerance(double epsilon) {
        return Math.max(1e-14, Math.min(1e-10, 1e-3 * epsilon));
    }

    static Run solve(ConvexProgram program, Settings settings, LinearAlgebra la, boolean record, boolean dense) {
        return solve(GeneralData.of(program, la, settings.rho(), settings.equalityRhoScale(), !dense,
                settings.scaling()), settings, record);
    }

    /**
     * Runs ADMM on start's (possibly scaled) program from its objective's initial point, starting at start's
     * ρ (the settings' ρ and scaling are not read: with {@link Settings#adaptiveRho()} off the run keeps
     * start's ρ). The solution is the caller's ({@link #solution}); the trajectory holds the scaled iterates.
     */
    static Run solve(GeneralData start, Settings settings, boolean record) {
        GeneralData d = start;
        int n = d.n;
        int p = d.p;
        int m = d.m;
        double[] x = d.f.initialPoint(); // in the domain: checked by GeneralData.of
        double[] lambda = new double[p];
        double[] nu = new double[m];
        double[] s = new double[m];
        Termination termination = Termination.of(d.scaling, settings.tolerance());
        long deadline = settings.timeLimit() > 0 ? System.nanoTime() + (long) (settings.timeLimit() * 1e9) : 0;
        double tau = newtonTolerance(settings.tolerance());
        Trajectory trajectory = record ? new Trajectory() : null;
        long startTime = System.nanoTime();
        Factorization factor = null;
        int factorizations = 0;
        int switches = 0;
        int currentFirst = 1; // the first iteration of the current ρ
        boolean residualRule = settings.truncation() == Truncation.RESIDUALS;
        for (int k = 1; ; k++) {
            if (settings.adaptiveRho() && Admm.RhoSchedule.reconsidered(k, switches, currentFirst)) {
                double[] r = residuals(d, x, lambda, nu, s, null); // the scaled problem's, as OSQP balances them
                double proposal = Admm.proposeRho(d.rho, new double[]{r[0]}, new double[]{r[1]}, new double[]{r[2]},
                        new double[]{r[3]}, 1);
                if (Admm.RhoSchedule.departs(d.rho, proposal)) {
                    d = d.withRho(proposal);
                    factor = null; // H(x) depends on ρ
                    switches++;
                    currentFirst = k;
                }
            }
            double rho = d.rho;
            double rhoEq = d.rhoEq;
            NewtonXStep.Result step;
            try {
                step = NewtonXStep.solve(d, x, factor, lambda, nu, s, tau);
            } catch (NewtonXStep.DomainException e) { // the last iterate, as a status (issue 18)
                Solution failed = solution(d, residuals(d, x, lambda, nu, s, termination), x, lambda, nu, s,
                        Status.NUMERICAL_ERROR, k - 1, null);
                return new Run(start, failed, trajectory, factor, factorizations, termination);
            }
            factor = step.factor();
            factorizations += step.factorizations();
            double[] xNew = step.x();
            double eps = settings.infeasibilityTolerance();
            double[] dy = eps > 0 && k % Settings.INFEASIBILITY_CHECK_INTERVAL == 0 ? new double[p + m] : null;
            double primal = 0;
            for (int i = 0; i < p; i++) { // λ⁺ = λ + ρ_eq(Ax⁺ − b)
                double r = step.ax()[i] - d.b[i];
                double before = lambda[i];
                lambda[i] += rhoEq * r;
                if (dy != null) {
                    dy[i] = lambda[i] - before;
                }
                primal = Math.max(primal, Math.abs(r));
            }
            double[] nuTilde = new double[m];
            double[] sNew = new double[m];
            double[] mask = new double[m];
            for (int i = 0; i < m; i++) {
                double gx = step.gx()[i];
                nuTilde[i] = nu[i] + rho * (gx + s[i] - d.h[i]);
                sNew[i] = Math.max(0, d.h[i] - gx - nu[i] / rho); // s⁺ = max(0, h − Gx⁺ − ν/ρ)
                double r = gx + sNew[i] - d.h[i];
                double before = nu[i];
                nu[i] = Math.max(0, nu[i] + rho * r); // ν⁺ = ν + ρ(Gx⁺ + s⁺ − h) ≥ 0 (exactly, not to ±ulp)
                if (dy != null) {
                    dy[p + i] = nu[i] - before;
                }
                primal = Math.max(primal, Math.abs(r));
                mask[i] = sNew[i] > 0 ? 1 : 0;
            }
            s = sNew;
            if (record) {
                trajectory.x().add(xNew);
                trajectory.lambda().add(lambda.clone());
                trajectory.nuTilde().add(nuTilde);
                trajectory.masks().add(mask);
                trajectory.data().add(d);
            }
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < n; i++) {
                diff += (xNew[i] - x[i]) * (xNew[i] - x[i]);
                norm += xNew[i] * xNew[i];
            }
            if (record) {
                trajectory.nu().add(nu.clone());
                trajectory.s().add(s.clone());
                trajectory.stats().add(new double[]{Math.sqrt(diff / norm), primal, System.nanoTime() - startTime,
                        factorizations});
            }
            boolean truncated = !residualRule && Math.sqrt(diff) <= settings.tolerance() * Math.sqrt(norm);
            boolean checkpoint = k % Settings.TERMINATION_CHECK_INTERVAL == 0;
            boolean capped = k == settings.maxIterations();
            boolean timedOut = checkpoint && deadline != 0 && System.nanoTime() - deadline > 0;
            x = xNew;
            Infeasibility.Verdict verdict = dy == null ? null : Infeasibility.primal(n, p, m, dy, d.b, d.h, 1, eps,
                    (dLambda, dNu, width) -> {
                        double[] out = new double[n];
                        if (dLambda != null) {
                            Vectors.addTransposeTimes(1.0, start.a, p, n, dLambda, out);
                        }
                        if (dNu != null) {
                            Vectors.addTransposeTimes(1.0, start.g, m, n, dNu, out);
                        }
                        return out;
                    })[0];
            if (checkpoint && residualRule || truncated || capped || timedOut || verdict != null) {
                double[] r = residuals(d, x, lambda, nu, s, termination);
                boolean finite = Double.isFinite(r[0]) && Double.isFinite(r[1]) && Double.isFinite(r[2])
                        && Double.isFinite(r[3]);
                Status status = Termination.status(verdict == null ? null : verdict.status(), finite,
                        termination.passes(r[0], r[1], r[2], r[3]), residualRule, truncated, capped, timedOut);
                if (status != null) {
                    Solution solution = solution(d, r, x, lambda, nu, s, status, k,
                            status == Status.PRIMAL_INFEASIBLE ? verdict.certificate() : null);
                    return new Run(start, solution, trajectory, factor, factorizations, termination);
                }
            }
        }
    }

    /**
     * @return the residuals of the termination test ({@link Termination}) at an iterate of d's (possibly
     *     scaled) program, with ∇f(x) in the place of Px + q: {max(‖Ax − b‖∞, ‖Gx + s − h‖∞),
     *     max(‖Ax‖∞, ‖Gx‖∞, ‖b‖∞, ‖h‖∞), ‖∇f(x) + Aᵀλ + Gᵀν‖∞, max(‖∇f(x)‖∞, ‖Aᵀλ‖∞, ‖Gᵀν‖∞)}, the primal
     *     rows weighted by the test's 1/E and the dual ones by 1/(cD): the caller's residuals, exactly (every
     *     scaled quantity is a power of 2 times the caller's: Āx̄ − b̄ = E_A(Ax − b), ∇f̄(x̄) = cD∇f(x),
     *     Āᵀλ̄ = cDAᵀλ, …); unweighted (the scaled program's own) for a null test
     */
    static double[] residuals(GeneralData d, double[] x, double[] lambda, double[] nu, double[] s,
                              Termination termination) {
        int n = d.n;
        double[] primalWeight = termination == null ? null : termination.primalWeight();
        double[] dualWeight = termination == null ? null : termination.dualWeight();
        double[] ax = Vectors.times(d.a, d.p, n, x);
        double[] gx = Vectors.times(d.g, d.m, n, x);
        double[] ra = new double[d.p];
        for (int i = 0; i < d.p; i++) {
            ra[i] = ax[i] - d.b[i];
        }
        double[] rg = new double[d.m];
        for (int i = 0; i < d.m; i++) {
            rg[i] = gx[i] + s[i] - d.h[i];
        }
        double primal = Math.max(normInf(ra, primalWeight, 0), normInf(rg, primalWeight, d.p));
        double primalScale = Math.max(Math.max(normInf(ax, primalWeight, 0), normInf(gx, primalWeight, d.p)),
                Math.max(normInf(d.b, primalWeight, 0), normInf(d.h, primalWeight, d.p)));
        double[] gradient = d.f.gradient(x);
        double[] atLambda = Vectors.transposeTimes(d.a, d.p, n, lambda);
        double[] gtNu = Vectors.transposeTimes(d.g, d.m, n, nu);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = gradient[i] + atLambda[i] + gtNu[i];
        }
        double dualScale = Math.max(normInf(gradient, dualWeight, 0), Math.max(normInf(atLambda, dualWeight, 0),
                normInf(gtNu, dualWeight, 0)));
        return new double[]{primal, primalScale, normInf(r, dualWeight, 0), dualScale};
    }

    /** @return max over i of weight[offset + i]·|vᵢ| (weight null: 1) */
    private static double normInf(double[] v, double[] weight, int offset) {
        return Dense.colNormInf(v, v.length, 1, weight, offset, new double[1])[0];
    }

    /**
     * The caller's solution at an iterate (x̄, λ̄, ν̄, s̄) of d's (possibly scaled) program, mapped back by
     * d's {@link Equilibration}: x = D x̄, λ = E_A λ̄ / c, ν = E_G ν̄ / c, s = E_G⁻¹ s̄, objective f̄(x̄)/c =
     * f(x), the certificate mapped ({@link Equilibration#certificate}); new arrays.
     *
     * @param r the iterate's residuals weighted by the run's termination test ({@link #residuals}): the
     *          caller's
     */
    static Solution solution(GeneralData d, double[] r, double[] x, double[] lambda, double[] nu, double[] s,
                             Status status, int iterations, dev.altdiff.api.Certificate certificate) {
        Equilibration scaling = d.scaling;
        return new Solution(scaling.x(x.clone()), scaling.lambda(lambda.clone()), scaling.nu(nu.clone()),
                scaling.s(s.clone()), status, iterations, r[0], r[2], scaling.objective(d.f.value(x)),
                scaling.certificate(certificate));
    }
}
