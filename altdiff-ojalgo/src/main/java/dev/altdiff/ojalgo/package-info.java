/**
 * The pure-Java backend (ojalgo): LinearAlgebra on ojAlgo's dense matrices and decompositions, the
 * default backend and the one with sparse matrices. It may use dev.altdiff.api and ojAlgo.
 */
package dev.altdiff.ojalgo;
