/**
 * General convex objectives beyond quadratics (ConvexProgram with an Objective: QuadraticObjective,
 * NegativeEntropy, Softplus, WeightedSum) and their parameter gradients (ObjectiveGradients), each
 * giving value, gradient and Hessian for the Newton x-step. It may use only the JDK and
 * dev.altdiff.api.
 */
package dev.altdiff.api.objective;
