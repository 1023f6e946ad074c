package dev.altdiff.testkit;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.SparseMatrix;

import java.util.Arrays;
import java.util.Random;

/** Seeded sparse QPs whose nonzeros per row stay fixed as n grows (the sparse path's scaling family). */
public final class SparseQp {
    /** Width of the window of consecutive variables a constraint row draws its 5 nonzeros from. */
    public static final int WINDOW = 10;
    /** Nonzeros per constraint row. */
    public static final int ROW_NONZEROS = 5;

    private SparseQp() {
    }

    /**
     * The banded-local family at size n (seeded): P = D + off-diagonals at distance 1 and 2
     * (D_ii ∈ [1, 2], |P_{i,i±1}| ≤ 0.3, |P_{i,i±2}| ≤ 0.1: strictly diagonally dominant, so PD);
     * p = m = n/10 constraint rows, each with {@value #ROW_NONZEROS} standard normal nonzeros at
     * distinct columns of a window of {@value #WINDOW} consecutive variables (row r of A starts at
     * 10r, row r of G at 10r + 5, wrapped to fit); q standard normal; b = Ax₀ and
     * h = Gx₀ + s₀ for a standard normal x₀ and s₀ = 0 on odd rows, uniform [0, 1] on even rows.
     * Nonzeros per row of P, A, G are fixed, so nnz grows like n, and H = P + ρAᵀA + ρGᵀG has
     * bandwidth below {@value #WINDOW}.
     */
    public static QuadraticProgram bandedLocal(int n, long seed) {
        Random r = new Random(seed);
        Triplets pt = new Triplets();
        for (int i = 0; i < n; i++) {
            pt.add(i, i, 1 + r.nextDouble());
            for (int d = 1; d <= 2; d++) {
                if (i + d < n) {
                    double v = (d == 1 ? 0.3 : 0.1) * (2 * r.nextDouble() - 1);
                    pt.add(i, i + d, v);
                    pt.add(i + d, i, v);
                }
            }
        }
        int rows = Math.max(1, n / 10);
        double[] x0 = new double[n];
        for (int i = 0; i < n; i++) {
            x0[i] = r.nextGaussian();
        }
        SparseMatrix a = localRows(r, "A", rows, n, 0);
        SparseMatrix g = localRows(r, "G", rows, n, WINDOW / 2);
        double[] h = g.times(x0);
        for (int i = 0; i < rows; i += 2) {
            h[i] += r.nextDouble();
        }
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = r.nextGaussian();
        }
        return QuadraticProgram.builder(n).name("banded-local-" + n).sparseP(pt.build("P", n, n)).q(q)
                .sparseEqualities(a, a.times(x0)).sparseInequalities(g, h).build();
    }

    private static SparseMatrix localRows(Random r, String block, int rows, int n, int offset) {
        Triplets t = new Triplets();
        int window = Math.min(WINDOW, n);
        for (int row = 0; row < rows; row++) {
            int start = Math.min(WINDOW * row + offset, n - window);
            // ROW_NONZEROS distinct columns of the window: a partial Fisher–Yates shuffle
            int[] cols = new int[window];
            for (int k = 0; k < window; k++) {
                cols[k] = start + k;
            }
            for (int k = 0; k < Math.min(ROW_NONZEROS, window); k++) {
                int pick = k + r.nextInt(window - k);
                int c = cols[pick];
                cols[pick] = cols[k];
                cols[k] = c;
                t.add(row, c, r.nextGaussian());
            }
        }
        return t.build(block, rows, n);
    }

    /** A growing list of (i, j, x). */
    private static final class Triplets {
        private int[] i = new int[16];
        private int[] j = new int[16];
        private double[] x = new double[16];
        private int size;

        void add(int row, int col, double value) {
            if (size == i.length) {
                i = Arrays.copyOf(i, 2 * size);
                j = Arrays.copyOf(j, 2 * size);
                x = Arrays.copyOf(x, 2 * size);
            }
            i[size] = row;
            j[size] = col;
            x[size++] = value;
        }

        SparseMatrix build(String block, int rows, int cols) {
            return SparseMatrix.fromTriplets(block, rows, cols, Arrays.copyOf(i, size),
                    Arrays.copyOf(j, size), Arrays.copyOf(x, size));
        }
    }
}
