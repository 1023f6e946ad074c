/**
 * The public contract of altdiff, free of any implementation: the problem (QuadraticProgram,
 * SparseMatrix, Block), the options (Settings, Truncation, Polish), the results (Solution, Status,
 * Certificate, DifferentiableSolution, Gradients), the service interfaces found by ServiceLoader
 * (Differentiator, objective.ProgramDifferentiator, linalg.LinearAlgebra), the one taxonomy of errors
 * (AltDiffError) and the one thread-safety contract below. It may use only the JDK.
 *
 * <p><b>Thread safety</b>, the same for every type and every shipped implementation:
 * (1) services (LinearAlgebra, Differentiator, ProgramDifferentiator) are stateless: any number of
 * threads may call one instance at once; (2) a {@link dev.altdiff.api.Layer} (and core's BatchLayer,
 * whose forward calls it serializes) is immutable configuration: {@code forward} may be called from
 * many threads at once on one shared layer and gives each caller the result a single thread would
 * get; (3) results
 * (DifferentiableSolution, DifferentiableProgramSolution, core's BatchResult) are immutable once
 * returned: {@code backward} may be called from many threads at once, lazily built caches are built
 * once under a lock, and the gradients are those of a single thread, bit for bit; (4) a
 * {@link dev.altdiff.api.linalg.Factorization} may be shared once built ({@code solve} only reads the
 * factor); a {@link dev.altdiff.api.linalg.Matrix} is a value that an operation's output argument
 * mutates, so a matrix being written is confined to one thread.
 */
package dev.altdiff.api;
