package dev.altdiff.examples.cli;

import picocli.CommandLine.ParameterException;

/**
 * A command whose output contract covers usage errors too (as {@code solve}'s JSON error object):
 * the root command hands them to it instead of printing the usage.
 */
interface UsageErrorReport {
    /** @return the exit status after reporting the usage error e of this command */
    int reportUsageError(ParameterException e);
}
