package dev.altdiff.core;

import dev.altdiff.api.Limits;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.DifferentiableProgramSolution;
import dev.altdiff.api.objective.ObjectiveGradients;

import java.util.List;

/**
 * Alt-Diff for a general smooth convex objective ({@code ALTDIFF.md} §3 general case, §5): the forward
 * pass is {@link GeneralAdmm} (Newton x-step), the derivatives follow the recursion with
 * H_k = H(x_k) = ∇²f(x_k) + ρ_eq,kAᵀA + ρ_kGᵀG evaluated at the iterate x_k itself and dP x + dq replaced by
 * the mixed product M_k dθ, M_k = ∂(∇f)/∂θ at x_k:
 * <pre>
 *   ẋ_k = −H_k⁻¹[M_k dθ + dAᵀλ_k + dGᵀν̃_k + ρ_eq,kAᵀ(dA x_k − db) + ρ_kGᵀ(dG x_k − dh)
 *               + Aᵀλ̇_{k−1} + Gᵀ(ν̇_{k−1} + ρ_kṡ_{k−1})]
 *   ṡ_k = D_k(−ν̇_{k−1}/ρ_k − a_k),  a_k = Gẋ_k + dG x_k − dh,
 *   λ̇_k = λ̇_{k−1} + ρ_eq,k(Aẋ_k + dA x_k − db),  ν̇_k = ν̇_{k−1} + ρ_k(a_k + ṡ_k)
 * </pre>
 * (the same recursion as {@link ReverseSweep}'s with α = 1, with a per-iteration H). ρ_k and ρ_eq,k =
 * {@link Settings#equalityRhoScale()}·ρ_k are those iteration k ran with: constant without
 * {@link Settings#adaptiveRho()}, else piecewise constant between the switches ({@link GeneralAdmm}), so
 * that this is the exact derivative of the run that was made (the switches, rounded to 10^(j/4), are
 * piecewise constant in the data). {@link Solved#backward} is its
 * adjoint (one sweep k = K..1, r̄_k = −H_k⁻¹x̄; ∂ℓ/∂θ = Σ M_kᵀ r̄_k, and b, h, A, G as in
 * {@link ReverseSweep}); {@link Solved#jvp} runs the recursion itself for one direction (θ, b, h).
 * The factors of H(x_k) are not kept (K·n² memory): both sweeps refactor H(x_k) from the stored x_k at
 * ρ_k, one Cholesky per iteration (the last one, H(x_K), is kept from the forward pass). Memory
 * O(K(n + p + 2m)).
 *
 * <p>With {@link Settings#scaling()} &gt; 0 the run is on the equilibrated program ({@link GeneralAdmm}), so
 * both sweeps run there, on f̄ = c·f(D·) (whose mixed derivative c D M carries the caller's θ) and Ā, b̄, Ḡ,
 * h̄, and are mapped back by {@link Equilibration}: v̄ = D v, ∂ℓ/∂θ as it is, ∂ℓ/∂A = E_A ḡ_A D,
 * ∂ℓ/∂b = E_A ḡ_b, ∂ℓ/∂G = E_G ḡ_G D, ∂ℓ/∂h = E_G ḡ_h; for {@code jvp} db̄ = E_A db, dh̄ = E_G dh and
 * ẋ_K = D ẋ̄_K. The factors are powers of 2 and piecewise constant in the data (and in θ, through
 * ∇²f(x₀) and ∇f(x₀)), so these are the exact derivatives of the whole computation almost everywhere.
 */
public final class GeneralAltDiff {
    private GeneralAltDiff() {
    }

    /** Solves (recording the trajectory) for later differentiation. */
    public static Solved solve(ConvexProgram program, Settings settings, LinearAlgebra la) {
        return solve(program, settings, la, false);
    }

    /**
     * @param dense true: always factor the n-square H(x); false (the default): a diagonal positive
     *              ∇²f(x) with p + m &lt; n is factored through the (p+m)-square Woodbury system
     */
    public static Solved solve(ConvexProgram program, Settings settings, LinearAlgebra la, boolean dense) {
        Limits.require(program, settings, Limits.Gradient.NONE); // the trajectory grows with the run
        return new Solved(GeneralAdmm.solve(program, settings, la, true, dense));
    }

    /** Solves without recording (a forward pass only). */
    public static Solution solveOnly(ConvexProgram program, Settings settings, LinearAlgebra la) {
        Limits.require(program, settings, Limits.Gradient.NONE);
        return GeneralAdmm.solve(program, settings, la, false, false).solution();
    }

    /** A solved problem with its Alt-Diff derivatives. */
    public static final class Solved implements DifferentiableProgramSolution {
        private final GeneralAdmm.Run run;

        Solved(GeneralAdmm.Run run) {
            this.run = run;
        }

        /** @return the forward solution (a copy) */
        @Override
        public Solution solution() {
            Solution s = run.solution();
            return new Solution(s.x().clone(), s.lambda().clone(), s.nu().clone(), s.s().clone(), s.status(),
                    s.iterations(), s.primalResidual(), s.dualResidual(), s.objective(), s.certificate());
        }

        /** @return the number of Cholesky factorizations of H(x) the forward pass did (Newton steps) */
        public int factorizations() {
            return run.factorizations();
        }

        /** @return the factor of H_k = H(x_k) at ρ_k (k 0-based) */
        private Factorization factorAt(int k) {
            GeneralAdmm.Trajectory t = run.trajectory();
            return k == t.x().size() - 1 && run.lastFactor() != null ? run.lastFactor()
                    : t.data().get(k).factor(t.x().get(k));
        }

        /**
         * @return ρ_k, the penalty of the inequality rows at iteration k (1 ≤ k ≤ K; the equality rows had
         *     {@link Settings#equalityRhoScale()}·ρ_k): the settings' ρ throughout, unless
         *     {@link Settings#adaptiveRho()} switched it
         */
        public double rho(int k) {
            List<GeneralData> data = run.trajectory().data();
            if (k < 1 || k > data.size()) {
                throw new IllegalArgumentException("k = " + k + " outside 1.." + data.size());
            }
            return data.get(k - 1).rho;
        }

        /**
         * @return the first iteration k at which the paper's rule ‖x_k − x_{k−1}‖₂ ≤ ε‖x_k‖₂ holds in this
         *     run, or −1 if none did (a run at a tighter ε contains the runs at every looser ε as prefixes:
         *     same start, same deterministic iterations)
         */
        public int firstIterationWithin(double epsilon) {
            List<double[]> stats = run.trajectory().stats();
            for (int k = 0; k < stats.size(); k++) {
                if (stats.get(k)[0] <= epsilon) {
                    return k + 1;
                }
            }
            return -1;
        }

        /** @return the wall-clock milliseconds of this run's first k iterations */
        public double millisUpTo(int k) {
            return run.trajectory().stats().get(k - 1)[2] / 1e6;
        }

        /**
         * @return this run truncated at iteration k (1 ≤ k ≤ K): the solution x_k, λ_k, ν_k, s_k (status
         *     SOLVED when it passes the run's termination test, else TRUNCATED) and derivatives over the first k iterations, exactly what a run stopped at k gives
         */
        public Solved truncated(int k) {
            GeneralAdmm.Trajectory t = run.trajectory();
            if (k < 1 || k > t.x().size()) {
                throw new IllegalArgumentException("k = " + k + " outside 1.." + t.x().size());
            }
            GeneralData d = run.data();
            double[] x = t.x().get(k - 1);
            double[] lambda = t.lambda().get(k - 1);
            double[] nu = t.nu().get(k - 1);
            double[] slack = t.s().get(k - 1);
            double[] r = GeneralAdmm.residuals(d, x, lambda, nu, slack, run.termination());
            Solution s = GeneralAdmm.solution(d, r, x, lambda, nu, slack, run.termination().passes(r[0], r[1], r[2],
                    r[3]) ? dev.altdiff.api.Status.SOLVED : dev.altdiff.api.Status.TRUNCATED, k, null);
            return new Solved(new GeneralAdmm.Run(d, s, t.prefix(k), k == t.x().size() ? run.lastFactor() : null,
                    (int) t.stats().get(k - 1)[3], run.termination()));
        }

        /**
         * Reverse mode: the gradient of ℓ with ∂ℓ/∂x_K = v for θ, b, h, A and G (exact adjoint of the
         * truncated recursion: vᵀẋ_K(dθ) = ⟨grad, dθ⟩ to rounding). On a scaled run the sweep runs on the
         * scaled program with v̄ = D v and its gradients are mapped back
         * ({@link Equilibration#gradients(ObjectiveGradients)}).
         */
        @Override
        public ObjectiveGradients backward(double[] v) {
            GeneralData d = run.data();
            Vectors.checkUpstream(v, d.n);
            return d.scaling.gradients(scaledBackward(d.scaling.upstream(v)));
        }

        /** The reverse sweep on the run's (possibly scaled) program, for the upstream gradient v̄ of x̄_K. */
        private ObjectiveGradients scaledBackward(double[] v) {
            GeneralData d = run.data();
            GeneralAdmm.Trajectory t = run.trajectory();
            int n = d.n;
            int p = d.p;
            int m = d.m;
            int kCount = t.x().size();
            double[] lambdaBar = new double[p];
            double[] nuBar = new double[m];
            double[] sBar = new double[m];
            double[] gTheta = new double[d.f.parameters().length];
            double[] gb = new double[p];
            double[] gh = new double[m];
            double[] gA = new double[p * n];
            double[] gG = new double[m * n];
            for (int k = kCount - 1; k >= 0; k--) {
                double[] xk = t.x().get(k);
                double[] mask = t.masks().get(k);
                double rho = t.data().get(k).rho;
                double rhoEq = t.data().get(k).rhoEq;
                double[] aBar = new double[m];
                for (int i = 0; i < m; i++) { // t = D_k(s̄ + ρν̄), ā = ρν̄ − t, ν̄ ← ν̄ − t/ρ
                    double ti = mask[i] * (sBar[i] + rho * nuBar[i]);
                    aBar[i] = rho * nuBar[i] - ti;
                    nuBar[i] -= ti / rho;
                }
                double[] xBar = k == kCount - 1 ? v.clone() : new double[n];
                Vectors.addTransposeTimes(rhoEq, d.a, p, n, lambdaBar, xBar);
                Vectors.addTransposeTimes(1.0, d.g, m, n, aBar, xBar);
                double[] r = d.solve(factorAt(k), xBar);
                for (int i = 0; i < n; i++) {
                    r[i] = -r[i];
                }
                double[] ar = Vectors.times(d.a, p, n, r);
                double[] gr = Vectors.times(d.g, m, n, r);
                double[] alpha = new double[p];
                for (int i = 0; i < p; i++) {
                    lambdaBar[i] += ar[i];
                    alpha[i] = rhoEq * lambdaBar[i];
                    gb[i] -= alpha[i];
                }
                double[] beta = new double[m];
                for (int i = 0; i < m; i++) {
                    nuBar[i] += gr[i];
                    beta[i] = aBar[i] + rho * gr[i];
                    sBar[i] = rho * gr[i];
                    gh[i] -= beta[i];
                }
                double[] mt = d.f.mixedTransposeTimes(xk, r);
                for (int i = 0; i < gTheta.length; i++) {
                    gTheta[i] += mt[i];
                }
                if (p > 0) { // ∂ℓ/∂A += α_k x_kᵀ + λ_k r̄_kᵀ
                    GeneralData.addOuter(1.0, alpha, xk, gA);
                    GeneralData.addOuter(1.0, t.lambda().get(k), r, gA);
                }
                if (m > 0) { // ∂ℓ/∂G += β_k x_kᵀ + ν̃_k r̄_kᵀ
                    GeneralData.addOuter(1.0, beta, xk, gG);
                    GeneralData.addOuter(1.0, t.nuTilde().get(k), r, gG);
                }
            }
            return new ObjectiveGradients(gTheta, p > 0 ? rows(gA, p, n) : null, p > 0 ? gb : null,
                    m > 0 ? rows(gG, m, n) : null, m > 0 ? gh : null);
        }

        /**
         * Forward mode: ẋ_K for the direction (dθ, db, dh) (db null when p = 0, dh null when m = 0;
         * any may be null for zero). On a scaled run the recursion runs on the scaled program for
         * (dθ, E_A db, E_G dh) and ẋ_K = D ẋ̄_K.
         */
        public double[] jvp(double[] dTheta, double[] db, double[] dh) {
            Equilibration scaling = run.data().scaling;
            return scaling.x(scaledJvp(dTheta, db == null ? null : scaling.b(db), dh == null ? null : scaling.h(dh)));
        }

        /** ẋ̄_K on the run's (possibly scaled) program for its direction (dθ, db̄, dh̄). */
        private double[] scaledJvp(double[] dTheta, double[] db, double[] dh) {
            GeneralData d = run.data();
            GeneralAdmm.Trajectory t = run.trajectory();
            int n = d.n;
            int p = d.p;
            int m = d.m;
            double[] zeroTheta = new double[d.f.parameters().length];
            double[] th = dTheta == null ? zeroTheta : dTheta;
            double[] bDot = db == null ? new double[p] : db;
            double[] hDot = dh == null ? new double[m] : dh;
            double[] xDot = new double[n];
            double[] lambdaDot = new double[p];
            double[] nuDot = new double[m];
            double[] sDot = new double[m];
            for (int k = 0; k < t.x().size(); k++) {
                double[] xk = t.x().get(k);
                double rho = t.data().get(k).rho;
                double rhoEq = t.data().get(k).rhoEq;
                double[] rhs = d.f.mixedTimes(xk, th);
                double[] ya = new double[p];
                for (int i = 0; i < p; i++) {
                    ya[i] = lambdaDot[i] - rhoEq * bDot[i];
                }
                double[] yg = new double[m];
                for (int i = 0; i < m; i++) {
                    yg[i] = nuDot[i] + rho * sDot[i] - rho * hDot[i];
                }
                Vectors.addTransposeTimes(1.0, d.a, p, n, ya, rhs);
                Vectors.addTransposeTimes(1.0, d.g, m, n, yg, rhs);
                xDot = d.solve(factorAt(k), rhs);
                for (int i = 0; i < n; i++) {
                    xDot[i] = -xDot[i];
                }
                double[] ax = Vectors.times(d.a, p, n, xDot);
                double[] gx = Vectors.times(d.g, m, n, xDot);
                for (int i = 0; i < p; i++) {
                    lambdaDot[i] += rhoEq * (ax[i] - bDot[i]);
                }
                double[] mask = t.masks().get(k);
                for (int i = 0; i < m; i++) {
                    double a = gx[i] - hDot[i];
                    sDot[i] = mask[i] * (-nuDot[i] / rho - a);
                    nuDot[i] += rho * (a + sDot[i]);
                }
            }
            return xDot;
        }

        private static double[][] rows(double[] flat, int r, int c) {
            double[][] out = new double[r][c];
            for (int i = 0; i < r; i++) {
                System.arraycopy(flat, i * c, out[i], 0, c);
            }
            return out;
        }
    }
}
