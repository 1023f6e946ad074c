/**
 * The {@code altdiff spark} commands: {@code solve} (a file or folder of problems, JSON lines or Parquet,
 * to Parquet plus a summary), {@code generate} (seeded scenario rows over shared matrices, for tests and
 * the scaling measurements of docs/scale.md) and {@code train digits|mnist} (data-parallel training of
 * the Alt-Diff classifier). Run by {@code bin/altdiff spark …} or by {@code spark-submit} with
 * target/altdiff-spark.jar. May use everything: altdiff-spark, altdiff-dl4j's examples, Spark, picocli.
 */
package dev.altdiff.spark.cli;
