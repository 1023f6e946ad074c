package dev.altdiff.spark;

import java.io.Serializable;

/**
 * The dense P, A, G that every row of a DataFrame shares (the common case: one model, many right-hand
 * sides); broadcast once to the executors by {@link QpFrames#solveShared}. Arrays are taken by
 * reference and validated by the solver: a P that is not symmetric PSD, a shape error or a singular
 * P + ρAᵀA + ρGᵀG makes every row {@code invalid_input} with the reason.
 *
 * @param P n×n, or null (a linear program)
 * @param A p×n, or null without equality constraints
 * @param G m×n, or null without inequality constraints
 */
public record SharedMatrices(double[][] P, double[][] A, double[][] G) implements Serializable {

    /** @return p, the number of equality rows */
    public int p() {
        return A == null ? 0 : A.length;
    }

    /** @return m, the number of inequality rows */
    public int m() {
        return G == null ? 0 : G.length;
    }
}
