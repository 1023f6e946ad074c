/**
 * The Alt-Diff engine: ADMM with its set-up (QpData, Equilibration), iterations (Admm, XStep,
 * adaptive rho), termination, polishing and infeasibility detection, the reverse- and forward-mode
 * differentiation of the truncated iterations (ReverseSweep, AltDiffSolution), the batched layer
 * (BatchLayer) and the general-objective path (GeneralAdmm, NewtonXStep, GeneralAltDiff); AltDiff and
 * AltDiffModule are the entry points (factory, ServiceLoader discovery, Guice). It may use
 * dev.altdiff.api and Guice, never a concrete backend.
 */
package dev.altdiff.core;
