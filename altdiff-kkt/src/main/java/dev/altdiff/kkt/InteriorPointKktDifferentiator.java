package dev.altdiff.kkt;

import dev.altdiff.api.Block;
import dev.altdiff.api.Differentiator;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Limits;
import dev.altdiff.api.Polish;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.InteriorPoint;
import dev.altdiff.core.Polisher;
import dev.altdiff.core.QpData;

import java.util.EnumSet;
import java.util.Set;

/**
 * Implicit differentiation of the KKT conditions at the point of the interior-point method
 * ({@link InteriorPoint}): the forward solver of qpth and OptNet with the backward pass of
 * {@link KktDifferentiator}. Registered as {@code kkt-ipm}.
 *
 * <p><b>Forward:</b> Mehrotra's predictor–corrector to the termination test at {@link Settings#tolerance()}
 * (tens of iterations, one sparse factorization each; Ruiz scaling as the settings say; α and the
 * truncation rule do not apply). Where ADMM needs 10⁴–10⁵ iterations (badly conditioned or degenerate
 * problems) this is the forward solve to pick. With {@link Settings#polish()} the interior point, whose
 * multipliers are ~ε rather than 0 off the active set, is then polished ({@link Polisher}: the active set
 * νᵢ &gt; ρsᵢ, its KKT system solved exactly, kept only if it passes the test), so that the backward pass
 * sees the exact active set; this needs H = P + σI + ρ_eqAᵀA + ρGᵀG positive definite, and where it is not
 * the point stays unpolished ({@link Polish#FAILED}). <b>Backward:</b> as {@link KktDifferentiator}, one LU
 * of the (n+p+m)-square KKT matrix, dense: sparse problems are refused, as there.
 *
 * <p>Stateless and thread-safe.
 */
public final class InteriorPointKktDifferentiator implements Differentiator {
    /** The name this differentiator is selected by. */
    public static final String NAME = "kkt-ipm";

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public InteriorPointKktDifferentiator() {
    }

    @Override public String name() { return NAME; }

    /** @return all six blocks P, q, A, b, G, h */
    @Override public Set<Block> blocks() { return EnumSet.allOf(Block.class); }

    /**
     * {@inheritDoc}
     *
     * @throws UnsupportedOperationException for a {@link QuadraticProgram#isSparse() sparse} problem (the KKT
     *         matrix of the backward pass is factored dense)
     */
    @Override public KktSolution solve(QuadraticProgram problem, Settings settings, LinearAlgebra backend) {
        KktSolution.requireDense(problem);
        Limits.require(problem, settings, Limits.Gradient.KKT);
        Solution point = InteriorPoint.solve(problem, settings);
        return new KktSolution(problem, settings.polish() ? polished(problem, point, settings, backend) : point,
                backend);
    }

    /** @return the point polished on the unscaled problem, or the point itself ({@link Polish#FAILED}) when H is singular */
    private static Solution polished(QuadraticProgram problem, Solution point, Settings settings, LinearAlgebra backend) {
        QpData d;
        try {
            d = QpData.load(problem, backend, settings.withScaling(0)); // the point is the caller's, unscaled
        } catch (InvalidProblemException e) {
            return point.withPolish(Polish.FAILED);
        }
        return Polisher.polish(d, point, settings);
    }
}
