/**
 * Synchronous data-parallel training of a DL4J network (for example one with the Alt-Diff QP layer of
 * altdiff-dl4j) on Spark, the way Spark MLlib's optimizers work: each step broadcasts the parameters,
 * every partition computes the summed gradient of its part of the global minibatch, Spark's
 * {@code treeAggregate} adds them up, and the driver applies the network's own updater. May use Spark,
 * DL4J/ND4J (an optional dependency of altdiff-spark, needed only here) and {@link dev.altdiff.spark.JvmPool}.
 */
package dev.altdiff.spark.train;
