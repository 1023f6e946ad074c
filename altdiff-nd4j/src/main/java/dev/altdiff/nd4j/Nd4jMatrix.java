package dev.altdiff.nd4j;

import dev.altdiff.api.linalg.Matrix;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A matrix of the ND4J backend: one rank-2, column-major ('f'), contiguous double {@link INDArray}
 * that no other matrix shares. Every array the backend creates has this form, so that LAPACK can
 * read its buffer directly and BLAS level-1 calls may treat it as a flat vector.
 */
final class Nd4jMatrix implements Matrix {
    final INDArray array;
    private final int rows;
    private final int cols;

    Nd4jMatrix(INDArray array) {
        if (array.rank() != 2 || array.ordering() != 'f') {
            throw new IllegalStateException("internal: expected a rank-2 'f' array, got rank " + array.rank() + " order "
                    + array.ordering());
        }
        this.array = array;
        this.rows = (int) array.rows();
        this.cols = (int) array.columns();
    }

    @Override public int rows() { return rows; }

    @Override public int cols() { return cols; }

    boolean isEmpty() { return rows == 0 || cols == 0; }

    @Override public double get(int i, int j) {
        if (i < 0 || i >= rows || j < 0 || j >= cols) {
            throw new IndexOutOfBoundsException("(" + i + ", " + j + ") outside a " + rows + "x" + cols + " matrix");
        }
        return array.getDouble(i, j);
    }

    @Override public double[] toRowMajor() {
        double[] out = new double[rows * cols];
        if (out.length == 0) {
            return out;
        }
        double[] columnMajor = Nd4jLinearAlgebra.hostData(array);
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                out[i * cols + j] = columnMajor[j * rows + i];
            }
        }
        return out;
    }

    @Override public String toString() { return "nd4j " + rows + "x" + cols; }
}
