/**
 * The benchmark harness behind altdiff bench, bench-layer and bench-sparse: the paper's experiments
 * as a suite (BenchSuite, BenchReport with CSV, Markdown and plots), layer throughput (LayerBench),
 * sparse scaling (SparseBench), timed trials and memory probes, and the KKT reference
 * (BenchReference). It may use every altdiff module, dev.altdiff.testkit for the problem families,
 * demo and XChart.
 */
package dev.altdiff.examples.bench;
