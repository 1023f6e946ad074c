package dev.altdiff.api.objective;

import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Limits;

/**
 * {@code minimize f(x; θ) s.t. Ax = b, Gx ≤ h} for a smooth convex {@link Objective} f
 * ({@code ALTDIFF.md} §1). Either constraint block may be absent (null). The arrays are copied in
 * and out; the data are validated (shapes, finite entries).
 */
public final class ConvexProgram {
    private final Objective objective;
    private final double[][] a;
    private final double[] b;
    private final double[][] g;
    private final double[] h;

    /**
     * @throws InvalidProblemException on a shape mismatch or a non-finite entry (block "A", "b", "G", "h")
     */
    public ConvexProgram(Objective objective, double[][] a, double[] b, double[][] g, double[] h) {
        if (objective == null) {
            throw new InvalidProblemException("f", -1, -1, "objective must not be null");
        }
        this.objective = objective;
        int n = objective.n();
        this.a = checkMatrix("A", a, n);
        this.b = checkVector("b", b, a == null ? 0 : a.length, a != null);
        this.g = checkMatrix("G", g, n);
        this.h = checkVector("h", h, g == null ? 0 : g.length, g != null);
    }

    /** @return a problem without constraints */
    public static ConvexProgram unconstrained(Objective objective) {
        return new ConvexProgram(objective, null, null, null, null);
    }

    public Objective objective() { return objective; }

    public int n() { return objective.n(); }

    /** @return number of equality rows p */
    public int p() { return a == null ? 0 : a.length; }

    /** @return number of inequality rows m */
    public int m() { return g == null ? 0 : g.length; }

    public double[][] A() { return copy(a); }

    public double[] b() { return b == null ? null : b.clone(); }

    public double[][] G() { return copy(g); }

    public double[] h() { return h == null ? null : h.clone(); }

    /** @return row-major A (empty when p = 0) */
    public double[] rowMajorA() { return flat(a, objective.n()); }

    /** @return row-major G (empty when m = 0) */
    public double[] rowMajorG() { return flat(g, objective.n()); }

    /** @return the same constraints with another objective (same n) */
    public ConvexProgram withObjective(Objective f) {
        return new ConvexProgram(f, a, b, g, h);
    }

    /** @return the same problem with b replaced */
    public ConvexProgram withB(double[] newB) {
        return new ConvexProgram(objective, a, newB, g, h);
    }

    /** @return the same problem with h replaced */
    public ConvexProgram withH(double[] newH) {
        return new ConvexProgram(objective, a, b, g, newH);
    }

    private static double[] flat(double[][] rows, int n) {
        if (rows == null) {
            return new double[0];
        }
        double[] out = new double[rows.length * n];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * n, n);
        }
        return out;
    }

    private static double[][] copy(double[][] m) {
        if (m == null) {
            return null;
        }
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }

    private static double[][] checkMatrix(String name, double[][] m, int n) {
        if (m == null) {
            return null;
        }
        if (m.length == 0) {
            throw new InvalidProblemException(name, -1, -1, name + " has no rows (pass null for no constraints)");
        }
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            if (m[i] == null || m[i].length != n) {
                throw new InvalidProblemException(name, i, -1, name + " row " + i + " has length "
                        + (m[i] == null ? "null" : m[i].length) + ", expected n = " + n);
            }
            for (int j = 0; j < n; j++) {
                Limits.value(name, i, j, m[i][j]);
            }
            out[i] = m[i].clone();
        }
        return out;
    }

    private static double[] checkVector(String name, double[] v, int length, boolean required) {
        if (!required) {
            if (v != null) {
                throw new InvalidProblemException(name, -1, -1, name + " given without its matrix");
            }
            return null;
        }
        if (v == null || v.length != length) {
            throw new InvalidProblemException(name, -1, -1, name + " has length "
                    + (v == null ? "null" : v.length) + ", expected " + length);
        }
        for (int i = 0; i < length; i++) {
            Limits.value(name, i, -1, v[i]);
        }
        return v.clone();
    }
}
