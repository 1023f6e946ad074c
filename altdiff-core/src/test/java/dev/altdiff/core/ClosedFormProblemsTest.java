package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unconstrained, equality-only, inequality-only and LP problems whose solutions and Jacobians are
 * known in closed form. Solved with the residual rule at ε = 1e-11; the data are O(1) and
 * well-conditioned (κ ≤ ~10), so x, ν and the converged Jacobians are accurate to ~1e-9; the
 * asserted 1e-7 leaves two orders of margin.
 */
class ClosedFormProblemsTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();
    private static final Settings TIGHT = new Settings(1.0, 1e-11, 20_000, Truncation.RESIDUALS);
    private static final double TOL = 1e-7;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void unconstrainedSolvesPxEqualsMinusQ(long seed) {
        Random r = new Random(seed);
        int n = 7;
        QuadraticProgram qp = RandomQp.paper(seed, n, 0, 0, 1.0);
        AltDiffSolution sol = new AltDiffDifferentiator().solve(qp, TIGHT, LA);
        assertEquals(Status.SOLVED, sol.solution().status());
        double[][] p = qp.P();
        double[] x = sol.solution().x();
        double[] q = qp.q();
        double[][] jq = sol.jacobian(Block.q);
        for (int i = 0; i < n; i++) { // Px + q = 0 and P·∂x/∂q = −I
            double px = q[i];
            for (int j = 0; j < n; j++) {
                px += p[i][j] * x[j];
                double pj = 0;
                for (int k = 0; k < n; k++) {
                    pj += p[i][k] * jq[k][j];
                }
                assertEquals(i == j ? -1.0 : 0.0, pj, TOL);
            }
            assertEquals(0.0, px, TOL * (1 + Math.abs(q[i])));
        }
        assertEquals(0, sol.jacobian(Block.b)[0].length);
        assertEquals(0, sol.jacobian(Block.h)[0].length);
        assertEquals(null, sol.backward(r.doubles(n).toArray()).b());
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5, 6})
    void equalityOnlyIsAnAffineProjection(long seed) {
        Random r = new Random(seed);
        int n = 8;
        int p = 3;
        double[] y = Gaussian.vector(r, n);
        double[][] a = Gaussian.matrix(r, p, n);
        double[] b = Gaussian.vector(r, p);
        double[][] identity = new double[n][n];
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            identity[i][i] = 1;
            q[i] = -y[i];
        }
        QuadraticProgram qp = QuadraticProgram.builder(n).P(identity).q(q).equalities(a, b).build();
        AltDiffSolution sol = new AltDiffDifferentiator().solve(qp, TIGHT, LA);
        double[] x = sol.solution().x();
        double[] lambda = sol.solution().lambda();
        for (int i = 0; i < p; i++) { // Ax = b
            double ax = -b[i];
            for (int j = 0; j < n; j++) {
                ax += a[i][j] * x[j];
            }
            assertEquals(0, ax, TOL);
        }
        for (int j = 0; j < n; j++) { // x − y + Aᵀλ = 0
            double st = x[j] - y[j];
            for (int i = 0; i < p; i++) {
                st += a[i][j] * lambda[i];
            }
            assertEquals(0, st, TOL);
        }
        // ∂x/∂q = −(I − Aᵀ(AAᵀ)⁻¹A): symmetric, A·J = 0, J² = −J
        double[][] j = sol.jacobian(Block.q);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                assertEquals(j[i][k], j[k][i], TOL);
                double jj = 0;
                for (int l = 0; l < n; l++) {
                    jj += j[i][l] * j[l][k];
                }
                assertEquals(-j[i][k], jj, TOL);
            }
        }
        for (int i = 0; i < p; i++) {
            for (int k = 0; k < n; k++) {
                double aj = 0;
                for (int l = 0; l < n; l++) {
                    aj += a[i][l] * j[l][k];
                }
                assertEquals(0, aj, TOL);
            }
        }
        // ∂x/∂b satisfies A·∂x/∂b = I
        double[][] jb = sol.jacobian(Block.b);
        for (int i = 0; i < p; i++) {
            for (int k = 0; k < p; k++) {
                double ajb = 0;
                for (int l = 0; l < n; l++) {
                    ajb += a[i][l] * jb[l][k];
                }
                assertEquals(i == k ? 1 : 0, ajb, TOL);
            }
        }
    }

    /** Box: min ½Σd_i x_i² + q_i x_i s.t. l ≤ x ≤ u, as Gx ≤ h with G = [I; −I], h = [u; −l]. */
    private static QuadraticProgram box(double[] d, double[] q, double[] l, double[] u) {
        int n = q.length;
        double[][] g = new double[2 * n][n];
        double[] h = new double[2 * n];
        for (int i = 0; i < n; i++) {
            g[i][i] = 1;
            g[n + i][i] = -1;
            h[i] = u[i];
            h[n + i] = -l[i];
        }
        QuadraticProgram.Builder b = QuadraticProgram.builder(n).q(q).inequalities(g, h);
        if (d != null) {
            double[][] p = new double[n][n];
            for (int i = 0; i < n; i++) {
                p[i][i] = d[i];
            }
            b.P(p);
        }
        return b.build();
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9})
    void inequalityOnlyBoxClipsWithKnownMultipliersAndJacobians(long seed) {
        Random r = new Random(seed);
        int n = 9;
        double[] d = new double[n];
        double[] q = new double[n];
        double[] l = new double[n];
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = 1 + r.nextDouble();
            l[i] = -1;
            u[i] = 1;
            // unconstrained minimiser −q/d: below, inside or above the box, each with margin ≥ 0.2
            double target = switch (i % 3) {
                case 0 -> -1.5 - r.nextDouble();
                case 1 -> -0.8 + 1.6 * r.nextDouble();
                default -> 1.5 + r.nextDouble();
            };
            q[i] = -d[i] * target;
        }
        QuadraticProgram qp = box(d, q, l, u);
        AltDiffSolution sol = new AltDiffDifferentiator().solve(qp, TIGHT, LA);
        double[] x = sol.solution().x();
        double[] nu = sol.solution().nu();
        double[][] jq = sol.jacobian(Block.q);
        double[][] jh = sol.jacobian(Block.h);
        for (int i = 0; i < n; i++) {
            double free = -q[i] / d[i];
            double clipped = Math.max(l[i], Math.min(u[i], free));
            assertEquals(clipped, x[i], TOL);
            assertEquals(free > u[i] ? -(d[i] * u[i] + q[i]) : 0, nu[i], TOL);
            assertEquals(free < l[i] ? d[i] * l[i] + q[i] : 0, nu[n + i], TOL);
            boolean inside = free > l[i] && free < u[i];
            for (int k = 0; k < n; k++) {
                assertEquals(i == k && inside ? -1 / d[i] : 0, jq[i][k], TOL);
                assertEquals(i == k && free > u[i] ? 1 : 0, jh[i][k], TOL);
                assertEquals(i == k && free < l[i] ? -1 : 0, jh[i][n + k], TOL);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {10, 11})
    void boxLinearProgramSitsOnAVertex(long seed) {
        Random r = new Random(seed);
        int n = 6;
        double[] c = new double[n];
        double[] l = new double[n];
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = (i % 2 == 0 ? 1 : -1) * (0.5 + r.nextDouble());
            l[i] = -1 - r.nextDouble();
            u[i] = 1 + r.nextDouble();
        }
        QuadraticProgram lp = box(null, c, l, u);
        AltDiffSolution sol = new AltDiffDifferentiator().solve(lp, TIGHT, LA);
        assertEquals(Status.SOLVED, sol.solution().status());
        double[] x = sol.solution().x();
        double[][] jq = sol.jacobian(Block.q);
        double[][] jh = sol.jacobian(Block.h);
        for (int i = 0; i < n; i++) {
            assertEquals(c[i] > 0 ? l[i] : u[i], x[i], TOL);
            for (int k = 0; k < n; k++) {
                assertEquals(0, jq[i][k], TOL, "LP vertex: ∂x/∂q = 0");
                assertEquals(i == k && c[i] < 0 ? 1 : 0, jh[i][k], TOL);
                assertEquals(i == k && c[i] > 0 ? -1 : 0, jh[i][n + k], TOL);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {12, 13, 14})
    void backwardIsTheContractionOfTheJacobians(long seed) {
        QuadraticProgram qp = RandomQp.paper(seed, 12, 4, 7, 0.1);
        AltDiffSolution sol = new AltDiffDifferentiator(AltDiffDifferentiator.Mode.FORWARD)
                .solve(qp, Settings.PAPER.withTolerance(1e-4), LA);
        double[] v = Gaussian.vector(new Random(seed), 12);
        Gradients g = sol.backward(v);
        assertContraction(v, sol.jacobian(Block.q), g.q());
        assertContraction(v, sol.jacobian(Block.b), g.b());
        assertContraction(v, sol.jacobian(Block.h), g.h());
        assertEquals(null, g.P());
        assertEquals(null, g.A());
        assertEquals(null, g.G());
    }

    private static void assertContraction(double[] v, double[][] jacobian, double[] gradient) {
        double scale = 0;
        for (int k = 0; k < gradient.length; k++) {
            double vj = 0;
            for (int i = 0; i < v.length; i++) {
                vj += v[i] * jacobian[i][k];
            }
            scale = Math.max(scale, Math.abs(vj));
            assertEquals(vj, gradient[k], 1e-10 * (1 + Math.abs(vj)));
        }
        assertTrue(scale > 0);
    }
}
