package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Solution;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;

import java.util.ArrayList;
import java.util.List;

/**
 * A solved problem with its Alt-Diff Jacobians ∂x_K/∂q, ∂x_K/∂b, ∂x_K/∂h: the exact derivatives of
 * the K-th ADMM iterate, i.e. the recursion of {@code ALTDIFF.md} §3 run over the K iterations the
 * forward pass did, with its masks D_k = 1[s_k &gt; 0]:
 * <pre>
 *   H ẋ_k   = −(dq − ρ_eqAᵀdb − ρGᵀdh) − Aᵀλ̇_{k−1} − Gᵀ(ν̇_{k−1} + ρṡ_{k−1})
 *   λ̇_k     = λ̇_{k−1} + αρ_eq(Aẋ_k − db)
 *   ṡ_k     = D_k(−ν̇_{k−1}/ρ − α(Gẋ_k − dh) + (1 − α)ṡ_{k−1})
 *   ν̇_k     = ν̇_{k−1} + ρ(α(Gẋ_k − dh) − (1 − α)ṡ_{k−1} + ṡ_k)
 * </pre>
 * with ρ_eq the equality rows' ρ and α the over-relaxation ({@link BatchLoop}; the paper's α = 1, ρ_eq = ρ).
 * <b>How it is evaluated.</b> The s, λ, ν updates see ẋ_k only through Aẋ_k and Gẋ_k, so with
 * W_A = H⁻¹Aᵀ, W_G = H⁻¹Gᵀ and M = [A; G]H⁻¹[Aᵀ Gᵀ] (blocks M_AA, M_AG, M_GA, M_GG), the pair
 * y_k = (Aẋ_k − db, Gẋ_k − dh) is y⁰ − M·(λ̇_{k−1}, ν̇_{k−1} + ρṡ_{k−1}), where y⁰ = −[A;G]H⁻¹(dq −
 * ρ_eqAᵀdb − ρGᵀdh) − (db, dh) is constant over the iterations. The recursion is linear in y⁰, so it
 * is run once with y⁰ ranging over the p + m unit vectors (the "transfer" Ψ, matrix-matrix work of
 * (p+m)² per column per iteration, independent of dim θ) and every block's Jacobian is assembled
 * from Ψ at the end: ẋ_K = −H⁻¹E − W_A λ̇_{K−1} − W_G(ν̇_{K−1} + ρṡ_{K−1}). This is the same
 * recursion with the same iterates, reusing the one factorization of H; no inverse is formed
 * (∂x/∂q contains H⁻¹ itself, obtained by solves only when that Jacobian is requested).
 *
 * <p><b>Adaptive ρ.</b> Iteration k uses ρ_k and H_k of its {@link Admm.Segment}, so y⁰ is constant only
 * within a segment. The recursion is still linear in the sources, so one transfer Φ_j is run per
 * segment j (unit source at j's iterations only) and the Jacobians sum the segments' shares, e.g.
 * ∂x/∂b = ρ_eq,K W_A,K + Σ_j Φ_A,j(I − ρ_eq,j M_AA,j) − ρ_eq,j Φ_G,j M_GA,j; with one segment this is the
 * formula above.
 *
 * <p><b>The proximal term</b> σ &gt; 0 ({@link dev.altdiff.api.Settings#sigma()}) adds σẋ_{k−1} inside the
 * bracket of the first line (H ẋ_k = σẋ_{k−1} − …, with H = P + σI + ρ_eqAᵀA + ρGᵀG): the tangent lives in
 * n-space and the transfer above does not apply. {@link #jvp} runs it literally; {@link #jacobian} and
 * {@link #contractJacobians} then take the reverse sweep's rows (one batched sweep for the n rows of a
 * Jacobian), which are the same derivatives.
 *
 * <p>{@link #backward} returns the vector-Jacobian products vᵀ∂x_K/∂θ: in reverse mode by the
 * adjoint sweep of {@link ReverseSweep} (all six blocks), in forward mode by contracting these
 * Jacobians in closed form ({@link #contractJacobians}; no n×n product is formed).
 * {@link #jvp} evaluates the recursion along one direction in every block. Thread-safe: the transfer is computed once,
 * lazily, under a lock.
 *
 * <p><b>Scaling.</b> With {@link dev.altdiff.api.Settings#scaling()} &gt; 0 the run, the recursion
 * and its adjoint are those of the equilibrated problem ({@link Equilibration}); the public methods
 * map their inputs to it and their results back (x = D x̄, v̄ = D v, ∂ℓ/∂q = c D ḡ_q, …), so every
 * result is the caller's problem's. The private {@code scaled…} methods work on the scaled problem.
 */
public final class AltDiffSolution implements DifferentiableSolution {
    private final Admm.Run run;
    private final AltDiffDifferentiator.Mode mode;
    private final QpData d;
    private final LinearAlgebra la;
    private final Equilibration scaling;
    private final Solution solution;
    private List<Transfer> transfer;

    /** A solution of an unscaled run. */
    AltDiffSolution(Admm.Run run, AltDiffDifferentiator.Mode mode) {
        this(run, mode, Equilibration.of(run.data().problem, 0), run.data().problem);
    }

    /**
     * @param run     the run on the (scaled) problem
     * @param scaling the factors that scaled the caller's problem (off: the run is the caller's)
     * @param problem the caller's problem, for the residuals of the mapped solution
     */
    AltDiffSolution(Admm.Run run, AltDiffDifferentiator.Mode mode, Equilibration scaling, QuadraticProgram problem) {
        this.run = run;
        this.mode = mode;
        this.d = run.data();
        this.la = d.la;
        this.scaling = scaling;
        this.solution = scaling.unscale(run.solution(), problem);
    }

    /** @return the ADMM run this solution differentiates (its iterates, masks and ρ segments) */
    Admm.Run run() { return run; }

    /** @return how {@link #backward} is evaluated */
    public AltDiffDifferentiator.Mode mode() { return mode; }

    @Override public Solution solution() { return solution; }

    /** @return the equilibration the run was made with ({@link Equilibration#isOff()} without scaling) */
    public Equilibration scaling() { return scaling; }

    /**
     * One ρ segment's share of the transfer: its reduced x-step (W_A, W_G and the blocks of M for its
     * ρ, {@link QpData#reducedStep()}) and Φ_A = ∂(W_A,K λ̇_{K−1} + W_G,K(ν̇_{K−1} + ρ_K ṡ_{K−1}))/∂y⁰_A,
     * Φ_G likewise for y⁰_G, for a source y⁰ present only at the segment's iterations (null when a
     * block is absent).
     */
    private record Transfer(XStep step, double rhoEq, double rho, Matrix phiA, Matrix phiG) {
    }

    private synchronized List<Transfer> transfer() {
        if (transfer == null) {
            transfer = computeTransfer();
        }
        return transfer;
    }

    private List<Transfer> computeTransfer() {
        List<Admm.Segment> segments = run.segments();
        int k = run.solution().iterations();
        List<Transfer> out = new ArrayList<>();
        for (int j = 0; j < segments.size(); j++) {
            // the segment's iterations among 1..K−1 (ẋ_K itself is assembled in closed form)
            int from = segments.get(j).first();
            int to = Math.min(k - 1, j + 1 < segments.size() ? segments.get(j + 1).first() - 1 : k - 1);
            if (from > to) {
                continue;
            }
            QpData data = segments.get(j).data();
            Matrix phiA = d.p > 0 ? propagate(la.identity(d.p), la.zeros(d.m, d.p), from, to) : null;
            Matrix phiG = d.m > 0 ? propagate(d.p > 0 ? la.zeros(d.p, d.m) : null, la.identity(d.m), from, to)
                    : null;
            out.add(new Transfer(data.reducedStep(), data.rhoEq, data.rho, phiA, phiG));
        }
        return out;
    }

    /** @return the data (ρ and factor) of iteration k, 1-based */
    private QpData at(int k) {
        return Admm.Segment.at(run.segments(), k);
    }

    /**
     * Runs the recursion over iterations 1..K−1 with the source (y0A, y0G), c columns each, present at
     * iterations from..to only (zero elsewhere), each iteration with its own ρ and M, and returns
     * W_A,K λ̇_{K−1} + W_G,K(ν̇_{K−1} + ρ_K ṡ_{K−1}) (n×c), the part of −ẋ_K that the source drives.
     */
    private Matrix propagate(Matrix y0A, Matrix y0G, int from, int to) {
        int c = y0A != null ? y0A.cols() : y0G.cols();
        Matrix lambdaDot = d.p > 0 ? la.zeros(d.p, c) : null;
        Matrix nuDot = d.m > 0 ? la.zeros(d.m, c) : null;
        Matrix sDot = d.m > 0 ? la.zeros(d.m, c) : null;
        int k = run.solution().iterations();
        double alpha = run.trajectory().alpha();
        for (int it = from; it <= k - 1; it++) { // the tangents are zero before the source starts
            QpData data = at(it);
            XStep t = data.reducedStep();
            double rho = data.rho;
            boolean source = it <= to;
            // y = (Aẋ − db, Gẋ − dh) = y⁰ − M (λ̇, ν̇ + ρṡ), all from the previous iterate
            Matrix u = d.m > 0 ? plus(nuDot, rho, sDot) : null;
            Matrix yA = d.p > 0 ? (source ? la.copy(y0A) : la.zeros(d.p, c)) : null;
            Matrix yG = d.m > 0 ? (source ? la.copy(y0G) : la.zeros(d.m, c)) : null;
            if (d.p > 0) {
                la.gemm(-1.0, t.mAA(), false, lambdaDot, false, 1.0, yA);
            }
            if (d.p > 0 && d.m > 0) {
                la.gemm(-1.0, t.mAG(), false, u, false, 1.0, yA);
                la.gemm(-1.0, t.mGA(), false, lambdaDot, false, 1.0, yG);
            }
            if (d.m > 0) {
                la.gemm(-1.0, t.mGG(), false, u, false, 1.0, yG);
            }
            if (d.p > 0) { // λ̇⁺ = λ̇ + αρ_eq(Aẋ⁺ − db)
                la.axpy(alpha * data.rhoEq, yA, lambdaDot);
            }
            if (d.m > 0) {
                relaxedSlackStep(yG, nuDot, sDot, rho, alpha, run.masks().get(it - 1));
                sDot = yG;
            }
        }
        QpData last = at(k);
        XStep step = last.reducedStep();
        Matrix out = la.zeros(d.n, c);
        if (d.p > 0) {
            la.gemm(1.0, step.wA(), false, lambdaDot, false, 0.0, out);
        }
        if (d.m > 0) {
            la.gemm(1.0, step.wG(), false, plus(nuDot, last.rho, sDot), false, 1.0, out);
        }
        return out;
    }

    /**
     * The tangent s- and ν-updates with over-relaxation α from a = Gẋ⁺ + dG x − dh (overwritten with ṡ⁺):
     * ṡ⁺ = D⁺(−ν̇/ρ − αa + (1 − α)ṡ) and ν̇ ← ν̇ + ρ(αa − (1 − α)ṡ + ṡ⁺).
     */
    private void relaxedSlackStep(Matrix a, Matrix nuDot, Matrix sDot, double rho, double alpha, boolean[] mask) {
        Matrix relaxed = la.copy(a); // αa − (1 − α)ṡ
        la.scale(alpha, relaxed);
        if (alpha != 1.0) {
            la.axpy(-(1 - alpha), sDot, relaxed);
        }
        Matrix sNew = plus(relaxed, 1.0 / rho, nuDot); // −ṡ⁺ before the mask
        la.scale(-1.0, sNew);
        la.scaleRows(Dense.indicator(mask), sNew);
        la.axpy(1.0, sNew, relaxed);
        la.axpy(rho, relaxed, nuDot);
        la.scale(0.0, a);
        la.axpy(1.0, sNew, a);
    }

    /** @return a new matrix x + α·y */
    private Matrix plus(Matrix x, double alpha, Matrix y) {
        Matrix out = la.copy(x);
        la.axpy(alpha, y, out);
        return out;
    }

    /**
     * The full Jacobian of the truncated solution x_K with respect to one block.
     *
     * @param block {@link Block#q} (n×n), {@link Block#b} (n×p) or {@link Block#h} (n×m)
     * @return the Jacobian as rows (row i is ∂x_i/∂θ); an n×0 array for an absent block
     * @throws IllegalArgumentException for P, A or G (forward mode covers q, b, h)
     */
    public double[][] jacobian(Block block) {
        return scaling.jacobian(block, scaledJacobian(block));
    }

    /** {@link #jacobian} of the scaled problem's x̄ with respect to q̄, b̄ or h̄. */
    private double[][] scaledJacobian(Block block) {
        if (d.sigma > 0) {
            return proximalJacobian(block);
        }
        List<Transfer> transfer = transfer();
        QpData last = at(run.solution().iterations());
        XStep lastStep = last.reducedStep();
        Matrix j;
        switch (block) {
            case q -> { // ∂x/∂q = −H_K⁻¹ + Σ_j (Φ_A W_Aᵀ + Φ_G W_Gᵀ)
                j = last.factor().solve(la.identity(d.n));
                la.scale(-1.0, j);
                for (Transfer t : transfer) {
                    if (d.p > 0) {
                        la.gemm(1.0, t.phiA, false, t.step.wA(), true, 1.0, j);
                    }
                    if (d.m > 0) {
                        la.gemm(1.0, t.phiG, false, t.step.wG(), true, 1.0, j);
                    }
                }
            }
            case b -> { // ∂x/∂b = ρ_eq,K W_A,K + Σ_j (Φ_A − ρ_eqΦ_A M_AA − ρ_eqΦ_G M_GA)
                if (d.p == 0) {
                    return new double[d.n][0];
                }
                j = la.copy(lastStep.wA());
                la.scale(last.rhoEq, j);
                for (Transfer t : transfer) {
                    la.axpy(1.0, t.phiA, j);
                    la.gemm(-t.rhoEq, t.phiA, false, t.step.mAA(), false, 1.0, j);
                    if (d.m > 0) {
                        la.gemm(-t.rhoEq, t.phiG, false, t.step.mGA(), false, 1.0, j);
                    }
                }
            }
            case h -> { // ∂x/∂h = ρ_K W_G,K + Σ_j (Φ_G − ρΦ_A M_AG − ρΦ_G M_GG)
                if (d.m == 0) {
                    return new double[d.n][0];
                }
                j = la.copy(lastStep.wG());
                la.scale(last.rho, j);
                for (Transfer t : transfer) {
                    la.axpy(1.0, t.phiG, j);
                    la.gemm(-t.rho, t.phiG, false, t.step.mGG(), false, 1.0, j);
                    if (d.p > 0) {
                        la.gemm(-t.rho, t.phiA, false, t.step.mAG(), false, 1.0, j);
                    }
                }
            }
            default -> throw new IllegalArgumentException(
                    "forward-mode Alt-Diff gives Jacobians for q, b and h, not " + block);
        }
        return Vectors.rows(j);
    }

    /**
     * The Jacobian with the proximal term σ &gt; 0, where ẋ_k = H⁻¹(σẋ_{k−1} − …) carries the tangent in
     * n-space and the (p+m)-space transfer does not apply: its rows ∂x_i/∂θ are the reverse-mode gradients for
     * v = e_i, all n from one batched sweep ({@link ReverseSweep#sweep}, n right-hand sides per solve).
     */
    private double[][] proximalJacobian(Block block) {
        if (block != Block.q && block != Block.b && block != Block.h) {
            throw new IllegalArgumentException("forward-mode Alt-Diff gives Jacobians for q, b and h, not " + block);
        }
        Admm.Column column = new Admm.Column(run.solution(), run.masks(), run.trajectory(), run.segments(),
                run.schedule());
        double[][] unit = new double[d.n][d.n];
        boolean[] include = new boolean[d.n];
        for (int i = 0; i < d.n; i++) {
            unit[i][i] = 1.0;
            include[i] = true;
        }
        ReverseSweep.Result rows = ReverseSweep.sweep(d, java.util.Collections.nCopies(d.n, column), unit, include,
                false);
        return block == Block.q ? rows.q() : block == Block.b ? rows.b() : rows.h();
    }

    /**
     * The directional derivative ẋ_K(dθ) of the truncated solution: the recursion of
     * {@code ALTDIFF.md} §3 run literally, one direction, one solve with H's factor per iteration.
     * Cost K solves; used to check the reverse mode by the dot-product identity.
     *
     * @param direction dθ in the layout of {@link Gradients}: dP (n×n), dq (n), dA (p×n), db (p), dG
     *                  (m×n), dh (m); a null block means no change in that block
     * @return ẋ_K, length n
     */
    public double[] jvp(Gradients direction) {
        return scaling.x(scaledJvp(scaling.direction(direction)));
    }

    /** {@link #jvp} of the scaled problem: ẋ̄_K along a direction dθ̄ of the scaled data. */
    private double[] scaledJvp(Gradients direction) {
        Admm.Trajectory trajectory = run.trajectory();
        Matrix dP = direction.P() == null ? null : la.matrix(d.n, d.n, flatten(direction.P(), d.n, d.n));
        Matrix dq = direction.q() == null ? la.zeros(d.n, 1) : la.vector(length(direction.q(), d.n));
        Matrix dA = d.p == 0 || direction.A() == null ? null : la.matrix(d.p, d.n, flatten(direction.A(), d.p, d.n));
        Matrix db = d.p == 0 || direction.b() == null ? (d.p > 0 ? la.zeros(d.p, 1) : null)
                : la.vector(length(direction.b(), d.p));
        Matrix dG = d.m == 0 || direction.G() == null ? null : la.matrix(d.m, d.n, flatten(direction.G(), d.m, d.n));
        Matrix dh = d.m == 0 || direction.h() == null ? (d.m > 0 ? la.zeros(d.m, 1) : null)
                : la.vector(length(direction.h(), d.m));
        Matrix lambdaDot = d.p > 0 ? la.zeros(d.p, 1) : null;
        Matrix nuDot = d.m > 0 ? la.zeros(d.m, 1) : null;
        Matrix sDot = d.m > 0 ? la.zeros(d.m, 1) : null;
        Matrix xDot = null;
        int k = run.solution().iterations();
        double alpha = trajectory.alpha();
        Matrix a = d.matrix(Block.A, false); // the backend's A, Aᵀ, G, Gᵀ, formed once for the recursion
        Matrix at = d.matrix(Block.A, true);
        Matrix g = d.matrix(Block.G, false);
        Matrix gt = d.matrix(Block.G, true);
        for (int step = 0; step < k; step++) {
            QpData data = at(step + 1);
            double rho = data.rho;
            Matrix x = la.vector(trajectory.x().get(step));
            // rhs = dP x + dq + dAᵀλ̃_k + dGᵀν̃_k + ρ_eqAᵀ(dA x − db) + ρGᵀ(dG x + ṡ − dh) + Aᵀλ̇ + Gᵀν̇
            Matrix rhs = la.copy(dq);
            if (dP != null) {
                la.gemm(1.0, dP, false, x, false, 1.0, rhs);
            }
            Matrix eqTangent = null; // dA x − db
            if (d.p > 0) {
                eqTangent = la.copy(db);
                la.scale(-1.0, eqTangent);
                if (dA != null) {
                    la.gemm(1.0, dA, false, x, false, 1.0, eqTangent);
                    la.gemm(1.0, dA, true, la.vector(trajectory.lambda().get(step)), false, 1.0, rhs);
                }
                Matrix w = plus(lambdaDot, data.rhoEq, eqTangent);
                la.gemm(1.0, at, false, w, false, 1.0, rhs);
            }
            Matrix inTangent = null; // dG x − dh
            if (d.m > 0) {
                inTangent = la.copy(dh);
                la.scale(-1.0, inTangent);
                if (dG != null) {
                    la.gemm(1.0, dG, false, x, false, 1.0, inTangent);
                    la.gemm(1.0, dG, true, la.vector(trajectory.nuTilde().get(step)), false, 1.0, rhs);
                }
                Matrix w = plus(nuDot, rho, sDot);
                la.axpy(rho, inTangent, w);
                la.gemm(1.0, gt, false, w, false, 1.0, rhs);
            }
            if (data.sigma > 0 && xDot != null) { // the proximal term: H ẋ_k = σẋ_{k−1} − rhs
                la.axpy(-data.sigma, xDot, rhs);
            }
            xDot = data.factor().solve(rhs);
            la.scale(-1.0, xDot);
            if (d.p > 0) { // λ̇ += αρ_eq(Aẋ + dA x − db)
                la.gemm(1.0, a, false, xDot, false, 1.0, eqTangent);
                la.axpy(alpha * data.rhoEq, eqTangent, lambdaDot);
            }
            if (d.m > 0) { // a = Gẋ + dG x − dh; ṡ, ν̇ by the relaxed updates
                la.gemm(1.0, g, false, xDot, false, 1.0, inTangent);
                relaxedSlackStep(inTangent, nuDot, sDot, rho, alpha, run.masks().get(step));
                sDot = inTangent;
            }
        }
        return xDot.toRowMajor();
    }

    private static double[] flatten(double[][] rows, int r, int c) {
        if (rows.length != r) {
            throw new IllegalArgumentException("direction block has " + rows.length + " rows, expected " + r);
        }
        double[] out = new double[r * c];
        for (int i = 0; i < r; i++) {
            System.arraycopy(length(rows[i], c), 0, out, i * c, c);
        }
        return out;
    }

    private static double[] length(double[] v, int len) {
        if (v.length != len) {
            throw new IllegalArgumentException("direction block has length " + v.length + ", expected " + len);
        }
        return v;
    }

    /**
     * The gradient vᵀ∂x_K/∂θ: in reverse mode for all six blocks ({@link ReverseSweep}), in forward
     * mode for q, b, h ({@link #contractJacobians}).
     */
    @Override public Gradients backward(double[] v) {
        return backward(v, true);
    }

    /**
     * {@link #backward(double[])}; without the matrices' gradients the reverse sweep skips their sums
     * ({@link ReverseSweep#sweep}), and forward mode gives q, b, h in either case.
     */
    @Override public Gradients backward(double[] v, boolean matrices) {
        Vectors.checkUpstream(v, d.n);
        return mode == AltDiffDifferentiator.Mode.REVERSE
                ? scaling.gradients(ReverseSweep.gradients(run, scaling.upstream(v), matrices)) : contractJacobians(v);
    }

    /**
     * vᵀ∂x_K/∂θ for θ = q, b, h, contracting the Jacobians of {@link #jacobian} in closed form:
     * with g_A = Φ_Aᵀv and g_G = Φ_Gᵀv,
     * <pre>
     *   ∂ℓ/∂q = −H⁻¹v + W_A g_A + W_G g_G
     *   ∂ℓ/∂b = ρ_eqW_Aᵀv + g_A − ρ_eqM_AA g_A − ρ_eqM_AG g_G
     *   ∂ℓ/∂h = ρW_Gᵀv + g_G − ρM_GA g_A − ρM_GG g_G
     * </pre>
     */
    public Gradients contractJacobians(double[] v) {
        return scaling.gradients(scaledContractJacobians(scaling.upstream(Vectors.checkUpstream(v, d.n))));
    }

    /** {@link #contractJacobians} of the scaled problem, for an upstream gradient v̄ of x̄. */
    private Gradients scaledContractJacobians(double[] v) {
        if (d.sigma > 0) { // no (p+m)-space transfer with the proximal term: the reverse sweep's q, b, h
            ReverseSweep.Result r = ReverseSweep.sweep(d, List.of(new Admm.Column(run.solution(), run.masks(),
                    run.trajectory(), run.segments(), run.schedule())), new double[][]{v}, new boolean[]{true}, false);
            return new Gradients(null, r.q()[0], null, d.p > 0 ? r.b()[0] : null, null, d.m > 0 ? r.h()[0] : null);
        }
        Matrix vm = la.vector(Vectors.checkUpstream(v, d.n));
        List<Transfer> transfer = transfer();
        QpData last = at(run.solution().iterations());
        XStep lastStep = last.reducedStep();
        Matrix gq = last.factor().solve(vm);
        la.scale(-1.0, gq);
        Matrix gb = d.p > 0 ? la.multiply(lastStep.wA(), true, vm, false) : null;
        Matrix gh = d.m > 0 ? la.multiply(lastStep.wG(), true, vm, false) : null;
        if (d.p > 0) {
            la.scale(last.rhoEq, gb);
        }
        if (d.m > 0) {
            la.scale(last.rho, gh);
        }
        for (Transfer t : transfer) {
            Matrix gA = d.p > 0 ? la.multiply(t.phiA, true, vm, false) : null;
            Matrix gG = d.m > 0 ? la.multiply(t.phiG, true, vm, false) : null;
            if (d.p > 0) {
                la.gemm(1.0, t.step.wA(), false, gA, false, 1.0, gq);
                la.axpy(1.0, gA, gb);
                la.gemm(-t.rhoEq, t.step.mAA(), false, gA, false, 1.0, gb);
                if (d.m > 0) {
                    la.gemm(-t.rhoEq, t.step.mAG(), false, gG, false, 1.0, gb);
                }
            }
            if (d.m > 0) {
                la.gemm(1.0, t.step.wG(), false, gG, false, 1.0, gq);
                la.axpy(1.0, gG, gh);
                la.gemm(-t.rho, t.step.mGG(), false, gG, false, 1.0, gh);
                if (d.p > 0) {
                    la.gemm(-t.rho, t.step.mGA(), false, gA, false, 1.0, gh);
                }
            }
        }
        return new Gradients(null, gq.toRowMajor(), null, gb == null ? null : gb.toRowMajor(), null,
                gh == null ? null : gh.toRowMajor());
    }
}
