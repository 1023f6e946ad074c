/**
 * The public contract of altdiff, free of any implementation: the problem (QuadraticProgram,
 * SparseMatrix, Block), the options (Settings, Truncation, Polish), the results (Solution, Status,
 * Certificate, DifferentiableSolution, Gradients), the service interfaces found by ServiceLoader
 * (Differentiator; linalg.LinearAlgebra) and the exception of invalid input. It may use only the JDK.
 */
package dev.altdiff.api;
