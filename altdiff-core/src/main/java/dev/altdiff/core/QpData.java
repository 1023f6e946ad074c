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
 * A quadratic program's data in one backend's matrices, with the Cholesky factor of
 * H = P + ρAᵀA + ρGᵀG. Built once per problem; every ADMM iteration, Jacobian update and
 * differentiator reuses it. Absent blocks are {@code null} (A, b, At when p = 0; G, h, Gt when m = 0).
 *
 * <p><b>Sparse problems</b> ({@link QuadraticProgram#isSparse()}): P, A, At, G, Gt are the backend's
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
    public final double rho;
    public final int n;
    public final int p;
    public final int m;
    /** Whether P, A, At, G, Gt are sparse backend matrices and H a {@link SparseCholesky}. */
    public final boolean sparse;
    /** n×n, or null for an LP. */
    public final Matrix P;
    public final Matrix q;
    public final Matrix A;
    public final Matrix At;
    public final Matrix b;
    public final Matrix G;
    public final Matrix Gt;
    public final Matrix h;
    /** Cholesky factor of H = P + ρAᵀA + ρGᵀG. */
    public final Factorization H;
    private XStep fullStep;
    private XStep reducedStep;
    /**
     * AᵀA + GᵀG, formed at the first {@link #withRho} and shared by the copies (null until then, and
     * for sparse data).
     */
    private Matrix constraintGram;

    /**
     * Loads the problem into the backend, checks that P is positive semidefinite and factors H.
     *
     * @throws InvalidProblemException when P is not PSD (block "P") or H is not positive definite (block "H")
     */
    public QpData(QuadraticProgram problem, LinearAlgebra la, double rho) {
        this(problem, la, rho, Equilibration.OFF);
    }

    /**
     * Loads a problem that {@code scaling} has already equilibrated ({@link Equilibration#scale}).
     *
     * @param scaled  the scaled problem ADMM runs on
     * @param scaling the factors that produced it ({@link Equilibration#OFF} when none)
     */
    public QpData(QuadraticProgram scaled, LinearAlgebra la, double rho, Equilibration scaling) {
        this.problem = scaled;
        this.scaling = scaling;
        this.la = la;
        this.rho = rho;
        this.n = problem.n();
        this.p = problem.p();
        this.m = problem.m();
        this.sparse = problem.isSparse();
        if (sparse && !la.supportsSparse()) {
            throw new UnsupportedOptionException("backend " + la.name(), "problem '" + problem.name() + "' is sparse,"
                    + " but the " + la.name() + " backend has no sparse matrices (and densifying n×n is not done)",
                    "the ojalgo backend");
        }
        this.P = !problem.hasP() ? null : sparse ? la.sparse(problem.sparse(Block.P))
                : la.matrix(n, n, problem.rowMajor(Block.P));
        this.q = la.vector(problem.rowMajor(Block.q));
        this.A = p == 0 ? null : sparse ? la.sparse(problem.sparse(Block.A))
                : la.matrix(p, n, problem.rowMajor(Block.A));
        this.At = p > 0 ? la.transpose(A) : null;
        this.b = p > 0 ? la.vector(problem.rowMajor(Block.b)) : null;
        this.G = m == 0 ? null : sparse ? la.sparse(problem.sparse(Block.G))
                : la.matrix(m, n, problem.rowMajor(Block.G));
        this.Gt = m > 0 ? la.transpose(G) : null;
        this.h = m > 0 ? la.vector(problem.rowMajor(Block.h)) : null;
        checkPositiveSemidefinite();
        this.H = factorH();
    }

    /** The same problem and matrices as {@code other} (already checked), with H factored for ρ = rho. */
    private QpData(QpData other, double rho) {
        this.problem = other.problem;
        this.scaling = other.scaling;
        this.la = other.la;
        this.rho = rho;
        this.n = other.n;
        this.p = other.p;
        this.m = other.m;
        this.P = other.P;
        this.q = other.q;
        this.A = other.A;
        this.At = other.At;
        this.b = other.b;
        this.G = other.G;
        this.Gt = other.Gt;
        this.h = other.h;
        this.sparse = other.sparse;
        // dense data keep AᵀA + GᵀG for the switches; sparse H is formed in compressed columns each time
        this.constraintGram = sparse ? null : other.constraintGram();
        this.H = factorH();
    }

    /**
     * Equilibrates the caller's problem with {@link Settings#scaling()} passes ({@link Equilibration#of})
     * and loads the result with the settings' (starting) ρ: the one set-up of a run.
     */
    public static QpData load(QuadraticProgram problem, LinearAlgebra la, Settings settings) {
        Equilibration scaling = Equilibration.of(problem, settings.scaling());
        return new QpData(scaling.scale(problem), la, settings.rho(), scaling);
    }

    /** @return AᵀA + GᵀG (n×n), formed once */
    private synchronized Matrix constraintGram() {
        if (constraintGram == null) {
            constraintGram = la.zeros(n, n);
            if (p > 0) {
                la.gemm(1.0, At, false, A, false, 1.0, constraintGram);
            }
            if (m > 0) {
                la.gemm(1.0, Gt, false, G, false, 1.0, constraintGram);
            }
        }
        return constraintGram;
    }

    /**
     * @return this problem's data with H = P + ρAᵀA + ρGᵀG factored for another ρ (the matrices are
     * shared, not copied; this object is unchanged), as adaptive ρ needs ({@link Settings#adaptiveRho()})
     * @throws InvalidProblemException when H is not positive definite at that ρ
     */
    public QpData withRho(double rho) {
        return rho == this.rho ? this : new QpData(this, rho);
    }

    /** P is PSD (to rounding) iff P + δI is positive definite for a small δ relative to P's scale. */
    private void checkPositiveSemidefinite() {
        if (P == null) {
            return;
        }
        double scale = la.normInf(P);
        if (scale == 0) {
            return;
        }
        try {
            if (sparse) { // the same check on P + δI in compressed columns
                SparseMatrix shifted = problem.sparse(Block.P).plus(1.0, SparseMatrix.diagonal(n, PSD_SHIFT * scale));
                SparseCholesky.factor(la, shifted);
                return;
            }
            Matrix shifted = la.copy(P);
            la.axpy(PSD_SHIFT * scale, la.identity(n), shifted);
            la.cholesky(shifted);
        } catch (NotPositiveDefiniteException e) {
            throw new InvalidProblemException("P", -1, -1, "P is not positive semidefinite: P + δI with δ = "
                    + PSD_SHIFT + "·max|P| = " + PSD_SHIFT * scale + " has no Cholesky factor");
        }
    }

    private Factorization factorH() {
        try {
            if (sparse) {
                return SparseCholesky.factor(la, sparseH());
            }
            Matrix hMatrix = P != null ? la.copy(P) : la.zeros(n, n);
            if (constraintGram != null) { // a ρ switch: one scaled addition instead of the two products
                la.axpy(rho, constraintGram, hMatrix);
            } else {
                if (p > 0) {
                    la.gemm(rho, At, false, A, false, 1.0, hMatrix);
                }
                if (m > 0) {
                    la.gemm(rho, Gt, false, G, false, 1.0, hMatrix);
                }
            }
            return la.cholesky(hMatrix);
        } catch (NotPositiveDefiniteException e) {
            throw new InvalidProblemException("H", -1, -1, "H = P + ρAᵀA + ρGᵀG (ρ = " + rho
                    + ") is not positive definite: P must be positive definite on the null space of"
                    + " [A; G] (for an LP, [A; G] must have full column rank); otherwise the problem has no unique"
                    + " solution, or is unbounded");
        }
    }

    /** @return H = P + ρAᵀA + ρGᵀG in compressed columns (sparse problems; both triangles stored) */
    private SparseMatrix sparseH() {
        SparseMatrix h = SparseMatrix.diagonal(n, 0.0); // the factorization needs the diagonal in the pattern
        if (problem.hasP()) {
            h = h.plus(1.0, problem.sparse(Block.P));
        }
        for (Block block : new Block[]{Block.A, Block.G}) {
            SparseMatrix c = problem.sparse(block);
            if (c != null) {
                h = h.plus(rho, c.transpose().times(c));
            }
        }
        return h;
    }

    /**
     * The x-step map in the form the iterations use ({@link XStep}): reduced when
     * 0 &lt; p + m ≤ n (it then costs at most about half the full form per iteration), full
     * otherwise (more constraints than variables make M larger than H's factor). Built once.
     * Always full for a sparse problem (the reduced form's W_A, W_G are dense n×p, n×m).
     */
    synchronized XStep xStep() {
        if (!sparse && p + m > 0 && p + m <= n) {
            return reducedStep();
        }
        if (fullStep == null) {
            fullStep = XStep.full(this);
        }
        return fullStep;
    }

    /** The reduced form of the x-step map (W_A, W_G and M, which forward-mode Jacobians need too), built once. */
    synchronized XStep reducedStep() {
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
