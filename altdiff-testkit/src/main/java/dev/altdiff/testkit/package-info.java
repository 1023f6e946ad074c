/**
 * Test support shared by every module's tests and by the benchmarks: the one seeded Gaussian draw,
 * the problem families (RandomQp: the paper's draw, the well-conditioned draw, sparsemax; PlantedQp;
 * BadlyScaledQp; EntropyProblem; SparseQp) and the abstract backend conformance suite
 * LinearAlgebraConformanceTest. It may use dev.altdiff.api and JUnit, never an implementation module.
 */
package dev.altdiff.testkit;
