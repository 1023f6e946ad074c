package dev.altdiff.api;

/**
 * The solution exists but the solution map θ ↦ x*(θ) has no derivative there (a weakly active
 * constraint, dependent active rows, a non-unique solution), so no gradient is returned instead of
 * one with NaN or infinite entries. See {@link AltDiffError} for the taxonomy.
 */
public class NotDifferentiableException extends ArithmeticException implements AltDiffError {
    private static final long serialVersionUID = 1L;

    /** @param message why there is no derivative */
    public NotDifferentiableException(String message) {
        super(message);
    }

    @Override
    public Kind kind() {
        return Kind.NOT_DIFFERENTIABLE;
    }
}
