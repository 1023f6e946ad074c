package dev.altdiff.kkt;

import dev.altdiff.api.Block;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static dev.altdiff.kkt.Fixtures.cosine;
import static dev.altdiff.kkt.Fixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Alt-Diff in both modes (forward: the paper's Jacobian recursion, blocks q, b, h; reverse: the
 * adjoint sweep, all six blocks) against the KKT reference on planted QPs with strict
 * complementarity margin μ = 0.1, both from the same forward pass at the paper's truncation rule
 * with ε = 1e-10. By the truncation theorem ({@code ALTDIFF.md} §4) the Alt-Diff gradient differs
 * from the KKT gradient at the same iterate by O(‖x_K − x*‖), here ≲ 1e-7 relative once the masks
 * have settled on the true active set (the margin makes that happen early), so the required cosine
 * ≥ 0.99999 and relative error ≤ 1e-4 leave a wide safety factor (measured: relative errors 4e-8 to
 * 2.4e-6, 1 − cosine ≤ 3e-12).
 * The KKT gradient at that iterate in turn matches the one at the planted exact point.
 *
 * <p>Every case runs on every backend ({@link Fixtures#BACKENDS}).
 *
 * <p>Every case has p + k &lt; n active constraints (k = min(⌊m/2⌋, n − p)): with p + k = n the
 * solution is a vertex, ∂x/∂q = 0, and relative errors of the (rounding-level) q gradients mean
 * nothing.
 */
class AltDiffAgreementTest {
    static final Settings PAPER = new Settings(1.0, 1e-10, 100_000, Truncation.RELATIVE_CHANGE);

    static Stream<Arguments> cases() {
        var forward = AltDiffDifferentiator.Mode.FORWARD;
        var reverse = AltDiffDifferentiator.Mode.REVERSE;
        return Fixtures.onEveryBackend(new Object[]{1L, 10, 3, 12, forward}, new Object[]{2L, 20, 5, 20, forward},
                new Object[]{3L, 30, 10, 30, forward}, new Object[]{4L, 40, 8, 30, forward},
                new Object[]{5L, 60, 20, 60, forward}, new Object[]{6L, 50, 0, 70, forward},
                new Object[]{7L, 30, 15, 0, forward}, new Object[]{1L, 10, 3, 12, reverse},
                new Object[]{3L, 30, 10, 30, reverse}, new Object[]{5L, 60, 20, 60, reverse},
                new Object[]{6L, 50, 0, 70, reverse});
    }

    @ParameterizedTest(name = "{4} seed {0}: n={1} p={2} m={3} on {5}")
    @MethodSource("cases")
    void altDiffMatchesKkt(long seed, int n, int p, int m, AltDiffDifferentiator.Mode mode, LinearAlgebra la) {
        PlantedQp planted = PlantedQp.generate(seed, n, p, m, 0.1, true);
        double[] v = Gaussian.vector(new Random(seed + 7), n);
        var altDiff = new AltDiffDifferentiator(mode).solve(planted.problem(), PAPER, la);
        Fixtures.assertStoppedByItsRule(altDiff.solution().status());
        Gradients alt = altDiff.backward(v);
        Gradients kkt = new KktDifferentiator().solve(planted.problem(), PAPER, la).backward(v);
        Gradients exact = KktDifferentiator.at(planted.problem(), planted.x(), planted.lambda(), planted.nu(), la)
                .backward(v);
        StringBuilder report = new StringBuilder(String.format("%s %s seed %d n=%d p=%d m=%d K=%d:", la.name(), mode,
                seed, n, p, m, altDiff.solution().iterations()));
        report.append(compare("q", alt.q(), kkt.q(), exact.q()));
        if (p > 0) {
            report.append(compare("b", alt.b(), kkt.b(), exact.b()));
        }
        if (m > 0) {
            report.append(compare("h", alt.h(), kkt.h(), exact.h()));
        }
        if (mode == AltDiffDifferentiator.Mode.REVERSE) { // the matrix blocks too
            report.append(compare("P", alt.flat(Block.P), kkt.flat(Block.P), exact.flat(Block.P)));
            if (p > 0) {
                report.append(compare("A", alt.flat(Block.A), kkt.flat(Block.A), exact.flat(Block.A)));
            }
            if (m > 0) {
                report.append(compare("G", alt.flat(Block.G), kkt.flat(Block.G), exact.flat(Block.G)));
            }
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
