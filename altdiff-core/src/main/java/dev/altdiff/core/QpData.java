package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.DenseBlock;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.UnsupportedOptionException;
import dev.altdiff.api.XStepForm;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;
import dev.altdiff.api.linalg.NotPositiveDefiniteException;

/**
 * A quadratic program's data: its vectors in one backend's matrices, its matrices P, A, G once (dense: the
 * problem's own arrays, read in place under the scaling the problem reads them with, {@link #dense}; the JVM
 * products multiply them, and the backend's matrices are formed from them when a set-up needs them,
 * {@link #matrix}), with the Cholesky factor of H = P + ρAᵀA + ρGᵀG (dense: formed in the JVM and factored
 * in place where the backend can, {@link LinearAlgebra#cholesky(int, double[])}). Built once per problem;
 * every ADMM iteration, Jacobian update and differentiator reuses it. Absent blocks are {@code null}
 * (b when p = 0; h when m = 0).
 *
 * <p><b>Sparse problems</b> ({@link QuadraticProgram#isSparse()}): P, A, Aᵀ, G, Gᵀ are kept as the backend's
 * sparse matrices, H = P + ρAᵀA + ρGᵀG is formed in compressed columns and factored by
 * {@link SparseCholesky} (with its fill-reducing ordering), the PSD check of P factors P + δI the
 * same way, and the x-step is always the full form (the reduced form's W and M are dense). Nothing
 * n×n is dense; memory is O(nnz(P, A, G) + nnz(L)). This needs a backend with
 * {@link LinearAlgebra#supportsSparse() sparse support} (ojalgo); others are refused up front with
 * an {@link UnsupportedOperationException}.
 */
public final class QpData {
    /** Relative shift δ = PSD_SHIFT·max|P_ij| of the positive-semidefiniteness check of P. */
    public static final double PSD_SHIFT = 1e-10;

    /** The problem ADMM runs on: the caller's, or its equilibrated form when {@link #scaling} is on. */
    public final QuadraticProgram problem;
    /**
     * The Ruiz equilibration that turned the caller's problem into {@link #problem} (off: the identity).
     * The termination test ({@link Termination}) reads it to test on the caller's problem.
     */
    public final Equilibration scaling;
    public final LinearAlgebra la;
    /** ρ of the inequality rows (the ρ of {@link Settings#rho()} and of adaptive ρ). */
    public final double rho;
    /** The equality rows' penalty relative to ρ ({@link Settings#equalityRhoScale()}), fixed for the data. */
    public final double rhoScale;
    /** ρ of the equality rows: rhoScale·ρ. */
    public final double rhoEq;
    /** The proximal weight σ ({@link Settings#sigma()}), fixed for the data: H = P + σI + ρ_eqAᵀA + ρGᵀG. */
    public final double sigma;
    /** How the x-step is evaluated ({@link Settings#xStep()}; {@link #reducedForm}), fixed for the data. */
    public final XStepForm xStepForm;
    public final int n;
    public final int p;
    public final int m;
    /** Whether P, A, Aᵀ, G, Gᵀ are sparse backend matrices and H a {@link SparseCholesky}. */
    public final boolean sparse;
    public final Matrix q;
    public final Matrix b;
    public final Matrix h;
    /**
     * Sparse data's P, A, Aᵀ, G, Gᵀ as the backend's sparse matrices (entries null where a block is absent); null
     * for dense data, whose backend matrices are formed when asked ({@link #matrix}).
     */
    private final Matrix[] sparseBlocks;
    /** Sparse data's ordering for H, whose pattern no ρ changes: chosen once, shared by every ρ (null for dense). */
    private final SparseCholesky.Plan hPlan;
    /**
     * This ρ's set-up: the factor of H and the x-step's matrices, held strongly until a run leaves this ρ
     * ({@link #release}), then through {@link #releasedSetup} (null for the copies of {@link #withVectors}, which
     * use their owner's).
     */
    private Setup setup;
    private java.lang.ref.SoftReference<Setup> releasedSetup;

    /** The factor of H = P + σI + ρ_eqAᵀA + ρGᵀG and the x-step maps built on it (each formed at its first use). */
    private static final class Setup {
        final Factorization factor;
        XStep full;
        XStep reduced;

        Setup(Factorization factor) {
            this.factor = factor;
        }
    }

    /**
     * The data factored for each ρ met so far ({@link #withRho}), shared by all of them: a run that
     * switches ρ, or a later run on the same data (a layer's next minibatch), reuses the factor of H
     * and the x-step's matrices instead of forming them again. At most {@value #FACTORS_KEPT} are kept, through
     * soft references, as {@link #load} keeps set-ups: what a run still uses (its current ρ) stays, and the rest
     * yields to the collector under memory pressure, so a run does not hold the factors of the ρ it has left (a
     * recorded run's reverse sweep forms them again, to the same bits, if the collector took them).
     */
    private final java.util.Map<Double, java.lang.ref.SoftReference<QpData>> factored;

    /** The data whose factor, x-step and ρ family this one shares: itself, unless made by {@link #withVectors}. */
    private final QpData owner;

    /**
     * What is derived from a dense problem's P, A, G once and shared by every data of these matrices (the other ρ of
     * {@link #withRho}, the vectors of {@link #withVectors}): P's diagonal when P is diagonal and the
     * {@link #absoluteSums}. The matrices themselves are read in place ({@link #dense}), never copied.
     */
    private final DenseRows rows;

    /** P's diagonal when P is diagonal, and {@link #absoluteSums}. */
    private static final class DenseRows {
        /** Whether {@link #pDiagonal} is decided, published last: a reader that sees it true sees pDiagonal too. */
        private volatile boolean decided;
        private double[] pDiagonal;
        private final java.util.Map<Block, double[]> absoluteSums = new java.util.concurrent.ConcurrentHashMap<>();
    }

    /** How many factorizations (ρ values) one problem's data keep for reuse. */
    static final int FACTORS_KEPT = 4;

    /**
     * Loads the problem into the backend, checks that P is positive semidefinite and factors H.
     *
     * @throws InvalidProblemException when P is not PSD (block "P") or H is not positive definite (block "H")
     */
    public QpData(QuadraticProgram problem, LinearAlgebra la, double rho) {
        this(problem, la, rho, 1.0, Equilibration.OFF);
    }

    /**
     * Loads a problem that {@code scaling} has already equilibrated ({@link Equilibration#scale}).
     *
     * @param scaled   the scaled problem ADMM runs on
     * @param rhoScale the equality rows' penalty relative to ρ ({@link Settings#equalityRhoScale()})
     * @param scaling  the factors that produced it ({@link Equilibration#OFF} when none)
     */
    public QpData(QuadraticProgram scaled, LinearAlgebra la, double rho, double rhoScale, Equilibration scaling) {
        this(scaled, la, rho, rhoScale, 0, scaling);
    }

    /**
     * As {@link #QpData(QuadraticProgram, LinearAlgebra, double, double, Equilibration)}, with the proximal
     * weight σ ({@link Settings#sigma()}) in H.
     */
    public QpData(QuadraticProgram scaled, LinearAlgebra la, double rho, double rhoScale, double sigma,
                  Equilibration scaling) {
        this(scaled, la, rho, rhoScale, sigma, XStepForm.REUSED, scaling);
    }

    /**
     * As {@link #QpData(QuadraticProgram, LinearAlgebra, double, double, double, Equilibration)}, with the x-step's
     * form ({@link Settings#xStep()}).
     *
     * @throws UnsupportedOptionException for {@link XStepForm#REDUCED} on a sparse problem or with σ &gt; 0
     */
    public QpData(QuadraticProgram scaled, LinearAlgebra la, double rho, double rhoScale, double sigma,
                  XStepForm xStepForm, Equilibration scaling) {
        this.problem = scaled;
        this.scaling = scaling;
        this.la = la;
        this.rho = rho;
        this.rhoScale = rhoScale;
        this.rhoEq = rhoScale * rho;
        this.sigma = sigma;
        this.xStepForm = java.util.Objects.requireNonNull(xStepForm, "xStepForm");
        this.n = problem.n();
        this.p = problem.p();
        this.m = problem.m();
        this.sparse = problem.isSparse();
        if (sparse && !la.supportsSparse()) {
            throw new UnsupportedOptionException("backend " + la.name(), "problem '" + problem.name() + "' is sparse,"
                    + " but the " + la.name() + " backend has no sparse matrices (and densifying n×n is not done)",
                    "the ojalgo backend");
        }
        this.q = la.vector(problem.rowMajor(Block.q));
        this.b = p > 0 ? la.vector(problem.rowMajor(Block.b)) : null;
        this.h = m > 0 ? la.vector(problem.rowMajor(Block.h)) : null;
        this.sparseBlocks = sparse ? sparseBlocks(problem, la) : null;
        if (xStepForm == XStepForm.REDUCED && (sparse || sigma > 0)) {
            throw new UnsupportedOptionException("x-step reduced", sparse
                    ? "the reduced x-step forms dense n×(p+m) matrices and is not available for sparse problems"
                    : "the reduced x-step cannot carry the proximal term σ > 0", "the full x-step");
        }
        this.owner = this;
        this.rows = new DenseRows();
        double[] scratch = checkPositiveSemidefinite();
        this.hPlan = sparse ? SparseCholesky.planGramSum(n, problem.sparse(Block.P), problem.sparse(Block.A),
                problem.sparse(Block.G)) : null;
        this.setup = new Setup(factorH(scratch));
        this.releasedSetup = new java.lang.ref.SoftReference<>(setup);
        this.factored = new java.util.HashMap<>();
        factored.put(rho, new java.lang.ref.SoftReference<>(this));
    }

    /** @return P, A, Aᵀ, G, Gᵀ of a sparse problem as the backend's sparse matrices (null where absent) */
    private static Matrix[] sparseBlocks(QuadraticProgram problem, LinearAlgebra la) {
        Matrix pm = problem.hasP() ? la.sparse(problem.sparse(Block.P)) : null;
        Matrix a = problem.p() > 0 ? la.sparse(problem.sparse(Block.A)) : null;
        Matrix g = problem.m() > 0 ? la.sparse(problem.sparse(Block.G)) : null;
        return new Matrix[]{pm, a, a == null ? null : la.transpose(a), g, g == null ? null : la.transpose(g)};
    }

    /** The same problem and matrices as {@code other} (already checked), with H factored for ρ = rho. */
    private QpData(QpData other, double rho) {
        this.problem = other.problem;
        this.scaling = other.scaling;
        this.la = other.la;
        this.rho = rho;
        this.rhoScale = other.rhoScale;
        this.rhoEq = rhoScale * rho;
        this.sigma = other.sigma;
        this.xStepForm = other.xStepForm;
        this.n = other.n;
        this.p = other.p;
        this.m = other.m;
        this.q = other.q;
        this.b = other.b;
        this.h = other.h;
        this.sparse = other.sparse;
        this.sparseBlocks = other.sparseBlocks;
        this.hPlan = other.hPlan;
        this.rows = other.rows; // the same matrices: their row-major copies are shared, not formed again
        this.owner = this;
        this.setup = new Setup(factorH());
        this.releasedSetup = new java.lang.ref.SoftReference<>(setup);
        this.factored = other.factored;
    }

    /**
     * The matrices, factor and x-step of {@code owner} (shared, not copied) with the vectors q, b, h of
     * {@code scaled}, a problem with the same matrices ({@link QuadraticProgram#sameMatrices}) equilibrated
     * by {@code scaling} (the same D, E, c as owner's).
     */
    private QpData(QpData owner, QuadraticProgram scaled, Equilibration scaling) {
        this.problem = scaled;
        this.scaling = scaling;
        this.la = owner.la;
        this.rho = owner.rho;
        this.rhoScale = owner.rhoScale;
        this.rhoEq = owner.rhoEq;
        this.sigma = owner.sigma;
        this.xStepForm = owner.xStepForm;
        this.n = owner.n;
        this.p = owner.p;
        this.m = owner.m;
        this.sparse = owner.sparse;
        this.sparseBlocks = owner.sparseBlocks;
        this.hPlan = owner.hPlan;
        this.q = la.vector(scaled.rowMajor(Block.q));
        this.b = p > 0 ? la.vector(scaled.rowMajor(Block.b)) : null;
        this.h = m > 0 ? la.vector(scaled.rowMajor(Block.h)) : null;
        this.factored = owner.factored;
        this.owner = owner;
        this.rows = owner.rows;
    }

    /** @return data with owner's matrices, factor and x-step and the vectors of scaled */
    private static QpData withVectors(QpData owner, QuadraticProgram scaled, Equilibration scaling) {
        return owner.problem == scaled ? owner : new QpData(owner, scaled, scaling);
    }

    /**
     * Equilibrates the caller's problem with {@link Settings#scaling()} passes ({@link Equilibration#of})
     * and loads the result with the settings' (starting) ρ: the one set-up of a run.
     */
    public static QpData load(QuadraticProgram problem, LinearAlgebra la, Settings settings) {
        Equilibration scaling = Equilibration.of(problem, settings.scaling());
        return load(scaling.scale(problem), la, settings.rho(), settings.equalityRhoScale(), settings.sigma(),
                settings.xStep(), scaling);
    }

    /**
     * Loads an equilibrated problem, reusing the set-up of a recent load on the same backend whose scaled
     * matrices P, A, G, scaling factors and ρ were equal ({@link QuadraticProgram#sameMatrices}): the PSD
     * check of P, the factor of H (for every ρ met since, {@link #withRho}) and the x-step's W and M are
     * then not formed again. A layer called with fixed matrices, or with matrices changed once per training
     * step, pays for its set-up once. The last {@value #SETUPS_KEPT} set-ups are kept through soft
     * references (the collector frees them under memory pressure); sparse problems are not kept.
     */
    public static QpData load(QuadraticProgram scaled, LinearAlgebra la, double rho, double rhoScale,
                              Equilibration scaling) {
        return load(scaled, la, rho, rhoScale, 0, scaling);
    }

    /** {@link #load(QuadraticProgram, LinearAlgebra, double, double, Equilibration)} with the proximal weight σ. */
    public static QpData load(QuadraticProgram scaled, LinearAlgebra la, double rho, double rhoScale, double sigma,
                              Equilibration scaling) {
        return load(scaled, la, rho, rhoScale, sigma, XStepForm.REUSED, scaling);
    }

    /**
     * {@link #load(QuadraticProgram, LinearAlgebra, double, double, double, Equilibration)} with the x-step's form (a
     * kept set-up is reused only for the same form).
     */
    public static QpData load(QuadraticProgram scaled, LinearAlgebra la, double rho, double rhoScale, double sigma,
                              XStepForm xStepForm, Equilibration scaling) {
        if (scaled.isSparse()) {
            return new QpData(scaled, la, rho, rhoScale, sigma, xStepForm, scaling);
        }
        synchronized (SETUPS) {
            for (java.util.Iterator<java.lang.ref.SoftReference<QpData>> it = SETUPS.iterator(); it.hasNext(); ) {
                QpData known = it.next().get();
                if (known == null) {
                    it.remove();
                } else if (known.la == la && known.rho == rho && known.rhoScale == rhoScale && known.sigma == sigma
                        && known.xStepForm == xStepForm && known.scaling.sameFactors(scaling)
                        && known.problem.sameMatrices(scaled)) {
                    it.remove();
                    SETUPS.addFirst(new java.lang.ref.SoftReference<>(known));
                    return withVectors(known, scaled, scaling);
                }
            }
        }
        QpData loaded = new QpData(scaled, la, rho, rhoScale, sigma, xStepForm, scaling);
        synchronized (SETUPS) {
            SETUPS.addFirst(new java.lang.ref.SoftReference<>(loaded));
            while (SETUPS.size() > SETUPS_KEPT) {
                SETUPS.removeLast();
            }
        }
        return loaded;
    }

    /** How many recent set-ups {@link #load} keeps for reuse. */
    static final int SETUPS_KEPT = 2;
    private static final java.util.Deque<java.lang.ref.SoftReference<QpData>> SETUPS = new java.util.ArrayDeque<>();

    /**
     * The products the termination and infeasibility tests make, on row-major blocks of width columns:
     * P·x (P n×n), A·x or Aᵀ·x (block A, transposed or not), G·x or Gᵀ·x. Dense data multiply JVM arrays
     * ({@link #times(LinearAlgebra, DenseBlock, boolean, double[], int)}, a diagonal P as a diagonal): the
     * problem's own, in place; sparse data through the backend's matrices.
     *
     * @param block P, A or G
     * @return the rows×width product
     */
    double[] times(Block block, boolean transpose, double[] x, int width) {
        int rows = block == Block.P ? n : block == Block.A ? p : m;
        int outRows = transpose ? n : rows;
        int inner = transpose ? rows : n;
        if (sparse) {
            return la.multiply(matrix(block, transpose), la.matrix(inner, width, java.util.Arrays.copyOf(x, inner * width)))
                    .toRowMajor();
        }
        double[] diagonal = block == Block.P ? diagonalP() : null;
        if (diagonal != null) { // a diagonal P (e.g. the classification layer's 0.1·I): n·B, not n²·B
            double[] out = new double[outRows * width];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < width; j++) {
                    out[i * width + j] = diagonal[i] * x[i * width + j];
                }
            }
            return out;
        }
        return times(la, dense(block), transpose, x, width);
    }

    /**
     * A dense block (transposed when asked) times x (row-major, width columns) in the JVM, read in place: the stored
     * entries' product, between the block's row and column factors when it is read scaled
     * (L·(M·(R·x)), R·(Mᵀ·(L·x)); {@link DenseBlock}).
     */
    static double[] times(LinearAlgebra la, DenseBlock a, boolean transpose, double[] x, int width) {
        int rows = a.rows();
        int cols = a.cols();
        double[] out = new double[(transpose ? cols : rows) * width];
        double[] in = a.isScaled() ? scaledRows(transpose ? a.left() : a.right(), x, width) : x;
        if (transpose) {
            la.gemmTransposed(rows, cols, width, 1.0, a.stored(), in, 0.0, out);
        } else {
            la.gemm(rows, cols, width, 1.0, a.stored(), in, 0.0, out);
        }
        if (a.isScaled()) {
            scaleRows(transpose ? a.right() : a.left(), out, width);
        }
        return out;
    }

    /** @return diag(factors)·x for x row-major with width columns (a new array) */
    private static double[] scaledRows(double[] factors, double[] x, int width) {
        double[] out = java.util.Arrays.copyOf(x, factors.length * width);
        scaleRows(factors, out, width);
        return out;
    }

    /** In place: x ← diag(factors)·x, x row-major with width columns. */
    private static void scaleRows(double[] factors, double[] x, int width) {
        for (int i = 0; i < factors.length; i++) {
            double f = factors[i];
            for (int j = i * width, end = j + width; j < end; j++) {
                x[j] *= f;
            }
        }
    }

    /**
     * P (n×n), A (p×n) or G (m×n), or its transpose, as a backend matrix; null when the block is absent. Sparse data
     * keep theirs; dense data form one now, row by row from the problem's own block ({@link #dense}: the entries
     * the scaled problem reads), and do not keep it: the iterations multiply the problem's arrays in place, and the
     * backend's matrices are read only by a set-up (the PSD check, H and the x-step of each ρ), polishing and the
     * forward-mode tangents, so the problem's matrices are held once, by the problem.
     *
     * @param block P, A or G
     */
    Matrix matrix(Block block, boolean transpose) {
        boolean absent = block == Block.P ? !problem.hasP() : (block == Block.A ? p : m) == 0;
        if (absent) {
            return null;
        }
        if (sparse) {
            return sparseBlocks[block == Block.P ? 0 : block == Block.A ? (transpose ? 2 : 1) : (transpose ? 4 : 3)];
        }
        DenseBlock a = dense(block);
        if (!transpose) {
            return la.matrix(a.rows(), n, (i, out) -> a.row(i, out, 0));
        }
        return la.matrix(n, a.rows(), (j, out) -> {
            for (int i = 0; i < out.length; i++) {
                out[i] = a.entry(i, j);
            }
        });
    }

    /**
     * @return {block·x, blockᵀ·y} for A or G, the same as two {@link #times} calls; for one column of dense data
     *     in one pass over the block ({@link LinearAlgebra#gemvAndTransposed})
     */
    double[][] timesBoth(Block block, double[] x, double[] y, int width) {
        if (sparse || width != 1) {
            return new double[][]{times(block, false, x, width), times(block, true, y, width)};
        }
        DenseBlock a = dense(block);
        double[] ax = new double[a.rows()];
        double[] aty = new double[n];
        if (!a.isScaled()) {
            la.gemvAndTransposed(a.rows(), n, a.stored(), x, y, ax, aty);
            return new double[][]{ax, aty};
        }
        la.gemvAndTransposed(a.rows(), n, a.stored(), scaledRows(a.right(), x, 1), scaledRows(a.left(), y, 1), ax, aty);
        scaleRows(a.left(), ax, 1);
        scaleRows(a.right(), aty, 1);
        return new double[][]{ax, aty};
    }

    /** @return P's diagonal when dense P is diagonal, else null (decided once per problem) */
    private double[] diagonalP() {
        if (!rows.decided) {
            synchronized (rows) {
                if (!rows.decided) {
                    DenseBlock pm = dense(Block.P);
                    boolean diagonal = pm != null;
                    double[] stored = diagonal ? pm.stored() : null;
                    for (int i = 0; i < n && diagonal; i++) {
                        for (int j = 0; j < n && diagonal; j++) {
                            diagonal = i == j || stored[i * n + j] == 0; // the factors are positive
                        }
                    }
                    if (diagonal) {
                        rows.pDiagonal = new double[n];
                        for (int i = 0; i < n; i++) {
                            rows.pDiagonal[i] = pm.entry(i, i);
                        }
                    }
                    rows.decided = true; // published last
                }
            }
        }
        return rows.pDiagonal;
    }

    /**
     * @return P, A or G of dense data as the problem stores it, in place, with the scaling it is read under (read
     *     only; null when absent)
     */
    DenseBlock dense(Block block) {
        return problem.dense(block);
    }

    /**
     * @return Σ|entries| of each row of dense P, and of each column of dense A or G (the rows of Aᵀ, Gᵀ), length n:
     *     the termination test's matrix bounds ({@link Termination#bounds}), formed once per problem (read only)
     */
    double[] absoluteSums(Block block) {
        return rows.absoluteSums.computeIfAbsent(block, key -> {
            DenseBlock a = dense(key);
            double[] row = new double[n];
            double[] sums = new double[n];
            for (int i = 0; i < a.rows(); i++) {
                a.row(i, row, 0);
                for (int j = 0; j < n; j++) {
                    sums[key == Block.P ? i : j] += Math.abs(row[j]);
                }
            }
            return sums;
        });
    }

    /** @return the factor of H = P + σI + ρ_eqAᵀA + ρGᵀG */
    public Factorization factor() {
        return setup().factor;
    }

    /**
     * @return this ρ's set-up: the owner's; held strongly, or taken back from {@link #releasedSetup}, or (collected)
     *     formed again from the matrices, to the same bits
     */
    private Setup setup() {
        if (owner != this) {
            return owner.setup();
        }
        synchronized (this) {
            if (setup != null) {
                return setup;
            }
            Setup kept = releasedSetup == null ? null : releasedSetup.get();
            if (kept == null) {
                kept = new Setup(factorH());
                releasedSetup = new java.lang.ref.SoftReference<>(kept);
            }
            return kept;
        }
    }

    /**
     * Lets the collector take this ρ's factor and x-step when memory is needed: what a run does with the ρ it leaves
     * (the data it started from included, which its caller still refers to). They stay reachable softly, for a
     * later run on the same data or a recorded run's reverse sweep, and are formed again (to the same bits) when
     * asked after the collector took them: the set-ups of a recorded run are checkpointed, not kept (one ρ's
     * factor, W and M at a time in memory, at the cost of forming an earlier ρ's again in the sweep when memory
     * ran short; {@link ReverseSweep}).
     */
    void release() {
        if (owner != this) {
            owner.release();
            return;
        }
        synchronized (this) {
            if (setup != null) {
                // the soft reference made with the set-up, not a new one: a soft reference is timestamped when made
                // or read, and the collector keeps one read since its last collection whatever the policy, so a new
                // one would keep the set-up through the next collection, the one the next ρ's set-up triggers
                if (releasedSetup == null || !releasedSetup.refersTo(setup)) {
                    releasedSetup = new java.lang.ref.SoftReference<>(setup);
                }
                setup = null;
            }
        }
    }

    /** @return whether this ρ's set-up is held strongly (a run at this ρ, {@link #hold}), not just softly */
    boolean holdsSetup() {
        return owner != this ? owner.holdsSetup() : setup != null;
    }

    /**
     * Drops a released set-up as the collector may once nothing uses it: the next use forms it again. For tests of the
     * results' independence of the collector; a held set-up stays.
     */
    void dropReleased() {
        if (owner != this) {
            owner.dropReleased();
            return;
        }
        synchronized (this) {
            releasedSetup = null;
        }
    }

    /**
     * Holds this ρ's set-up strongly again: the ρ a recorded run is at (its reverse sweep starts there), until it
     * leaves it.
     */
    void hold() {
        if (owner != this) {
            owner.hold();
            return;
        }
        Setup kept = setup();
        synchronized (this) {
            setup = kept;
        }
    }

    /**
     * @return this problem's data with H = P + ρ_eqAᵀA + ρGᵀG factored for another ρ (ρ_eq = rhoScale·ρ) (the matrices are
     * shared, not copied; this object is unchanged), as adaptive ρ needs ({@link Settings#adaptiveRho()})
     * @throws InvalidProblemException when H is not positive definite at that ρ
     */
    public QpData withRho(double rho) {
        if (rho == this.rho) {
            return this;
        }
        QpData known = kept(rho);
        if (known == null) {
            QpData out = new QpData(this, rho); // may throw: a ρ where H is not positive definite is not kept
            synchronized (factored) {
                known = kept(rho);
                if (known == null) {
                    factored.values().removeIf(kept -> kept.get() == null);
                    if (factored.size() < FACTORS_KEPT) {
                        factored.put(rho, new java.lang.ref.SoftReference<>(out));
                    }
                    known = out;
                }
            }
        }
        return withVectors(known, problem, scaling);
    }

    /** @return the data kept for ρ = rho ({@link #factored}), or null when none are (or the collector took them) */
    private QpData kept(double rho) {
        synchronized (factored) {
            java.lang.ref.SoftReference<QpData> ref = factored.get(rho);
            return ref == null ? null : ref.get();
        }
    }

    /**
     * P is PSD (to rounding) iff P + δI is positive definite for a small δ relative to P's scale.
     *
     * @return the n×n array the dense check used, which H is formed in next ({@link #factorH(double[])}: one n×n
     *     allocated per problem, not two, and no n×n garbage beside the factor, which the collector would otherwise
     *     grow the heap for); null for a sparse problem or without P
     */
    private double[] checkPositiveSemidefinite() {
        if (!problem.hasP()) {
            return null;
        }
        if (sparse) { // the same check on P + δI in compressed columns
            double scale = la.normInf(sparseBlocks[0]);
            if (scale == 0) {
                return null;
            }
            SparseMatrix pm = problem.sparse(Block.P);
            Boolean diagonal = diagonalShiftedIsPositive(pm, PSD_SHIFT * scale);
            if (diagonal != null) { // the criterion in O(n), without an ordering and a factor (P = I: n = 2·10⁶)
                if (!diagonal) {
                    throw notPositiveSemidefinite(scale);
                }
                return null;
            }
            try {
                SparseCholesky.factorGramSum(la, SparseCholesky.planGramSum(n, pm), n, PSD_SHIFT * scale, pm,
                        new double[0]);
            } catch (NotPositiveDefiniteException e) {
                throw notPositiveSemidefinite(scale);
            }
            return null;
        }
        double[] shifted = new double[Math.multiplyExact(n, n)]; // P in the JVM, the copy that is shifted and consumed
        double scale = 0;
        for (int i = 0; i < n; i++) {
            dense(Block.P).row(i, shifted, i * n);
            for (int j = i * n; j < (i + 1) * n; j++) {
                scale = Math.max(scale, Math.abs(shifted[j]));
            }
        }
        if (scale == 0) {
            return shifted;
        }
        for (int i = 0; i < n; i++) {
            shifted[i * n + i] += PSD_SHIFT * scale;
        }
        try {
            la.cholesky(n, shifted); // the factor is not kept: the array is free again once it is made
        } catch (NotPositiveDefiniteException e) {
            throw notPositiveSemidefinite(scale);
        }
        return shifted;
    }

    /**
     * The PSD check of a sparse P whose stored entries all lie on its diagonal (at most one per column), in O(n)
     * without an ordering or a factor: P + shift·I is positive definite exactly when every shift + P_jj, the sum
     * {@link SparseMatrix#shiftedGramSum} forms and the factorization's pivot, is positive (and finite, as the
     * factorization asks). The factorization decides the same except within its relative zero tolerance (ojAlgo's
     * LDLᵀ refuses a pivot within n·ε of the largest before it), where this takes the pivot's sign.
     *
     * @return whether P + shift·I has a Cholesky factor; null when P has an entry off its diagonal
     */
    static Boolean diagonalShiftedIsPositive(SparseMatrix pm, double shift) {
        SparseMatrix.Columns columns = pm.columns();
        int[] colStart = columns.colStart();
        int[] rowIndex = columns.rowIndex();
        for (int j = 0; j < pm.cols(); j++) {
            int count = colStart[j + 1] - colStart[j];
            if (count > 1 || count == 1 && rowIndex[colStart[j]] != j) {
                return null;
            }
        }
        for (int j = 0; j < pm.cols(); j++) {
            int k = colStart[j];
            double pivot = colStart[j + 1] > k ? shift + columns.value(k, j, j) : shift;
            if (!(pivot > 0) || !Double.isFinite(pivot)) {
                return false;
            }
        }
        return true;
    }

    /** @return the refusal of a P whose P + δI (δ = {@link #PSD_SHIFT}·scale) has no Cholesky factor */
    static InvalidProblemException notPositiveSemidefinite(double scale) {
        return new InvalidProblemException("P", -1, -1, "P is not positive semidefinite: P + δI with δ = "
                + PSD_SHIFT + "·max|P| = " + PSD_SHIFT * scale + " has no Cholesky factor");
    }

    private Factorization factorH() {
        return factorH(null);
    }

    /** @param scratch an n×n array H is formed in (every entry is written), or null for a new one */
    private Factorization factorH(double[] scratch) {
        try {
            if (sparse) {
                // H = P + σI + ρ_eqAᵀA + ρGᵀG, formed as the upper triangle of H under its ordering: no full H
                return SparseCholesky.factorGramSum(la, hPlan, n, sigma, problem.hasP() ? problem.sparse(Block.P) : null,
                        new double[]{rhoEq, rho}, problem.sparse(Block.A), problem.sparse(Block.G));
            }
            // formed in the JVM from the problem's own blocks, the products added into it, and handed to the
            // factorization, which may factor it in place: one n×n at a time (no AᵀA + GᵀG kept for the switches:
            // two products per ρ against n² doubles held for the whole run)
            double[] hRows = scratch != null ? scratch : new double[Math.multiplyExact(n, n)];
            if (problem.hasP()) {
                DenseBlock pm = dense(Block.P);
                for (int i = 0; i < n; i++) {
                    pm.row(i, hRows, i * n);
                }
            } else {
                java.util.Arrays.fill(hRows, 0.0);
            }
            for (int i = 0; i < n; i++) {
                hRows[i * n + i] += sigma;
            }
            if (p > 0) {
                addGram(rhoEq, dense(Block.A), hRows);
            }
            if (m > 0) {
                addGram(rho, dense(Block.G), hRows);
            }
            return la.cholesky(n, hRows);
        } catch (NotPositiveDefiniteException e) {
            throw new InvalidProblemException("H", -1, -1, "H = P + σI + ρ_eqAᵀA + ρGᵀG (σ = " + sigma + ", ρ = " + rho
                    + ", ρ_eq = " + rhoEq + ") is not positive definite: with σ = 0, P must be positive definite on the"
                    + " null space of [A; G] (for an LP, [A; G] must have full column rank); give a proximal weight"
                    + " (Settings.withSigma(" + Settings.OSQP_SIGMA + "), --sigma " + Settings.OSQP_SIGMA + ") for an LP"
                    + " or rank-deficient constraints");
        }
    }

    /**
     * In place: h ← h + weight·CᵀC for a dense block C as the problem reads it (h row-major n×n). A scaled block's
     * rows are formed {@value #GRAM_ROWS} at a time, not as a whole scaled copy: the product sums the rows of C in
     * groups of four in order (`JvmBlas.gemmTransposed`), so blocks of a multiple of four rows make the same sums as
     * one product over all of them (ojalgo: the same bits; nd4j's OpenBLAS may round the blocks' sums differently).
     */
    private void addGram(double weight, DenseBlock c, double[] h) {
        if (!c.isScaled()) {
            la.gemmTransposed(c.rows(), n, n, weight, c.stored(), c.stored(), 1.0, h);
            return;
        }
        double[] block = new double[Math.min(GRAM_ROWS, c.rows()) * n];
        for (int i0 = 0; i0 < c.rows(); i0 += GRAM_ROWS) {
            int rows = Math.min(GRAM_ROWS, c.rows() - i0);
            for (int i = 0; i < rows; i++) {
                c.row(i0 + i, block, i * n);
            }
            la.gemmTransposed(rows, n, n, weight, block, block, 1.0, h);
        }
    }

    /** Rows of a scaled block per product in {@link #addGram} (a multiple of four; at n = 4 000, 16 MB of rows). */
    private static final int GRAM_ROWS = 512;

    /**
     * The x-step map in the form the iterations use ({@link XStep}), as {@link #xStepForm} chooses it
     * ({@link XStepForm#reduced}; by default reduced when 0 &lt; p + m ≤ n, where it costs at most about half the
     * full form per iteration). Built once. Always full for a sparse problem (the reduced form's W_A, W_G are dense
     * n×p, n×m) and with σ &gt; 0 (the x-step then reads x_k in n-space: x⁺ = H⁻¹(σx_k + …)).
     */
    XStep xStep() {
        return owner == this ? ownXStep() : owner.xStep();
    }

    private XStep ownXStep() {
        if (reducedForm()) {
            return reducedStep();
        }
        Setup own = setup();
        synchronized (own) {
            if (own.full == null) {
                own.full = XStep.full(this, own.factor, own);
            }
            return own.full;
        }
    }

    /** @return whether {@link #xStep} is the reduced form, decided from the sizes, σ and the form without forming it */
    boolean reducedForm() {
        return !sparse && sigma == 0 && xStepForm.reduced(n, p + m);
    }

    /**
     * Forms the x-step's matrices now ({@link XStep}: W = H⁻¹[Aᵀ Gᵀ] and M = [A; G]W in the reduced
     * form), which the first iteration would otherwise form: lets a benchmark time the set-up apart.
     *
     * @return this
     */
    public QpData prepare() {
        xStep();
        return this;
    }

    /** The reduced form of the x-step map (W_A, W_G and M, which forward-mode Jacobians need too), built once. */
    XStep reducedStep() {
        return owner == this ? ownReducedStep() : owner.reducedStep();
    }

    private XStep ownReducedStep() {
        if (sparse) {
            throw new UnsupportedOptionException("mode forward", "the reduced x-step (forward-mode Jacobians) forms"
                    + " dense n×(p+m) matrices and is not available for sparse problems", "reverse mode");
        }
        Setup own = setup();
        synchronized (own) {
            if (own.reduced == null) {
                own.reduced = XStep.reduced(this, own.factor, own);
            }
            return own.reduced;
        }
    }

}
