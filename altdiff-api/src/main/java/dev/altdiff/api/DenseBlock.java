package dev.altdiff.api;

/**
 * A dense matrix block of a {@link QuadraticProgram} as the problem stores it, for solvers that read it in place
 * ({@link QuadraticProgram#dense}): the problem's own row-major array, not a copy (a copy of P at n = 4 000 is
 * 128 MB), with the diagonal scaling under which the problem reads it. Entry (i, j) of the block is
 * <pre>
 *   v_ij = stored[i·cols + j] · (left[i] · right[j])
 * </pre>
 * (left and right null: the stored entry itself) and, for P ({@link #symmetrized}), ½(v_ij + v_ji) off the
 * diagonal: the entries a copy of the scaled problem would hold ({@link QuadraticProgram#scaledDiagonally}),
 * bit for bit. The array is shared with the problem, which is immutable: a reader must not write to it.
 *
 * @param rows       the block's row count (n for P, p for A, m for G)
 * @param cols       its column count, n
 * @param stored     the stored entries, row-major (read only)
 * @param left       the row factors (length rows), or null with right
 * @param right      the column factors (length cols), or null with left
 * @param symmetrized whether the block is P, read as the mean of each scaled entry and its mirror image
 */
public record DenseBlock(int rows, int cols, double[] stored, double[] left, double[] right, boolean symmetrized) {

    /** @return whether the block is read under a scaling (else its stored entries are its entries) */
    public boolean isScaled() {
        return left != null;
    }

    /** @return entry (i, j) as the problem reads it */
    public double entry(int i, int j) {
        if (left == null) {
            return stored[i * cols + j];
        }
        double v = stored[i * cols + j] * (left[i] * right[j]);
        return symmetrized && i != j ? 0.5 * (v + stored[j * cols + i] * (left[j] * right[i])) : v;
    }

    /** Writes row i, as the problem reads it, into out[offset, offset + cols). */
    public void row(int i, double[] out, int offset) {
        int base = i * cols;
        if (left == null) {
            System.arraycopy(stored, base, out, offset, cols);
            return;
        }
        double li = left[i];
        for (int j = 0; j < cols; j++) {
            out[offset + j] = stored[base + j] * (li * right[j]);
        }
        if (symmetrized) {
            for (int j = 0; j < cols; j++) {
                if (j != i) {
                    out[offset + j] = 0.5 * (out[offset + j] + stored[j * cols + i] * (left[j] * right[i]));
                }
            }
        }
    }

    /** @return the block as the problem reads it, row-major (a new array) */
    public double[] rowMajor() {
        if (left == null) {
            return stored.clone();
        }
        double[] out = new double[stored.length];
        for (int i = 0; i < rows; i++) {
            row(i, out, i * cols);
        }
        return out;
    }

    /** @return whether other reads the same entries: the same shape, stored entries and factors */
    boolean sameEntries(DenseBlock other) {
        return rows == other.rows && cols == other.cols && symmetrized == other.symmetrized
                && java.util.Arrays.equals(stored, other.stored) && java.util.Arrays.equals(left, other.left)
                && java.util.Arrays.equals(right, other.right);
    }
}
