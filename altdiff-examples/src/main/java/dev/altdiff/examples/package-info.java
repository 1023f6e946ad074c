/**
 * The command-line application of altdiff (bin/altdiff) and its parts, in the subpackages cli, io,
 * bench, demo and dl4j; this package holds only CappedAdmm, the wall-clock-bounded ADMM loop that
 * altdiff maros uses until the engine takes a time limit in its Settings. It may use every altdiff
 * module.
 */
package dev.altdiff.examples;
