package dev.altdiff.examples.bench;

import dev.altdiff.api.Block;
import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Differentiator;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.Polish;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.Objective;
import dev.altdiff.core.Admm;
import dev.altdiff.core.GeneralAltDiff;
import dev.altdiff.core.Polisher;
import dev.altdiff.core.QpData;
import dev.altdiff.core.Vectors;
import dev.altdiff.kkt.GeneralKktSolution;
import dev.altdiff.kkt.KktDifferentiator;
import dev.altdiff.kkt.KktSolution;
import dev.altdiff.kkt.SingularKktException;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The KKT reference of {@code altdiff bench} for the QP families: implicit KKT differentiation
 * ({@link KktDifferentiator#at}) at a solution whose residuals pass the {@link Truncation#RESIDUALS}
 * test at ε = {@value #TOLERANCE} (primal ≤ ε(1 + max(‖b‖∞, ‖h‖∞)), dual ≤ ε(1 + ‖q‖∞)), the same
 * test the plain reference ({@link PaperDemo#REFERENCE}: ADMM, ρ = 1, until that test holds) stops on.
 *
 * <p>ADMM at ρ = 1 needs 5 000–10 000 iterations to reach it on the well-conditioned and sparsemax
 * families, so the point is found in stages instead: ADMM (adaptive ρ from 1, the residual rule) to
 * ε = {@link #STAGES}, each stage continuing where the previous one stopped, with its ρ, factor and
 * schedule ({@link Admm.Run#continuation()}), and after each stage the
 * iterate is polished ({@link Polisher}: the KKT system of the active set it suggests, one dense LU).
 * The first polished point that passes the test at {@value #TOLERANCE} and can be differentiated is
 * the reference; otherwise the last stage's iterate (ε = {@value #TOLERANCE}, as
 * {@link PaperDemo#REFERENCE} gives). Either
 * way the residuals of the returned point are reported ({@link Solution#primalResidual()},
 * {@link Solution#dualResidual()}, {@link Solution#polish()}) and {@link Solution#iterations()}
 * counts the ADMM iterations of all stages run.
 *
 * <p><b>Differentiable.</b> A polished point is exact: a row that the active-set guess forced onto
 * Gᵢx = hᵢ with a zero multiplier is weakly active to rounding, and the KKT matrix there is singular
 * ({@link SingularKktException}), where an ADMM iterate still has νᵢ and the slack of order ε. So
 * a polished point is accepted only after one trial factorization of its KKT matrix (its cost, one
 * LU, is part of the reference's forward time; the backward pass factors anew); a singular one is
 * dropped and the stages go on.
 *
 * <p>{@link #generalSolution} does the same for a general smooth objective (the entropy family), with
 * its own polish: Newton's method on the KKT system of the guessed active set.
 */
final class BenchReference implements Differentiator {
    /** The residual tolerance the reference point passes. */
    static final double TOLERANCE = 1e-10;
    /** The stage tolerances of the residual rule; the last is {@link #TOLERANCE}. */
    static final double[] STAGES = {1e-4, 1e-6, 1e-8, TOLERANCE};
    /** Iteration cap over all stages (that of {@link PaperDemo#REFERENCE}). */
    static final int MAX_ITERATIONS = 100_000;

    /**
     * Relative-change tolerances of the general-objective ADMM stages that are polished
     * ({@link #generalSolution}); each stage runs from zero (the general solver takes no start).
     */
    static final double[] GENERAL_STAGES = {1e-4, 1e-6};
    /** Newton steps of the general polish at most (it converges quadratically: a handful suffice). */
    static final int MAX_NEWTON_STEPS = 50;

    @Override public String name() { return "kkt-polished"; }

    @Override public Set<Block> blocks() { return EnumSet.allOf(Block.class); }

    /**
     * @param settings ignored: the reference's settings are fixed (adaptive ρ from 1, residual rule,
     *                 {@link #STAGES})
     */
    @Override
    public DifferentiableSolution solve(QuadraticProgram problem, Settings settings, LinearAlgebra la) {
        Solution point = solution(problem, la);
        KktSolution kkt = KktDifferentiator.at(problem, point.x(), point.lambda(), point.nu(), la);
        return new DifferentiableSolution() {
            @Override public Solution solution() { return point; }

            @Override public Gradients backward(double[] v) { return kkt.backward(v); }
        };
    }

    /** The reference point (see the class comment). */
    static Solution solution(QuadraticProgram problem, LinearAlgebra la) {
        QpData d = new QpData(problem, la, 1.0);
        double scalePrimal = 1 + Math.max(Vectors.normInf(problem.b()), Vectors.normInf(problem.h()));
        double scaleDual = 1 + Vectors.normInf(problem.q());
        Admm.Start start = null;
        int iterations = 0;
        Solution iterate = null;
        for (double eps : STAGES) {
            Settings stage = new Settings(1.0, eps, MAX_ITERATIONS - iterations, Truncation.RESIDUALS)
                    .withAdaptiveRho(true);
            Admm.Run run = Admm.solve(d, stage, false, start);
            iterate = run.solution();
            iterations += iterate.iterations();
            if (iterate.status() != Status.SOLVED) {
                break; // the cap, or an infeasibility certificate: reported as the solver gives it
            }
            Solution polished = Polisher.polish(d, iterate, stage.withTolerance(TOLERANCE));
            if (polished.polish() == Polish.ACCEPTED && polished.primalResidual() <= TOLERANCE * scalePrimal
                    && polished.dualResidual() <= TOLERANCE * scaleDual && differentiable(() ->
                    KktDifferentiator.at(problem, polished.x(), polished.lambda(), polished.nu(), la)
                            .backward(new double[problem.n()]))) {
                return withIterations(polished, iterations);
            }
            d = run.last(); // the next stage continues with this stage's ρ and schedule
            start = run.continuation();
        }
        return withIterations(iterate, iterations);
    }

    private static Solution withIterations(Solution s, int iterations) {
        return new Solution(s.x(), s.lambda(), s.nu(), s.s(), s.status(), iterations, s.primalResidual(),
                s.dualResidual(), s.objective(), s.certificate(), s.polish());
    }

    /**
     * The reference point of a general smooth convex program: ADMM (ρ = 1, Newton x-step, the
     * relative-change rule) at ε = {@link #GENERAL_STAGES}, each run polished ({@link #newtonPolish});
     * the first polished point whose residuals pass primal ≤ ε(1 + max(‖b‖∞, ‖h‖∞)) and dual
     * ≤ ε(1 + ‖∇f(x)‖∞) at ε = {@value #TOLERANCE} (the scales of {@code GeneralAdmm}'s residual rule)
     * is returned, if its KKT matrix is not singular (see the class comment). Otherwise the plain
     * reference: ADMM to relative change ≤ 1e-10 ({@link EntropyDemo#REFERENCE}), which leaves a
     * larger dual residual (5e-8 measured at 200x60x20). The iteration count sums all stages run.
     */
    static Solution generalSolution(ConvexProgram program, Settings reference, LinearAlgebra la) {
        int iterations = 0;
        for (double eps : GENERAL_STAGES) {
            Solution iterate = GeneralAltDiff.solveOnly(program, reference.withTolerance(eps), la);
            iterations += iterate.iterations();
            if (iterate.status() != Status.SOLVED && iterate.status() != Status.TRUNCATED) { // not stopped by its rule
                break;
            }
            Solution polished = newtonPolish(program, iterate, la);
            double[] grad = program.objective().gradient(polished.x());
            if (polished.polish() == Polish.ACCEPTED && polished.primalResidual() <= TOLERANCE * primalScale(program)
                    && polished.dualResidual() <= TOLERANCE * (1 + Vectors.normInf(grad)) && differentiable(() ->
                    new GeneralKktSolution(program, polished, la).backward(new double[program.n()]))) {
                return withIterations(polished, iterations);
            }
        }
        Solution plain = GeneralAltDiff.solveOnly(program, reference, la);
        return withIterations(plain, iterations + plain.iterations());
    }

    /**
     * Polishes an ADMM iterate (x, λ, ν) of a general program: rows i of G with νᵢ + (Gx − h)ᵢ &gt; 0 are
     * taken as active (the rule of {@link Polisher} at ρ = 1); with C = [A; G_act] and d = [b; h_act],
     * Newton's method from (x, μ = (λ, ν_act)) on the KKT system of min f(x) s.t. Cx = d,
     * <pre>
     *   [ ∇²f(x)  Cᵀ ] [Δx]     [ ∇f(x) + Cᵀμ ]
     *   [ C       0  ] [Δμ] = − [ Cx − d       ]
     * </pre>
     * (one dense LU of order n + p + k per step on the backend), the step halved until x + tΔx lies in
     * f's domain and the residual norm falls by at least 1% of t (infeasible-start Newton); it stops when
     * the residual no longer falls, after at most {@value #MAX_NEWTON_STEPS} steps. Then νᵢ = max(0, μᵢ)
     * on the active set, 0 elsewhere, s = max(0, h − Gx).
     *
     * @return the polished point with its residuals (primal max(‖Ax − b‖∞, ‖max(Gx − h, 0)‖∞), dual
     *     ‖∇f(x) + Aᵀλ + Gᵀν‖∞), iteration count 0 and {@link Polish#ACCEPTED}; or the iterate itself
     *     with {@link Polish#FAILED} when a step is not finite or the LU throws
     */
    static Solution newtonPolish(ConvexProgram program, Solution admm, LinearAlgebra la) {
        Objective f = program.objective();
        int n = program.n();
        int p = program.p();
        int m = program.m();
        double[] a = p > 0 ? program.rowMajorA() : new double[0];
        double[] g = m > 0 ? program.rowMajorG() : new double[0];
        double[] b = p > 0 ? program.b() : new double[0];
        double[] h = m > 0 ? program.h() : new double[0];
        double[] x = admm.x().clone();
        double[] gx = m > 0 ? Vectors.times(g, m, n, x) : new double[0];
        int[] active = java.util.stream.IntStream.range(0, m).filter(i -> admm.nu()[i] + gx[i] - h[i] > 0).toArray();
        int r = p + active.length;
        double[] c = new double[r * n];
        double[] d = new double[r];
        double[] mu = new double[r];
        System.arraycopy(a, 0, c, 0, p * n);
        System.arraycopy(b, 0, d, 0, p);
        System.arraycopy(admm.lambda(), 0, mu, 0, p);
        for (int j = 0; j < active.length; j++) {
            System.arraycopy(g, active[j] * n, c, (p + j) * n, n);
            d[p + j] = h[active[j]];
            mu[p + j] = admm.nu()[active[j]];
        }
        int size = n + r;
        double norm = norm2(kktResidual(f, c, r, n, d, x, mu));
        try {
            for (int step = 0; step < MAX_NEWTON_STEPS && norm > 0; step++) {
                double[] k = new double[size * size];
                double[] hessian = new double[n * n];
                f.addHessian(x, 1.0, hessian);
                for (int i = 0; i < n; i++) {
                    System.arraycopy(hessian, i * n, k, i * size, n);
                }
                for (int j = 0; j < r; j++) {
                    for (int i = 0; i < n; i++) {
                        k[(n + j) * size + i] = c[j * n + i]; // C
                        k[i * size + n + j] = c[j * n + i]; // Cᵀ
                    }
                }
                double[] rhs = kktResidual(f, c, r, n, d, x, mu);
                for (int i = 0; i < size; i++) {
                    rhs[i] = -rhs[i];
                }
                double[] delta = la.lu(la.matrix(size, size, k)).solve(la.vector(rhs)).toRowMajor();
                if (!Arrays.stream(delta).allMatch(Double::isFinite)) {
                    return admm.withPolish(Polish.FAILED);
                }
                double t = 1.0;
                double[] xt = axpy(x, t, delta, 0, n);
                while (!f.inDomain(xt) && t > 1e-12) {
                    t /= 2;
                    xt = axpy(x, t, delta, 0, n);
                }
                double[] mut = axpy(mu, t, delta, n, r);
                double normT = f.inDomain(xt) ? norm2(kktResidual(f, c, r, n, d, xt, mut)) : Double.NaN;
                while (!(normT <= (1 - 0.01 * t) * norm) && t > 1e-12) {
                    t /= 2;
                    xt = axpy(x, t, delta, 0, n);
                    mut = axpy(mu, t, delta, n, r);
                    normT = norm2(kktResidual(f, c, r, n, d, xt, mut));
                }
                if (!(normT < norm)) {
                    break; // at the rounding floor
                }
                x = xt;
                mu = mut;
                norm = normT;
            }
        } catch (RuntimeException e) {
            return admm.withPolish(Polish.FAILED);
        }
        double[] lambda = Arrays.copyOf(mu, p);
        double[] nu = new double[m];
        for (int j = 0; j < active.length; j++) {
            nu[active[j]] = Math.max(0, mu[p + j]);
        }
        double[] gxNew = m > 0 ? Vectors.times(g, m, n, x) : new double[0];
        double[] slack = new double[m];
        double primal = p > 0 ? maxAbsDiff(Vectors.times(a, p, n, x), b) : 0;
        for (int i = 0; i < m; i++) {
            slack[i] = Math.max(0, h[i] - gxNew[i]);
            primal = Math.max(primal, gxNew[i] - h[i]);
        }
        double[] stationarity = f.gradient(x);
        Vectors.addTransposeTimes(1.0, a, p, n, lambda, stationarity);
        Vectors.addTransposeTimes(1.0, g, m, n, nu, stationarity);
        return new Solution(x, lambda, nu, slack, Status.SOLVED, 0, primal, Vectors.normInf(stationarity),
                f.value(x), null, Polish.ACCEPTED);
    }

    /** @return false when the trial factorization finds the KKT matrix singular (a weakly active row) */
    private static boolean differentiable(Runnable factorTrial) {
        try {
            factorTrial.run();
            return true;
        } catch (SingularKktException e) {
            return false;
        }
    }

    /** (∇f(x) + Cᵀμ, Cx − d), length n + r. */
    private static double[] kktResidual(Objective f, double[] c, int r, int n, double[] d, double[] x, double[] mu) {
        double[] out = Arrays.copyOf(f.gradient(x), n + r);
        Vectors.addTransposeTimes(1.0, c, r, n, mu, out);
        double[] cx = Vectors.times(c, r, n, x);
        for (int j = 0; j < r; j++) {
            out[n + j] = cx[j] - d[j];
        }
        return out;
    }

    /** v + t·delta[from .. from + len). */
    private static double[] axpy(double[] v, double t, double[] delta, int from, int len) {
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
            out[i] = v[i] + t * delta[from + i];
        }
        return out;
    }

    private static double norm2(double[] v) {
        return Math.sqrt(Vectors.dot(v, v));
    }

    private static double maxAbsDiff(double[] u, double[] w) {
        double max = 0;
        for (int i = 0; i < u.length; i++) {
            max = Math.max(max, Math.abs(u[i] - w[i]));
        }
        return max;
    }

    private static double primalScale(ConvexProgram program) {
        return 1 + Math.max(program.p() > 0 ? Vectors.normInf(program.b()) : 0,
                program.m() > 0 ? Vectors.normInf(program.h()) : 0);
    }
}
