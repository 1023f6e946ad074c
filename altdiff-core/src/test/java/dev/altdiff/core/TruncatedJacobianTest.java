package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class TruncatedJacobianTest {
    @Test
    void jacobianMatchesFiniteDifferencesOfTheTruncatedMap() {
        LinearAlgebra la = new OjAlgoLinearAlgebra();
        QuadraticProgram qp = RandomQp.paper(1, 8, 3, 6, 0.5);
        Settings s = new Settings(1.0, 1e-300, 25, Truncation.RELATIVE_CHANGE);
        AltDiffSolution sol = new AltDiffDifferentiator().solve(qp, s, la);
        double[][] jq = sol.jacobian(Block.q);
        double[][] jb = sol.jacobian(Block.b);
        double[][] jh = sol.jacobian(Block.h);
        double eps = 1e-6;
        double err = 0;
        for (int j = 0; j < 8; j++) {
            double[] qp1 = qp.q(); qp1[j] += eps;
            double[] qm1 = qp.q(); qm1[j] -= eps;
            double[] xp = new AltDiffDifferentiator().solve(QuadraticProgram.builder(8).P(qp.P()).q(qp1).equalities(qp.A(), qp.b()).inequalities(qp.G(), qp.h()).build(), s, la).solution().x();
            double[] xm = new AltDiffDifferentiator().solve(QuadraticProgram.builder(8).P(qp.P()).q(qm1).equalities(qp.A(), qp.b()).inequalities(qp.G(), qp.h()).build(), s, la).solution().x();
            for (int i = 0; i < 8; i++) {
                err = Math.max(err, Math.abs((xp[i] - xm[i]) / (2 * eps) - jq[i][j]));
            }
        }
        for (int j = 0; j < 6; j++) {
            double[] hp = qp.h(); hp[j] += eps;
            double[] hm = qp.h(); hm[j] -= eps;
            double[] xp = new AltDiffDifferentiator().solve(QuadraticProgram.builder(8).P(qp.P()).q(qp.q()).equalities(qp.A(), qp.b()).inequalities(qp.G(), hp).build(), s, la).solution().x();
            double[] xm = new AltDiffDifferentiator().solve(QuadraticProgram.builder(8).P(qp.P()).q(qp.q()).equalities(qp.A(), qp.b()).inequalities(qp.G(), hm).build(), s, la).solution().x();
            for (int i = 0; i < 8; i++) {
                err = Math.max(err, Math.abs((xp[i] - xm[i]) / (2 * eps) - jh[i][j]));
            }
        }
        for (int j = 0; j < 3; j++) {
            double[] bp = qp.b(); bp[j] += eps;
            double[] bm = qp.b(); bm[j] -= eps;
            double[] xp = new AltDiffDifferentiator().solve(QuadraticProgram.builder(8).P(qp.P()).q(qp.q()).equalities(qp.A(), bp).inequalities(qp.G(), qp.h()).build(), s, la).solution().x();
            double[] xm = new AltDiffDifferentiator().solve(QuadraticProgram.builder(8).P(qp.P()).q(qp.q()).equalities(qp.A(), bm).inequalities(qp.G(), qp.h()).build(), s, la).solution().x();
            for (int i = 0; i < 8; i++) {
                err = Math.max(err, Math.abs((xp[i] - xm[i]) / (2 * eps) - jb[i][j]));
            }
        }
        System.out.println("max |J - FD| = " + err);
        assertTrue(err < 1e-6, "err " + err);
    }
}
