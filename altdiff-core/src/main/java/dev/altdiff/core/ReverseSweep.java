package dev.altdiff.core;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.linalg.LinearAlgebra;

import java.util.Arrays;
import java.util.List;

/**
 * Reverse-mode Alt-Diff ({@code ALTDIFF.md} §5): the adjoint of the truncated recursion of §3,
 * evaluated by one sweep k = K..1 over the stored iterates of the forward run. For any direction
 * dθ = (dP, dq, dA, db, dG, dh) it returns the gradient with vᵀẋ_K(dθ) = ⟨grad, dθ⟩.
 *
 * <p>Step k of the tangent recursion, with e_k = Aẋ_k + dA x_k − db, a_k = Gẋ_k + dG x_k − dh, the
 * x-step's multipliers λ̃_k = λ_{k−1} + ρ_eq(Ax_k − b), ν̃_k = ν_{k−1} + ρ(Gx_k + s_{k−1} − h), ρ_eq the
 * equality rows' ρ and α the over-relaxation ({@link BatchLoop}'s updates; α = 1 and ρ_eq = ρ are the paper's):
 * <pre>
 *   ẋ_k = −H⁻¹[dP x_k + dq + dAᵀλ̃_k + dGᵀν̃_k + ρ_eqAᵀ(dA x_k − db) + ρGᵀ(dG x_k − dh)
 *              + Aᵀλ̇_{k−1} + Gᵀ(ν̇_{k−1} + ρṡ_{k−1})]
 *   λ̇_k = λ̇_{k−1} + αρ_eq e_k
 *   ṡ_k = D_k(−ν̇_{k−1}/ρ − αa_k + (1 − α)ṡ_{k−1}),   ν̇_k = ν̇_{k−1} + ρ(αa_k − (1 − α)ṡ_{k−1} + ṡ_k)
 * </pre>
 * (λ̃_k merges the paper's dAᵀλ + ρdAᵀ(Ax⁺ − b); with the proximal term σ &gt; 0 the bracket also holds
 * −σẋ_{k−1} and H = P + σI + ρ_eqAᵀA + ρGᵀG.) The tangents start at
 * zero (λ̇₀ = ν̇₀ = ṡ₀ = 0) whatever the starting iterate: a warm start is a constant, and the
 * adjoint states left after step 1 (the gradient with respect to the start) are dropped. Its
 * adjoint, with adjoint states λ̄, ν̄, s̄ (zero after step K) and x̄_K = v, x̄_k = 0 for k &lt; K (σ = 0):
 * <pre>
 *   t = D_k(s̄ + ρν̄),   u = ρν̄ − t,   ā = αu,   ē = αρ_eqλ̄,   x̄ = x̄_k + Aᵀē + Gᵀā,   r̄ = −H⁻¹x̄
 *   ψ_k = ē + ρ_eqA r̄,   ω_k = ā + ρG r̄
 *   λ̄ ← λ̄ + A r̄,   ν̄ ← ν̄ − t/ρ + G r̄,   s̄ ← ρG r̄ − (1 − α)u,   x̄_{k−1} = −σ r̄ (σ &gt; 0)
 * </pre>
 * and the gradients are sums over k, formed at the end as matrix products:
 * <pre>
 *   ∂ℓ/∂q = Σ r̄_k          ∂ℓ/∂P = ½Σ(r̄_k x_kᵀ + x_k r̄_kᵀ)
 *   ∂ℓ/∂b = −Σ ψ_k         ∂ℓ/∂A = Σ(ψ_k x_kᵀ + λ̃_k r̄_kᵀ)
 *   ∂ℓ/∂h = −Σ ω_k         ∂ℓ/∂G = Σ(ω_k x_kᵀ + ν̃_k r̄_kᵀ)
 * </pre>
 * With adaptive ρ every line above uses ρ_k, ρ_eq,k and H_k, those of iteration k's {@link Admm.Segment}: step k
 * of the tangent recursion involves only them, so its adjoint does too.
 * Cost per iteration: one application of the x-step map {@link XStep} (a solve with H's factor and
 * four matrix–vector products, or its reduced form), independent of dim θ.
 *
 * <p><b>Batches</b> ({@link #sweep}): for the columns of one {@link Admm.BatchRun} the sweep runs on
 * n×B, p×B, m×B blocks, one solve with B right-hand sides per step. Column b's truncation point is
 * K_b; for k &gt; K_b its adjoint state is zero (nothing is injected before step K_b and the
 * recursion is linear), so column b is simply absent from the blocks until step K_b, where it
 * enters with x̄ = v_b and zero λ̄, ν̄, s̄: its gradient is exactly the sweep over its own K_b
 * steps (no zero columns are carried, so nothing else can enter; the values differ from a
 * one-column sweep only by the rounding of matrix–matrix products). The gradients of q, b, h are per column; those of P, A, G, which the columns share, are
 * summed over the included columns.
 */
final class ReverseSweep {
    private ReverseSweep() {
    }

    /**
     * The batch sweep's output: per-column gradients of q (n), b (p) and h (m), null for a column not
     * included, and the gradients of the shared P (n×n, symmetric), A (p×n, null when p = 0) and G
     * (m×n, null when m = 0) summed over the included columns (zeros when none is included). For
     * sparse data ({@link QpData#sparse}) P, A and G are null: their gradients are dense (n×n for P)
     * and are not formed; reverse mode then gives q, b and h only.
     */
    record Result(double[][] q, double[][] b, double[][] h, double[][] P, double[][] A, double[][] G) {
    }

    /** The gradient of a single run (the batch B = 1), with those of P, A, G when asked ({@link #sweep}). */
    static Gradients gradients(Admm.Run run, double[] v, boolean matrices) {
        Result r = sweep(run.data(), List.of(new Admm.Column(run.solution(), run.masks(), run.trajectory(),
                        run.segments(), run.schedule())),
                new double[][]{v}, new boolean[]{true}, matrices);
        return new Gradients(r.P(), r.q()[0], r.A(), run.data().p > 0 ? r.b()[0] : null, r.G(),
                run.data().m > 0 ? r.h()[0] : null);
    }

    /**
     * The sweep over the columns of a batch run.
     *
     * @param d       the shared data (P, A, G)
     * @param columns the runs' columns, each with its trajectory and ρ segments (step k uses the ρ and
     *                factor of k's segment; the columns of one batch run share them)
     * @param v       upstream gradient per column (length n; ignored, may be null, where not included)
     * @param include which columns take part
     * @param matrices whether to form the gradients of P, A, G (dense data only): 2T(n² + 2n(p+m)) flops
     *                 for T steps in all, more than the sweep itself; without them P, A, G are null
     */
    static Result sweep(QpData d, List<Admm.Column> columns, double[][] v, boolean[] include, boolean matrices) {
        LinearAlgebra la = d.la;
        int n = d.n;
        int p = d.p;
        int m = d.m;
        int batch = columns.size();
        int[] iterations = new int[batch];
        double alpha = 1.0; // the run's over-relaxation, shared by its columns
        int kMax = 0;
        List<Admm.Segment> segments = null; // those of the longest included column cover every step
        for (Admm.Column column : columns) { // a batch's columns share what was recorded: checked whether included or not
            if (matrices && !d.sparse && column.trajectory() != null && !column.trajectory().hasIterates()) {
                throw new IllegalStateException("the gradients of P, A, G need the run's iterates, and this run"
                        + " recorded its masks alone (BatchLayer.forward(batch, false)): ask for the gradients of"
                        + " q, b, h alone (backward(v, false)), or solve with BatchLayer.forward(batch)");
            }
        }
        for (int c = 0; c < batch; c++) {
            if (include[c]) {
                if (columns.get(c).trajectory() == null) {
                    throw new IllegalStateException("reverse mode needs a run that recorded its trajectory");
                }
                iterations[c] = columns.get(c).solution().iterations();
                alpha = columns.get(c).trajectory().alpha();
                if (iterations[c] >= kMax) {
                    kMax = iterations[c];
                    segments = columns.get(c).segments();
                }
            }
        }
        // with the reduced x-step r̄_k = −Wȳ_k (+ −H⁻¹v at the entering step) is not formed per step: ȳ_k is
        // summed per ρ segment and Σ r̄ formed by one product with the segment's W ({@link #flushSegment})
        boolean keepInputs = d.xStep().reduced;
        // the sums of the gradients of q, b, h, accumulated as the sweep goes, blocks like the adjoint states;
        // the per-step vectors r̄_k (ȳ_k when keepInputs), ψ_k, ω_k only for the matrix gradients
        boolean perStep = matrices && !d.sparse;
        // the reduced x-step's matrix gradients accumulate in the (p+m)-space step by step ({@link ReducedGradients});
        // otherwise the steps' vectors are kept and multiplied out after the sweep
        ReducedGradients reduced = perStep && keepInputs && segments != null
                && reducedAccumulationIsCheaper(n, p + m, iterations, include, segments.size())
                ? new ReducedGradients(d, columns, segments) : null;
        perStep &= reduced == null;
        int sumRows = keepInputs ? p + m : n;
        double[] rSums = new double[0]; // Σ r̄_k, or Σȳ_k of the current segment
        double[] psiSums = new double[0];
        double[] omegaSums = new double[0];
        double[][] gq = new double[batch][];
        double[][][] rBar = new double[batch][][]; // per step r̄_k (ȳ_k when keepInputs), for the direct accumulation
        double[][] entered = new double[batch][]; // −H⁻¹v of each column (keepInputs)
        double[][][] psi = new double[batch][][];
        double[][][] omega = new double[batch][][];
        for (int c = 0; c < batch; c++) {
            if (include[c]) {
                gq[c] = new double[n];
                if (perStep) {
                    rBar[c] = new double[iterations[c]][];
                    psi[c] = new double[iterations[c]][];
                    omega[c] = new double[iterations[c]][];
                }
            }
        }
        // σ = 0: −H⁻¹v of every included column with its A and G images, where it enters (step K_c), by one
        // solve per ρ segment the columns enter in (rather than one per entering step)
        double[][] enteringR = new double[batch][];
        double[][] enteringZ = new double[batch][];
        if (segments != null && d.sigma == 0) {
            java.util.Map<QpData, List<Integer>> bySegment = new java.util.LinkedHashMap<>();
            for (int c = 0; c < batch; c++) {
                if (include[c]) {
                    bySegment.computeIfAbsent(Admm.Segment.at(segments, iterations[c]), key -> new java.util.ArrayList<>())
                            .add(c);
                }
            }
            for (java.util.Map.Entry<QpData, List<Integer>> group : bySegment.entrySet()) {
                List<Integer> cs = group.getValue();
                int w = cs.size();
                double[] xBar = new double[n * w];
                for (int e = 0; e < w; e++) {
                    double[] vc = v[cs.get(e)];
                    for (int i = 0; i < n; i++) {
                        xBar[i * w + e] = -vc[i];
                    }
                }
                double[] rv = new double[n * w];
                double[] zv = new double[(p + m) * w];
                group.getKey().xStep().solve(xBar, w, rv, zv);
                for (int e = 0; e < w; e++) {
                    enteringR[cs.get(e)] = Dense.column(rv, n, w, e);
                    enteringZ[cs.get(e)] = Dense.column(zv, p + m, w, e);
                }
            }
        }
        int[] active = new int[0];
        double[] lambdaBar = new double[0]; // the adjoint states, row-major p×w, m×w, m×w ({@link Dense})
        double[] nuBar = new double[0];
        double[] sBar = new double[0];
        double[] carry = new double[0]; // σ > 0: −σr̄_{k+1}, the proximal term's adjoint reaching ẋ_k (n×w)
        double[] yBar = new double[(p + m) * batch]; // scratch: [ē; ā]
        double[] u = new double[m * batch]; // scratch: ρν̄ − t
        double[] r = new double[n * batch];
        double[] z = new double[(p + m) * batch];
        for (int step = kMax - 1; step >= 0; step--) {
            // columns whose truncation point is this step enter with zero adjoint state
            int entering = 0;
            for (int c = 0; c < batch; c++) {
                if (include[c] && iterations[c] - 1 == step) {
                    entering++;
                }
            }
            if (entering > 0) {
                int[] next = new int[active.length + entering];
                for (int c = 0, i = 0; c < batch; c++) {
                    if (include[c] && iterations[c] - 1 >= step) {
                        next[i++] = c;
                    }
                }
                lambdaBar = widen(lambdaBar, active, next, p);
                nuBar = widen(nuBar, active, next, m);
                sBar = widen(sBar, active, next, m);
                carry = widen(carry, active, next, n);
                rSums = widen(rSums, active, next, sumRows);
                psiSums = widen(psiSums, active, next, p);
                omegaSums = widen(omegaSums, active, next, m);
                if (reduced != null) {
                    reduced.widen(active, next);
                }
                active = next;
            }
            int width = active.length;
            int pw = p * width;
            QpData data = Admm.Segment.at(segments, step + 1);
            double rho = data.rho;
            double rhoEq = data.rhoEq;
            XStep xStep = data.xStep();
            double sigma = data.sigma;
            // t = D_k(s̄ + ρν̄), u = ρν̄ − t, ā = αu, ν̄ ← ν̄ − t/ρ; yBar = [ē; ā] with ē = αρ_eqλ̄
            for (int i = 0; i < pw; i++) {
                yBar[i] = alpha * rhoEq * lambdaBar[i];
            }
            boolean[][] masks = new boolean[width][];
            for (int j = 0; j < width; j++) {
                masks[j] = columns.get(active[j]).masks().get(step);
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < width; j++) {
                    int at = i * width + j;
                    double sum = sBar[at] + rho * nuBar[at];
                    double t = masks[j][i] ? sum : 0.0 * sum; // D_k(s̄ + ρν̄), as 1.0·x and 0.0·x
                    u[at] = rho * nuBar[at] - t;
                    yBar[pw + at] = alpha * u[at];
                    nuBar[at] -= t / rho;
                }
            }
            // r̄ = −H⁻¹(x̄_k + Aᵀē + Gᵀā), with A r̄ and G r̄; x̄_k is v for the entering columns, else 0
            xStep.apply(yBar, width, null, null, keepInputs ? null : r, z);
            if (sigma > 0) { // −H⁻¹(x̄_k) with x̄_k = carry (+ v entering), for every column (the full form)
                double[] xBar = new double[n * width];
                for (int j = 0; j < width; j++) {
                    double[] vc = iterations[active[j]] - 1 == step ? v[active[j]] : null;
                    for (int i = 0; i < n; i++) {
                        xBar[i * width + j] = -carry[i * width + j] - (vc == null ? 0 : vc[i]);
                    }
                }
                double[] rv = new double[n * width];
                double[] zv = new double[(p + m) * width];
                xStep.solve(xBar, width, rv, zv);
                Dense.add(r, rv);
                Dense.add(z, zv);
                for (int i = 0; i < n * width; i++) {
                    carry[i] = -sigma * r[i];
                }
            } else if (entering > 0) { // −H⁻¹v with its A and G images (solved above), for the entering columns
                for (int j = 0; j < width; j++) {
                    int c = active[j];
                    if (iterations[c] - 1 != step) {
                        continue;
                    }
                    if (keepInputs) {
                        entered[c] = enteringR[c];
                    } else {
                        for (int i = 0; i < n; i++) {
                            r[i * width + j] += enteringR[c][i];
                        }
                    }
                    for (int i = 0; i < p + m; i++) {
                        z[i * width + j] += enteringZ[c][i];
                    }
                }
            }
            // ψ_k = ē + ρ_eqA r̄, λ̄ ← λ̄ + A r̄;  ω_k = ā + ρG r̄, ν̄ ← ν̄ + G r̄, s̄ = ρG r̄ − (1 − α)u
            if (perStep) {
                for (int j = 0; j < width; j++) {
                    int c = active[j];
                    rBar[c][step] = keepInputs ? Dense.column(yBar, p + m, width, j) : Dense.column(r, n, width, j);
                    psi[c][step] = new double[p];
                    omega[c][step] = new double[m];
                }
            }
            double[] rStep = keepInputs ? yBar : r;
            for (int i = 0; i < sumRows * width; i++) {
                rSums[i] += rStep[i];
            }
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < width; j++) {
                    int at = i * width + j;
                    double psiK = yBar[at] + rhoEq * z[at];
                    psiSums[at] += psiK;
                    if (perStep) {
                        psi[active[j]][step][i] = psiK;
                    }
                    lambdaBar[at] += z[at];
                }
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < width; j++) {
                    int at = i * width + j;
                    double gr = z[pw + at];
                    nuBar[at] += gr;
                    double omegaK = yBar[pw + at] + rho * gr;
                    omegaSums[at] += omegaK;
                    if (perStep) {
                        omega[active[j]][step][i] = omegaK;
                    }
                    sBar[at] = rho * gr - (1 - alpha) * u[at];
                }
            }
            if (reduced != null) {
                reduced.step(step, yBar, z, active, iterations, enteringZ);
            }
            int segment = segmentIndex(segments, step + 1);
            if (keepInputs && step + 1 == segments.get(segment).first()) { // the segment's first step: Σȳ → Σ r̄
                if (reduced != null) {
                    reduced.flush(segment, rSums, active);
                }
                flushSegment(xStep, rSums, active, gq, n);
            }
        }
        double[][] gb = new double[batch][];
        double[][] gh = new double[batch][];
        for (int j = 0; j < active.length; j++) { // every included column, at step 1
            int c = active[j];
            if (keepInputs) {
                Dense.add(gq[c], entered[c]);
            } else {
                gq[c] = columnOf(rSums, n, active.length, j, 1.0);
            }
            gb[c] = columnOf(psiSums, p, active.length, j, -1.0);
            gh[c] = columnOf(omegaSums, m, active.length, j, -1.0);
        }
        if (d.sparse || !matrices) { // sparse data: no dense n×n, p×n, m×n gradients
            return new Result(gq, gb, gh, null, null, null);
        }
        if (reduced != null) {
            return reduced.finish(include, iterations, entered, new Result(gq, gb, gh, null, null, null));
        }
        // Σ over the columns' steps of u_k w_kᵀ as U·Wᵀ with the steps side by side: one product per block
        // for a group of columns of at most CHUNK steps in all ({@link LinearAlgebra#gemm(int, int, int, double, double[], double[], double, double[])})
        double[] gp = new double[n * n];
        double[] gA = new double[p * n];
        double[] gG = new double[m * n];
        for (int first = 0; first < batch; ) {
            int steps = 0;
            int last = first;
            while (last < batch && (steps == 0 || steps + (include[last] ? iterations[last] : 0) <= CHUNK)) {
                steps += include[last] ? iterations[last] : 0;
                last++;
            }
            if (steps > 0) {
                double[] xRows = new double[steps * n]; // step t's x_k as row t
                double[] rRows = new double[steps * n]; // r̄_k as row t
                double[] rCols = new double[n * steps]; // r̄_k as column t
                double[] psiCols = new double[p * steps];
                double[] lambdaCols = new double[p * steps];
                double[] omegaCols = new double[m * steps];
                double[] nuTildeCols = new double[m * steps];
                int t = 0;
                for (int c = first; c < last; c++) {
                    if (!include[c]) {
                        continue;
                    }
                    Admm.Trajectory trajectory = columns.get(c).trajectory();
                    if (trajectory.x() instanceof Admm.StepInputs inputs) { // x_k from y_k, a product per segment
                        inputs.rows(0, iterations[c], xRows, t);
                    }
                    if (keepInputs) { // r̄_k = −Wȳ_k likewise, and −H⁻¹v at the column's last step
                        inputs(columns.get(c).segments(), rBar[c], n).rows(0, iterations[c], rRows, t);
                        for (int i = 0; i < n; i++) {
                            rRows[(t + iterations[c] - 1) * n + i] += entered[c][i];
                        }
                    }
                    for (int k = 0; k < iterations[c]; k++, t++) {
                        if (!(trajectory.x() instanceof Admm.StepInputs)) {
                            System.arraycopy(trajectory.x().get(k), 0, xRows, t * n, n);
                        }
                        if (!keepInputs) {
                            System.arraycopy(rBar[c][k], 0, rRows, t * n, n);
                        }
                        for (int i = 0; i < n; i++) {
                            rCols[i * steps + t] = rRows[t * n + i];
                        }
                        setColumn(psiCols, steps, t, psi[c] == null ? null : psi[c][k]);
                        setColumn(lambdaCols, steps, t, trajectory.lambda().get(k));
                        setColumn(omegaCols, steps, t, omega[c] == null ? null : omega[c][k]);
                        setColumn(nuTildeCols, steps, t, trajectory.nuTilde().get(k));
                    }
                }
                la.gemm(n, steps, n, 1.0, rCols, xRows, 1.0, gp);
                if (p > 0) {
                    la.gemm(p, steps, n, 1.0, psiCols, xRows, 1.0, gA);
                    la.gemm(p, steps, n, 1.0, lambdaCols, rRows, 1.0, gA);
                }
                if (m > 0) {
                    la.gemm(m, steps, n, 1.0, omegaCols, xRows, 1.0, gG);
                    la.gemm(m, steps, n, 1.0, nuTildeCols, rRows, 1.0, gG);
                }
            }
            first = last;
        }
        double[][] gP = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                gP[i][j] = 0.5 * (gp[i * n + j] + gp[j * n + i]);
            }
        }
        return new Result(gq, gb, gh, gP, p > 0 ? rows(gA, p, n) : null, m > 0 ? rows(gG, m, n) : null);
    }

    /**
     * The gradients of P, A, G for the reduced x-step, accumulated in the (p+m)-space as the sweep goes. With
     * x_k = x₀ − Wy_k and r̄_k = −Wȳ_k (+ e = −H⁻¹v at the column's last step), W and x₀ those of k's ρ segment,
     * <pre>
     *   Σ r̄_k x_kᵀ        = W(S Wᵀ − T) + e x_Kᵀ,           S = Σ ȳ_k y_kᵀ,  T = Σ_b (Σ_k ȳ_k) x₀ᵀ
     *   Σ ψ_k x_kᵀ + λ̃_k r̄_kᵀ = U − (Σ ψ_k y_kᵀ + Σ λ̃_k ȳ_kᵀ) Wᵀ + λ̃_K eᵀ,   U = Σ_b (Σ_k ψ_k) x₀ᵀ
     * </pre>
     * per segment (ω_k, ν̃_k for G likewise), and the x-step's affine maps give the middle sums from S:
     * [ψ; ω]_k = ȳ_k + Dz_k with z_k = [A; G]r̄_k = −Mȳ_k (+ ε_b = [A; G]e at the entering step K_b), and
     * [λ̃; ν̃]_k = y_k + D(z₀ − My_k − [b; h]) = (I − DM)y_k + Dζ_b (D = diag(ρ_eq, ρ), ζ_b recorded per segment), so
     * <pre>
     *   Σ[ψ; ω]_k y_kᵀ + Σ[λ̃; ν̃]_k ȳ_kᵀ = (I − DM)(S + Sᵀ) + D(Σ_b ε_b y_{K_b}ᵀ + Σ_b ζ_b (Σ_k ȳ_k)ᵀ).
     * </pre>
     * Per step one product of (p+m)-sized blocks ((p+m)²·B multiply-adds for the B active columns), per segment
     * one (p+m)³ product with M and products with W, where forming every x_k and r̄_k and multiplying them out
     * costs 2n(p+m) + n² per step and column; and nothing per step is kept.
     */
    private static final class ReducedGradients {
        private final LinearAlgebra la;
        private final List<Admm.Column> columns;
        private final List<Admm.Segment> segments;
        private final int n;
        private final int p;
        private final int m;
        private final int c;
        private final double[] gp;
        private final double[] gA;
        private final double[] gG;
        private final double[] s; // the segment's Σ ȳ_k y_kᵀ
        private final double[] e; // the segment's Σ ε_b y_{K_b}ᵀ + Σ ζ_b (Σ_k ȳ_k)ᵀ
        private double[] zSums = new double[0]; // the segment's Σ z_k per active column (c×w)
        private final double[] yRows; // scratch: the active columns' y_k as rows (w×c, allocated for all columns)

        ReducedGradients(QpData d, List<Admm.Column> columns, List<Admm.Segment> segments) {
            this.la = d.la;
            this.columns = columns;
            this.segments = segments;
            this.n = d.n;
            this.p = d.p;
            this.m = d.m;
            this.c = p + m;
            this.gp = new double[n * n];
            this.gA = new double[p * n];
            this.gG = new double[m * n];
            this.s = new double[c * c];
            this.e = new double[c * c];
            this.yRows = new double[columns.size() * c];
        }

        /** The sweep's columns grow from oldIds to next. */
        void widen(int[] oldIds, int[] next) {
            zSums = ReverseSweep.widen(zSums, oldIds, next, c);
        }

        private Admm.StepInputs inputs(int column) {
            return (Admm.StepInputs) columns.get(column).trajectory().x();
        }

        /** Step k (0-based) of the active columns: ȳ_k and z_k (c×w blocks), the entering columns' ε_b y_{K_b}ᵀ. */
        void step(int step, double[] yBar, double[] z, int[] active, int[] iterations, double[][] entering) {
            int w = active.length;
            int enteringCount = 0;
            for (int j = 0; j < w; j++) {
                System.arraycopy(inputs(active[j]).input(step), 0, yRows, j * c, c);
                enteringCount += iterations[active[j]] - 1 == step ? 1 : 0;
            }
            la.gemm(c, w, c, 1.0, yBar, yRows, 1.0, s);
            for (int i = 0; i < c * w; i++) {
                zSums[i] += z[i];
            }
            if (enteringCount > 0) {
                double[] epsilonCols = new double[c * enteringCount];
                double[] lastRows = new double[enteringCount * c];
                for (int j = 0, t = 0; j < w; j++) {
                    if (iterations[active[j]] - 1 == step) {
                        setColumn(epsilonCols, enteringCount, t, entering[active[j]]);
                        System.arraycopy(yRows, j * c, lastRows, t * c, c);
                        t++;
                    }
                }
                la.gemm(c, enteringCount, c, 1.0, epsilonCols, lastRows, 1.0, e);
            }
        }

        /**
         * The end of segment j (its first step, the sweep going down): with the active columns' sums Σȳ_k over it
         * (ySums, c×w), adds the segment's share to the gradients and restarts the sums.
         */
        void flush(int j, double[] ySums, int[] active) {
            int w = active.length;
            QpData data = segments.get(j).data();
            double[] x0Rows = new double[w * n];
            double[] zetaCols = new double[c * w];
            double[] ySumRows = new double[w * c];
            double[] psiOmegaSums = new double[c * w]; // Σ[ψ; ω]_k = Σȳ_k + DΣz_k
            for (int col = 0; col < w; col++) {
                Admm.StepInputs inputs = inputs(active[col]);
                if (inputs.segmentStart(j) != segments.get(j).first()) {
                    throw new IllegalStateException("column " + active[col] + "'s segment " + j + " starts at "
                            + inputs.segmentStart(j) + ", the run's at " + segments.get(j).first());
                }
                System.arraycopy(inputs.base(j), 0, x0Rows, col * n, n);
                setColumn(zetaCols, w, col, inputs.offset(j));
            }
            for (int i = 0; i < c; i++) {
                double di = i < p ? data.rhoEq : data.rho;
                for (int col = 0; col < w; col++) {
                    int at = i * w + col;
                    ySumRows[col * c + i] = ySums[at];
                    psiOmegaSums[at] = ySums[at] + di * zSums[at];
                }
            }
            double[] t = new double[c * n]; // T = Σ_b (Σ_k ȳ_k) x₀ᵀ
            la.gemm(c, w, n, 1.0, ySums, x0Rows, 0.0, t);
            double[] u = new double[c * n]; // U = Σ_b (Σ_k [ψ; ω]_k) x₀ᵀ
            la.gemm(c, w, n, 1.0, psiOmegaSums, x0Rows, 0.0, u);
            la.gemm(c, w, c, 1.0, zetaCols, ySumRows, 1.0, e);
            double[] sym = new double[c * c];
            for (int i = 0; i < c; i++) {
                for (int l = 0; l < c; l++) {
                    sym[i * c + l] = s[i * c + l] + s[l * c + i];
                }
            }
            double[] v = new double[c * c]; // [vA; vG] = (I − DM)(S + Sᵀ) + D·E
            la.gemm(c, c, c, -1.0, data.xStep().mRows(), sym, 0.0, v);
            for (int i = 0; i < c; i++) {
                double di = i < p ? data.rhoEq : data.rho;
                for (int l = 0; l < c; l++) {
                    int il = i * c + l;
                    v[il] = sym[il] + di * (v[il] + e[il]);
                }
            }
            double[] w0 = data.xStep().wRows(); // n×c
            double[] wt = transpose(w0, n, c); // c×n
            la.gemm(c, c, n, 1.0, s, wt, -1.0, t); // t ← S Wᵀ − T
            la.gemm(n, c, n, 1.0, w0, t, 1.0, gp);
            if (p > 0) {
                Dense.add(gA, Arrays.copyOf(u, p * n));
                la.gemm(p, c, n, -1.0, Arrays.copyOf(v, p * c), wt, 1.0, gA);
            }
            if (m > 0) {
                Dense.add(gG, Arrays.copyOfRange(u, p * n, c * n));
                la.gemm(m, c, n, -1.0, Arrays.copyOfRange(v, p * c, c * c), wt, 1.0, gG);
            }
            Arrays.fill(s, 0.0);
            Arrays.fill(e, 0.0);
            Arrays.fill(zSums, 0.0);
        }

        /** @return the gradients: e x_Kᵀ, λ̃_K eᵀ, ν̃_K eᵀ at each column's last step added, P symmetrized */
        Result finish(boolean[] include, int[] iterations, double[][] entered, Result vectors) {
            // e x_Kᵀ, λ̃_K eᵀ, ν̃_K eᵀ at each column's last step, the columns side by side
            int width = 0;
            for (boolean in : include) {
                width += in ? 1 : 0;
            }
            double[] eCols = new double[n * width];
            double[] eRows = new double[width * n];
            double[] xRows = new double[width * n];
            double[] lambdaCols = new double[p * width];
            double[] nuTildeCols = new double[m * width];
            for (int col = 0, w = 0; col < columns.size(); col++) {
                if (!include[col]) {
                    continue;
                }
                Admm.Trajectory trajectory = columns.get(col).trajectory();
                int k = iterations[col];
                setColumn(eCols, width, w, entered[col]);
                System.arraycopy(entered[col], 0, eRows, w * n, n);
                System.arraycopy(trajectory.x().get(k - 1), 0, xRows, w * n, n);
                if (p > 0) {
                    setColumn(lambdaCols, width, w, trajectory.lambda().get(k - 1));
                }
                if (m > 0) {
                    setColumn(nuTildeCols, width, w, trajectory.nuTilde().get(k - 1));
                }
                w++;
            }
            la.gemm(n, width, n, 1.0, eCols, xRows, 1.0, gp);
            if (p > 0) {
                la.gemm(p, width, n, 1.0, lambdaCols, eRows, 1.0, gA);
            }
            if (m > 0) {
                la.gemm(m, width, n, 1.0, nuTildeCols, eRows, 1.0, gG);
            }
            double[][] gP = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) {
                    gP[i][k] = 0.5 * (gp[i * n + k] + gp[k * n + i]);
                }
            }
            return new Result(vectors.q(), vectors.b(), vectors.h(), gP, p > 0 ? rows(gA, p, n) : null,
                    m > 0 ? rows(gG, m, n) : null);
        }
    }



    /**
     * Multiply-adds of the two ways to form the matrix gradients with the reduced x-step, for T steps in all
     * (c = p + m): forming x_k and r̄_k and multiplying them out costs about T(4nc + n²); the (p+m)-space
     * accumulation of {@link #reducedMatrixGradients} about c²T plus n²c + 2nc² + c³ per ρ segment. The second
     * wins for a batch (T = Σ K_b in the thousands), the first for one column with few steps (at n = 200,
     * c = 100 the break-even is T ≈ 76).
     */
    static boolean reducedAccumulationIsCheaper(int n, int c, int[] iterations, boolean[] include, int segments) {
        long steps = 0;
        for (int b = 0; b < iterations.length; b++) {
            steps += include[b] ? iterations[b] : 0;
        }
        double perStepSaving = 4.0 * n * c + (double) n * n - (double) c * c;
        double perSegment = (double) n * n * c + 2.0 * n * c * c + (double) c * c * c;
        return steps * perStepSaving > segments * perSegment;
    }

    /** @return the transpose (cols×rows, row-major) of the rows×cols row-major a */
    private static double[] transpose(double[] a, int rows, int cols) {
        double[] out = new double[cols * rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = a[i * cols + j];
            }
        }
        return out;
    }

    /** @return the ȳ_k of a column's steps as {@link Admm.StepInputs} of r̄_k = −W ȳ_k over its ρ segments */
    private static Admm.StepInputs inputs(List<Admm.Segment> segments, double[][] yBars, int n) {
        Admm.StepInputs out = new Admm.StepInputs();
        for (Admm.Segment segment : segments) {
            if (segment.first() <= yBars.length) {
                out.segment(segment.first(), segment.data().xStep(), new double[n], null); // r̄_k = −Wȳ_k: no offset read
            }
        }
        for (double[] yBar : yBars) {
            out.add(yBar);
        }
        return out;
    }

    /**
     * ∂ℓ/∂q = Σ_k r̄_k for the reduced x-step, where r̄_k = −W_kȳ_k (W of step k's ρ segment) plus −H⁻¹v at the
     * entering step: at a segment's first step the sweep's columns' sums Σȳ_k over their steps in it, side by
     * side, times the segment's W in one product (the same operations per column as one product per column,
     * {@link XStep#formX}), added to each column's gradient; the sums restart at zero for the segment before.
     *
     * @param ySums (p+m)×w, column j the sum Σȳ_k of column active[j] over the segment's steps; zeroed
     */
    private static void flushSegment(XStep xStep, double[] ySums, int[] active, double[][] gq, int n) {
        int w = active.length;
        double[] images = new double[n * w];
        xStep.formX(ySums, w, null, images); // −W·Σȳ
        Arrays.fill(ySums, 0.0);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < w; j++) {
                gq[active[j]][i] += images[i * w + j];
            }
        }
    }


    /** @return the index of iteration k's segment in the run's segments (ordered by first) */
    private static int segmentIndex(List<Admm.Segment> segments, int k) {
        int index = 0;
        for (int j = 0; j < segments.size(); j++) {
            if (segments.get(j).first() <= k) {
                index = j;
            }
        }
        return index;
    }

    /** Steps (columns of the factors) per product in the matrix gradients: bounds their scratch to 2·CHUNK·n. */
    private static final int CHUNK = 4096;

    /** Sets column t of the row-major block a (width columns) to v (no-op for null or empty v). */
    private static void setColumn(double[] a, int width, int t, double[] v) {
        if (v == null) {
            return;
        }
        for (int i = 0; i < v.length; i++) {
            a[i * width + t] = v[i];
        }
    }

    /** @return the row-major rows×cols array as rows */
    private static double[][] rows(double[] a, int rows, int cols) {
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = Arrays.copyOfRange(a, i * cols, (i + 1) * cols);
        }
        return out;
    }

    /** @return the rows×next.length block (row-major) holding old's columns (by column id) and zeros for new ids */
    private static double[] widen(double[] old, int[] oldIds, int[] next, int rows) {
        double[] out = new double[rows * next.length];
        for (int j = 0, i = 0; j < next.length; j++) {
            if (i < oldIds.length && oldIds[i] == next[j]) {
                for (int row = 0; row < rows; row++) {
                    out[row * next.length + j] = old[row * oldIds.length + i];
                }
                i++;
            }
        }
        return out;
    }

    /** @return sign times column c of the row-major rows×width block a */
    private static double[] columnOf(double[] a, int rows, int width, int c, double sign) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = sign * a[i * width + c];
        }
        return out;
    }
}
