package dev.altdiff.spark;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.SparseMatrix;

/**
 * One input row, decoded: a problem's data (dense matrices, or sparse ones from triplets) and its
 * upstream gradient, or the reason it could not be decoded.
 *
 * @param index   the row's position in its partition
 * @param id      the row's {@code id} column, or null
 * @param P, A, G dense matrices (null: absent or sparse)
 * @param sparseP, sparseA, sparseG the matrices given as triplets (null: absent or dense)
 * @param q, b, h the vectors (null: absent)
 * @param v       the upstream gradient ∂ℓ/∂x (null: none)
 * @param error   why the row cannot be solved (then everything else may be null), or null
 */
record ProblemRow(int index, Object id, double[][] P, double[][] A, double[][] G, SparseMatrix sparseP,
                  SparseMatrix sparseA, SparseMatrix sparseG, double[] q, double[] b, double[] h, double[] v,
                  String error) {

    static ProblemRow invalid(int index, Object id, String error) {
        return new ProblemRow(index, id, null, null, null, null, null, null, null, null, null, null, error);
    }

    /** @return whether a matrix is given as triplets */
    boolean sparse() {
        return sparseP != null || sparseA != null || sparseG != null;
    }

    /**
     * @return the row as a problem of its own
     * @throws dev.altdiff.api.InvalidProblemException for inconsistent shapes or non-finite entries
     */
    QuadraticProgram program() {
        int n = q == null ? 0 : q.length;
        QuadraticProgram.Builder builder = QuadraticProgram.builder(n).name("row " + index).q(q);
        if (sparseP != null) {
            builder.sparseP(sparseP);
        } else if (P != null) {
            builder.P(P);
        }
        if (sparseA != null) {
            builder.sparseEqualities(sparseA, b);
        } else if (A != null || b != null) {
            builder.equalities(A, b);
        }
        if (sparseG != null) {
            builder.sparseInequalities(sparseG, h);
        } else if (G != null || h != null) {
            builder.inequalities(G, h);
        }
        return builder.build();
    }
}
