package dev.altdiff.kkt;

import dev.altdiff.api.Block;
import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Differentiator;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiff;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every differentiator gives the same answers on every backend: x, λ, ν, the iteration count and
 * the gradients of all blocks it supports, to 1e-10 relative (‖a − b‖₂ ≤ 1e-10·‖b‖₂, b from
 * ojAlgo).
 *
 * <p>Why 1e-10 holds. Alt-Diff runs with a fixed iteration count K = 20 (a tolerance that is never
 * met: K is kept short because an equality-only problem can reach an exact floating-point fixed
 * point, Δx = 0, within a few tens of iterations on one backend and not on the other),
 * so both backends execute the same arithmetic and differ only by the rounding of their
 * matrix kernels (blocked gemm and Cholesky in OpenBLAS versus ojAlgo's loops), about 1e-15
 * relative per operation. ADMM and the Jacobian recursion are contractions at these problems, so
 * rounding is not amplified beyond the condition of H (here ≲ 10⁴): the measured differences are
 * ~1e-13. The KKT differentiator runs ADMM to the residual rule at 1e-12 on each backend, so x, λ, ν
 * and its gradients agree to the solve accuracy, ≲ 1e-11 relative on these margin-0.1 problems;
 * its iteration count may differ by one when a residual lands on the threshold and is not compared.
 */
class CrossBackendTest {
    static final Settings FIXED_K = new Settings(1.0, 1e-300, 20, Truncation.RELATIVE_CHANGE);
    static final double TOLERANCE = 1e-10;

    @ParameterizedTest(name = "seed {0}: n={1} p={2} m={3}")
    @CsvSource({"11, 12, 4, 10", "12, 30, 10, 30", "13, 40, 0, 50", "14, 25, 12, 0"})
    void everyDifferentiatorAgreesAcrossBackends(long seed, int n, int p, int m) {
        PlantedQp planted = PlantedQp.generate(seed, n, p, m, 0.1, true);
        double[] v = Gaussian.vector(new Random(seed), n);
        LinearAlgebra reference = AltDiff.backend(Fixtures.BACKENDS.get(0));
        for (String name : Fixtures.BACKENDS.subList(1, Fixtures.BACKENDS.size())) {
            LinearAlgebra other = AltDiff.backend(name);
            compare("altdiff reverse", new AltDiffDifferentiator(AltDiffDifferentiator.Mode.REVERSE), FIXED_K,
                    planted, v, reference, other, true);
            compare("altdiff forward", new AltDiffDifferentiator(AltDiffDifferentiator.Mode.FORWARD), FIXED_K,
                    planted, v, reference, other, true);
            compare("kkt", new KktDifferentiator(), Fixtures.TIGHT, planted, v, reference, other, false);
        }
    }

    private static void compare(String what, Differentiator d, Settings settings, PlantedQp planted, double[] v,
                                LinearAlgebra reference, LinearAlgebra other, boolean sameIterations) {
        DifferentiableSolution a = d.solve(planted.problem(), settings, reference);
        DifferentiableSolution b = d.solve(planted.problem(), settings, other);
        Solution sa = a.solution();
        Solution sb = b.solution();
        String label = what + " " + other.name() + " vs " + reference.name();
        if (sameIterations) {
            assertEquals(sa.iterations(), sb.iterations(), label + ": iterations");
        }
        assertClose(label + " x", sa.x(), sb.x());
        assertClose(label + " lambda", sa.lambda(), sb.lambda());
        assertClose(label + " nu", sa.nu(), sb.nu());
        Gradients ga = a.backward(v);
        Gradients gb = b.backward(v);
        double worst = 0;
        for (Block block : Block.values()) {
            assertEquals(ga.has(block), gb.has(block), label + ": block " + block);
            if (ga.has(block)) {
                worst = Math.max(worst, assertClose(label + " d/d" + block, ga.flat(block), gb.flat(block)));
            }
        }
        System.out.printf("[cross-backend] %s: K=%d, worst gradient relative difference %.1e%n", label,
                sa.iterations(), worst);
    }

    private static double assertClose(String label, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, label + ": length");
        if (expected.length == 0) {
            return 0;
        }
        double rel = Fixtures.norm(expected) == 0 ? Fixtures.norm(actual) : Fixtures.relativeError(actual, expected);
        assertTrue(rel <= TOLERANCE, label + ": relative difference " + rel);
        return rel;
    }
}
