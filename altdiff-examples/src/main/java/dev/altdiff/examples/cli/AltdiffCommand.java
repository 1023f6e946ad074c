package dev.altdiff.examples.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code altdiff} command line: {@code altdiff demo} (the paper's numerical experiment),
 * {@code altdiff solve} (one problem file in, one JSON object out), {@code altdiff bench} (the
 * paper's experiments as a benchmark: CSV, Markdown and plots), {@code altdiff bench-layer}
 * (throughput of the batched layer), {@code altdiff bench-sparse} (scaling of sparse problems),
 * {@code altdiff maros} (a folder of QPS files) and
 * {@code altdiff train} (the DL4J learning examples). Run by {@code bin/altdiff}.
 * {@link #commandLine()} builds the configured command for in-process use (tests): call
 * {@code setOut}/{@code setErr} on it, then {@code execute(args)} returns the exit status.
 */
@Command(name = "altdiff", mixinStandardHelpOptions = true, versionProvider = AltdiffCommand.Version.class,
        description = "Differentiable QP layers (Alt-Diff, Sun et al., ICLR 2023).",
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {ExitCode.OK_LINE, ExitCode.FAILURE_LINE, ExitCode.INVALID_INPUT_LINE, ExitCode.NOT_SOLVED_LINE},
        subcommands = {DemoCommand.class, SolveCommand.class, BenchCommand.class, BenchLayerCommand.class,
                BenchSpeedCommand.class,
                BenchSparseCommand.class, MarosCommand.class, TrainCommand.class, CommandLine.HelpCommand.class})
public final class AltdiffCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /** Without a subcommand: a usage error (exit 2). */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing subcommand: demo, solve, bench, bench-layer, bench-sparse, maros or train");
    }

    /** @return the configured command; usage errors of {@code solve} are reported as its JSON error object */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new AltdiffCommand());
        cl.setParameterExceptionHandler(AltdiffCommand::usageError);
        cl.setExecutionExceptionHandler(AltdiffCommand::failure);
        CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
        cl.setExecutionStrategy(parsed -> {
            try {
                return run.execute(parsed);
            } catch (OutOfMemoryError e) {
                return outOfMemory(parsed.subcommands().isEmpty() ? cl : parsed.subcommands().get(0).commandSpec()
                        .commandLine(), e);
            }
        });
        return cl;
    }

    /**
     * An {@link OutOfMemoryError} anywhere in a command: one JSON object
     * {@code {"status":"out_of_memory","error":…}} on standard output, the message on standard
     * error, exit 1. The message names the heap option; the stack trace only with {@code ALTDIFF_DEBUG=1}.
     */
    static int outOfMemory(CommandLine cl, OutOfMemoryError e) {
        String message = "out of memory (" + e.getMessage() + ") in altdiff " + cl.getCommandName()
                + ": the JVM's heap of " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB is too small for this"
                + " input; raise it with ALTDIFF_JAVA_OPTS=-Xmx… (e.g. -Xmx8g), or ask for less (a smaller"
                + " --max-iter when a gradient is recorded)";
        PrintWriter out = cl.getOut();
        out.println("{\"status\":\"out_of_memory\",\"error\":" + jsonString(message) + "}");
        out.flush();
        PrintWriter err = cl.getErr();
        err.println("altdiff " + cl.getCommandName() + ": " + message);
        if ("1".equals(System.getenv("ALTDIFF_DEBUG"))) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCode.FAILURE;
    }

    /** @return s as a JSON string literal (without a JSON library: the heap may be exhausted) */
    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /**
     * A failure while running a command (e.g. a backend that refuses to start): its message and
     * those of its causes on stderr, exit 1. The stack trace only with {@code ALTDIFF_DEBUG=1}: the
     * messages are written for users, and say what to do.
     */
    private static int failure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutOfMemoryError oom) {
                return outOfMemory(cl, oom);
            }
            if (cause == cause.getCause()) {
                break;
            }
        }
        PrintWriter err = cl.getErr();
        err.println(cl.getColorScheme().errorText("altdiff " + cl.getCommandName() + ": " + e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            err.println("  caused by: " + cause);
        }
        if ("1".equals(System.getenv("ALTDIFF_DEBUG"))) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCode.FAILURE;
    }

    /**
     * Usage error: a command with a {@link UsageErrorReport} reports it itself ({@code solve}: JSON on
     * stdout, exit 2); the others print the message and the usage, exit 2.
     */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        if (cl.getCommand() instanceof UsageErrorReport report) {
            return report.reportUsageError(e);
        }
        err.println(cl.getColorScheme().errorText(e.getMessage()));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            cl.usage(err, cl.getColorScheme());
        }
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    public static void main(String[] args) {
        CommandLine cl = commandLine();
        cl.setOut(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true));
        int status = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        System.exit(status);
    }

    /** The version of the jar's manifest (or "dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            String v = AltdiffCommand.class.getPackage().getImplementationVersion();
            return new String[] {"altdiff " + (v == null ? "dev" : v)};
        }
    }
}
