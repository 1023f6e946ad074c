/**
 * The paper's numerical experiments as demonstrations: the dense QP table of Alt-Diff against the KKT
 * reference (PaperDemo) and the negative-entropy tolerance sweep (EntropyDemo), printed by altdiff
 * demo and reused by the benchmark suite. It may use the library modules, dev.altdiff.testkit and
 * bench's Trial.
 */
package dev.altdiff.examples.demo;
