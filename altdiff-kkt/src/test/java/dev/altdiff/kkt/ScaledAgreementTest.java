package dev.altdiff.kkt;

import dev.altdiff.api.Block;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.core.AltDiffSolution;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.BadlyScaledQp;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static dev.altdiff.kkt.Fixtures.cosine;
import static dev.altdiff.kkt.Fixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With Ruiz equilibration ({@link Settings#scaling()} = 10) the converged Alt-Diff gradients (reverse
 * mode, all six blocks, mapped back from the scaled run) agree with the KKT differentiator, on
 * planted QPs (margin μ = 0.1) whose rows and columns were scaled over 1e-2..1e2
 * ({@link BadlyScaledQp}). Both the KKT gradient at the scaled run's (mapped) solution and the one at
 * the exact planted point are compared. As in {@link AltDiffAgreementTest}, the Alt-Diff gradient
 * differs from the KKT one by O(‖x_K − x*‖) once the masks have settled; the residual rule at
 * ε = 1e-11 on the scaled problem puts that error at about cond·1e-11 relative (measured: relative
 * errors 1e-9 to 1.5e-7 against the planted point, 1 − cosine ≤ 3e-15), so cosine ≥ 0.99999 and
 * relative error ≤ 1e-5 leave a factor 60 while catching any wrong factor (a factor-2 error in one
 * block gives a relative error ≥ 0.5 there).
 */
class ScaledAgreementTest {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();
    private static final Settings SCALED = new Settings(1.0, 1e-11, 200_000, Truncation.RESIDUALS).withScaling(10);

    @ParameterizedTest(name = "seed {0}: n={1} p={2} m={3}")
    @CsvSource({"1, 10, 3, 12", "3, 30, 10, 30", "6, 40, 0, 50"})
    void scaledAltDiffMatchesKkt(long seed, int n, int p, int m) {
        BadlyScaledQp bad = BadlyScaledQp.generate(PlantedQp.generate(seed, n, p, m, 0.1, true), 2, seed + 11);
        double[] v = Gaussian.vector(new Random(seed + 7), n);
        AltDiffSolution altDiff = new AltDiffDifferentiator().solve(bad.problem(), SCALED, LA);
        assertEquals(Status.SOLVED, altDiff.solution().status());
        Gradients alt = altDiff.backward(v);
        Gradients kkt = new KktDifferentiator().solve(bad.problem(), SCALED, LA).backward(v);
        Gradients exact = KktDifferentiator.at(bad.problem(), bad.y(), bad.lambda(), bad.nu(), LA).backward(v);
        StringBuilder report = new StringBuilder(String.format("seed %d n=%d p=%d m=%d K=%d:", seed, n, p, m,
                altDiff.solution().iterations()));
        for (Block block : Block.values()) {
            if (p == 0 && (block == Block.A || block == Block.b)) {
                continue;
            }
            double[] a = alt.flat(block);
            double cosKkt = cosine(a, kkt.flat(block));
            double cosExact = cosine(a, exact.flat(block));
            double rel = relativeError(a, exact.flat(block));
            assertTrue(cosKkt >= 0.99999, block + ": cosine vs KKT at the iterate " + cosKkt);
            assertTrue(cosExact >= 0.99999, block + ": cosine vs KKT at the planted point " + cosExact);
            assertTrue(rel <= 1e-5, block + ": relative error vs the planted point " + rel);
            report.append(String.format(" %s cos-1=%.1e rel=%.1e", block, cosExact - 1, rel));
        }
        System.out.println("[scaled-vs-kkt] " + report);
    }
}
