package dev.altdiff.api;

/**
 * The one taxonomy of altdiff's errors. Every exception the library throws on purpose implements
 * this interface and says which of four kinds it is; each also extends the JDK exception that
 * matches its meaning, so that code catching the JDK type keeps working:
 * <table>
 *   <caption>The four kinds</caption>
 *   <tr><th>kind</th><th>exception</th><th>JDK supertype</th><th>what it carries</th></tr>
 *   <tr><td>{@link Kind#INVALID_INPUT}</td><td>{@link InvalidProblemException}</td>
 *       <td>IllegalArgumentException</td><td>the offending block, row, column and batch sample</td></tr>
 *   <tr><td>{@link Kind#UNSUPPORTED_OPTION}</td><td>{@link UnsupportedOptionException}</td>
 *       <td>UnsupportedOperationException</td><td>the option this path does not support and the
 *       alternative that does</td></tr>
 *   <tr><td>{@link Kind#BACKEND_STARTUP}</td><td>{@link BackendStartupException}</td>
 *       <td>IllegalStateException</td><td>the backend and what to change so that it starts</td></tr>
 *   <tr><td>{@link Kind#NOT_DIFFERENTIABLE}</td><td>{@link NotDifferentiableException}</td>
 *       <td>ArithmeticException</td><td>why the solution map has no derivative at this solution</td></tr>
 * </table>
 * Anything else escaping the library (an {@code IllegalStateException} naming "internal", an
 * {@code OutOfMemoryError}) is a bug or an exhausted resource, not one of these. A solver outcome
 * (max iterations, infeasible, a time limit) is never an exception: it is the {@link Status} of the
 * {@link Solution}.
 */
public interface AltDiffError {
    /** The four kinds of error. */
    enum Kind {
        /** The caller's data or arguments are invalid: fix the input. */
        INVALID_INPUT,
        /** A valid request that this path (differentiator, mode, backend, problem form) does not support. */
        UNSUPPORTED_OPTION,
        /** A backend could not start (native libraries, self-check): fix the environment. */
        BACKEND_STARTUP,
        /** The solution exists but the solution map has no derivative there (degenerate or weakly active). */
        NOT_DIFFERENTIABLE
    }

    /** @return which of the four kinds this error is */
    Kind kind();
}
