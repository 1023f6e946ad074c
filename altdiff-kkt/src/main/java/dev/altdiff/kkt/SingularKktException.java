package dev.altdiff.kkt;

import dev.altdiff.api.NotDifferentiableException;

/**
 * The KKT matrix K of a solution is singular, so the solution map θ ↦ x*(θ) has no derivative there
 * (or it is not unique). The likely causes, named in the message:
 * <ul>
 *   <li>a <em>weakly active</em> inequality constraint: νᵢ = 0 and rᵢ = (Gx − h)ᵢ = 0 at once (no strict
 *       complementarity; x* has a kink in θ there) — {@link #constraint()} names it;</li>
 *   <li>a <em>degenerate</em> solution: the rows of A and the active rows of G are linearly dependent
 *       (dependent equality rows, or more than n active constraints at a vertex), so the multipliers are
 *       not unique; or, for an LP, fewer than n linearly independent active constraints, so the
 *       optimal x is not unique.</li>
 * </ul>
 * Thrown by {@link KktSolution#backward}, never a gradient with NaN or infinite entries instead.
 */
public class SingularKktException extends NotDifferentiableException {
    private static final long serialVersionUID = 1L;

    /** The weakly active row, or -1. */
    private final int constraint;

    /**
     * @param constraint the index of the weakly active inequality constraint, or -1 when the
     *                   singularity is not attributable to one constraint
     * @param message    what is singular and why
     */
    public SingularKktException(int constraint, String message) {
        super(message);
        this.constraint = constraint;
    }

    /** @return the index i of the weakly active inequality row G_i, or -1 when not attributable to one row */
    public int constraint() {
        return constraint;
    }
}
