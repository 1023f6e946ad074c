package dev.altdiff.nd4j;

import dev.altdiff.api.linalg.Matrix;

import java.util.Random;

/**
 * Run in a child JVM by {@link StartupTest} (no -Xss, the environment chosen by the test): starts
 * the backend, then does an LU solve of order 300 from the JVM's main thread. Prints one line,
 * {@code STARTED <residual>} or {@code REFUSED <exception class>: <message>}, twice for a refusal
 * (the second from a later call: the failure must be sticky).
 */
public final class StartupProbe {
    private StartupProbe() {
    }

    public static void main(String[] args) {
        Nd4jLinearAlgebra la = new Nd4jLinearAlgebra();
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                int n = 300;
                Random r = new Random(1);
                double[] a = new double[n * n];
                for (int k = 0; k < a.length; k++) {
                    a[k] = r.nextGaussian();
                }
                Matrix m = la.matrix(n, n, a);
                Matrix ones = la.matrix(n, 1, new double[n]);
                la.axpy(1.0, la.matrix(n, 1, java.util.stream.DoubleStream.generate(() -> 1.0).limit(n).toArray()), ones);
                Matrix x = la.lu(m).solve(la.multiply(m, ones));
                la.axpy(-1.0, ones, x);
                System.out.println("STARTED " + la.normInf(x));
                return;
            } catch (Nd4jStartupException e) {
                System.out.println("REFUSED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
