package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.Differentiator;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;

import java.util.EnumSet;
import java.util.Set;

/**
 * Alt-Diff (Sun et al., ICLR 2023), forward mode: the ADMM forward pass of {@link Admm} and the
 * paper's Jacobian recursion for q, b and h over the same, truncated, iterations (see
 * {@link AltDiffSolution}). Registered as {@code altdiff}.
 */
public final class AltDiffDifferentiator implements Differentiator {
    public static final String NAME = "altdiff";

    @Override public String name() { return NAME; }

    @Override public Set<Block> blocks() { return EnumSet.of(Block.q, Block.b, Block.h); }

    /** {@inheritDoc} The result also gives full Jacobians ({@link AltDiffSolution#jacobian}). */
    @Override public AltDiffSolution solve(QuadraticProgram problem, Settings settings, LinearAlgebra backend) {
        return new AltDiffSolution(Admm.solve(problem, settings, backend));
    }
}
