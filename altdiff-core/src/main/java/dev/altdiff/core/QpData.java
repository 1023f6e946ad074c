package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.UnsupportedOptionException;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;
import dev.altdiff.api.linalg.NotPositiveDefiniteException;

/**
 * A quadratic program's data: its vectors in one backend's matrices, its matrices P, A, G once (dense: as
 * row-major arrays that the JVM products read and the backend's matrices are formed from when a set-up
 * needs them, {@link #matrix}), with the Cholesky factor of H = P + ρAᵀA + ρGᵀG. Built once per problem;
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
    /** Cholesky factor of H = P + σI + ρ_eqAᵀA + ρGᵀG. */
    public final Factorization H;
    private XStep fullStep;
    private XStep reducedStep;
    /**
     * (ρ_eq/ρ)AᵀA + GᵀG, formed at the first {@link #withRho} and shared by the copies (null until then,
     * and for sparse data).
     */
    private Matrix constraintGram;

    /**
     * The data factored for each ρ met so far ({@link #withRho}), shared by all of them: a run that
     * switches ρ, or a later run on the same data (a layer's next minibatch), reuses the factor of H
     * and the x-step's matrices instead of forming them again. At most {@value #FACTORS_KEPT} are kept, through
     * soft references, as {@link #load} keeps set-ups: what a run still uses (its current ρ; every ρ of a recorded
     * run, whose gradient reads them) stays, and the rest yields to the collector under memory pressure, so a run
     * that records nothing does not hold the factors of the ρ it has left.
     */
    private final java.util.Map<Double, java.lang.ref.SoftReference<QpData>> factored;

    /** The data whose factor, x-step and ρ family this one shares: itself, unless made by {@link #withVectors}. */
    private final QpData owner;

    /**
     * P, A, G of a dense problem as row-major arrays for {@link #times}, formed at the first call and shared
     * by every data of these matrices: the other ρ of {@link #withRho} and the vectors of {@link #withVectors}
     * (one copy of the blocks per problem, not one per ρ).
     */
    private final DenseRows rows;

    /** The row-major copies of {@link #rows}, P's diagonal when P is diagonal, and {@link #absoluteSums}. */
    private static final class DenseRows {
        /** P, A, G (null until formed), published last: a reader that sees them sees {@link #pDiagonal} too. */
        private volatile double[][] blocks;
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
        this.problem = scaled;
        this.scaling = scaling;
        this.la = la;
        this.rho = rho;
        this.rhoScale = rhoScale;
        this.rhoEq = rhoScale * rho;
        this.sigma = sigma;
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
        this.owner = this;
        this.rows = new DenseRows();
        checkPositiveSemidefinite();
        this.H = factorH();
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
        this.n = other.n;
        this.p = other.p;
        this.m = other.m;
        this.q = other.q;
        this.b = other.b;
        this.h = other.h;
        this.sparse = other.sparse;
        this.sparseBlocks = other.sparseBlocks;
        this.rows = other.rows; // the same matrices: their row-major copies are shared, not formed again
        this.owner = this;
        // dense data keep AᵀA + GᵀG for the switches; sparse H is formed in compressed columns each time
        this.constraintGram = sparse ? null : other.constraintGram();
        this.H = factorH();
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
        this.n = owner.n;
        this.p = owner.p;
        this.m = owner.m;
        this.sparse = owner.sparse;
        this.sparseBlocks = owner.sparseBlocks;
        this.q = la.vector(scaled.rowMajor(Block.q));
        this.b = p > 0 ? la.vector(scaled.rowMajor(Block.b)) : null;
        this.h = m > 0 ? la.vector(scaled.rowMajor(Block.h)) : null;
        this.H = owner.H;
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
                scaling);
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
        if (scaled.isSparse()) {
            return new QpData(scaled, la, rho, rhoScale, sigma, scaling);
        }
        synchronized (SETUPS) {
            for (java.util.Iterator<java.lang.ref.SoftReference<QpData>> it = SETUPS.iterator(); it.hasNext(); ) {
                QpData known = it.next().get();
                if (known == null) {
                    it.remove();
                } else if (known.la == la && known.rho == rho && known.rhoScale == rhoScale && known.sigma == sigma
                        && known.scaling.sameFactors(scaling)
                        && known.problem.sameMatrices(scaled)) {
                    it.remove();
                    SETUPS.addFirst(new java.lang.ref.SoftReference<>(known));
                    return withVectors(known, scaled, scaling);
                }
            }
        }
        QpData loaded = new QpData(scaled, la, rho, rhoScale, sigma, scaling);
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
     * ({@link LinearAlgebra#gemm(int, int, int, double, double[], double[], double, double[])}, a diagonal P
     * as a diagonal) with row-major copies of P, A and G formed at the first call (kept with the set-up);
     * sparse data through the backend's matrices.
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
        double[] a = denseRows(block);
        double[] out = new double[outRows * width];
        double[] diagonal = block == Block.P ? diagonalP() : null;
        if (diagonal != null) { // a diagonal P (e.g. the classification layer's 0.1·I): n·B, not n²·B
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < width; j++) {
                    out[i * width + j] = diagonal[i] * x[i * width + j];
                }
            }
            return out;
        }
        if (transpose) {
            la.gemmTransposed(rows, n, width, 1.0, a, x, 0.0, out);
        } else {
            la.gemm(rows, n, width, 1.0, a, x, 0.0, out);
        }
        return out;
    }

    /**
     * P (n×n), A (p×n) or G (m×n), or its transpose, as a backend matrix; null when the block is absent. Sparse data
     * keep theirs; dense data form one now from the row-major copy ({@link #denseRows}), the same entries, and do not
     * keep it: the iterations multiply the JVM copy, and the backend's matrices are read only by a set-up (the PSD
     * check, H and the x-step of each ρ), polishing and the forward-mode tangents, so one copy of the problem's
     * matrices is kept where a backend copy and a JVM copy were (P, G and Gᵀ: 2n² + 2mn doubles for a dense problem,
     * against n² + mn).
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
        int rowCount = block == Block.P ? n : block == Block.A ? p : m;
        double[] a = denseRows(block);
        if (!transpose) {
            return la.matrix(rowCount, n, a);
        }
        double[] t = new double[a.length];
        for (int i = 0; i < rowCount; i++) {
            for (int j = 0; j < n; j++) {
                t[j * rowCount + i] = a[i * n + j];
            }
        }
        return la.matrix(n, rowCount, t);
    }

    /**
     * @return {block·x, blockᵀ·y} for A or G, the same as two {@link #times} calls; for one column of dense data
     *     in one pass over the block ({@link LinearAlgebra#gemvAndTransposed})
     */
    double[][] timesBoth(Block block, double[] x, double[] y, int width) {
        if (sparse || width != 1) {
            return new double[][]{times(block, false, x, width), times(block, true, y, width)};
        }
        int rows = block == Block.A ? p : m;
        double[] ax = new double[rows];
        double[] aty = new double[n];
        la.gemvAndTransposed(rows, n, denseRows(block), x, y, ax, aty);
        return new double[][]{ax, aty};
    }

    /** @return P's diagonal when dense P is diagonal, else null (decided once, with {@link #denseRows}) */
    private double[] diagonalP() {
        denseRows(Block.P); // reads the volatile blocks, written after pDiagonal
        return rows.pDiagonal;
    }

    /** @return P, A or G of dense data, row-major, formed once with the set-up (read only) */
    double[] denseRows(Block block) {
        double[][] formed = rows.blocks; // formed once: read without the lock after that (volatile publication)
        if (formed == null) {
            synchronized (rows) {
                formed = rows.blocks;
                if (formed == null) {
                    formed = new double[][]{problem.rowMajor(Block.P), problem.rowMajor(Block.A),
                            problem.rowMajor(Block.G)};
                    double[] pm = formed[0];
                    boolean diagonal = problem.hasP();
                    for (int i = 0; i < n && diagonal; i++) {
                        for (int j = 0; j < n && diagonal; j++) {
                            diagonal = i == j || pm[i * n + j] == 0;
                        }
                    }
                    if (diagonal) {
                        rows.pDiagonal = new double[n];
                        for (int i = 0; i < n; i++) {
                            rows.pDiagonal[i] = pm[i * n + i];
                        }
                    }
                    rows.blocks = formed; // published last
                }
            }
        }
        return formed[block == Block.P ? 0 : block == Block.A ? 1 : 2];
    }

    /**
     * @return Σ|entries| of each row of dense P, and of each column of dense A or G (the rows of Aᵀ, Gᵀ), length n:
     *     the termination test's matrix bounds ({@link Termination#bounds}), formed once per problem (read only)
     */
    double[] absoluteSums(Block block) {
        return rows.absoluteSums.computeIfAbsent(block, key -> {
            double[] a = denseRows(key);
            int rowsOf = key == Block.P ? n : key == Block.A ? p : m;
            double[] sums = new double[n];
            for (int i = 0; i < rowsOf; i++) {
                for (int j = 0; j < n; j++) {
                    sums[key == Block.P ? i : j] += Math.abs(a[i * n + j]);
                }
            }
            return sums;
        });
    }

    /** @return (ρ_eq/ρ)AᵀA + GᵀG (n×n), formed once */
    private Matrix constraintGram() {
        return owner == this ? ownConstraintGram() : owner.constraintGram();
    }

    private synchronized Matrix ownConstraintGram() {
        if (constraintGram == null) {
            constraintGram = la.zeros(n, n);
            if (p > 0) {
                la.gemm(rhoScale, matrix(Block.A, true), false, matrix(Block.A, false), false, 1.0, constraintGram);
            }
            if (m > 0) {
                la.gemm(1.0, matrix(Block.G, true), false, matrix(Block.G, false), false, 1.0, constraintGram);
            }
        }
        return constraintGram;
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

    /** P is PSD (to rounding) iff P + δI is positive definite for a small δ relative to P's scale. */
    private void checkPositiveSemidefinite() {
        Matrix pm = matrix(Block.P, false); // dense: formed here, the copy that is shifted
        if (pm == null) {
            return;
        }
        double scale = la.normInf(pm);
        if (scale == 0) {
            return;
        }
        try {
            if (sparse) { // the same check on P + δI in compressed columns
                SparseMatrix shifted = problem.sparse(Block.P).plus(1.0, SparseMatrix.diagonal(n, PSD_SHIFT * scale));
                SparseCholesky.factor(la, shifted);
                return;
            }
            Matrix shifted = pm; // the shift on the diagonal of the copy, no identity beside it
            la.addToDiagonal(PSD_SHIFT * scale, shifted);
            la.cholesky(shifted);
        } catch (NotPositiveDefiniteException e) {
            throw notPositiveSemidefinite(scale);
        }
    }

    /** @return the refusal of a P whose P + δI (δ = {@link #PSD_SHIFT}·scale) has no Cholesky factor */
    static InvalidProblemException notPositiveSemidefinite(double scale) {
        return new InvalidProblemException("P", -1, -1, "P is not positive semidefinite: P + δI with δ = "
                + PSD_SHIFT + "·max|P| = " + PSD_SHIFT * scale + " has no Cholesky factor");
    }

    private Factorization factorH() {
        try {
            if (sparse) {
                return SparseCholesky.factor(la, sparseH());
            }
            Matrix hMatrix = problem.hasP() ? matrix(Block.P, false) : la.zeros(n, n); // a copy of P, formed here
            if (sigma > 0) {
                la.addToDiagonal(sigma, hMatrix);
            }
            if (constraintGram != null) { // a ρ switch: one scaled addition instead of the two products
                la.axpy(rho, constraintGram, hMatrix);
            } else {
                if (p > 0) {
                    la.gemm(rhoEq, matrix(Block.A, true), false, matrix(Block.A, false), false, 1.0, hMatrix);
                }
                if (m > 0) {
                    la.gemm(rho, matrix(Block.G, true), false, matrix(Block.G, false), false, 1.0, hMatrix);
                }
            }
            return la.cholesky(hMatrix);
        } catch (NotPositiveDefiniteException e) {
            throw new InvalidProblemException("H", -1, -1, "H = P + σI + ρ_eqAᵀA + ρGᵀG (σ = " + sigma + ", ρ = " + rho
                    + ", ρ_eq = " + rhoEq + ") is not positive definite: with σ = 0, P must be positive definite on the"
                    + " null space of [A; G] (for an LP, [A; G] must have full column rank); give a proximal weight"
                    + " (Settings.withSigma(" + Settings.OSQP_SIGMA + "), --sigma " + Settings.OSQP_SIGMA + ") for an LP"
                    + " or rank-deficient constraints");
        }
    }

    /** @return H = P + σI + ρ_eqAᵀA + ρGᵀG in compressed columns (sparse problems; both triangles stored) */
    private SparseMatrix sparseH() {
        SparseMatrix h = SparseMatrix.diagonal(n, sigma); // σI; the factorization needs the diagonal in the pattern
        if (problem.hasP()) {
            h = h.plus(1.0, problem.sparse(Block.P));
        }
        for (Block block : new Block[]{Block.A, Block.G}) {
            SparseMatrix c = problem.sparse(block);
            if (c != null) {
                h = h.plus(block == Block.A ? rhoEq : rho, c.transpose().times(c));
            }
        }
        return h;
    }

    /**
     * The x-step map in the form the iterations use ({@link XStep}): reduced when
     * 0 &lt; p + m ≤ n (it then costs at most about half the full form per iteration), full
     * otherwise (more constraints than variables make M larger than H's factor). Built once.
     * Always full for a sparse problem (the reduced form's W_A, W_G are dense n×p, n×m) and with σ &gt; 0 (the
     * x-step then reads x_k in n-space: x⁺ = H⁻¹(σx_k + …)).
     */
    XStep xStep() {
        return owner == this ? ownXStep() : owner.xStep();
    }

    private synchronized XStep ownXStep() {
        if (!sparse && sigma == 0 && p + m > 0 && p + m <= n) {
            return reducedStep();
        }
        if (fullStep == null) {
            fullStep = XStep.full(this);
        }
        return fullStep;
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

    private synchronized XStep ownReducedStep() {
        if (sparse) {
            throw new UnsupportedOptionException("mode forward", "the reduced x-step (forward-mode Jacobians) forms"
                    + " dense n×(p+m) matrices and is not available for sparse problems", "reverse mode");
        }
        if (reducedStep == null) {
            reducedStep = XStep.reduced(this);
        }
        return reducedStep;
    }

}
