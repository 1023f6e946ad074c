package dev.altdiff.core;

import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.Objective;
import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;
import dev.altdiff.api.linalg.NotPositiveDefiniteException;

import java.util.Arrays;

/**
 * A {@link ConvexProgram}'s constraint data as row-major arrays (those of its Ruiz-equilibrated program
 * when {@link dev.altdiff.api.Settings#scaling()} &gt; 0: {@link #scaling}), at one penalty ρ (and ρ_eq = cρ for the
 * equality rows, c = {@link dev.altdiff.api.Settings#equalityRhoScale()}), with the constant part
 * ρ_eqAᵀA + ρGᵀG of H(x) = ∇²f(x) + ρ_eqAᵀA + ρGᵀG formed once on the backend. {@link #factor} assembles
 * and factors H(x) (Cholesky, on the backend) at any x of the domain. {@link #withRho} gives the same
 * program at another ρ (adaptive ρ: {@link GeneralAdmm}), sharing the arrays and the backend's copies of
 * [A; G]. The vector work of the general path (products with A, Aᵀ, G, Gᵀ: O((p+m)n) per call, against
 * the O(n³) factorization) is done on plain arrays.
 */
final class GeneralData {
    /** The program ADMM runs on: the caller's, or its equilibrated program ({@link #scaling}). */
    final ConvexProgram program;
    /** The Ruiz equilibration of the caller's program that gives {@link #program} (the identity for 0 passes). */
    final Equilibration scaling;
    final Objective f;
    final LinearAlgebra la;
    final double rho;
    /** The equality rows' ρ_eq = rhoScale·ρ. */
    final double rhoEq;
    /** ρ_eq/ρ ({@link dev.altdiff.api.Settings#equalityRhoScale()}). */
    final double rhoScale;
    final int n;
    final int p;
    final int m;
    final double[] a;
    final double[] b;
    final double[] g;
    final double[] h;
    /** ρ_eqAᵀA + ρGᵀG, n×n row-major (null until the dense form is first needed). */
    private double[] base;
    /** Whether H(x) is factored through Woodbury when ∇²f(x) is diagonal and positive (see {@link #factor}). */
    private final boolean woodbury;
    /**
     * C = [A; G] (r×n) and Cᵀ on the backend (shared by the data of every ρ of one program), and
     * R⁻¹ = diag(I/ρ_eq, I/ρ) (r×r), for the Woodbury form; null when r = 0.
     */
    private final Matrix c;
    private final Matrix ct;
    private final Matrix penaltyInverse;

    /** The data at penalty rho from the parts that the data of every ρ of one program share. */
    private GeneralData(ConvexProgram program, Equilibration scaling, LinearAlgebra la, double[] a, double[] b,
                        double[] g, double[] h, boolean woodbury, Matrix c, Matrix ct, double rho, double rhoScale) {
        this.program = program;
        this.scaling = scaling;
        this.f = program.objective();
        this.la = la;
        this.rho = rho;
        this.rhoScale = rhoScale;
        this.rhoEq = rhoScale * rho;
        this.n = program.n();
        this.p = program.p();
        this.m = program.m();
        this.a = a;
        this.b = b;
        this.g = g;
        this.h = h;
        this.woodbury = woodbury;
        this.c = c;
        this.ct = ct;
        this.penaltyInverse = penaltyInverse();
    }

    /**
     * @param rhoScale      ρ_eq/ρ, the equality rows' penalty relative to ρ (≥ 1)
     * @param allowWoodbury whether a diagonal positive ∇²f may be factored through the (p+m)-square
     *                      Woodbury system (used when p + m &lt; n); false: always the dense n-square H(x)
     * @param passes        Ruiz passes ({@link dev.altdiff.api.Settings#scaling()}): the data are those of the
     *                      program {@link Equilibration#of(ConvexProgram, int)} and
     *                      {@link Equilibration#scale(ConvexProgram)} give (the caller's itself for 0)
     * @return the (scaled) program's data at penalty rho
     * @throws InvalidProblemException (block "objective") when the objective's initial point is not in its
     *     domain (checked before the factors, which are taken there)
     */
    static GeneralData of(ConvexProgram caller, LinearAlgebra la, double rho, double rhoScale, boolean allowWoodbury,
                          int passes) {
        double[] x0 = caller.objective().initialPoint();
        if (x0.length != caller.n() || !caller.objective().inDomain(x0)) {
            throw new InvalidProblemException("objective", -1, -1, "the objective's initial point is not in its domain");
        }
        Equilibration scaling = Equilibration.of(caller, passes);
        ConvexProgram program = scaling.scale(caller);
        int n = program.n();
        int p = program.p();
        int m = program.m();
        double[] a = program.rowMajorA();
        double[] g = program.rowMajorG();
        boolean woodbury = allowWoodbury && p + m < n;
        Matrix c = null;
        Matrix ct = null;
        if (woodbury && p + m > 0) {
            double[] stacked = new double[(p + m) * n];
            System.arraycopy(a, 0, stacked, 0, p * n);
            System.arraycopy(g, 0, stacked, p * n, m * n);
            c = la.matrix(p + m, n, stacked);
            ct = la.transpose(c);
        }
        return new GeneralData(program, scaling, la, a, p > 0 ? program.b() : new double[0], g,
                m > 0 ? program.h() : new double[0], woodbury, c, ct, rho, rhoScale);
    }

    /**
     * @return this program at another ρ (ρ_eq = rhoScale·ρ), for the iterations after a switch of the
     *     adaptive ρ: H(x) depends on ρ, so no factor of this data's H(x) applies to it
     */
    GeneralData withRho(double rho) {
        return new GeneralData(program, scaling, la, a, b, g, h, woodbury, c, ct, rho, rhoScale);
    }

    /** @return R⁻¹ = diag(I_p/ρ_eq, I_m/ρ) on the backend for the Woodbury form, or null without it */
    private Matrix penaltyInverse() {
        if (c == null) {
            return null;
        }
        double[] diagonal = new double[p + m];
        Arrays.fill(diagonal, 0, p, 1.0 / rhoEq);
        Arrays.fill(diagonal, p, p + m, 1.0 / rho);
        Matrix out = la.identity(p + m);
        la.scaleRows(diagonal, out);
        return out;
    }

    private synchronized double[] base() {
        if (base == null) {
            Matrix hc = la.zeros(n, n);
            if (p > 0) {
                Matrix am = la.matrix(p, n, a);
                la.gemm(rhoEq, am, true, am, false, 1.0, hc);
            }
            if (m > 0) {
                Matrix gm = la.matrix(m, n, g);
                la.gemm(rho, gm, true, gm, false, 1.0, hc);
            }
            base = hc.toRowMajor();
        }
        return base;
    }

    /**
     * @return the Cholesky factor of H(x) = ∇²f(x) + ρ_eqAᵀA + ρGᵀG
     * @throws InvalidProblemException (block "H") when H(x) is not positive definite
     */
    Factorization factor(double[] x) {
        if (woodbury) {
            double[] diag = f.hessianDiagonal(x);
            if (diag != null && positive(diag)) {
                return woodburyFactor(diag);
            }
        }
        double[] hx = base().clone();
        f.addHessian(x, 1.0, hx);
        try {
            return la.cholesky(la.matrix(n, n, hx));
        } catch (NotPositiveDefiniteException e) {
            throw new InvalidProblemException("H", -1, -1, "H(x) = ∇²f(x) + ρ_eqAᵀA + ρGᵀG (ρ = " + rho
                    + ", ρ_eq = " + rhoEq + ") is not positive definite at the current x: f must be strictly convex on the null"
                    + " space of [A; G]");
        }
    }

    private static boolean positive(double[] d) {
        for (double v : d) {
            if (!(v > 0) || Double.isInfinite(v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * H = D + CᵀRC with D = diag(d) &gt; 0 and R = diag(ρ_eqI_p, ρI_m): H⁻¹ = D⁻¹ − D⁻¹Cᵀ S⁻¹ C D⁻¹,
     * S = R⁻¹ + C D⁻¹ Cᵀ (r×r, SPD), formed as WᵀW + R⁻¹ with W = D^{-1/2}Cᵀ: r²n multiply-adds in one gemm and an r³/3 Cholesky,
     * against n³/3 for H itself; a solve costs O(rn) per column instead of n².
     */
    private Factorization woodburyFactor(double[] d) {
        double[] dInv = new double[n];
        double[] sqrtDInv = new double[n];
        for (int i = 0; i < n; i++) {
            dInv[i] = 1 / d[i];
            sqrtDInv[i] = Math.sqrt(dInv[i]);
        }
        if (c == null) {
            return new Woodbury(dInv, null);
        }
        Matrix w = la.copy(ct);
        la.scaleRows(sqrtDInv, w);
        Matrix s = la.copy(penaltyInverse);
        la.gemm(1.0, w, true, w, false, 1.0, s);
        try {
            return new Woodbury(dInv, la.cholesky(s));
        } catch (NotPositiveDefiniteException e) {
            throw new InvalidProblemException("H", -1, -1, "R⁻¹ + C∇²f(x)⁻¹Cᵀ is not numerically positive definite");
        }
    }

    /** The Woodbury form of H(x)⁻¹ (s null when there are no constraints: H = D). */
    private final class Woodbury implements Factorization {
        private final double[] dInv;
        private final Factorization s;

        Woodbury(double[] dInv, Factorization s) {
            this.dInv = dInv;
            this.s = s;
        }

        @Override public int size() {
            return n;
        }

        @Override public Matrix solve(Matrix rhs) {
            Matrix y = la.copy(rhs);
            la.scaleRows(dInv, y);
            if (s == null) {
                return y;
            }
            Matrix u = s.solve(la.multiply(c, y));
            Matrix corr = la.multiply(ct, u);
            la.scaleRows(dInv, corr);
            la.axpy(-1.0, corr, y);
            return y;
        }
    }

    /** @return H⁻¹r with the given factor */
    double[] solve(Factorization factor, double[] r) {
        return factor.solve(la.vector(r)).toRowMajor();
    }


    /** out (rows×cols row-major) += α·u wᵀ */
    static void addOuter(double alpha, double[] u, double[] w, double[] out) {
        int cols = w.length;
        for (int i = 0; i < u.length; i++) {
            double ui = alpha * u[i];
            if (ui == 0) {
                continue;
            }
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                out[o + j] += ui * w[j];
            }
        }
    }


}
