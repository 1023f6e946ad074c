package dev.altdiff.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable convex quadratic program
 * <pre>
 *   minimize   ½ xᵀPx + qᵀx
 *   subject to A x = b      (A: p×n, optional)
 *              G x ≤ h      (G: m×n, optional)
 * </pre>
 * P is optional (absent means a linear program, P = 0); q defaults to zero. Every block is
 * validated when the problem is built: shapes, finiteness (no NaN or infinity, no entry above
 * {@link Limits#MAX_ABS_VALUE} in magnitude), sizes (no dense block beyond a Java array) and the symmetry of
 * P, which must hold to |P_ij − P_ji| ≤ 1e-10·max|P|; P is then stored as ½(P + Pᵀ). Positive
 * semidefiniteness of P needs a factorization and is checked by the solver (see
 * {@link Differentiator#solve}). Violations raise {@link InvalidProblemException} naming the block
 * and index. Matrices are given as arrays of rows and copied (or as one row-major array taken over without a copy,
 * {@link Builder#takeP}); accessors return copies, except {@link #dense},
 * which gives solvers a dense block's stored array to read in place. {@link #scaledDiagonally} makes a diagonally
 * scaled problem that shares this one's arrays.
 *
 * <p><b>Sparse problems.</b> P, A and G may also be given as {@link SparseMatrix} (compressed
 * columns, e.g. built from triplets). A problem with at least one sparse matrix block is
 * {@link #isSparse() sparse}: all its matrix blocks are then stored sparse (a block given as rows
 * keeps only its nonzero entries) and are never densified by the solver; read them with
 * {@link #sparse(Block)}. The same validation applies (shapes, finite values, symmetry of P to the
 * same tolerance, P stored as ½(P + Pᵀ) on the union of both patterns). {@link #rowMajor},
 * {@link #P()}, {@link #A()} and {@link #G()} still work on a sparse problem but build dense copies
 * (n² doubles for P): they are meant for small problems.
 */
public final class QuadraticProgram {
    /** Relative tolerance of the symmetry check of P. */
    public static final double SYMMETRY_TOLERANCE = 1e-10;

    private final String name;
    private final int n;
    private final int p;
    private final int m;
    private final double[] pMatrix; // row-major n×n, or null
    private final double[] q;
    private final double[] a; // row-major p×n, or null
    private final double[] b;
    private final double[] g; // row-major m×n, or null
    private final double[] h;
    /** The matrix blocks of a sparse problem (null for a dense problem or an absent block). */
    private final SparseMatrix pSparse;
    private final SparseMatrix aSparse;
    private final SparseMatrix gSparse;
    /**
     * The diagonal scaling under which a problem made by {@link #scaledDiagonally} reads the dense P, A, G it shares
     * with the problem it was made from (null, all four, for any other problem): P̄ = diag(pLeft)·P·diag(right)
     * symmetrized, Ā = diag(aLeft)·A·diag(right), Ḡ = diag(gLeft)·G·diag(right) ({@link DenseBlock}).
     */
    private final double[] right;
    private final double[] pLeft;
    private final double[] aLeft;
    private final double[] gLeft;

    private QuadraticProgram(Builder builder) {
        this.right = null;
        this.pLeft = null;
        this.aLeft = null;
        this.gLeft = null;
        this.name = builder.name;
        this.n = builder.n;
        if (n < 1) {
            throw new InvalidProblemException("n", -1, -1, "n must be >= 1, got " + n);
        }
        if (builder.q == null) { // q = 0 is allocated here: n alone must fit
            Limits.requireBytes("n", (long) n * Double.BYTES, "n = " + n + " variables (q = 0 and the iterates)");
        }
        if (builder.pSparse != null || builder.aSparse != null || builder.gSparse != null) {
            double[][] pRows = builder.pTaken != null ? builder.pTaken.asRows("P", n) : builder.pMatrix;
            double[][] aRows = builder.aTaken != null ? builder.aTaken.asRows("A", n) : builder.a;
            double[][] gRows = builder.gTaken != null ? builder.gTaken.asRows("G", n) : builder.g;
            this.pMatrix = null;
            this.a = null;
            this.g = null;
            this.q = builder.q == null ? new double[n] : vector("q", builder.q, n);
            SparseMatrix pm = builder.pSparse != null ? builder.pSparse
                    : pRows != null ? SparseMatrix.fromRows("P", rowCount("P", pRows, n), n) : null;
            this.pSparse = pm == null ? null : symmetric(shape("P", pm, n, n));
            requirePairs(builder.aSparse != null || aRows != null, builder.b,
                    builder.gSparse != null || gRows != null, builder.h);
            SparseMatrix am = builder.aSparse != null ? builder.aSparse
                    : aRows != null ? SparseMatrix.fromRows("A", aRows, n) : null;
            SparseMatrix gm = builder.gSparse != null ? builder.gSparse
                    : gRows != null ? SparseMatrix.fromRows("G", gRows, n) : null;
            this.p = am == null ? 0 : am.rows();
            this.m = gm == null ? 0 : gm.rows();
            this.aSparse = p > 0 ? shape("A", am, p, n) : null;
            this.gSparse = m > 0 ? shape("G", gm, m, n) : null;
            this.b = p > 0 ? vector("b", builder.b, p) : emptyOrThrow("b", builder.b, "A");
            this.h = m > 0 ? vector("h", builder.h, m) : emptyOrThrow("h", builder.h, "G");
            return;
        }
        this.pSparse = null;
        this.aSparse = null;
        this.gSparse = null;
        this.pMatrix = builder.pTaken != null ? symmetric(builder.pTaken.checked("P", n, n))
                : builder.pMatrix == null ? null : symmetric(flatten("P", builder.pMatrix, n, n));
        this.q = builder.q == null ? new double[n] : vector("q", builder.q, n);
        if ((builder.a == null && builder.aTaken == null) ^ builder.b == null) {
            String missing = builder.b != null ? "A" : "b";
            throw new InvalidProblemException(missing, -1, -1, missing + " is missing: A and b must be given together");
        }
        if ((builder.g == null && builder.gTaken == null) ^ builder.h == null) {
            String missing = builder.h != null ? "G" : "h";
            throw new InvalidProblemException(missing, -1, -1, missing + " is missing: G and h must be given together");
        }
        boolean hasEq = builder.aTaken != null ? builder.aTaken.rows() > 0 : builder.a != null && builder.a.length > 0;
        boolean hasIneq = builder.gTaken != null ? builder.gTaken.rows() > 0 : builder.g != null && builder.g.length > 0;
        this.p = !hasEq ? 0 : builder.aTaken != null ? builder.aTaken.rows() : builder.a.length;
        this.m = !hasIneq ? 0 : builder.gTaken != null ? builder.gTaken.rows() : builder.g.length;
        this.a = !hasEq ? null : builder.aTaken != null ? builder.aTaken.checked("A", p, n) : flatten("A", builder.a, p, n);
        this.b = hasEq ? vector("b", builder.b, p) : new double[0];
        if (!hasEq && builder.b != null && builder.b.length > 0) {
            throw new InvalidProblemException("b", -1, -1, "b has length " + builder.b.length + " but A has 0 rows");
        }
        this.g = !hasIneq ? null : builder.gTaken != null ? builder.gTaken.checked("G", m, n) : flatten("G", builder.g, m, n);
        this.h = hasIneq ? vector("h", builder.h, m) : new double[0];
        if (!hasIneq && builder.h != null && builder.h.length > 0) {
            throw new InvalidProblemException("h", -1, -1, "h has length " + builder.h.length + " but G has 0 rows");
        }
    }

    /**
     * A problem with other's matrices (shared: they are immutable), read under the given factors (null: unscaled;
     * {@link #scaledDiagonally}), and the given name and vectors.
     */
    private QuadraticProgram(QuadraticProgram other, String name, double[] q, double[] b, double[] h, double[] right,
                             double[] pLeft, double[] aLeft, double[] gLeft) {
        this(other, other.pSparse, other.aSparse, other.gSparse, name, q, b, h, right, pLeft, aLeft, gLeft);
    }

    /** {@link #QuadraticProgram(QuadraticProgram, String, double[], double[], double[], double[], double[], double[],
     *  double[])} with the given sparse blocks (of other's shapes) instead of other's. */
    private QuadraticProgram(QuadraticProgram other, SparseMatrix pSparse, SparseMatrix aSparse, SparseMatrix gSparse,
                             String name, double[] q, double[] b, double[] h, double[] right, double[] pLeft,
                             double[] aLeft, double[] gLeft) {
        this.name = name == null ? "qp" : name;
        this.n = other.n;
        this.p = other.p;
        this.m = other.m;
        this.pMatrix = other.pMatrix;
        this.a = other.a;
        this.g = other.g;
        this.pSparse = pSparse;
        this.aSparse = aSparse;
        this.gSparse = gSparse;
        this.right = right;
        this.pLeft = pLeft;
        this.aLeft = aLeft;
        this.gLeft = gLeft;
        this.q = q == null ? new double[n] : vector("q", q, n);
        this.b = p > 0 ? vector("b", Objects.requireNonNull(b, "b"), p) : emptyOrThrow("b", b, "A");
        this.h = m > 0 ? vector("h", Objects.requireNonNull(h, "h"), m) : emptyOrThrow("h", h, "G");
    }

    /**
     * The problem with this one's P, A and G and other vectors: the matrices are shared, neither copied
     * nor validated again (they are immutable), so a caller that changes only q, b, h between calls (a
     * layer in training, a parametric sweep) pays O(n + p + m) here, and a solver that keeps what it
     * formed from the matrices finds them identical at once ({@link #sameMatrices}).
     *
     * @param name the new problem's name (null: "qp")
     * @param q    length n (null: zero)
     * @param b    length p (null or empty when p = 0)
     * @param h    length m (null or empty when m = 0)
     * @throws InvalidProblemException for a wrong length or a value the builder refuses
     */
    public QuadraticProgram withVectors(String name, double[] q, double[] b, double[] h) {
        return new QuadraticProgram(this, name, q, b, h, right, pLeft, aLeft, gLeft);
    }

    /**
     * The diagonally scaled problem P̄ = c·DPD, Ā = E_A·A·D, Ḡ = E_G·G·D of a dense problem, with the given (already
     * scaled) vectors, reading this problem's matrices in place instead of copying them: what an equilibration
     * (Ruiz) gives the solver without a second copy of P, A, G. Its entries are those a copy would hold, bit for bit:
     * P̄_ij = P_ij·((c·d_i)·d_j), stored as ½(P̄_ij + P̄_ji) like any P, Ā_ij = A_ij·(eA_i·d_j), Ḡ_ij = G_ij·(eG_i·d_j)
     * ({@link DenseBlock}); every accessor reads them so ({@link #rowMajor}, {@link #P()}, {@link #objective}, …).
     * A problem that is itself scaled so is copied first (the factors are not composed).
     *
     * <p>A sparse problem's scaled blocks share this one's arrays (column pointers, row indices and values, not
     * copied) and read its values through the factors ({@link SparseMatrix.Scaling}), to the same entries: nothing of
     * their own instead of a copy of the blocks ({@link SparseMatrix#columns}). The factors are copied once (n, p, m
     * doubles).
     *
     * @param d  the column factors D (length n, positive)
     * @param c  the cost factor of P (and of q, which is given scaled)
     * @param eA the row factors of A (length p; ignored when p = 0)
     * @param eG the row factors of G (length m; ignored when m = 0)
     */
    public QuadraticProgram scaledDiagonally(String name, double[] d, double c, double[] eA, double[] eG,
                                             double[] q, double[] b, double[] h) {
        if (isSparse()) {
            double[] columns = vector("d", d, n);
            return new QuadraticProgram(this, pSparse == null ? null : pSparse.scaledInPattern(columns, columns, c, true),
                    p > 0 ? aSparse.scaledInPattern(vector("eA", eA, p), columns, 1.0, false) : null,
                    m > 0 ? gSparse.scaledInPattern(vector("eG", eG, m), columns, 1.0, false) : null,
                    name, q, b, h, null, null, null, null);
        }
        QuadraticProgram base = right == null ? this : copied();
        double[] columns = vector("d", d, n);
        return new QuadraticProgram(base, name, q, b, h, columns, pMatrix == null ? null : times(c, columns),
                p > 0 ? vector("eA", eA, p) : null, m > 0 ? vector("eG", eG, m) : null);
    }

    /** @return this dense problem with its matrices as copies of the entries it reads (unscaled storage) */
    private QuadraticProgram copied() {
        Builder builder = builder(n).name(name).q(q);
        if (pMatrix != null) {
            builder.P(P());
        }
        if (p > 0) {
            builder.equalities(A(), b);
        }
        if (m > 0) {
            builder.inequalities(G(), h);
        }
        return builder.build();
    }

    private static double[] times(double c, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = c * v[i];
        }
        return out;
    }

    /**
     * A dense problem's matrix block in place: its stored array (shared, not copied: read only) with the scaling
     * under which this problem reads it ({@link DenseBlock}), for solvers that multiply by the problem's matrices
     * without a copy of them.
     *
     * @param block P (n×n), A (p×n) or G (m×n)
     * @return the block, or null when it is absent or the problem is sparse
     * @throws IllegalArgumentException for a vector block
     */
    public DenseBlock dense(Block block) {
        return switch (block) {
            case P -> pMatrix == null ? null : new DenseBlock(n, n, pMatrix, pLeft, right, true);
            case A -> a == null ? null : new DenseBlock(p, n, a, aLeft, right, false);
            case G -> g == null ? null : new DenseBlock(m, n, g, gLeft, right, false);
            default -> throw new IllegalArgumentException(block + " is a vector block");
        };
    }

    /** @return a builder for a problem with n variables */
    public static Builder builder(int n) {
        return new Builder(n);
    }

    private static void requirePairs(boolean hasA, double[] b, boolean hasG, double[] h) {
        if (!hasA ^ b == null) {
            String missing = !hasA ? "A" : "b";
            throw new InvalidProblemException(missing, -1, -1, missing + " is missing: A and b must be given together");
        }
        if (!hasG ^ h == null) {
            String missing = !hasG ? "G" : "h";
            throw new InvalidProblemException(missing, -1, -1, missing + " is missing: G and h must be given together");
        }
    }

    private static double[] emptyOrThrow(String block, double[] v, String matrix) {
        if (v != null && v.length > 0) {
            throw new InvalidProblemException(block, -1, -1, block + " has length " + v.length + " but " + matrix
                    + " has 0 rows");
        }
        return new double[0];
    }

    private static double[][] rowCount(String block, double[][] rows, int r) {
        if (rows.length != r) {
            throw new InvalidProblemException(block, -1, -1, block + " has " + rows.length + " rows, expected " + r);
        }
        return rows;
    }

    private static SparseMatrix shape(String block, SparseMatrix s, int r, int c) {
        if (s.rows() != r || s.cols() != c) {
            throw new InvalidProblemException(block, -1, -1, block + " is " + s.rows() + "x" + s.cols() + ", expected "
                    + r + "x" + c);
        }
        return s;
    }

    /** The sparse symmetry check: |P − Pᵀ| ≤ tol entry-wise, then ½(P + Pᵀ). */
    private static SparseMatrix symmetric(SparseMatrix pm) {
        return pm.symmetricPart("P", SYMMETRY_TOLERANCE * pm.normInf());
    }

    /**
     * A dense block given as one row-major array ({@link Builder#takeP}, …), kept by the problem that is built from it.
     */
    private record Taken(double[] values, int rows, int cols) {
        /** @return the values, after the checks {@link #flatten} makes of rows (shape, then every entry) */
        double[] checked(String block, int r, int c) {
            if (rows != r) {
                throw new InvalidProblemException(block, -1, -1, block + " has " + rows + " rows, expected " + r);
            }
            if (cols != c && r > 0) {
                throw new InvalidProblemException(block, 0, -1, block + " row 0 has " + cols + " entries, expected " + c);
            }
            if (values.length != (long) r * c) {
                throw new IllegalArgumentException(block + ": " + values.length + " values given for " + r + "×" + c);
            }
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) {
                    Limits.value(block, i, j, values[i * c + j]);
                }
            }
            return values;
        }

        /** @return the block as rows of cols entries, after the checks of a block with n columns */
        double[][] asRows(String block, int n) {
            checked(block, rows, n);
            return QuadraticProgram.rows(values, rows, cols);
        }
    }

    private static double[] flatten(String block, double[][] rows, int r, int c) {
        if (rows.length != r) {
            throw new InvalidProblemException(block, -1, -1,
                    block + " has " + rows.length + " rows, expected " + r);
        }
        double[] out = new double[Limits.length(block, (long) r * c, block + " as a dense " + r + "×" + c + " matrix")];
        for (int i = 0; i < r; i++) {
            double[] row = rows[i];
            if (row == null || row.length != c) {
                throw new InvalidProblemException(block, i, -1, block + " row " + i + " has "
                        + (row == null ? "no" : String.valueOf(row.length)) + " entries, expected " + c);
            }
            for (int j = 0; j < c; j++) {
                Limits.value(block, i, j, row[j]);
            }
            System.arraycopy(row, 0, out, i * c, c);
        }
        return out;
    }

    private static double[] vector(String block, double[] v, int len) {
        if (v.length != len) {
            throw new InvalidProblemException(block, -1, -1,
                    block + " has length " + v.length + ", expected " + len);
        }
        for (int i = 0; i < len; i++) {
            Limits.value(block, i, -1, v[i]);
        }
        return v.clone();
    }

    private double[] symmetric(double[] pm) {
        double max = 0;
        for (double v : pm) {
            max = Math.max(max, Math.abs(v));
        }
        double tol = SYMMETRY_TOLERANCE * max;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double pij = pm[i * n + j];
                double pji = pm[j * n + i];
                if (Math.abs(pij - pji) > tol) {
                    throw new InvalidProblemException("P", i, j, "P is not symmetric: P[" + i + "][" + j + "] = " + pij
                            + " but P[" + j + "][" + i + "] = " + pji);
                }
                double mean = 0.5 * (pij + pji);
                pm[i * n + j] = mean;
                pm[j * n + i] = mean;
            }
        }
        return pm;
    }

    /** @return the problem's name (for reports), never null */
    public String name() { return name; }

    /** @return number of variables n */
    public int n() { return n; }

    /** @return number of equality constraints p (0 without A) */
    public int p() { return p; }

    /** @return number of inequality constraints m (0 without G) */
    public int m() { return m; }

    /** @return whether P is present (false: a linear program) */
    public boolean hasP() { return pMatrix != null || pSparse != null; }

    /** @return whether the matrix blocks are stored sparse (see the class comment) */
    public boolean isSparse() { return pSparse != null || aSparse != null || gSparse != null; }

    /**
     * @return whether other has the same dimensions and the same P, A and G entry for entry (q, b, h
     *     are not compared): a solver may then reuse what it formed from this problem's matrices.
     *     Sparse problems compare equal only to themselves.
     */
    public boolean sameMatrices(QuadraticProgram other) {
        if (other == this) {
            return true;
        }
        if (other == null || isSparse() || other.isSparse() || n != other.n || p != other.p || m != other.m) {
            return false;
        }
        for (Block block : new Block[]{Block.P, Block.A, Block.G}) {
            DenseBlock mine = dense(block);
            DenseBlock theirs = other.dense(block);
            if (mine == null ? theirs != null : theirs == null || !mine.sameEntries(theirs)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A matrix block in compressed-column form: the stored one for a sparse problem (no copy: it is
     * immutable), else built from the dense block's nonzero entries.
     *
     * @param block P (n×n), A (p×n) or G (m×n)
     * @return the block, or null when absent (an LP's P, A when p = 0, G when m = 0)
     * @throws IllegalArgumentException for a vector block
     */
    public SparseMatrix sparse(Block block) {
        return switch (block) {
            case P -> pSparse != null ? pSparse : pMatrix == null ? null : SparseMatrix.fromRows("P", P(), n);
            case A -> aSparse != null ? aSparse : a == null ? null : SparseMatrix.fromRows("A", A(), n);
            case G -> gSparse != null ? gSparse : g == null ? null : SparseMatrix.fromRows("G", G(), n);
            default -> throw new IllegalArgumentException(block + " is a vector block");
        };
    }

    /** @return whether the problem has equality constraints */
    public boolean hasEqualities() { return p > 0; }

    /** @return whether the problem has inequality constraints */
    public boolean hasInequalities() { return m > 0; }

    /**
     * A copy of one block in row-major order: P is n×n (all zeros when absent), A is p×n, G is m×n,
     * vectors as they are (empty when absent).
     */
    public double[] rowMajor(Block block) {
        return switch (block) {
            case P -> pSparse != null ? pSparse.toRowMajor() : pMatrix == null ? new double[n * n] : dense(block).rowMajor();
            case q -> q.clone();
            case A -> aSparse != null ? aSparse.toRowMajor() : a == null ? new double[0] : dense(block).rowMajor();
            case b -> b.clone();
            case G -> gSparse != null ? gSparse.toRowMajor() : g == null ? new double[0] : dense(block).rowMajor();
            case h -> h.clone();
        };
    }

    /** @return P as rows (null for an LP) */
    public double[][] P() {
        return pSparse != null ? rows(pSparse.toRowMajor(), n, n) : pMatrix == null ? null : rows(dense(Block.P), n);
    }

    /** @return q, length n */
    public double[] q() { return q.clone(); }

    /** @return A as rows (null without equalities) */
    public double[][] A() {
        return aSparse != null ? rows(aSparse.toRowMajor(), p, n) : a == null ? null : rows(dense(Block.A), n);
    }

    /** @return b, length p */
    public double[] b() { return b.clone(); }

    /** @return G as rows (null without inequalities) */
    public double[][] G() {
        return gSparse != null ? rows(gSparse.toRowMajor(), m, n) : g == null ? null : rows(dense(Block.G), n);
    }

    /** @return h, length m */
    public double[] h() { return h.clone(); }

    /** @return ½xᵀPx + qᵀx */
    public double objective(double[] x) {
        if (pSparse != null) {
            double[] px = pSparse.times(x);
            double f = 0;
            for (int i = 0; i < n; i++) {
                f += x[i] * (0.5 * px[i] + q[i]);
            }
            return f;
        }
        DenseBlock pm = dense(Block.P);
        double[] row = pm == null ? null : new double[n];
        double f = 0;
        for (int i = 0; i < n; i++) {
            double px = 0;
            if (pm != null) {
                pm.row(i, row, 0);
                for (int j = 0; j < n; j++) {
                    px += row[j] * x[j];
                }
            }
            f += x[i] * (0.5 * px + q[i]);
        }
        return f;
    }

    private static double[][] rows(DenseBlock block, int c) {
        double[][] out = new double[block.rows()][c];
        for (int i = 0; i < out.length; i++) {
            block.row(i, out[i], 0);
        }
        return out;
    }

    private static double[][] rows(double[] flat, int r, int c) {
        double[][] out = new double[r][];
        for (int i = 0; i < r; i++) {
            out[i] = Arrays.copyOfRange(flat, i * c, (i + 1) * c);
        }
        return out;
    }

    /**
     * Builder; every setter takes the data by reference until {@link #build()} copies it, except {@link #takeP},
     * {@link #takeEqualities} and {@link #takeInequalities}, whose arrays the built problem keeps.
     */
    public static final class Builder {
        private final int n;
        private String name = "qp";
        private double[][] pMatrix;
        private double[] q;
        private double[][] a;
        private double[] b;
        private double[][] g;
        private double[] h;
        private SparseMatrix pSparse;
        private SparseMatrix aSparse;
        private SparseMatrix gSparse;
        private Taken pTaken;
        private Taken aTaken;
        private Taken gTaken;

        private Builder(int n) { this.n = n; }

        public Builder name(String name) { this.name = name == null ? "qp" : name; return this; }

        /** Quadratic term, n×n symmetric PSD; omit for an LP. */
        public Builder P(double[][] pMatrix) { this.pMatrix = pMatrix; this.pSparse = null; this.pTaken = null; return this; }

        /**
         * Quadratic term as one row-major array of rows×cols entries (it must be n×n), <b>taken over</b>: {@link #build()}
         * checks it and stores ½(P + Pᵀ) in it, and the problem keeps it as its P instead of a copy. For a reader that
         * made the array for this problem alone (a file reader: one copy of P in memory, not two). The caller must not
         * use the array afterwards.
         */
        public Builder takeP(int rows, int cols, double[] rowMajor) {
            this.pTaken = new Taken(Objects.requireNonNull(rowMajor, "rowMajor"), rows, cols);
            this.pMatrix = null;
            this.pSparse = null;
            return this;
        }

        /** Quadratic term as a sparse n×n symmetric PSD matrix (makes the problem sparse). */
        public Builder sparseP(SparseMatrix pMatrix) { this.pSparse = pMatrix; this.pMatrix = null; this.pTaken = null; return this; }

        /** Linear term, length n (zero if never set). */
        public Builder q(double[] q) { this.q = q; return this; }

        /** Equality constraints Ax = b, A p×n, b length p. */
        public Builder equalities(double[][] a, double[] b) {
            this.a = a;
            this.aSparse = null;
            this.aTaken = null;
            this.b = b;
            return this;
        }

        /** Equality constraints with A (p×n) as one row-major array, taken over as {@link #takeP} takes P. */
        public Builder takeEqualities(int rows, int cols, double[] aRowMajor, double[] b) {
            this.aTaken = new Taken(Objects.requireNonNull(aRowMajor, "aRowMajor"), rows, cols);
            this.a = null;
            this.aSparse = null;
            this.b = b;
            return this;
        }

        /** Equality constraints with a sparse p×n A (makes the problem sparse). */
        public Builder sparseEqualities(SparseMatrix a, double[] b) {
            this.aSparse = a;
            this.a = null;
            this.aTaken = null;
            this.b = b;
            return this;
        }

        /** Inequality constraints Gx ≤ h, G m×n, h length m. */
        public Builder inequalities(double[][] g, double[] h) {
            this.g = g;
            this.gSparse = null;
            this.gTaken = null;
            this.h = h;
            return this;
        }

        /** Inequality constraints with G (m×n) as one row-major array, taken over as {@link #takeP} takes P. */
        public Builder takeInequalities(int rows, int cols, double[] gRowMajor, double[] h) {
            this.gTaken = new Taken(Objects.requireNonNull(gRowMajor, "gRowMajor"), rows, cols);
            this.g = null;
            this.gSparse = null;
            this.h = h;
            return this;
        }

        /** Inequality constraints with a sparse m×n G (makes the problem sparse). */
        public Builder sparseInequalities(SparseMatrix g, double[] h) {
            this.gSparse = g;
            this.g = null;
            this.gTaken = null;
            this.h = h;
            return this;
        }

        /** @throws InvalidProblemException naming the offending block and index */
        public QuadraticProgram build() { return new QuadraticProgram(this); }
    }
}
