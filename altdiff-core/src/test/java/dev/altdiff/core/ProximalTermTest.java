package dev.altdiff.core;

import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proximal term σ ({@link Settings#sigma()}): problems whose H = P + ρ_eqAᵀA + ρGᵀG is singular are refused
 * without it, with a message naming the remedy, and solved or certified with it. Its derivatives are checked in
 * {@link ReverseSweepSuite} (cases with σ &gt; 0 on every backend).
 */
class ProximalTermTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    /** min x₁ + x₂ s.t. x₁ + x₂ ≥ 1, x ≥ 0 in three variables: x₃ is in no row, so [A; G] is rank-deficient. */
    private static final QuadraticProgram RANK_DEFICIENT_LP = QuadraticProgram.builder(3).q(new double[]{1, 1, 0})
            .inequalities(new double[][]{{-1, -1, 0}, {-1, 0, 0}, {0, -1, 0}}, new double[]{-1, 0, 0}).build();

    @Test
    void aRankDeficientLpNeedsTheProximalTermAndIsSolvedWithIt() {
        InvalidProblemException refused = assertThrows(InvalidProblemException.class,
                () -> Admm.solve(RANK_DEFICIENT_LP, Settings.DEFAULTS, LA));
        assertTrue(refused.getMessage().contains("withSigma"), refused.getMessage());
        Settings settings = Settings.DEFAULTS.withSigma(Settings.OSQP_SIGMA);
        Solution s = Admm.solve(RANK_DEFICIENT_LP, settings, LA).solution();
        assertEquals(Status.SOLVED, s.status());
        StatusContract.assertHonest(RANK_DEFICIENT_LP, s, settings.tolerance(), "rank-deficient LP");
        assertEquals(1.0, s.objective(), 1e-6);
        assertEquals(0.0, s.x()[2], 0.0, "the free direction stays at the start");
        // the differentiated run and the forward-only run are the same run
        Solution recorded = new AltDiffDifferentiator().solve(RANK_DEFICIENT_LP, settings, LA).solution();
        assertEquals(s.iterations(), recorded.iterations());
        assertEquals(s.objective(), recorded.objective(), 1e-15);
    }

    /**
     * The unbounded LP min x₁ + 2x₂ s.t. 0 ≤ x₁ + x₂ ≤ 1, whose H = ρ·[[2, 2], [2, 2]] passes the
     * Cholesky factorization only on a rounding pivot: without σ it ends at the iteration cap; with σ the
     * iterates diverge along a direction of recession and the run ends dual infeasible with its certificate.
     */
    @Test
    void anUnboundedRankDeficientLpIsCertifiedWithTheProximalTerm() {
        QuadraticProgram qp = QuadraticProgram.builder(2).q(new double[]{1, 2})
                .inequalities(new double[][]{{-1, -1}, {1, 1}}, new double[]{0, 1}).build();
        Solution s = Admm.solve(qp, Settings.DEFAULTS.withSigma(Settings.OSQP_SIGMA), LA).solution();
        assertEquals(Status.DUAL_INFEASIBLE, s.status());
        assertNotNull(s.certificate());
        double[] dx = s.certificate().x();
        assertTrue(dx[0] + 2 * dx[1] < 0, "qᵀδx < 0");
        assertEquals(0.0, dx[0] + dx[1], 1e-5, "Gδx = 0 on both rows");
    }

    @Test
    void sigmaIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> Settings.DEFAULTS.withSigma(-1e-6));
        assertThrows(IllegalArgumentException.class, () -> Settings.DEFAULTS.withSigma(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Settings.DEFAULTS.withSigma(2 * Settings.SIGMA_MAX));
        assertEquals(0.0, Settings.DEFAULTS.sigma());
        assertEquals(0.0, Settings.PAPER.sigma());
        assertEquals(0.5, Settings.DEFAULTS.withSigma(0.5).withRho(2).withAlpha(1.5).sigma(), "the withers carry σ");
    }
}
