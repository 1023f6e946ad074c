package dev.altdiff.kkt;

import dev.altdiff.api.Block;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Status;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.Admm;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Central finite differences of ℓ(θ) = vᵀx*(θ), with x*(θ) from a tight ADMM solve, entry by entry
 * for every block, compared with a gradient. For P the perturbation is symmetric (P_ij and P_ji move
 * together, since a problem only holds a symmetric P): the difference quotient then estimates
 * ⟨∂ℓ/∂P, E_ij + E_ji⟩ = 2(∂ℓ/∂P)_ij for i ≠ j and (∂ℓ/∂P)_ii on the diagonal.
 */
final class FiniteDifferences {
    private final QuadraticProgram problem;
    private final double[] v;
    private final Settings settings;
    private final LinearAlgebra la;

    FiniteDifferences(QuadraticProgram problem, double[] v, Settings settings, LinearAlgebra la) {
        this.problem = problem;
        this.v = v;
        this.settings = settings;
        this.la = la;
    }

    /** @return ℓ = vᵀx* of the problem (asserts the solve met its tolerance) */
    double loss(QuadraticProgram qp) {
        var solution = Admm.solve(qp, settings, la).solution();
        assertEquals(Status.SOLVED, solution.status(), qp.name());
        double l = 0;
        for (int i = 0; i < v.length; i++) {
            l += v[i] * solution.x()[i];
        }
        return l;
    }

    /** The largest |FD − gradient| and the largest |gradient| over one block. */
    record Comparison(Block block, double maxError, double maxGradient, double maxFd) {
        double relative() {
            return maxError / Math.max(1.0, maxGradient);
        }
    }

    /**
     * Compares every entry of one block (for P: the entries i ≤ j, with the factor 2 above) with the
     * central difference (ℓ(θ + εe) − ℓ(θ − εe))/(2ε).
     */
    Comparison compare(Block block, Gradients g, double eps) {
        int n = problem.n();
        int rows = switch (block) { // vectors: entry i of rows × 1
            case P, q -> n;
            case A, b -> problem.p();
            case G, h -> problem.m();
        };
        int cols = block == Block.P || block == Block.A || block == Block.G ? n : 1;
        double maxError = 0;
        double maxGradient = 0;
        double maxFd = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = block == Block.P ? i : 0; j < cols; j++) {
                double fd = (loss(perturbed(problem, block, i, j, eps)) - loss(perturbed(problem, block, i, j, -eps)))
                        / (2 * eps);
                double analytic = switch (block) {
                    case P -> i == j ? g.P()[i][i] : 2 * g.P()[i][j];
                    case q -> g.q()[i];
                    case A -> g.A()[i][j];
                    case b -> g.b()[i];
                    case G -> g.G()[i][j];
                    case h -> g.h()[i];
                };
                maxError = Math.max(maxError, Math.abs(fd - analytic));
                maxGradient = Math.max(maxGradient, Math.abs(analytic));
                maxFd = Math.max(maxFd, Math.abs(fd));
            }
        }
        return new Comparison(block, maxError, maxGradient, maxFd);
    }

    /**
     * @return the problem with entry (i, j) of a block moved by delta (vectors: entry i; P: P_ij and
     *         P_ji together, once on the diagonal; an absent P is created as the zero matrix)
     */
    static QuadraticProgram perturbed(QuadraticProgram qp, Block block, int i, int j, double delta) {
        int n = qp.n();
        double[][] pm = qp.P();
        double[] q = qp.q();
        double[][] a = qp.A();
        double[] b = qp.b();
        double[][] g = qp.G();
        double[] h = qp.h();
        switch (block) {
            case P -> {
                if (pm == null) {
                    pm = new double[n][n];
                }
                pm[i][j] += delta;
                if (i != j) {
                    pm[j][i] += delta;
                }
            }
            case q -> q[i] += delta;
            case A -> a[i][j] += delta;
            case b -> b[i] += delta;
            case G -> g[i][j] += delta;
            case h -> h[i] += delta;
        }
        QuadraticProgram.Builder builder = QuadraticProgram.builder(n).name(qp.name()).P(pm).q(q);
        if (a != null) {
            builder.equalities(a, b);
        }
        if (g != null) {
            builder.inequalities(g, h);
        }
        return builder.build();
    }
}
