package dev.altdiff.api;

import java.util.Arrays;

/**
 * An immutable convex quadratic program
 * <pre>
 *   minimize   ½ xᵀPx + qᵀx
 *   subject to A x = b      (A: p×n, optional)
 *              G x ≤ h      (G: m×n, optional)
 * </pre>
 * P is optional (absent means a linear program, P = 0); q defaults to zero. Every block is
 * validated when the problem is built: shapes, finiteness (no NaN or infinity) and the symmetry of
 * P, which must hold to |P_ij − P_ji| ≤ 1e-10·max|P|; P is then stored as ½(P + Pᵀ). Positive
 * semidefiniteness of P needs a factorization and is checked by the solver (see
 * {@link Differentiator#solve}). Violations raise {@link InvalidProblemException} naming the block
 * and index. Matrices are given as arrays of rows and copied; accessors return copies.
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

    private QuadraticProgram(Builder builder) {
        this.name = builder.name;
        this.n = builder.n;
        if (n < 1) {
            throw new InvalidProblemException("n", -1, -1, "n must be >= 1, got " + n);
        }
        this.pMatrix = builder.pMatrix == null ? null : symmetric(flatten("P", builder.pMatrix, n, n));
        this.q = builder.q == null ? new double[n] : vector("q", builder.q, n);
        if (builder.a == null ^ builder.b == null) {
            String missing = builder.a == null ? "A" : "b";
            throw new InvalidProblemException(missing, -1, -1, missing + " is missing: A and b must be given together");
        }
        if (builder.g == null ^ builder.h == null) {
            String missing = builder.g == null ? "G" : "h";
            throw new InvalidProblemException(missing, -1, -1, missing + " is missing: G and h must be given together");
        }
        boolean hasEq = builder.a != null && builder.a.length > 0;
        boolean hasIneq = builder.g != null && builder.g.length > 0;
        this.p = hasEq ? builder.a.length : 0;
        this.m = hasIneq ? builder.g.length : 0;
        this.a = hasEq ? flatten("A", builder.a, p, n) : null;
        this.b = hasEq ? vector("b", builder.b, p) : new double[0];
        if (!hasEq && builder.b != null && builder.b.length > 0) {
            throw new InvalidProblemException("b", -1, -1, "b has length " + builder.b.length + " but A has 0 rows");
        }
        this.g = hasIneq ? flatten("G", builder.g, m, n) : null;
        this.h = hasIneq ? vector("h", builder.h, m) : new double[0];
        if (!hasIneq && builder.h != null && builder.h.length > 0) {
            throw new InvalidProblemException("h", -1, -1, "h has length " + builder.h.length + " but G has 0 rows");
        }
    }

    /** @return a builder for a problem with n variables */
    public static Builder builder(int n) {
        return new Builder(n);
    }

    private static double[] flatten(String block, double[][] rows, int r, int c) {
        if (rows.length != r) {
            throw new InvalidProblemException(block, -1, -1,
                    block + " has " + rows.length + " rows, expected " + r);
        }
        double[] out = new double[r * c];
        for (int i = 0; i < r; i++) {
            double[] row = rows[i];
            if (row == null || row.length != c) {
                throw new InvalidProblemException(block, i, -1, block + " row " + i + " has "
                        + (row == null ? "no" : String.valueOf(row.length)) + " entries, expected " + c);
            }
            for (int j = 0; j < c; j++) {
                if (!Double.isFinite(row[j])) {
                    throw new InvalidProblemException(block, i, j,
                            block + "[" + i + "][" + j + "] is not finite (" + row[j] + ")");
                }
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
            if (!Double.isFinite(v[i])) {
                throw new InvalidProblemException(block, i, -1, block + "[" + i + "] is not finite (" + v[i] + ")");
            }
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
    public boolean hasP() { return pMatrix != null; }

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
            case P -> pMatrix == null ? new double[n * n] : pMatrix.clone();
            case q -> q.clone();
            case A -> a == null ? new double[0] : a.clone();
            case b -> b.clone();
            case G -> g == null ? new double[0] : g.clone();
            case h -> h.clone();
        };
    }

    /** @return P as rows (null for an LP) */
    public double[][] P() { return pMatrix == null ? null : rows(pMatrix, n, n); }

    /** @return q, length n */
    public double[] q() { return q.clone(); }

    /** @return A as rows (null without equalities) */
    public double[][] A() { return a == null ? null : rows(a, p, n); }

    /** @return b, length p */
    public double[] b() { return b.clone(); }

    /** @return G as rows (null without inequalities) */
    public double[][] G() { return g == null ? null : rows(g, m, n); }

    /** @return h, length m */
    public double[] h() { return h.clone(); }

    /** @return ½xᵀPx + qᵀx */
    public double objective(double[] x) {
        double f = 0;
        for (int i = 0; i < n; i++) {
            double px = 0;
            if (pMatrix != null) {
                for (int j = 0; j < n; j++) {
                    px += pMatrix[i * n + j] * x[j];
                }
            }
            f += x[i] * (0.5 * px + q[i]);
        }
        return f;
    }

    private static double[][] rows(double[] flat, int r, int c) {
        double[][] out = new double[r][];
        for (int i = 0; i < r; i++) {
            out[i] = Arrays.copyOfRange(flat, i * c, (i + 1) * c);
        }
        return out;
    }

    /** Builder; every setter takes the data by reference until {@link #build()} copies it. */
    public static final class Builder {
        private final int n;
        private String name = "qp";
        private double[][] pMatrix;
        private double[] q;
        private double[][] a;
        private double[] b;
        private double[][] g;
        private double[] h;

        private Builder(int n) { this.n = n; }

        public Builder name(String name) { this.name = name == null ? "qp" : name; return this; }

        /** Quadratic term, n×n symmetric PSD; omit for an LP. */
        public Builder P(double[][] pMatrix) { this.pMatrix = pMatrix; return this; }

        /** Linear term, length n (zero if never set). */
        public Builder q(double[] q) { this.q = q; return this; }

        /** Equality constraints Ax = b, A p×n, b length p. */
        public Builder equalities(double[][] a, double[] b) { this.a = a; this.b = b; return this; }

        /** Inequality constraints Gx ≤ h, G m×n, h length m. */
        public Builder inequalities(double[][] g, double[] h) { this.g = g; this.h = h; return this; }

        /** @throws InvalidProblemException naming the offending block and index */
        public QuadraticProgram build() { return new QuadraticProgram(this); }
    }
}
