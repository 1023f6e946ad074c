package dev.altdiff.kkt;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.core.PlantedQp;
import dev.altdiff.core.RandomQp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static dev.altdiff.kkt.Fixtures.LA;
import static dev.altdiff.kkt.Fixtures.TIGHT;
import static dev.altdiff.kkt.Fixtures.cosine;
import static dev.altdiff.kkt.Fixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Alt-Diff (forward mode, blocks q, b, h) against the KKT reference on planted QPs with strict
 * complementarity margin μ = 0.1, both from the same forward pass at the paper's truncation rule
 * with ε = 1e-10. By the truncation theorem ({@code ALTDIFF.md} §4) the Alt-Diff gradient differs
 * from the KKT gradient at the same iterate by O(‖x_K − x*‖), here ≲ 1e-7 relative once the masks
 * have settled on the true active set (the margin makes that happen early), so the required cosine
 * ≥ 0.99999 and relative error ≤ 1e-4 leave a wide safety factor (measured: relative errors ~1e-8).
 * The KKT gradient at that iterate in turn matches the one at the planted exact point.
 *
 * <p>Every case has p + k &lt; n active constraints (k = min(⌊m/2⌋, n − p)): with p + k = n the
 * solution is a vertex, ∂x/∂q = 0, and relative errors of the (rounding-level) q gradients mean
 * nothing.
 */
class AltDiffAgreementTest {
    static final Settings PAPER = new Settings(1.0, 1e-10, 100_000, Truncation.RELATIVE_CHANGE);

    @ParameterizedTest(name = "seed {0}: n={1} p={2} m={3}")
    @CsvSource({"1, 10, 3, 12", "2, 20, 5, 20", "3, 30, 10, 30", "4, 40, 8, 30", "5, 60, 20, 60", "6, 50, 0, 70",
            "7, 30, 15, 0"})
    void altDiffMatchesKktOnQBH(long seed, int n, int p, int m) {
        PlantedQp planted = PlantedQp.generate(seed, n, p, m, 0.1, true);
        double[] v = RandomQp.gaussian(new Random(seed + 7), n);
        var altDiff = new AltDiffDifferentiator().solve(planted.problem(), PAPER, LA);
        assertEquals(Status.SOLVED, altDiff.solution().status());
        Gradients alt = altDiff.backward(v);
        Gradients kkt = new KktDifferentiator().solve(planted.problem(), PAPER, LA).backward(v);
        Gradients exact = KktDifferentiator.at(planted.problem(), planted.x(), planted.lambda(), planted.nu(), LA)
                .backward(v);
        StringBuilder report = new StringBuilder(String.format("seed %d n=%d p=%d m=%d K=%d:", seed, n, p, m,
                altDiff.solution().iterations()));
        report.append(compare("q", alt.q(), kkt.q(), exact.q()));
        if (p > 0) {
            report.append(compare("b", alt.b(), kkt.b(), exact.b()));
        }
        if (m > 0) {
            report.append(compare("h", alt.h(), kkt.h(), exact.h()));
        }
        System.out.println("[altdiff-vs-kkt] " + report);
    }

    private static String compare(String block, double[] alt, double[] kkt, double[] exact) {
        double cos = cosine(alt, kkt);
        double rel = relativeError(alt, kkt);
        assertTrue(cos >= 0.99999, block + ": cosine " + cos);
        assertTrue(rel <= 1e-4, block + ": relative error " + rel);
        double relExact = relativeError(kkt, exact);
        assertTrue(relExact <= 1e-5, block + ": KKT at the iterate vs at the planted point " + relExact);
        return String.format(" %s cos-1=%.1e rel=%.1e (kkt vs exact %.1e)", block, cos - 1, rel, relExact);
    }
}
