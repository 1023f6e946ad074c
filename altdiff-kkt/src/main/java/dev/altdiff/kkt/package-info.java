/**
 * The implicit-differentiation reference: the KKT system at a solution (KktSystem) and its solve for
 * the gradients of QPs (KktSolution, registered as the differentiator kkt) and of general convex
 * programs (GeneralKktSolution); a singular system is a SingularKktException. It may use
 * dev.altdiff.api and dev.altdiff.core.
 */
package dev.altdiff.kkt;
