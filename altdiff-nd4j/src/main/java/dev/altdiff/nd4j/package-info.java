/**
 * The ND4J backend (nd4j): LinearAlgebra on ND4J arrays with Cholesky and LU through OpenBLAS's
 * LAPACKE on a large-stack thread (LapackThread), OpenBLAS on the engine's JVM arrays through
 * bounded off-heap blocks (HostBlas: products, the set-up's Cholesky factor kept in its own array, its
 * solves), a start-up self check (SelfCheck) and
 * Nd4jStartupException when the native libraries cannot start. It may use dev.altdiff.api, ND4J and
 * JavaCPP's OpenBLAS.
 */
package dev.altdiff.nd4j;
