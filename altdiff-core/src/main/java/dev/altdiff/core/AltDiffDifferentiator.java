package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.Differentiator;
import dev.altdiff.api.Limits;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.UnsupportedOptionException;
import dev.altdiff.api.linalg.LinearAlgebra;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Alt-Diff (Sun et al., ICLR 2023): the ADMM forward pass of {@link Admm} and the derivative of
 * exactly the iterations it ran (truncation included). Registered as {@code altdiff}, in
 * {@link Mode#REVERSE reverse mode}: {@code backward(v)} returns gradients for all six blocks by one
 * reverse sweep. In {@link Mode#FORWARD forward mode} (the paper's own formulation)
 * {@code backward(v)} contracts the full Jacobians ∂x/∂q, ∂x/∂b, ∂x/∂h. Both give the same numbers
 * for q, b, h (to rounding); every {@link AltDiffSolution} also offers {@link AltDiffSolution#jacobian}
 * and {@link AltDiffSolution#jvp} whatever its mode.
 */
public final class AltDiffDifferentiator implements Differentiator {
    public static final String NAME = "altdiff";

    /** How {@code backward(v)} is evaluated. */
    public enum Mode {
        /**
         * The adjoint of the truncated recursion, one sweep over the stored iterates: per iteration one
         * solve with H's factor and four matrix-vector products, for all six blocks ({@code ALTDIFF.md} §5).
         */
        REVERSE,
        /**
         * The paper's forward-mode recursion for the full Jacobians of q, b, h, contracted with v: per
         * iteration (p+m)³ work (see {@link AltDiffSolution}); blocks q, b, h only.
         */
        FORWARD
    }

    private final Mode mode;

    /** Reverse mode, the default of the layer API. */
    public AltDiffDifferentiator() {
        this(Mode.REVERSE);
    }

    public AltDiffDifferentiator(Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    public Mode mode() { return mode; }

    @Override public String name() { return NAME; }

    @Override public Set<Block> blocks() {
        return mode == Mode.REVERSE ? EnumSet.allOf(Block.class) : EnumSet.of(Block.q, Block.b, Block.h);
    }

    /**
     * {@inheritDoc} The run keeps its iterates (K·(n + p + m) doubles) for the backward pass. With
     * {@link Settings#scaling()} &gt; 0 ADMM runs on the equilibrated problem ({@link Equilibration});
     * the solution, gradients, Jacobians and directional derivatives are the caller's problem's.
     *
     * <p>A {@link QuadraticProgram#isSparse() sparse} problem (ojalgo backend) is solved without
     * densifying anything n×n; scaling applies to it as to a dense problem, in compressed columns, and
     * polishing factors its reduced KKT matrix sparsely. Its backward pass is reverse mode for q, b and h
     * only (the gradients of P, A, G would be dense and are null). Forward mode (dense n×(p+m) Jacobian
     * transfers) refuses sparse problems up front; so does {@link AltDiffSolution#jacobian}.
     *
     * @throws UnsupportedOperationException for a sparse problem in forward mode, or on a backend without
     *         sparse matrices
     */
    @Override public AltDiffSolution solve(QuadraticProgram problem, Settings settings, LinearAlgebra backend) {
        check(problem, settings);
        QpData data = QpData.load(problem, backend, settings);
        return new AltDiffSolution(Admm.solve(data, settings, true), mode, data.scaling, problem);
    }

    /**
     * {@inheritDoc} The ADMM run of {@link #solve} without its trajectory (memory: the problem's own data,
     * factor and x-step), polished during the run when {@link Settings#polish()} is on; the solution is the
     * caller's problem's.
     */
    @Override public Solution solveForward(QuadraticProgram problem, Settings settings, LinearAlgebra backend) {
        check(problem, settings); // the same refusals as solve, whether or not a gradient follows
        return Admm.solveForward(problem, settings, backend);
    }

    /** The checks of {@link #solve} and {@link #solveForward} before anything is loaded. */
    private void check(QuadraticProgram problem, Settings settings) {
        Limits.require(problem, settings, Limits.Gradient.NONE); // the trajectory grows with the iterations run
        if (problem.isSparse() && mode == Mode.FORWARD) {
            throw new UnsupportedOptionException("mode forward", "forward-mode Alt-Diff forms dense n×(p+m) Jacobian"
                    + " transfers and is not available for sparse problems", "reverse mode");
        }
    }

    /**
     * As {@link #solve(QuadraticProgram, Settings, LinearAlgebra)} on data already loaded and factored
     * (e.g. to time the setup apart from the iterations); d's ρ must be the settings' ρ (the starting ρ
     * when it is adaptive). The data are taken as they are, unscaled: {@link Settings#scaling()} is not
     * applied.
     *
     * @throws UnsupportedOperationException for sparse data in forward mode
     * @throws IllegalArgumentException for data loaded with scaling ({@link QpData#load})
     */
    public AltDiffSolution solve(QpData d, Settings settings) {
        if (d.sparse && mode == Mode.FORWARD) {
            throw new UnsupportedOptionException("mode forward", "forward mode forms dense matrices, so sparse"
                    + " problems are solved in reverse mode", "reverse mode");
        }
        if (!d.scaling.isOff()) {
            throw new IllegalArgumentException("loaded data are solved as they are: load them without scaling");
        }
        return new AltDiffSolution(Admm.solve(d, settings, true), mode);
    }
}
