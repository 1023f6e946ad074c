package dev.altdiff.api;

/**
 * How a dense quadratic program's x-step x = H⁻¹(c − Aᵀλ − Gᵀw), H = P + σI + ρ_eqAᵀA + ρGᵀG, is evaluated
 * ({@link Settings#xStep()}). Both forms give the same map up to rounding; they differ in what they cost:
 * <ul>
 *   <li><b>full</b>: one solve with H's Cholesky factor per column and iteration, about n² + 2n(p+m) multiply-adds
 *       that read the factor (n²/2 doubles) twice; nothing formed beyond the factor;</li>
 *   <li><b>reduced</b>: W = H⁻¹[Aᵀ Gᵀ] (n×(p+m)) and M = [A; G]W ((p+m)×(p+m)) formed once per ρ, n(p+m)(n+p+m)
 *       multiply-adds of matrix–matrix work and n(p+m) + (p+m)² doubles held beside the factor; then
 *       (p+m)² + n(p+m) multiply-adds per column and iteration.</li>
 * </ul>
 * The reduced form pays for its set-up over many column-iterations: a layer's batches, and later calls that reuse
 * the set-up (the matrices kept, only q, b, h changed). One run of one problem rarely reaches them when p + m is a
 * sizeable fraction of n. Sparse problems, σ &gt; 0 and problems without constraints always run the full form
 * (there the reduced one would form dense n×(p+m) matrices, cannot carry the proximal term, or has nothing to
 * reduce); {@link #REDUCED} is refused for the first two.
 */
public enum XStepForm {
    /**
     * For set-ups that serve many column-iterations (layers, batches, repeated calls): reduced when
     * 0 &lt; p + m ≤ n, where it costs at most about half the full form per iteration. The library's default.
     */
    REUSED,
    /**
     * For one run of one problem, its set-up not reused (the command line's {@code solve}): reduced only when its
     * set-up costs less than the memory traffic it saves over {@link #ONE_RUN_COLUMN_ITERATIONS} column-iterations
     * of the full form: n(p+m)(n+p+m) ≤ {@value #ONE_RUN_COLUMN_ITERATIONS}·(n² + n(p+m) − (p+m)²), that is p + m
     * below about a hundred when p + m ≪ n. Measured at n = 2 500 with p + m = 1 250 (dense, 76 iterations in three
     * ρ): 6 s against 11 s for the reduced form, and one n×(p+m) and one (p+m)² array less.
     */
    ONE_RUN,
    /** Always the full form. */
    FULL,
    /** The reduced form whenever p + m &gt; 0 (refused for sparse problems and σ &gt; 0). */
    REDUCED;

    /**
     * The column-iterations over which {@link #ONE_RUN} asks the reduced form's set-up to pay. The set-up's
     * n(p+m)(n+p+m) multiply-adds run at the blocked rate (28 GFLOP/s on the project's 2-core machine), the full
     * form's extra 8(n² + n(p+m) − (p+m)²) bytes per column-iteration at the streaming rate (about 30 GB/s), and a run
     * spends about 25 iterations at each ρ: 4·25·28/30 ≈ 100.
     */
    public static final int ONE_RUN_COLUMN_ITERATIONS = 100;

    /**
     * @param n the number of variables
     * @param c the number of constraint rows p + m
     * @return whether this choice evaluates the x-step of a dense problem with σ = 0 in the reduced form
     */
    public boolean reduced(int n, int c) {
        if (c == 0) {
            return false;
        }
        return switch (this) {
            case REUSED -> c <= n;
            case ONE_RUN -> (double) n * c * ((double) n + c)
                    <= ONE_RUN_COLUMN_ITERATIONS * ((double) n * n + (double) n * c - (double) c * c);
            case FULL -> false;
            case REDUCED -> true;
        };
    }
}
