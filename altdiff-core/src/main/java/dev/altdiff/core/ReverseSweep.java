package dev.altdiff.core;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;

import java.util.List;

/**
 * Reverse-mode Alt-Diff ({@code ALTDIFF.md} §5): the adjoint of the truncated recursion of §3,
 * evaluated by one sweep k = K..1 over the stored iterates of the forward run. For any direction
 * dθ = (dP, dq, dA, db, dG, dh) it returns the gradient with vᵀẋ_K(dθ) = ⟨grad, dθ⟩.
 *
 * <p>Step k of the tangent recursion, with a_k = Gẋ_k + dG x_k − dh and
 * ν̃_k = ν_{k−1} + ρ(Gx_k + s_{k−1} − h):
 * <pre>
 *   ẋ_k = −H⁻¹[dP x_k + dq + dAᵀλ_k + dGᵀν̃_k + ρAᵀ(dA x_k − db) + ρGᵀ(dG x_k − dh)
 *              + Aᵀλ̇_{k−1} + Gᵀ(ν̇_{k−1} + ρṡ_{k−1})]
 *   ṡ_k = D_k(−ν̇_{k−1}/ρ − a_k),   λ̇_k = λ̇_{k−1} + ρ(Aẋ_k + dA x_k − db),   ν̇_k = ν̇_{k−1} + ρ(a_k + ṡ_k)
 * </pre>
 * (λ_k = λ_{k−1} + ρ(Ax_k − b) merges the paper's dAᵀλ + ρdAᵀ(Ax⁺ − b).) Its adjoint, with adjoint
 * states λ̄, ν̄, s̄ (zero after step K) and x̄_K = v, x̄_k = 0 for k &lt; K:
 * <pre>
 *   t = D_k(s̄ + ρν̄),   ā = ρν̄ − t,   x̄ = x̄_k + ρAᵀλ̄ + Gᵀā,   r̄ = −H⁻¹x̄
 *   α_k = ρ(λ̄ + A r̄),   β_k = ā + ρG r̄
 *   λ̄ ← λ̄ + A r̄,   ν̄ ← ν̄ − t/ρ + G r̄,   s̄ ← ρG r̄
 * </pre>
 * and the gradients are sums over k, formed at the end as matrix products:
 * <pre>
 *   ∂ℓ/∂q = Σ r̄_k          ∂ℓ/∂P = ½Σ(r̄_k x_kᵀ + x_k r̄_kᵀ)
 *   ∂ℓ/∂b = −Σ α_k         ∂ℓ/∂A = Σ(α_k x_kᵀ + λ_k r̄_kᵀ)
 *   ∂ℓ/∂h = −Σ β_k         ∂ℓ/∂G = Σ(β_k x_kᵀ + ν̃_k r̄_kᵀ)
 * </pre>
 * Cost per iteration: one solve with H's factor and four matrix-vector products, independent of dim θ.
 */
final class ReverseSweep {
    private ReverseSweep() {
    }

    static Gradients gradients(Admm.Run run, double[] v) {
        Admm.Trajectory trajectory = run.trajectory();
        if (trajectory == null) {
            throw new IllegalStateException("reverse mode needs a run that recorded its trajectory");
        }
        QpData d = run.data();
        LinearAlgebra la = d.la;
        double rho = d.rho;
        int k = run.solution().iterations();
        Matrix lambdaBar = d.p > 0 ? la.zeros(d.p, 1) : null;
        Matrix nuBar = d.m > 0 ? la.zeros(d.m, 1) : null;
        Matrix sBar = d.m > 0 ? la.zeros(d.m, 1) : null;
        double[][] rBar = new double[k][];
        double[][] alpha = new double[k][];
        double[][] beta = new double[k][];
        for (int step = k - 1; step >= 0; step--) {
            Matrix xBar = step == k - 1 ? la.vector(v) : la.zeros(d.n, 1);
            Matrix aBar = null;
            if (d.m > 0) {
                // t = D_k(s̄ + ρν̄), ā = ρν̄ − t
                Matrix t = la.copy(sBar);
                la.axpy(rho, nuBar, t);
                la.scaleRows(run.masks().get(step), t);
                aBar = la.copy(nuBar);
                la.scale(rho, aBar);
                la.axpy(-1.0, t, aBar);
                la.axpy(-1.0 / rho, t, nuBar);
                la.gemm(1.0, d.Gt, false, aBar, false, 1.0, xBar);
            }
            if (d.p > 0) {
                la.gemm(rho, d.At, false, lambdaBar, false, 1.0, xBar);
            }
            Matrix r = d.H.solve(xBar);
            la.scale(-1.0, r);
            rBar[step] = r.toRowMajor();
            if (d.p > 0) {
                Matrix ar = la.multiply(d.A, r);
                la.axpy(1.0, ar, lambdaBar);
                Matrix a = la.copy(lambdaBar); // α_k = ρ(λ̄ + A r̄) with λ̄ already updated
                la.scale(rho, a);
                alpha[step] = a.toRowMajor();
            }
            if (d.m > 0) {
                Matrix gr = la.multiply(d.G, r);
                la.axpy(1.0, gr, nuBar);
                Matrix b = la.copy(aBar);
                la.axpy(rho, gr, b);
                beta[step] = b.toRowMajor();
                sBar = gr;
                la.scale(rho, sBar);
            }
        }
        Matrix xs = columns(la, trajectory.x(), d.n);
        Matrix rs = columns(la, List.of(rBar), d.n);
        Matrix gq = la.multiply(rs, la.matrix(k, 1, ones(k)));
        Matrix gp = la.multiply(rs, false, xs, true);
        Matrix gpt = la.transpose(gp);
        la.axpy(1.0, gpt, gp);
        la.scale(0.5, gp);
        double[][] gA = null;
        double[] gb = null;
        double[][] gG = null;
        double[] gh = null;
        if (d.p > 0) {
            Matrix alphas = columns(la, List.of(alpha), d.p);
            Matrix grad = la.multiply(alphas, false, xs, true);
            la.gemm(1.0, columns(la, trajectory.lambda(), d.p), false, rs, true, 1.0, grad);
            gA = Vectors.rows(grad);
            gb = negatedSum(alpha, d.p);
        }
        if (d.m > 0) {
            Matrix betas = columns(la, List.of(beta), d.m);
            Matrix grad = la.multiply(betas, false, xs, true);
            la.gemm(1.0, columns(la, trajectory.nuTilde(), d.m), false, rs, true, 1.0, grad);
            gG = Vectors.rows(grad);
            gh = negatedSum(beta, d.m);
        }
        return new Gradients(Vectors.rows(gp), gq.toRowMajor(), gA, gb, gG, gh);
    }

    /** @return the rows×K matrix whose column k is vectors.get(k) */
    private static Matrix columns(LinearAlgebra la, List<double[]> vectors, int rows) {
        int k = vectors.size();
        double[] rowMajor = new double[rows * k];
        for (int c = 0; c < k; c++) {
            double[] col = vectors.get(c);
            for (int i = 0; i < rows; i++) {
                rowMajor[i * k + c] = col[i];
            }
        }
        return la.matrix(rows, k, rowMajor);
    }

    private static double[] ones(int k) {
        double[] o = new double[k];
        java.util.Arrays.fill(o, 1.0);
        return o;
    }

    private static double[] negatedSum(double[][] vectors, int len) {
        double[] sum = new double[len];
        for (double[] vec : vectors) {
            for (int i = 0; i < len; i++) {
                sum[i] -= vec[i];
            }
        }
        return sum;
    }
}
