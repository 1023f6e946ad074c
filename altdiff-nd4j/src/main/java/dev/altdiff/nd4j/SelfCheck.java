package dev.altdiff.nd4j;

import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.Matrix;
import dev.altdiff.api.linalg.NotPositiveDefiniteException;
import dev.altdiff.api.linalg.SingularMatrixException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The start-up self-check of the ND4J backend. ND4J 1.0.0-M2.1 bundles OpenBLAS 0.3.19, whose
 * AVX-512 (SkylakeX, Cooperlake) kernels break dpotrf for matrices of order ≥ 64: it reports "not
 * positive definite" for good matrices (measured: info = 33 for random SPD matrices of order 64 to
 * 2000), or returns a wrong factor without any error (measured on this self-check's matrix: 1% error
 * with info = 0), so comparing with known answers is necessary; OpenBLAS picks its
 * kernels when the library loads, from the CPU or from the environment variable
 * {@code OPENBLAS_CORETYPE}, which a running JVM cannot change. So before the first use the backend
 * factors known matrices of order {@link #N} and compares with answers computed here in plain Java:
 * <ul>
 *   <li>a product M = L·Lᵀ through gemm, with L a known lower-triangular matrix;</li>
 *   <li>the Cholesky factor of M (it must be L) and a solve with three right-hand sides;</li>
 *   <li>an LU solve of a row-permuted (so pivoting is exercised) non-symmetric matrix.</li>
 * </ul>
 * The matrices are diagonally dominant (L: 1 ≤ L_ii ≤ 2, off-diagonal row sums below 0.73), hence
 * well conditioned, so agreement to {@link #TOLERANCE} is expected of any correct double-precision
 * implementation (the errors measured are ~1e-15), and a broken kernel misses it by orders of magnitude.
 */
final class SelfCheck {
    static final int N = 64;
    static final int RHS = 3;
    static final double TOLERANCE = 1e-9;

    private SelfCheck() {
    }

    /**
     * @return the largest relative error seen (for tests)
     * @throws Nd4jStartupException naming the failed step and the fix
     */
    static double run(Nd4jLinearAlgebra la) {
        int n = N;
        double[][] l = knownFactor(n);
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k <= Math.min(i, j); k++) {
                    s += l[i][k] * l[j][k];
                }
                m[i][j] = s;
            }
        }
        double[][] x = new double[n][RHS];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < RHS; j++) {
                x[i][j] = Math.cos(i + 2.0 * j) + 0.5 * j;
            }
        }

        Matrix lm = la.matrix(n, n, flatten(l));
        Matrix product = la.multiply(lm, false, lm, true);
        double worst = compare("gemm (L·Lᵀ of a known " + n + "×" + n + " lower-triangular L)", m, product);

        Matrix mm = la.matrix(n, n, flatten(m));
        Nd4jLinearAlgebra.Cholesky chol = attempt("Cholesky factorization of a known " + n + "×" + n
                + " SPD matrix (well conditioned)", () -> (Nd4jLinearAlgebra.Cholesky) la.cholesky(mm));
        double[][] factor = chol.lowerFactor();
        double[][] lowerOnly = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(l[i], 0, lowerOnly[i], 0, i + 1);
        }
        worst = Math.max(worst, compare("Cholesky factor of a known SPD matrix", lowerOnly,
                la.matrix(n, n, flatten(factor))));
        worst = Math.max(worst, compare("Cholesky solve with " + RHS + " right-hand sides", x,
                chol.solve(la.matrix(n, RHS, flatten(times(m, x))))));

        double[][] a = knownNonsymmetric(n);
        Matrix am = la.matrix(n, n, flatten(a));
        Factorization lu = attempt("LU factorization of a known nonsingular " + n + "×" + n + " matrix",
                () -> la.lu(am));
        return Math.max(worst, compare("LU solve with " + RHS + " right-hand sides", x,
                lu.solve(la.matrix(n, RHS, flatten(times(a, x))))));
    }

    /** L with 1 ≤ L_ii ≤ 2 and |L_ij| ≤ 6/520 below the diagonal: diagonally dominant rows. */
    static double[][] knownFactor(int n) {
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            l[i][i] = 1 + (i % 5) / 4.0;
            for (int j = 0; j < i; j++) {
                l[i][j] = ((i * 31 + j * 17) % 13 - 6) / 520.0;
            }
        }
        return l;
    }

    /** A row permutation of a diagonally dominant non-symmetric matrix. */
    static double[][] knownNonsymmetric(int n) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            int row = (i * 5 + 3) % n; // 5 is coprime with n = 64: a permutation
            for (int j = 0; j < n; j++) {
                a[row][j] = i == j ? 1 + i / (double) n : ((i * 7 + j * 11) % 17 - 8) / 1700.0;
            }
        }
        return a;
    }

    private static double[][] times(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                for (int j = 0; j < b[0].length; j++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    private static double[] flatten(double[][] a) {
        int cols = a[0].length;
        double[] out = new double[a.length * cols];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * cols, cols);
        }
        return out;
    }

    private static <T> T attempt(String step, Supplier<T> call) {
        try {
            return call.get();
        } catch (NotPositiveDefiniteException | SingularMatrixException e) {
            throw failure(step + " failed: " + e.getMessage(), e);
        }
    }

    private static double compare(String step, double[][] expected, Matrix actual) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[0].length; j++) {
                double err = Math.abs(actual.get(i, j) - expected[i][j]) / (1 + Math.abs(expected[i][j]));
                if (!(err <= worst)) {
                    worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                }
            }
        }
        if (!(worst <= TOLERANCE)) {
            throw failure(step + " is wrong: relative error " + worst + " > " + TOLERANCE, null);
        }
        return worst;
    }

    static Nd4jStartupException failure(String what, Throwable cause) {
        String coretype = System.getenv("OPENBLAS_CORETYPE");
        return new Nd4jStartupException("The ND4J backend refuses to start: its start-up self-check failed: " + what
                + ". The OpenBLAS 0.3.19 bundled with ND4J gives wrong results with its AVX-512 kernels"
                + (hasAvx512() ? " (this CPU has AVX-512)" : "") + ". Set the environment variable"
                + " OPENBLAS_CORETYPE=Haswell before starting Java (e.g. `export OPENBLAS_CORETYPE=Haswell`;"
                + " it cannot be changed from inside a running JVM), or use the ojalgo backend."
                + " OPENBLAS_CORETYPE is now " + (coretype == null ? "unset" : "'" + coretype + "'") + ".", cause);
    }

    private static boolean hasAvx512() {
        try {
            Path cpuinfo = Path.of("/proc/cpuinfo");
            return Files.isReadable(cpuinfo) && Files.readString(cpuinfo).contains(" avx512f");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
