/**
 * The linear algebra a backend provides (LinearAlgebra, Matrix, Factorization) and its failures
 * (SingularMatrixException, NotPositiveDefiniteException): dense products, Cholesky and LU on backend
 * matrices, implemented by altdiff-ojalgo and altdiff-nd4j and registered through ServiceLoader. It
 * may use only the JDK.
 */
package dev.altdiff.api.linalg;
