package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;

import java.util.Arrays;

/**
 * A symmetric KKT system K₀z = r of the quasi-definite shape
 * <pre>
 *         [ P   Bᵀ ]      n rows           P: n×n positive semidefinite
 *   K₀ =  [ B   −C ]      k rows           B: k×n constraint rows, C = diag(c) ≥ 0
 * </pre>
 * solved by factoring its regularization K_δ = K₀ + diag(δI_n, −δI_k) (quasi-definite for any δ &gt; 0, so
 * its LDLᵀ exists without pivoting under any ordering: Vanderbei, SIAM J. Optim. 1995) and iterative
 * refinement z ← z + K_δ⁻¹(r − K₀z) against K₀ itself, which removes the regularization's bias wherever
 * K₀ is nonsingular and keeps the undetermined components at the start's values where it is not.
 * δ = relativeδ·max(1, max|Pᵢⱼ|, max|Bᵢⱼ|) (C, which may be huge in an interior-point method, does not count).
 * (The dense form takes max|K₀ᵢⱼ|, the same for C = 0.)
 *
 * <p>Two forms: {@link #reduced} (polishing's B = [A; G_act], C = 0), dense from the JVM copies with the
 * backend's LU, or sparse as the problem is; and {@link #sparse} (any rows of G and any C, as the
 * interior-point method's B = [A; G], C = diag(0, s/ν)). The sparse form keeps K₀ in compressed columns and
 * factors K_δ on the JVM by {@link QuasiDefiniteLdl} (an LDLᵀ under the fill-reducing ordering of
 * {@link SparseCholesky#ordering}, with the pivots' signs stated and dynamic regularization), on any backend.
 * OSQP's polish and interior-point solvers such as PIQP and Clarabel factor the same matrices.
 */
abstract class QuasiDefiniteSystem {
    /** @return K₀z */
    abstract double[] times(double[] z);

    /** @return K_δ⁻¹r */
    abstract double[] solve(double[] r);

    /**
     * The reduced KKT system of polishing for the active rows of G ({@link Polisher}): B = [A; G_act], C = 0.
     *
     * @return the system, or null when the factorization of K_δ fails (a numerically singular LU, a sparse
     *         factor too large to index)
     */
    static QuasiDefiniteSystem reduced(QpData d, int[] active, double relativeDelta) {
        if (d.sparse) {
            return sparse(d.problem, active, new double[d.p + active.length], relativeDelta);
        }
        return DenseLu.of(d, active, relativeDelta);
    }

    /**
     * The system for B = [A; G(rows)] (rows: the rows of G taken, in order; null for all) and the given C,
     * from the problem's blocks in compressed columns (a dense problem's blocks are converted).
     *
     * @param c the diagonal C, length p + (number of rows of G taken), each ≥ 0
     * @return the system, or null when the factorization fails (as {@link #reduced})
     */
    static QuasiDefiniteSystem sparse(dev.altdiff.api.QuadraticProgram problem, int[] rows,
                                      double[] c, double relativeDelta) {
        return SparseLdl.of(problem, rows, c, relativeDelta);
    }

    /**
     * Solves K₀z = rhs from start: z = start + K_δ⁻¹(rhs − K₀·start), then at most maxSteps refinement steps
     * while the residual ‖rhs − K₀z‖∞ decreases (the best z is kept).
     *
     * @return z, or null when it is not finite
     */
    double[] solveRefined(double[] rhs, double[] start, int maxSteps) {
        double[] z = start.clone();
        Dense.add(z, solve(residual(rhs, z)));
        double[] r = residual(rhs, z);
        double norm = Vectors.normInf(r);
        for (int step = 0; step < maxSteps && norm > 0; step++) {
            double[] candidate = z.clone();
            Dense.add(candidate, solve(r));
            double[] candidateResidual = residual(rhs, candidate);
            double candidateNorm = Vectors.normInf(candidateResidual);
            if (!(candidateNorm < norm)) { // no progress: keep the best z
                break;
            }
            z = candidate;
            r = candidateResidual;
            norm = candidateNorm;
        }
        return Vectors.finite(z) ? z : null;
    }

    /** @return rhs − K₀z */
    private double[] residual(double[] rhs, double[] z) {
        double[] r = times(z);
        for (int i = 0; i < r.length; i++) {
            r[i] = rhs[i] - r[i];
        }
        return r;
    }

    /** @return relativeDelta·max(1, max|entries|) */
    private static double delta(double relativeDelta, double[] entries) {
        double scale = 1.0;
        for (double value : entries) {
            scale = Math.max(scale, Math.abs(value));
        }
        return relativeDelta * scale;
    }

    /** K₀ dense (row-major, from the problem's P, A, G as it reads them), K_δ factored by the backend's LU. */
    private static final class DenseLu extends QuasiDefiniteSystem {
        private final LinearAlgebra la;
        private final double[] k0;
        private final int size;
        private final Factorization lu;

        private DenseLu(LinearAlgebra la, double[] k0, int size, Factorization lu) {
            this.la = la;
            this.k0 = k0;
            this.size = size;
            this.lu = lu;
        }

        static DenseLu of(QpData d, int[] active, double relativeDelta) {
            int n = d.n;
            int p = d.p;
            int size = n + p + active.length;
            double[] k0 = new double[size * size];
            if (d.problem.hasP()) {
                dev.altdiff.api.DenseBlock pm = d.dense(Block.P);
                for (int i = 0; i < n; i++) {
                    pm.row(i, k0, i * size);
                }
            }
            dev.altdiff.api.DenseBlock a = p > 0 ? d.dense(Block.A) : null;
            dev.altdiff.api.DenseBlock g = active.length > 0 ? d.dense(Block.G) : null;
            for (int t = 0; t < p + active.length; t++) {
                int row = n + t;
                if (t < p) {
                    a.row(t, k0, row * size);
                } else {
                    g.row(active[t - p], k0, row * size);
                }
                for (int j = 0; j < n; j++) {
                    k0[j * size + row] = k0[row * size + j];
                }
            }
            double delta = delta(relativeDelta, k0);
            double[] regularized = k0.clone();
            for (int i = 0; i < size; i++) {
                regularized[i * size + i] += i < n ? delta : -delta;
            }
            try {
                return new DenseLu(d.la, k0, size, d.la.lu(d.la.matrix(size, size, regularized)));
            } catch (RuntimeException e) { // a SingularMatrixException, or whatever else a backend's LU throws
                return null;
            }
        }

        @Override double[] times(double[] z) {
            double[] out = new double[size];
            la.gemm(size, size, 1, 1.0, k0, z, 0.0, out);
            return out;
        }

        @Override double[] solve(double[] r) {
            return lu.solve(la.vector(r)).toRowMajor();
        }
    }

    /** K₀ in compressed columns (nothing n×n dense), K_δ by a quasi-definite sparse LDLᵀ. */
    private static final class SparseLdl extends QuasiDefiniteSystem {
        private final SparseMatrix k0;
        private final QuasiDefiniteLdl ldl;

        private SparseLdl(SparseMatrix k0, QuasiDefiniteLdl ldl) {
            this.k0 = k0;
            this.ldl = ldl;
        }

        static SparseLdl of(dev.altdiff.api.QuadraticProgram problem, int[] rows, double[] c, double relativeDelta) {
            int n = problem.n();
            int p = problem.p();
            int m = problem.m();
            int k = rows == null ? m : rows.length;
            int size = n + p + k;
            if (c.length != p + k) {
                throw new IllegalArgumentException("C has " + c.length + " entries, expected " + (p + k));
            }
            int[] position = null; // row of G ↦ its place among the rows taken, or −1
            if (rows != null) {
                position = new int[m];
                Arrays.fill(position, -1);
                for (int t = 0; t < rows.length; t++) {
                    position[rows[t]] = t;
                }
            }
            SparseMatrix pm = problem.hasP() ? problem.sparse(Block.P) : null;
            SparseMatrix a = p > 0 ? problem.sparse(Block.A) : null;
            SparseMatrix g = k > 0 ? problem.sparse(Block.G) : null;
            long count = size + (pm == null ? 0 : pm.nonzeros())
                    + 2L * ((a == null ? 0 : a.nonzeros()) + (g == null ? 0 : g.nonzeros()));
            int[] i = new int[Math.toIntExact(count)];
            int[] j = new int[i.length];
            double[] x = new double[i.length];
            for (int t = 0; t < size; t++) { // the diagonal first, in the pattern for the factorization
                i[t] = t;
                j[t] = t;
                x[t] = t < n ? 0.0 : -c[t - n];
            }
            int e = append(pm, 0, null, false, i, j, x, size);
            e = append(a, n, null, true, i, j, x, e);
            e = append(g, n + p, position, true, i, j, x, e);
            i = Arrays.copyOf(i, e);
            j = Arrays.copyOf(j, e);
            x = Arrays.copyOf(x, e);
            SparseMatrix k0 = SparseMatrix.fromTriplets("K", size, size, i, j, x);
            double scale = delta(1.0, Arrays.copyOfRange(x, size, e)); // max(1, max|entries of P, A, G|)
            double delta = relativeDelta * scale;
            for (int t = 0; t < size; t++) { // K_δ: the same triplets with the diagonal moved by ±δ
                x[t] += t < n ? delta : -delta;
            }
            boolean[] positive = new boolean[size];
            Arrays.fill(positive, 0, n, true);
            try {
                return new SparseLdl(k0, QuasiDefiniteLdl.factor(SparseMatrix.fromTriplets("K", size, size, i, j, x),
                        positive, scale));
            } catch (UnsupportedOperationException ex) { // a factor too large to index
                return null;
            }
        }

        /**
         * Appends the entries of block (rows offset by {@code offset}; with {@code position} only the rows
         * it maps to ≥ 0, renumbered by it) and, when {@code mirror}, their transposes, as triplets from e.
         *
         * @return the next free index
         */
        private static int append(SparseMatrix block, int offset, int[] position, boolean mirror, int[] i, int[] j,
                                  double[] x, int e) {
            if (block == null) {
                return e;
            }
            SparseMatrix.Columns columns = block.columns(); // read in place
            int[] start = columns.colStart();
            int[] index = columns.rowIndex();
            double[] values = columns.values();
            for (int col = 0; col < block.cols(); col++) {
                for (int t = start[col]; t < start[col + 1]; t++) {
                    int row = position == null ? index[t] : position[index[t]];
                    if (row < 0) {
                        continue;
                    }
                    i[e] = offset + row;
                    j[e] = col;
                    x[e++] = values[t];
                    if (mirror) {
                        i[e] = col;
                        j[e] = offset + row;
                        x[e++] = values[t];
                    }
                }
            }
            return e;
        }

        @Override double[] times(double[] z) {
            return k0.times(z);
        }

        @Override double[] solve(double[] r) {
            return ldl.solve(r);
        }
    }
}
