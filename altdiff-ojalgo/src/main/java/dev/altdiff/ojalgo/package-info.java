/**
 * The pure-Java backend (ojalgo): LinearAlgebra on ojAlgo's dense matrices and decompositions (the dense
 * Cholesky factorizations by the api's JVM kernel, in the matrices' own arrays where asked), the default backend
 * and the one with sparse matrices. It may use dev.altdiff.api and ojAlgo.
 */
package dev.altdiff.ojalgo;
