/**
 * JMH micro-benchmarks of the backend primitives and of one forward and backward pass of the layer
 * (docs/benchmarks.md), run with org.openjdk.jmh.Main from altdiff.jar. It may use the library
 * modules, dev.altdiff.testkit and JMH.
 */
package dev.altdiff.examples.bench.jmh;
