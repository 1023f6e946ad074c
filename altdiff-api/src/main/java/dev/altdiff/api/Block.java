package dev.altdiff.api;

/**
 * The six parameter blocks of the quadratic program
 * {@code minimize ½xᵀPx + qᵀx  subject to  Ax = b, Gx ≤ h}.
 * Constant names follow the math (lower case for vectors).
 */
public enum Block {
    /** n×n symmetric positive semidefinite quadratic term. */
    P,
    /** n-vector linear term. */
    q,
    /** p×n equality constraint matrix. */
    A,
    /** p-vector equality right-hand side. */
    b,
    /** m×n inequality constraint matrix. */
    G,
    /** m-vector inequality right-hand side. */
    h
}
