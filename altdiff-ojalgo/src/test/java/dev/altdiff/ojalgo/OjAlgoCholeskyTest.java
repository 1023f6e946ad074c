package dev.altdiff.ojalgo;

import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ojalgo.matrix.decomposition.Cholesky;
import org.ojalgo.matrix.decomposition.QR;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend's dense Cholesky ({@link dev.altdiff.api.linalg.JvmBlas#choleskyInPlace}) against ojAlgo's {@link
 * Cholesky#R064}, which it replaced, on SPD matrices Q·diag(λ)·Qᵀ with Q the orthogonal factor of a seeded
 * Gaussian matrix and λ from 1 down to 1/κ, κ up to 10¹⁰: the two factors agree to √κ·n·ε (the factor's
 * condition number is √κ), and the backward error ‖LLᵀ − M‖ / ‖M‖ and the solve's residual ‖Mx − b‖ / (‖M‖·‖x‖)
 * are within 10·n·ε and within twice ojAlgo's (plus n·ε).
 */
class OjAlgoCholeskyTest {
    private static final OjAlgoLinearAlgebra LA = new OjAlgoLinearAlgebra();
    private static final double EPS = Math.ulp(1.0);

    @ParameterizedTest(name = "[{index}] n={0} kappa={1}")
    @CsvSource({"40,1e2", "40,1e10", "200,1e4", "200,1e10", "500,1e2", "500,1e6", "500,1e10"})
    void theFactorAgreesWithOjAlgos(int n, double kappa) {
        Random r = new Random(n * 1009L + Math.round(Math.log10(kappa)));
        double[] m = spd(r, n, kappa); // row-major (symmetric: also column-major)
        R064Store store = R064Store.FACTORY.make(n, n);
        System.arraycopy(m, 0, store.data, 0, m.length);
        Cholesky<Double> ojalgo = Cholesky.R064.make(store);
        assertTrue(ojalgo.decompose(store) && ojalgo.isSPD());
        MatrixStore<Double> lo = ojalgo.getL();
        double[] theirs = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                theirs[i * n + j] = lo.doubleValue(i, j);
            }
        }
        Factorization chol = LA.cholesky(LA.matrix(n, n, m));
        double[] ours = chol.choleskyFactor();
        double difference = 0;
        double size = 0;
        for (int k = 0; k < n * n; k++) {
            difference += (ours[k] - theirs[k]) * (ours[k] - theirs[k]);
            size += theirs[k] * theirs[k];
        }
        double apart = Math.sqrt(difference / size);
        assertTrue(apart <= Math.sqrt(kappa) * n * EPS, "‖L − L_ojAlgo‖ / ‖L_ojAlgo‖ = " + apart);

        double oursBackward = backwardError(n, m, ours);
        double theirsBackward = backwardError(n, m, theirs);
        assertTrue(oursBackward <= 10 * n * EPS && oursBackward <= 2 * theirsBackward + n * EPS,
                "‖LLᵀ − M‖ / ‖M‖ = " + oursBackward + " (ojAlgo's " + theirsBackward + ")");

        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian();
        }
        double[] b = times(n, m, x);
        Matrix solved = chol.solve(LA.matrix(n, 1, b));
        R064Store ojSolved = R064Store.FACTORY.make(n, 1);
        R064Store rhs = R064Store.FACTORY.make(n, 1);
        System.arraycopy(b, 0, rhs.data, 0, n);
        ojalgo.getSolution(rhs, ojSolved);
        double oursResidual = residual(n, m, solved.toRowMajor(), b);
        double theirsResidual = residual(n, m, ojSolved.data, b);
        assertTrue(oursResidual <= 10 * n * EPS && oursResidual <= 2 * theirsResidual + n * EPS,
                "‖Mx − b‖ / (‖M‖·‖x‖) = " + oursResidual + " (ojAlgo's " + theirsResidual + ")");
    }

    /**
     * choleskyInPlace takes the store's own array: afterwards it holds the factor (row-major L, the layout
     * choleskyFactor gives), and no n×n copy is made.
     */
    @Test
    void choleskyInPlaceFactorsInTheStoresArray() {
        int n = 130;
        double[] m = spd(new Random(3), n, 1e3);
        Matrix matrix = LA.matrix(n, n, m);
        double[] data = ((OjAlgoLinearAlgebra.Store) matrix).store.data;
        double[] factor = LA.choleskyInPlace(matrix).choleskyFactor();
        assertEquals(n * n, data.length);
        for (int k = 0; k < n * n; k++) {
            assertEquals(factor[k], data[k], 0.0, "entry " + k);
        }
    }

    /** Q·diag(λ)·Qᵀ (row-major), Q from ojAlgo's QR of a Gaussian matrix, λ from 1 to 1/κ geometrically. */
    private static double[] spd(Random r, int n, double kappa) {
        R064Store g = R064Store.FACTORY.make(n, n);
        for (int k = 0; k < n * n; k++) {
            g.data[k] = r.nextGaussian();
        }
        QR<Double> qr = QR.R064.make(g);
        assertTrue(qr.decompose(g));
        MatrixStore<Double> q = qr.getQ();
        double[][] rows = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                rows[i][k] = q.doubleValue(i, k);
            }
        }
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += rows[i][k] * Math.pow(kappa, -k / (double) (n - 1)) * rows[j][k];
                }
                m[i * n + j] = s;
                m[j * n + i] = s;
            }
        }
        return m;
    }

    /** ‖LLᵀ − M‖_F / ‖M‖_F for a row-major lower triangular L. */
    private static double backwardError(int n, double[] m, double[] l) {
        double difference = 0;
        double size = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k <= Math.min(i, j); k++) {
                    s += l[i * n + k] * l[j * n + k];
                }
                difference += (s - m[i * n + j]) * (s - m[i * n + j]);
                size += m[i * n + j] * m[i * n + j];
            }
        }
        return Math.sqrt(difference / size);
    }

    /** ‖Mx − b‖₂ / (‖M‖_F·‖x‖₂). */
    private static double residual(int n, double[] m, double[] x, double[] b) {
        double[] mx = times(n, m, x);
        double r = 0;
        double xx = 0;
        double mm = 0;
        for (int i = 0; i < n; i++) {
            r += (mx[i] - b[i]) * (mx[i] - b[i]);
            xx += x[i] * x[i];
        }
        for (double v : m) {
            mm += v * v;
        }
        return Math.sqrt(r / (mm * xx));
    }

    private static double[] times(int n, double[] m, double[] x) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += m[i * n + k] * x[k];
            }
            out[i] = s;
        }
        return out;
    }
}
