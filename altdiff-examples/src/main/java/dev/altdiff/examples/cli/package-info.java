/**
 * The picocli commands of bin/altdiff (AltdiffCommand and its subcommands demo, solve, bench,
 * bench-layer, bench-sparse, maros, train), the one SolverOptions mixin with every command's
 * defaults, and the one ExitCode table. Commands parse, validate and print; the work is in io, bench,
 * demo and dl4j. It may use every package of the application and every altdiff module.
 */
package dev.altdiff.examples.cli;
