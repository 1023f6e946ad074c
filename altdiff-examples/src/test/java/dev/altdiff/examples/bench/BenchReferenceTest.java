package dev.altdiff.examples.bench;

import dev.altdiff.api.Polish;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.core.Admm;
import dev.altdiff.core.AltDiff;
import dev.altdiff.core.GeneralAltDiff;
import dev.altdiff.examples.demo.EntropyDemo;
import dev.altdiff.examples.demo.PaperDemo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench's reference points ({@link BenchReference}) against the plain references they replace:
 * ADMM to residuals ≤ 1e-10 (QP families) and to relative change ≤ 1e-10 (entropy), on seeded problems.
 */
class BenchReferenceTest {
    private final LinearAlgebra la = AltDiff.backend("ojalgo");

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 2})
    void polishedQpReferencePassesTheResidualTestAndAgreesWithPlainAdmm(long seed) {
        for (BenchSuite.Family family : new BenchSuite.Family[] {BenchSuite.Family.PAPER, BenchSuite.Family.WELLCOND}) {
            QuadraticProgram qp = family.problem(la, new PaperDemo.Size(30, 10, 8), seed);
            Solution ref = BenchReference.solution(qp, la);
            assertEquals(Status.SOLVED, ref.status(), family + " " + seed);
            assertTrue(ref.primalResidual() <= 1e-10 * (1 + Math.max(max(qp.b()), max(qp.h())))
                    && ref.dualResidual() <= 1e-10 * (1 + max(qp.q())), ref.toString());
            Solution plain = Admm.solve(qp, PaperDemo.REFERENCE, la).solution();
            // both pass the 1e-10 residual test; on these well-posed problems x then agrees to ~1e-9 (measured
            // 1e-11..1e-10), the bound leaves room for the conditioning of the paper family
            assertTrue(PaperDemo.relativeError(ref.x(), plain.x()) < 1e-7, family + " " + seed);
            assertTrue(ref.iterations() <= plain.iterations(), ref.iterations() + " > " + plain.iterations());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 2})
    void newtonPolishedEntropyReferenceIsAKktPointOfTheProgram(long seed) {
        ConvexProgram program = BenchSuite.Family.entropyProblem(new PaperDemo.Size(40, 12, 6), seed);
        Solution ref = BenchReference.generalSolution(program, EntropyDemo.REFERENCE, la);
        assertEquals(Polish.ACCEPTED, ref.polish(), "the polish succeeds on planted draws");
        double dualScale = 1 + max(program.objective().gradient(ref.x()));
        // Newton converges quadratically to the rounding floor: residuals far below the 1e-10 acceptance test
        assertTrue(ref.primalResidual() <= 1e-12 && ref.dualResidual() <= 1e-12 * dualScale, ref.toString());
        for (double nu : ref.nu()) {
            assertTrue(nu >= 0, "dual feasible");
        }
        Solution plain = GeneralAltDiff.solveOnly(program, EntropyDemo.REFERENCE, la);
        // plain ADMM stops at relative change 1e-10, its x is within about 1e-8 of the solution
        assertTrue(PaperDemo.relativeError(plain.x(), ref.x()) < 1e-6, seed + ": "
                + PaperDemo.relativeError(plain.x(), ref.x()));
        assertTrue(ref.iterations() < plain.iterations(), ref.iterations() + " >= " + plain.iterations());
    }

    private static double max(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
