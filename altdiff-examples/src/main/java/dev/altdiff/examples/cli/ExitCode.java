package dev.altdiff.examples.cli;

/**
 * The exit statuses of every {@code altdiff} command, in one table; {@link #HEADING} and the
 * {@code *_LINE} constants put it into the commands' help.
 */
final class ExitCode {
    /** The command did its work; for {@code solve}: the status is solved. */
    static final int OK = 0;
    /**
     * A failure of the program or its environment: an internal error, a backend that does not start,
     * unreadable data, an exhausted heap.
     */
    static final int FAILURE = 1;
    /** Invalid input: a usage error, a bad option value, an unreadable or invalid problem file. */
    static final int INVALID_INPUT = 2;
    /** {@code solve}: any status other than solved, or a solution without a gradient (not_differentiable). */
    static final int NOT_SOLVED = 3;

    static final String HEADING = "%nExit status:%n";
    static final String OK_LINE = "0:done (solve: solved)";
    static final String FAILURE_LINE = "1:internal error, a backend that does not start, unreadable data, or out of"
            + " memory (a JSON object with status out_of_memory on stdout)";
    static final String INVALID_INPUT_LINE = "2:invalid input: usage, option value or problem file (solve: a JSON error"
            + " object on stdout, status invalid_input, or too_large beyond the limits of docs/robustness.md)";
    static final String NOT_SOLVED_LINE = "3:solve: any other solver status (truncated, max_iterations, time_limit,"
            + " primal_infeasible, dual_infeasible, numerical_error; docs/statuses.md), or a solution where the kkt"
            + " method's gradient does not exist (not_differentiable)";

    private ExitCode() {
    }
}
