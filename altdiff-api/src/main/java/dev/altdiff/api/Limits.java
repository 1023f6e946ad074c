package dev.altdiff.api;

import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.Objective;

import java.util.ArrayList;
import java.util.List;

/**
 * The limits every entry point checks before it allocates (issue 18): array lengths, magnitudes of
 * the data, and a memory estimate of a run against the memory the JVM has left. In one place, so
 * that the problem's builder, the sparse factories, the library's entry points
 * ({@code AltDiffDifferentiator}, {@code BatchLayer}, {@code KktDifferentiator}) and the command
 * line refuse the same things with the same messages.
 *
 * <ul>
 *   <li><b>Array lengths.</b> A dense r×c block is one Java array of r·c doubles, so r·c must stay
 *       within {@link #MAX_ARRAY_LENGTH}; the counts are computed in {@code long} and cast only
 *       after the check ({@link #length}). This is also the dense backends' limit: ojAlgo and the
 *       row-major copies for ND4J index with {@code int} (n = 46 341 is the first n whose n² does not
 *       fit).</li>
 *   <li><b>Magnitudes.</b> Every entry of the data must be finite and at most {@link #MAX_ABS_VALUE}
 *       in absolute value ({@link #value}): the products of two entries then stay finite, so
 *       objectives and residuals never overflow to infinity or NaN.</li>
 *   <li><b>Memory.</b> {@link #estimate} (of a QP, and of a general program) adds up what a run allocates beyond the problem itself
 *       (dense: H = P + ρAᵀA + ρGᵀG formed in the JVM and its factor, W and M; sparse: H's set-up; polishing and
 *       the KKT method: the (n+p+m)-square matrix and its LU;
 *       a gradient: the recorded trajectory, K·(n + p + 2m) doubles for K = {@link Settings#maxIterations()},
 *       and the gradients of P, A, G). {@link #require} compares it with
 *       {@link #availableBytes()} (the heap's maximum minus what is in use) and refuses with a
 *       {@link TooLargeException} naming the largest part. The estimate is a lower bound: the fill
 *       of a sparse factor and the solver's small vectors are not counted.</li>
 * </ul>
 */
public final class Limits {
    /** The longest array the JVM allocates (HotSpot refuses a few entries short of Integer.MAX_VALUE). */
    public static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    /** The largest magnitude of an entry of the data; sqrt(Double.MAX_VALUE) ≈ 1.3e154 would still overflow in sums. */
    public static final double MAX_ABS_VALUE = 1e150;

    private static final long DOUBLE = Double.BYTES;

    private Limits() {
    }

    /** What a run asks of the differentiation, for {@link #estimate}. */
    public enum Gradient {
        /** A solve only (no backward pass can be asked, or it is accounted for elsewhere). */
        NONE,
        /** Alt-Diff in reverse mode: the recorded trajectory and one reverse sweep. */
        REVERSE,
        /** Alt-Diff in forward mode: the dense Jacobian transfers, n×(p+m). */
        FORWARD,
        /** Implicit differentiation: the (n+p+m)-square KKT matrix and its LU. */
        KKT
    }

    /** One part of a run's memory: what it is and how many bytes. */
    public record Part(String what, long bytes) {
    }

    /**
     * @param block the block the count belongs to (reported in the error)
     * @param count the number of entries, computed in long
     * @param what  what the entries are, e.g. "n×n = 46341×46341 entries"
     * @return count as an int
     * @throws TooLargeException when count exceeds {@link #MAX_ARRAY_LENGTH}
     */
    public static int length(String block, long count, String what) {
        if (count < 0 || count > MAX_ARRAY_LENGTH) {
            throw new TooLargeException(block, times(count, DOUBLE), block + " is too large: " + what + " ("
                    + count + " entries) do not fit in one Java array (at most " + MAX_ARRAY_LENGTH + " entries)");
        }
        return (int) count;
    }

    /**
     * @return v when it is finite and |v| ≤ {@link #MAX_ABS_VALUE}
     * @throws InvalidProblemException naming the block and the index (i, or (i, j) when j ≥ 0) otherwise
     */
    public static double value(String block, int i, int j, double v) {
        if (Math.abs(v) <= MAX_ABS_VALUE) {
            return v;
        }
        String at = block + (i < 0 ? "" : "[" + i + "]") + (j < 0 ? "" : "[" + j + "]");
        throw new InvalidProblemException(block, i, j, Double.isFinite(v)
                ? at + " is too large (" + v + "): entries must be at most " + MAX_ABS_VALUE
                        + " in absolute value (their products must not overflow); rescale the problem"
                : at + " is not finite (" + v + ")");
    }

    /** @return a·b, or Long.MAX_VALUE when it overflows (a, b ≥ 0) */
    public static long times(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    /** @return a + b, or Long.MAX_VALUE when it overflows (a, b ≥ 0) */
    public static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** @return the heap the JVM can still give: its maximum minus what is in use */
    public static long availableBytes() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * Refuses an allocation of {@code bytes} that would not fit in {@link #availableBytes()} (after
     * one garbage collection, when the first look says no).
     *
     * @param block what is allocated (reported in the error)
     * @param what  a description with the sizes, e.g. "q, n = 100000000 doubles"
     * @throws TooLargeException when it does not fit
     */
    public static void requireBytes(String block, long bytes, String what) {
        long available = available(bytes);
        if (bytes > available) {
            throw new TooLargeException(block, bytes, block + " is too large: " + what + " need " + mib(bytes)
                    + " but the JVM has " + mib(available) + " left; " + HEAP_ADVICE);
        }
    }

    private static final String HEAP_ADVICE = "raise the heap with -Xmx (for bin/altdiff: ALTDIFF_JAVA_OPTS=-Xmx…)";

    private static long available(long bytes) {
        long available = availableBytes();
        if (bytes > available) {
            System.gc(); // the first look counts garbage as in use
            available = availableBytes();
        }
        return available;
    }

    /**
     * The memory a run on the problem allocates beyond the problem itself (see the class comment).
     *
     * @return the parts, largest first
     * @throws TooLargeException when a dense block the run forms exceeds {@link #MAX_ARRAY_LENGTH}
     */
    public static List<Part> estimate(QuadraticProgram problem, Settings settings, Gradient gradient) {
        long n = problem.n();
        long p = problem.p();
        long m = problem.m();
        long k = settings.maxIterations();
        List<Part> parts = new ArrayList<>();
        if (problem.isSparse()) {
            // the scaled problem reads the caller's arrays through its factors (nothing of its own), and so do the
            // equilibration's passes while they find them; H's set-up holds H's pattern
            // (for its ordering) or the upper triangle of its permutation and then the factor, never H whole: at least
            // P's entries and the diagonal (the Gram terms' fill is not known before it is formed)
            long h = (problem.hasP() ? problem.sparse(Block.P).nonzeros() : 0) + n;
            parts.add(new Part("H's set-up: its pattern, the upper triangle of its permutation (about two ints and a"
                    + " double per entry of H, at least nnz(P) + n = " + h + ")",
                    times(h, DOUBLE + 2L * Integer.BYTES)));
        } else {
            length("H", n * n, "the dense n×n matrices H = P + ρAᵀA + ρGᵀG and its factor, n×n = " + n + "×" + n);
            length(p >= m ? "A" : "G", Math.max(p, m) * n, "a dense constraint block, " + Math.max(p, m) + "×" + n);
            // H formed in the JVM and factored in its own array (ojalgo and nd4j); a backend that copies it to
            // factor it holds a second, and one whose factor is not in the JVM also gives a row-major copy of it
            // with the full x-step, or up to n = 1024 (counted, a bound for every backend)
            boolean reduced = settings.sigma() == 0 && settings.xStep().reduced((int) n, (int) (p + m));
            long copies = !reduced || n <= 1024 ? 3 : 2;
            parts.add(new Part("H = P + ρAᵀA + ρGᵀG formed in the JVM and its factor" + (copies == 3
                    ? ", the factor's row-major copy" : "") + " (at most " + copies + " n×n, n = " + n + ")",
                    times(copies * n * n, DOUBLE)));
            parts.add(new Part("a scaled copy of A or G while H is formed (max(p, m)×n = " + Math.max(p, m) + "×" + n
                    + ")", times(Math.max(p, m) * n, DOUBLE)));
            if (reduced) {
                parts.add(new Part("the reduced x-step's W = H⁻¹[Aᵀ Gᵀ] and M = [A; G]W, formed in place in the JVM"
                        + " (n×(p+m) + (p+m)²)", times((p + m) * n + (p + m) * (p + m), DOUBLE)));
            }
        }
        if (settings.polish() || gradient == Gradient.KKT) {
            long order = n + p + m;
            length("KKT", order * order, "the (n+p+m)-square KKT matrix, " + order + "×" + order);
            parts.add(new Part("the KKT matrix and its LU (2 (n+p+m)², n+p+m = " + order + ")",
                    times(2 * order * order, DOUBLE)));
        }
        switch (gradient) {
            case REVERSE -> parts.add(new Part("the recorded trajectory for up to --max-iter K = " + k
                    + " iterations (K·(n+p+m) doubles and K·m bytes; lower K or raise the heap)",
                    plus(times(times(k, n + p + m), DOUBLE), times(k, m))));
            case FORWARD -> {
                parts.add(new Part("the recorded masks for up to K = " + k + " iterations (K·m bytes)", times(k, m)));
                parts.add(new Part("the forward-mode Jacobian transfers (4 n×(p+m) + 2 (p+m)²)",
                        times(plus(times(4 * n, p + m), times(2 * (p + m), p + m)), DOUBLE)));
            }
            default -> {
            }
        }
        if (gradient != Gradient.NONE && !problem.isSparse()) {
            parts.add(new Part("the gradients of P, A, G ((n+p+m)×n)", times(times(n + p + m, n), DOUBLE)));
        }
        parts.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        return parts;
    }

    /**
     * Refuses a run whose {@link #estimate} does not fit in {@link #availableBytes()}.
     *
     * @throws TooLargeException naming the largest part of the run and the bytes needed
     */
    public static void require(QuadraticProgram problem, Settings settings, Gradient gradient) {
        require(estimate(problem, settings, gradient), problem.n(), problem.p(), problem.m());
    }

    /**
     * The memory a run on a general program (a smooth objective f, Newton x-step) allocates beyond
     * the program itself: the row-major copies of A and G; the Newton system, either the dense
     * H(x) = ∇²f(x) + ρAᵀA + ρGᵀG with ρAᵀA + ρGᵀG kept and the factor (3 n×n), or, when ∇²f is
     * diagonal and p + m &lt; n, the Woodbury form (C = [A; G] and Cᵀ, W = D^{-1/2}Cᵀ and the
     * (p+m)-square S); the KKT method's (n+p+m)-square matrix and LU; a reverse-mode gradient's
     * trajectory, K·(n + p + 4m) doubles for K = {@link Settings#maxIterations()}, and the gradients
     * of A and G. A lower bound, like {@link #estimate(QuadraticProgram, Settings, Gradient)}.
     *
     * @return the parts, largest first
     * @throws TooLargeException when the dense H(x) would exceed {@link #MAX_ARRAY_LENGTH}
     */
    public static List<Part> estimate(ConvexProgram program, Settings settings, Gradient gradient) {
        long n = program.n();
        long p = program.p();
        long m = program.m();
        long r = p + m;
        long k = settings.maxIterations();
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("the row-major copies of A and G ((p+m)×n = " + r + "×" + n + ")", times(r * n, DOUBLE)));
        Objective f = program.objective();
        if (r < n && f.hessianDiagonal(f.initialPoint()) != null) {
            parts.add(new Part("the Woodbury form of H(x) (C = [A; G], Cᵀ, W: 3 (p+m)×n; S: (p+m)², p+m = " + r
                    + ")", times(plus(times(3 * r, n), times(r, r)), DOUBLE)));
        } else {
            length("H", n * n, "the dense n×n matrix H(x) = ∇²f(x) + ρAᵀA + ρGᵀG, n×n = " + n + "×" + n);
            parts.add(new Part("H(x) = ∇²f(x) + ρAᵀA + ρGᵀG, ρAᵀA + ρGᵀG and the factor (3 n×n, n = " + n + ")",
                    times(3 * n * n, DOUBLE)));
        }
        if (gradient == Gradient.KKT) {
            long order = n + r;
            length("KKT", order * order, "the (n+p+m)-square KKT matrix, " + order + "×" + order);
            parts.add(new Part("the KKT matrix and its LU (2 (n+p+m)², n+p+m = " + order + ")",
                    times(2 * order * order, DOUBLE)));
        }
        if (gradient == Gradient.REVERSE || gradient == Gradient.FORWARD) {
            parts.add(new Part("the recorded trajectory for up to --max-iter K = " + k
                    + " iterations (K·(n+p+4m) doubles; lower K or raise the heap)",
                    times(times(k, n + p + 4 * m), DOUBLE)));
        }
        if (gradient != Gradient.NONE) {
            parts.add(new Part("the gradients of A and G ((p+m)×n)", times(r * n, DOUBLE)));
        }
        parts.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        return parts;
    }

    /**
     * Refuses a run on a general program whose {@link #estimate(ConvexProgram, Settings, Gradient)}
     * does not fit in {@link #availableBytes()}.
     *
     * @throws TooLargeException naming the largest part of the run and the bytes needed
     */
    public static void require(ConvexProgram program, Settings settings, Gradient gradient) {
        require(estimate(program, settings, gradient), program.n(), program.p(), program.m());
    }

    private static void require(List<Part> parts, int n, int p, int m) {
        long total = 0;
        for (Part part : parts) {
            total = plus(total, part.bytes());
        }
        long available = available(total);
        if (total > available) {
            Part largest = parts.get(0);
            String block = largest.what().startsWith("the recorded") ? "trajectory" : "H";
            throw new TooLargeException(block, total, "the problem is too large for this JVM: a run with n = "
                    + n + ", p = " + p + ", m = " + m + " needs at least " + mib(total)
                    + ", most of it for " + largest.what() + " (" + mib(largest.bytes()) + "), but the JVM has "
                    + mib(available) + " left; " + HEAP_ADVICE);
        }
    }

    /** @return bytes in MiB (or "more than 8 EiB" when saturated), for messages */
    static String mib(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "more than 8 EiB";
        }
        return String.format(java.util.Locale.ROOT, "%.1f MiB (%d bytes)", bytes / 1048576.0, bytes);
    }
}
