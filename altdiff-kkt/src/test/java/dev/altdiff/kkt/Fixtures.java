package dev.altdiff.kkt;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiff;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import org.junit.jupiter.params.provider.Arguments;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Shared settings, backends and vector measures of the KKT tests. */
final class Fixtures {
    static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    /** Every backend the gradient suites run on, by registered name (discovered with ServiceLoader). */
    static final List<String> BACKENDS = List.of("ojalgo", "nd4j");

    /**
     * @param cases the argument rows of a parameterized test
     * @return every row once per backend in {@link #BACKENDS}, the backend (a {@link LinearAlgebra})
     *         appended as the last argument
     */
    static Stream<Arguments> onEveryBackend(Object[]... cases) {
        return BACKENDS.stream().flatMap(name -> {
            LinearAlgebra backend = AltDiff.backend(name);
            return Arrays.stream(cases).map(row -> {
                Object[] args = Arrays.copyOf(row, row.length + 1);
                args[row.length] = backend;
                return Arguments.of(args);
            });
        });
    }

    /**
     * The tight forward solve the finite differences and references use: residual rule with
     * ε = 1e-12 (primal and dual residuals ≤ 1e-12·(1 + data scale)), effectively no iteration cap.
     */
    static final Settings TIGHT = new Settings(1.0, 1e-12, 1_000_000, Truncation.RESIDUALS);

    private Fixtures() {
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** @return ⟨a, b⟩/(‖a‖‖b‖) */
    static double cosine(double[] a, double[] b) {
        return dot(a, b) / (norm(a) * norm(b));
    }

    /** @return ‖a − b‖₂/‖b‖₂ */
    static double relativeError(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s) / norm(b);
    }

    /** @return max |a_i − b_i| */
    static double maxAbsDiff(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths " + a.length + " and " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** @return max |a_ij − b_ij| */
    static double maxAbsDiff(double[][] a, double[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, maxAbsDiff(a[i], b[i]));
        }
        return max;
    }

    /** @return max |a_i| */
    static double normInf(double[] a) {
        double max = 0;
        for (double v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    /**
     * Asserts that a run stopped by its own rule rather than the cap: under the paper's relative-change
     * rule that is SOLVED where the termination test passes and TRUNCATED where it does not yet.
     */
    static void assertStoppedByItsRule(dev.altdiff.api.Status status) {
        org.junit.jupiter.api.Assertions.assertTrue(status == dev.altdiff.api.Status.SOLVED
                || status == dev.altdiff.api.Status.TRUNCATED, status.toString());
    }
}
