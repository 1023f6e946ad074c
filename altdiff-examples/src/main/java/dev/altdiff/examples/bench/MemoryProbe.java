package dev.altdiff.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory of a benchmark trial, two ways.
 * <ul>
 *   <li><b>Measured:</b> the process's peak resident set (Linux {@code VmHWM} of
 *   {@code /proc/self/status}), reset before a trial by writing 5 to {@code /proc/self/clear_refs}.
 *   It covers the JVM heap and native memory (ND4J's buffers live off-heap), but it includes the
 *   heap the JVM has committed for earlier trials and does not give back, so it rises with the
 *   largest problem run so far rather than isolating one method.</li>
 *   <li><b>Model:</b> the method's working set from its algorithm (leading terms, in doubles):
 *   {@link #workingSetMb}. This is the number to compare methods by.</li>
 * </ul>
 */
public final class MemoryProbe {
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final double MIB = 1024.0 * 1024.0;

    private MemoryProbe() {
    }

    /** @return whether the peak resident set can be reset and read (Linux with a writable clear_refs) */
    static boolean available() {
        return Files.isWritable(CLEAR_REFS) && Files.isReadable(STATUS);
    }

    /** Resets the peak resident set to the current one (no-op where not {@link #available()}). */
    static void resetPeak() {
        if (!available()) {
            return;
        }
        try {
            Files.writeString(CLEAR_REFS, "5");
        } catch (IOException e) {
            // not permitted here: peakMb() then reports the peak since the process started
        }
    }

    /** @return the peak resident set since the last {@link #resetPeak()}, MiB; NaN where unavailable */
    static double peakMb() {
        if (!available()) {
            return Double.NaN;
        }
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.UTF_8)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /**
     * The model working set of a method, MiB (8-byte doubles), leading terms for n variables, p
     * equalities, m inequalities and K iterations; N = n + p + m:
     * <ul>
     *   <li>every method runs ADMM: P and H's Cholesky factor (2n²), A, Aᵀ, G, Gᵀ (2(p+m)n);</li>
     *   <li>Alt-Diff reverse mode adds the stored trajectory (x, λ, ν̃ and the mask D per iteration:
     *   K(n + p + 2m));</li>
     *   <li>Alt-Diff forward mode adds the masks (Km), H⁻¹Aᵀ, H⁻¹Gᵀ and the transfer Φ (2n(p+m)),
     *   M = [A;G]H⁻¹[Aᵀ Gᵀ] and the recursion's four (p+m)-square states (5(p+m)²);</li>
     *   <li>KKT adds Kᵀ and its LU factors (2N²).</li>
     * </ul>
     */
    public static double workingSetMb(BenchSuite.Method method, int n, int p, int m, int iterations) {
        double nn = n;
        double c = p + m;
        double admm = 2 * nn * nn + 2 * c * nn;
        double extra = switch (method) {
            case REVERSE -> (double) iterations * (n + p + m + m / 8.0); // the masks are bytes
            case FORWARD -> (double) iterations * m / 8.0 + 2 * nn * c + 5 * c * c;
            case KKT -> 2.0 * (n + c) * (n + c);
        };
        return (admm + extra) * 8 / MIB;
    }

    /**
     * The model working set of a method on the entropy family ({@link BenchSuite.Family#ENTROPY}), MiB,
     * leading terms; r = p + m:
     * <ul>
     *   <li>ADMM with the Newton x-step: A and G row-major and C = [A; G], Cᵀ on the backend (3rn); the
     *   Woodbury system S = I/ρ + C D⁻¹Cᵀ and its factor (2r²) when r &lt; n, else the dense ρCᵀC and
     *   the factor of H(x) (2n²);</li>
     *   <li>Alt-Diff reverse mode adds its trajectory (x, λ, ν̃, ν, s and the mask per iteration:
     *   K(n + p + 4m));</li>
     *   <li>KKT adds the dense Hessian (n²), Kᵀ and its LU factors (2N², N = n + p + m).</li>
     * </ul>
     */
    static double entropyWorkingSetMb(BenchSuite.Method method, int n, int p, int m, int iterations) {
        double nn = n;
        double r = p + m;
        double admm = 3 * r * nn + (r < n ? 2 * r * r : 2 * nn * nn);
        double extra = switch (method) {
            case REVERSE -> (double) iterations * (n + p + 4.0 * m);
            case KKT -> nn * nn + 2.0 * (n + r) * (n + r);
            case FORWARD -> throw new IllegalArgumentException("the entropy family has no forward-mode rows");
        };
        return (admm + extra) * 8 / MIB;
    }
}
