package dev.altdiff.nd4j;

import dev.altdiff.api.linalg.Factorization;
import dev.altdiff.api.linalg.Matrix;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ND4J-specific behaviour beyond the conformance suite. */
class Nd4jBackendTest {
    private static final Nd4jLinearAlgebra LA = new Nd4jLinearAlgebra();
    /** The JVM's default thread stack on 64-bit Linux; surefire's -Xss8m does not apply to an explicit size. */
    private static final long DEFAULT_STACK = 1L << 20;

    /**
     * OpenBLAS's dgetrf overflows a 1 MB stack from n = 100 on (measured: SIGSEGV, no hs_err file,
     * for a direct LAPACKE call; 2 MB also crashes, 4 MB suffices). Through the backend every
     * LAPACK call runs on its 64 MB thread, so a default-stack caller is safe even at n = 300.
     */
    @ParameterizedTest
    @ValueSource(ints = {100, 300})
    void factorizationsFromADefaultStackThreadDoNotCrash(int n) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Double> error = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                Random r = new Random(n);
                double[] a = new double[n * n];
                for (int k = 0; k < a.length; k++) {
                    a[k] = r.nextGaussian();
                }
                Matrix m = LA.matrix(n, n, a);
                Matrix spd = LA.multiply(m, true, m, false);
                LA.axpy(n, LA.identity(n), spd);
                Matrix x = LA.matrix(n, 2, r.doubles(2L * n).toArray());
                Matrix viaLu = LA.lu(m).solve(LA.multiply(m, x));
                Matrix viaCholesky = LA.cholesky(spd).solve(LA.multiply(spd, x));
                LA.axpy(-1, x, viaLu);
                LA.axpy(-1, x, viaCholesky);
                error.set(Math.max(LA.normInf(viaLu), LA.normInf(viaCholesky)));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "default-stack caller", DEFAULT_STACK);
        t.start();
        t.join();
        assertNull(failure.get());
        assertTrue(error.get() < 1e-8, "max error " + error.get());
    }

    @Test
    void lapackRunsOnItsOwnThread() {
        String caller = Thread.currentThread().getName();
        String[] seen = new String[1];
        LapackThread.run(() -> seen[0] = Thread.currentThread().getName());
        assertEquals(LapackThread.NAME, seen[0]);
        assertTrue(!caller.equals(seen[0]));
        // nested calls from the LAPACK thread run directly instead of deadlocking
        assertEquals(7, (int) LapackThread.run(() -> LapackThread.run(() -> 7)));
    }

    @Test
    void selfCheckPassesAndIsIdempotent() {
        LA.start();
        LA.start();
        double worst = SelfCheck.run(LA);
        assertTrue(worst < 1e-13, "self-check error " + worst + ": far below its tolerance " + SelfCheck.TOLERANCE);
    }

    @Test
    void selfCheckMatricesAreWellConditioned() {
        // the known factor has 1 ≤ L_ii ≤ 2 and off-diagonal row sums below 0.73 < 1: diagonally dominant
        double[][] l = SelfCheck.knownFactor(SelfCheck.N);
        for (int i = 0; i < l.length; i++) {
            double off = 0;
            for (int j = 0; j < i; j++) {
                off += Math.abs(l[i][j]);
            }
            assertTrue(off < 0.75 && l[i][i] >= 1, "row " + i);
        }
    }

    /**
     * choleskyInPlace runs dpotrf on the matrix's own buffer: afterwards its lower triangle is the factor (no n×n
     * copy made); a view into a larger array (column stride ≠ n) is factored on a copy and left as it was.
     */
    @Test
    void choleskyInPlaceFactorsInTheMatrixBuffer() {
        int n = 90;
        Random r = new Random(4);
        Matrix g = LA.matrix(n, n, r.doubles((long) n * n).toArray());
        Matrix spd = LA.multiply(g, true, g, false);
        LA.addToDiagonal(n, spd);
        Matrix copy = LA.copy(spd);
        double[] factor = LA.choleskyInPlace(spd).choleskyFactor();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                assertEquals(factor[i * n + j], spd.get(i, j), 0.0, "(" + i + ", " + j + ")");
            }
        }
        INDArray tall = Nd4j.create(DataType.DOUBLE, new long[] {n + 1, n}, 'f');
        INDArray view = tall.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
        view.assign(((Nd4jMatrix) copy).array);
        Matrix viewed = new Nd4jMatrix(view);
        double[] fromView = LA.choleskyInPlace(viewed).choleskyFactor();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(copy.get(i, j), viewed.get(i, j), 0.0, "view (" + i + ", " + j + ")");
            }
        }
        assertArrayEquals(factor, fromView, 0.0);
    }

    @Test
    void aFactorizationCanBeSolvedFromSeveralThreads() throws Exception {
        int n = 120;
        Random r = new Random(9);
        Matrix m = LA.matrix(n, n, r.doubles((long) n * n).toArray());
        LA.axpy(n, LA.identity(n), m);
        Factorization lu = LA.lu(m);
        Thread[] threads = new Thread[4];
        double[] errors = new double[threads.length];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                Matrix x = LA.matrix(n, 3, new Random(id).doubles(3L * n).toArray());
                Matrix solved = lu.solve(LA.multiply(m, x));
                LA.axpy(-1, x, solved);
                errors[id] = LA.normInf(solved);
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (double e : errors) {
            assertTrue(e < 1e-10, "error " + e);
        }
    }
}
