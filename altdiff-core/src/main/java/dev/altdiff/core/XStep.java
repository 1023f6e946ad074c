package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.JvmBlas;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;

/**
 * The linear map that every ADMM x-step ({@link Admm}) and every step of its adjoint
 * ({@link ReverseSweep}) applies, on row-major blocks of B columns:
 * <pre>
 *   apply(y = [λ; w]) = (x, z = [Ax; Gx])  with  x = −H⁻¹(Aᵀλ + Gᵀw)      λ: p×B, w: m×B
 *                                           (+ H⁻¹σx_k with the proximal term, full form)
 *   solve(c)          = (x, z = [Ax; Gx])  with  x = H⁻¹c                 c: n×B
 * </pre>
 * The s, λ, ν updates see x only through Ax and Gx, which is why both are returned with x.
 *
 * <p>Two exact evaluations of the same map, chosen once per problem by {@link QpData#xStep()}:
 * <ul>
 *   <li><b>full</b>: Aᵀλ + Gᵀw, one solve with H's Cholesky factor, then A·x and G·x: per column
 *       about n² + 2n(p+m) multiply-adds; the products run in the JVM on the problem's own A and G
 *       ({@link QpData#times}), the solve too, with the factor itself where it is in the JVM
 *       ({@link dev.altdiff.api.linalg.Factorization#solveInPlace}), else a row-major copy of L the backend gives
 *       ({@link dev.altdiff.api.linalg.Factorization#choleskyFactor}) up to order {@value #FULL_JVM_FACTOR_MAX_ORDER},
 *       else through the backend;</li>
 *   <li><b>reduced</b>: with W_A = H⁻¹Aᵀ (n×p), W_G = H⁻¹Gᵀ (n×m) and the blocks of
 *       M = [A; G]H⁻¹[Aᵀ Gᵀ] (M_AA = AW_A, M_AG = AW_G, M_GA = M_AGᵀ, M_GG = GW_G), formed once
 *       by solves with p + m right-hand sides in W's own array and the JVM products of A and G with W:
 *       x = −W_Aλ − W_Gw, Ax = −M_AAλ − M_AGw, Gx = −M_GAλ − M_GGw: per column
 *       (p+m)² + n(p+m) multiply-adds, fewer than the full form whenever p + m &lt; 1.6n,
 *       in matrix–vector products that read 2–3× less memory than a triangular solve plus
 *       four products.</li>
 * </ul>
 * Both give the same values up to rounding; no inverse of H is formed. The reduced form's
 * one-off cost n(p+m)(n + p + m) multiply-adds is blocked (matrix–matrix) work, amortized over
 * the column-iterations of a batch and of later calls that reuse the set-up; one run of one column
 * often does not reach them ({@link dev.altdiff.api.XStepForm}, {@link QpData#xStepForm}). Immutable once built, so
 * thread-safe.
 */
final class XStep {
    private final QpData d;
    /** The factor of H = P + σI + ρ_eqAᵀA + ρGᵀG this map solves with (its data's, held here for as long as the map). */
    final Factorization factor;
    private final LinearAlgebra la;
    /** Whether this is the reduced form, where x can be formed apart from Ax and Gx ({@link #formX}). */
    final boolean reduced;
    /** The reduced form's W = [W_A W_G] (n×(p+m)) and M ((p+m)×(p+m)) as row-major arrays for {@link Dense}. */
    private final double[] wRows;
    private final double[] mRows;
    /**
     * W_A, W_G and the blocks of M as backend matrices, for forward-mode Jacobians only: made from the row-major
     * arrays at the first use (the iterations and the reverse sweep never need them), then kept.
     */
    private volatile Matrix[] blocks;
    /** ‖W‖∞ once computed ({@link #wNormInf}; −1 before). */
    private volatile double wNorm = -1;
    /** H = LLᵀ's L, row-major ({@link #choleskyFactor}), once fetched. */
    private volatile double[] lRows;
    private volatile boolean lFetched;
    /**
     * The set-up this map is part of (its data's factor and maps, {@link QpData#xStep}), reachable for as long as
     * the map is: whoever holds the map (a run's current ρ, a reverse sweep's segment) holds the set-up, which its
     * data then find again instead of forming it anew.
     */
    private final Object setup;

    private XStep(QpData d, Factorization factor, boolean reduced, Object setup) {
        this.d = d;
        this.setup = setup;
        this.la = d.la;
        this.factor = factor;
        this.reduced = reduced;
        if (reduced) { // W = H⁻¹[Aᵀ Gᵀ] solved in the array it is kept in (row-major, for Dense)
            int c = d.p + d.m;
            wRows = new double[Math.multiplyExact(d.n, c)];
            transposeInto(d.dense(Block.A), wRows, c, 0);
            transposeInto(d.dense(Block.G), wRows, c, d.p);
            solveInPlace(wRows, c, false);
            // M = [A; G]W by the JVM product on the problem's own blocks (no backend copy of A, G): M_GA is M_AGᵀ
            mRows = new double[c * c];
            if (d.p > 0) {
                timesW(Block.A, mRows, 0);
            }
            if (d.m > 0) {
                timesW(Block.G, mRows, d.p); // M_GA, written first, is replaced by M_AGᵀ
                for (int i = 0; i < d.m; i++) {
                    for (int j = 0; j < d.p; j++) {
                        mRows[(d.p + i) * c + j] = mRows[j * c + d.p + i];
                    }
                }
            }
        } else {
            wRows = mRows = null;
        }
    }

    /** @return W_A = H⁻¹Aᵀ (n×p), or null when p = 0 (reduced form; a backend matrix, for forward mode) */
    Matrix wA() {
        return blocks()[0];
    }

    /** @return W_G = H⁻¹Gᵀ (n×m), or null when m = 0 */
    Matrix wG() {
        return blocks()[1];
    }

    /** @return M_AA = AW_A (p×p), or null */
    Matrix mAA() {
        return blocks()[2];
    }

    /** @return M_AG = AW_G (p×m), or null */
    Matrix mAG() {
        return blocks()[3];
    }

    /** @return M_GA = M_AGᵀ (m×p), or null */
    Matrix mGA() {
        return blocks()[4];
    }

    /** @return M_GG = GW_G (m×m), or null */
    Matrix mGG() {
        return blocks()[5];
    }

    private Matrix[] blocks() {
        Matrix[] out = blocks;
        if (out == null) {
            synchronized (this) {
                out = blocks;
                if (out == null) {
                    int n = d.n;
                    int p = d.p;
                    int m = d.m;
                    int c = p + m;
                    out = new Matrix[]{p > 0 ? block(wRows, c, 0, n, 0, p) : null, m > 0 ? block(wRows, c, 0, n, p, m) : null,
                        p > 0 ? block(mRows, c, 0, p, 0, p) : null, p > 0 && m > 0 ? block(mRows, c, 0, p, p, m) : null,
                        p > 0 && m > 0 ? block(mRows, c, p, m, 0, p) : null, m > 0 ? block(mRows, c, p, m, p, m) : null};
                    blocks = out;
                }
            }
        }
        return out;
    }

    /** @return the rows×cols block at (row, col) of the row-major array a (width columns) as a backend matrix */
    private Matrix block(double[] a, int width, int row, int rows, int col, int cols) {
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(a, (row + i) * width + col, out, i * cols, cols);
        }
        return la.matrix(rows, cols, out);
    }

    /**
     * @return H's Cholesky factor L row-major for solves in the JVM, fetched from the backend at the first solve
     *     (n² doubles, kept with this map), or null where the factorization does not give it (sparse data)
     */
    private double[] choleskyFactor() {
        double[] l = lRows;
        if (l == null && !lFetched) {
            synchronized (this) {
                if (!lFetched) {
                    lRows = jvmFactor(reduced, d.n) ? factor.choleskyFactor() : null;
                    lFetched = true;
                }
                l = lRows;
            }
        }
        return l;
    }

    /** Orders up to which the reduced form keeps a JVM copy of the factor (n² doubles: 8 MiB). */
    static final int JVM_FACTOR_MAX_ORDER = 1024;

    /**
     * Orders up to which the full form keeps a JVM copy of the factor (n² doubles: 32 MiB). Above it one backend solve
     * per iteration reads n² doubles, which costs more than the call into the backend, and the copy would double the
     * factor's memory (the full form is the one that keeps memory down: {@link dev.altdiff.api.XStepForm#ONE_RUN}).
     */
    static final int FULL_JVM_FACTOR_MAX_ORDER = 2048;

    /**
     * @return whether the x-step of order n solves in the JVM with a copy of the factor (where the factor is not in
     *     the JVM itself): for the full form, which solves at every iteration, up to {@value #FULL_JVM_FACTOR_MAX_ORDER};
     *     for the reduced form, which solves a few times per run (once per ρ segment and in the backward pass), only up
     *     to {@value #JVM_FACTOR_MAX_ORDER}, where the copy is small and a batch's solves with many right-hand sides
     *     gain the most; above these the backend solves, and the copy's n² doubles are not kept beside the backend's
     *     factor
     */
    static boolean jvmFactor(boolean reduced, int n) {
        return n <= (reduced ? JVM_FACTOR_MAX_ORDER : FULL_JVM_FACTOR_MAX_ORDER);
    }

    /** @return ‖W‖∞ = max_i Σ_j |W_ij| (reduced form only), which bounds ‖Wy‖∞ ≤ ‖W‖∞‖y‖∞ */
    double wNormInf() {
        double norm = wNorm;
        if (norm < 0) {
            int c = d.p + d.m;
            norm = 0;
            for (int i = 0; i < d.n; i++) {
                double sum = 0;
                for (int j = 0; j < c; j++) {
                    sum += Math.abs(wRows[i * c + j]);
                }
                norm = Math.max(norm, sum);
            }
            wNorm = norm;
        }
        return norm;
    }

    /** @return W = [W_A W_G] (n×(p+m), row-major; reduced form only; read only) */
    double[] wRows() {
        return wRows;
    }

    /** @return M = [A; G]W ((p+m)×(p+m), row-major; reduced form only; read only) */
    double[] mRows() {
        return mRows;
    }

    /** The full form with H's factor (of the set-up it is part of): nothing precomputed beyond it. */
    static XStep full(QpData d, Factorization factor, Object setup) {
        return new XStep(d, factor, false, setup);
    }

    /** The reduced form with H's factor (of the set-up it is part of): W_A, W_G and M formed now. */
    static XStep reduced(QpData d, Factorization factor, Object setup) {
        return new XStep(d, factor, true, setup);
    }

    /**
     * The map on row-major blocks in the JVM ({@link Dense}), y = [λ; w] ((p+m)×B), z = [Ax; Gx]:
     * <pre>
     *   x = x0 − H⁻¹(Aᵀλ + Gᵀw),   z = z0 + [A; G](x − x0)
     * </pre>
     * In the reduced form z = z0 − My costs one product in the (p+m)-space, and x = x0 − Wy is formed
     * only when x is not null ({@link #formX} forms it later from the same y); the full form forms x
     * always (x may still be null to discard it), with the products by Aᵀ, Gᵀ, A and G on the JVM copies
     * ({@link QpData#times}) and one backend call, the solve with H's factor.
     *
     * @param x0 n×B or null (zero)
     * @param z0 (p+m)×B or null (zero)
     */
    void apply(double[] y, int width, double[] x0, double[] z0, double[] x, double[] z) {
        apply(y, width, x0, z0, null, x, z);
    }

    /**
     * {@link #apply(double[], int, double[], double[], double[], double[])} with the proximal term of
     * {@link QpData#sigma}: x = x0 + H⁻¹(σ·xPrev − Aᵀλ − Gᵀw) (full form only; xPrev null: none).
     *
     * @param xPrev n×B, the previous iterate x_k, or null
     */
    void apply(double[] y, int width, double[] x0, double[] z0, double[] xPrev, double[] x, double[] z) {
        int c = d.p + d.m;
        if (reduced) {
            if (z0 != null) {
                System.arraycopy(z0, 0, z, 0, c * width);
            }
            la.gemm(c, c, width, -1.0, mRows, y, z0 == null ? 0.0 : 1.0, z);
            if (x != null) {
                formX(y, width, x0, x);
            }
            return;
        }
        // −(Aᵀλ + Gᵀw) with JVM products, then one solve with H's factor ({@link #solve(double[], int, double[], double[])})
        int pw = d.p * width;
        double[] rhs = new double[d.n * width];
        if (d.p > 0) {
            Dense.add(rhs, d.times(dev.altdiff.api.Block.A, true, java.util.Arrays.copyOfRange(y, 0, pw), width));
        }
        if (d.m > 0) {
            Dense.add(rhs, d.times(dev.altdiff.api.Block.G, true, java.util.Arrays.copyOfRange(y, pw, c * width),
                    width));
        }
        for (int i = 0; i < rhs.length; i++) {
            rhs[i] = xPrev == null ? -rhs[i] : d.sigma * xPrev[i] - rhs[i];
        }
        double[] image = x != null ? x : new double[d.n * width];
        solve(rhs, width, image, z);
        if (x0 != null) {
            Dense.add(image, x0);
        }
        if (z0 != null) {
            Dense.add(z, z0);
        }
    }

    /** The reduced form's x = x0 − Wy (x0 null: zero), for a y given to {@link #apply} earlier. */
    void formX(double[] y, int width, double[] x0, double[] x) {
        if (x0 != null) {
            System.arraycopy(x0, 0, x, 0, d.n * width);
        }
        la.gemm(d.n, d.p + d.m, width, -1.0, wRows, y, x0 == null ? 0.0 : 1.0, x);
    }

    /** out[offset..] = a + base[offset..] (base null: zero) */
    private static void add(double[] a, double[] base, double[] out, int offset) {
        for (int i = 0; i < a.length; i++) {
            out[offset + i] = base == null ? a[i] : a[i] + base[offset + i];
        }
    }

    /** Columns of W per product in {@link #timesW}. */
    private static final int W_COLUMNS = 64;

    /**
     * Writes C·W (C = A or G as the problem reads it) into rows [row, row + rows(C)) of out ((p+m) columns), by
     * {@link QpData#times} on {@value #W_COLUMNS} columns of W at a time: a scaled block's factor is then applied to
     * a copy of those columns only, not of W (in the JVM kernel every column gets the same operations at any width,
     * so the entries are those of one product)
     */
    private void timesW(Block block, double[] out, int row) {
        int c = d.p + d.m;
        int rows = block == Block.A ? d.p : d.m;
        for (int j0 = 0; j0 < c; j0 += W_COLUMNS) {
            int w = Math.min(W_COLUMNS, c - j0);
            double[] columns = new double[d.n * w];
            for (int i = 0; i < d.n; i++) {
                System.arraycopy(wRows, i * c + j0, columns, i * w, w);
            }
            double[] part = d.times(block, false, columns, w);
            for (int i = 0; i < rows; i++) {
                System.arraycopy(part, i * w, out, (row + i) * c + j0, w);
            }
        }
    }

    /** Writes block Cᵀ (C as the problem reads it, null: nothing) into columns [col, col + rows(C)) of out (n×width). */
    private static void transposeInto(dev.altdiff.api.DenseBlock block, double[] out, int width, int col) {
        if (block == null) {
            return;
        }
        double[] row = new double[block.cols()];
        for (int i = 0; i < block.rows(); i++) {
            block.row(i, row, 0);
            for (int j = 0; j < row.length; j++) {
                out[j * width + col + i] = row[j];
            }
        }
    }

    /**
     * In place: b ← H⁻¹b on b's first n·width entries (n×width, row-major; b may be a longer scratch), in the JVM where
     * the factor is there, else with the JVM copy of it where one is kept and {@code jvmCopy} allows (a few or tens of
     * right-hand sides: cheaper than a backend call), else by one backend solve (W's p + m right-hand sides: the
     * backend's blocked solve).
     */
    private void solveInPlace(double[] b, int width, boolean jvmCopy) {
        if (factor.solveInPlace(b, width)) {
            return;
        }
        double[] l = jvmCopy ? choleskyFactor() : null;
        if (l != null) {
            JvmBlas.choleskySolve(d.n, width, l, b);
            return;
        }
        int length = d.n * width;
        double[] x = factor.solve(la.matrix(d.n, width, b.length == length ? b : java.util.Arrays.copyOf(b, length)))
                .toRowMajor(); // the one backend call
        System.arraycopy(x, 0, b, 0, length);
    }

    /**
     * @param c n×B, row-major
     * @param x n×B out: H⁻¹c
     * @param z (p+m)×B out: [A; G]H⁻¹c
     */
    void solve(double[] c, int width, double[] x, double[] z) {
        System.arraycopy(c, 0, x, 0, d.n * width);
        solveInPlace(x, width, true);
        if (d.p > 0) {
            add(d.times(dev.altdiff.api.Block.A, false, x, width), null, z, 0);
        }
        if (d.m > 0) {
            add(d.times(dev.altdiff.api.Block.G, false, x, width), null, z, d.p * width);
        }
    }
}
