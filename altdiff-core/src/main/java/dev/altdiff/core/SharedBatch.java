package dev.altdiff.core;

/**
 * A batch of B quadratic programs {@code minimize ½xᵀPx + q_bᵀx  s.t.  Ax = b_b, Gx ≤ h_b} that share
 * P, A and G and differ in q, b, h. Arrays are taken by reference and validated (and copied) by
 * {@link BatchLayer#forward(SharedBatch)}.
 *
 * @param P n×n symmetric positive semidefinite, or null (a linear program)
 * @param A p×n, or null without equality constraints
 * @param G m×n, or null without inequality constraints
 * @param q B×n: row b is sample b's q (B ≥ 1; the batch size is q.length)
 * @param b B×p: row b is sample b's b; null exactly when A is null
 * @param h B×m: row b is sample b's h; null exactly when G is null
 */
public record SharedBatch(double[][] P, double[][] A, double[][] G, double[][] q, double[][] b, double[][] h) {

    /** @return the batch size B (0 when q is null) */
    public int size() {
        return q == null ? 0 : q.length;
    }
}
