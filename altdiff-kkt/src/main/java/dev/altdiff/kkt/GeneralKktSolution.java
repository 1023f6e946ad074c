package dev.altdiff.kkt;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.DifferentiableProgramSolution;
import dev.altdiff.api.objective.Objective;
import dev.altdiff.api.objective.ObjectiveGradients;
import dev.altdiff.core.GeneralAltDiff;
import dev.altdiff.core.Vectors;

/**
 * Implicit (KKT) differentiation for a general smooth convex objective ({@code ALTDIFF.md} §6 with P
 * replaced by the Hessian of f at the solution): at (x, λ, ν), with r = Gx − h,
 * <pre>
 *   K = [ ∇²f(x)    Aᵀ  Gᵀ      ]      Kᵀ(d_x, d_λ, d_ν) = −(v, 0, 0)
 *       [ A         0   0       ]
 *       [ diag(ν)G  0   diag(r) ]
 *   ∂ℓ/∂θ = Mᵀd_x (M = ∂(∇f)/∂θ at x),   ∂ℓ/∂b = −d_λ,   ∂ℓ/∂h = −diag(ν)d_ν,
 *   ∂ℓ/∂A = d_λxᵀ + λd_xᵀ,   ∂ℓ/∂G = diag(ν)d_ν xᵀ + νd_xᵀ
 * </pre>
 * The active-set identification (thresholds τ = {@link KktSolution#DEGENERACY_TOLERANCE} on νᵢ‖Gᵢ‖∞
 * against 1 + ‖∇f(x)‖∞ and on |rᵢ|), the column scaling of the d_ν columns and the degeneracy errors
 * are those of {@link KktSolution} (see there), with ‖∇f(x)‖∞ in place of ‖q‖∞ + ‖Px‖∞ as the dual scale.
 * One LU of the (n+p+m)-square Kᵀ on the backend, reused for every upstream gradient.
 */
public final class GeneralKktSolution implements DifferentiableProgramSolution {
    private final ConvexProgram program;
    private final Solution solution;
    private final LinearAlgebra la;
    private final int n;
    private final int p;
    private final int m;
    private final double[] x;
    private final double[] lambda;
    private final double[] nu;
    /** Guarded by {@code this}; null until the first backward. */
    private KktSystem system;

    /** Differentiates at a given KKT point (x, λ, ν) of the program (not checked for optimality). */
    public GeneralKktSolution(ConvexProgram program, Solution solution, LinearAlgebra la) {
        this.program = program;
        this.solution = solution;
        this.la = la;
        this.n = program.n();
        this.p = program.p();
        this.m = program.m();
        this.x = solution.x().clone();
        this.lambda = solution.lambda().clone();
        this.nu = solution.nu().clone();
    }

    /** Solves with the general-objective ADMM (pick a tight tolerance for a reference) and differentiates there. */
    public static GeneralKktSolution solve(ConvexProgram program, Settings settings, LinearAlgebra la) {
        return new GeneralKktSolution(program, GeneralAltDiff.solveOnly(program, settings, la), la);
    }

    @Override
    public Solution solution() {
        return solution;
    }

    /** @return the gradients for θ, b, h, A and G (null where the problem lacks the block) */
    @Override
    public synchronized ObjectiveGradients backward(double[] v) {
        Vectors.checkUpstream(v, n);
        if (system == null) {
            Objective f = program.objective();
            double[] hessian = new double[n * n];
            f.addHessian(x, 1.0, hessian);
            system = KktSystem.factor(la, n, p, m, hessian, program.rowMajorA(), program.rowMajorG(),
                    m > 0 ? program.h() : new double[0], x, nu, 1 + Vectors.normInf(f.gradient(x)), false);
        }
        KktSystem.Blocks k = system.adjoint(la, v, x, lambda);
        return new ObjectiveGradients(program.objective().mixedTransposeTimes(x, k.dx()), k.A(), k.b(), k.G(), k.h());
    }
}
