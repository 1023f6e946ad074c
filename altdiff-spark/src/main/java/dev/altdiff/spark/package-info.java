/**
 * altdiff on Apache Spark: solve and differentiate a DataFrame of quadratic programs, one problem per
 * row ({@link dev.altdiff.spark.QpFrames}). Each partition is solved where it lies (a map without a
 * shuffle): rows that share P, A, G go through one {@link dev.altdiff.core.BatchLayer} call (one
 * factorization), layers are kept per executor JVM ({@link dev.altdiff.spark.JvmPool}), and a row the
 * solver refuses or cannot solve becomes a status in its output row, never a failed task. May use
 * altdiff-api, altdiff-core and Spark SQL (provided by the cluster); nothing from DL4J.
 */
package dev.altdiff.spark;
