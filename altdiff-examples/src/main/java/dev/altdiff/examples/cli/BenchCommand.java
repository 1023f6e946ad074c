package dev.altdiff.examples.cli;

import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiff;
import dev.altdiff.examples.bench.BenchReport;
import dev.altdiff.examples.bench.BenchSuite;
import dev.altdiff.examples.demo.EntropyDemo;
import dev.altdiff.examples.demo.PaperDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code altdiff bench [--quick] [--sizes …] [--backend NAME] [--out DIR] …}: the paper's numerical
 * experiments as a benchmark ({@link BenchSuite}); writes {@code results.csv}, {@code results.md}
 * and PNG plots ({@link BenchReport}) into the output folder and shows a progress bar on stderr.
 * The files are rewritten after each problem, so an interrupted run leaves its finished rows
 * (marked as partial in {@code results.md}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = SolverOptions.Defaults.class,
        description = {"The paper's experiments as a benchmark: KKT, Alt-Diff reverse mode and Alt-Diff forward mode"
                + " (Jacobian w.r.t. b) at each truncation tolerance, on dense random QPs (paper: P = Z'Z;"
                + " wellcond: P = Z'Z/n + I), the sparsemax projection and the negative-entropy problem (KKT and"
                + " reverse mode).",
                "Writes results.csv, results.md and PNG plots (time vs n, gradient error vs tolerance) to --out."
                        + " Times are medians over --repeats timed passes after --warmups untimed ones."})
final class BenchCommand implements Callable<Integer> {
    /** The paper's sizes (n, p, m). */
    static final String FULL_SIZES = "1000x500x200,3000x1000x500,5000x2000x1000";
    /** The sizes of {@code --quick}. */
    static final String QUICK_SIZES = "200x100x50,1000x500x200";
    /** The sparsemax family's n. */
    static final String SPARSEMAX_N = "1000";
    /**
     * The sparsemax family's n with {@code --quick}: at n = 1000 its reverse-mode rows (up to 2 500
     * iterations against a 2000×1000 G) took half of a quick run.
     */
    static final String QUICK_SPARSEMAX_N = "500";
    /** The entropy family's size (docs/objectives.md). */
    static final String ENTROPY_SIZES = EntropyDemo.DEFAULT_SIZES;
    /** The entropy family's size with {@code --quick}. */
    static final String QUICK_ENTROPY_SIZES = "200x60x20";
    static final String DEFAULT_TOLERANCES = "1e-1,1e-2,1e-3,1e-4,1e-5,1e-6";

    @Spec
    CommandSpec spec;

    @Mixin
    SolverOptions solver;

    @Option(names = "--quick", description = "sizes " + QUICK_SIZES + " (sparsemax n = " + QUICK_SPARSEMAX_N
            + ", entropy " + QUICK_ENTROPY_SIZES + "), 0 warm-ups, 1 timed pass and forward mode"
            + " only while p + m <= 300, unless given (a few minutes on an idle 2-core machine)")
    boolean quick;

    @Option(names = "--sizes", paramLabel = "NxPxM[,...]",
            description = "sizes of the dense families (default: " + FULL_SIZES + "; with --quick " + QUICK_SIZES + ")")
    String sizes;

    @Option(names = "--families", paramLabel = "F[,...]", defaultValue = "paper,wellcond,sparsemax,entropy",
            description = "problem families: paper, wellcond, sparsemax, entropy (default: ${DEFAULT-VALUE})")
    String families;

    @Option(names = "--sparsemax-n", paramLabel = "N[,...]",
            description = "variables of the sparsemax family (1 equality, 2N inequalities; default: " + SPARSEMAX_N
                    + "; with --quick " + QUICK_SPARSEMAX_N + ")")
    String sparsemaxN;

    @Option(names = "--entropy-sizes", paramLabel = "NxPxM[,...]",
            description = "sizes of the entropy family (default: " + ENTROPY_SIZES + "; with --quick "
                    + QUICK_ENTROPY_SIZES + ")")
    String entropySizes;

    @Option(names = "--tolerances", paramLabel = "E[,...]", defaultValue = DEFAULT_TOLERANCES,
            description = "Alt-Diff truncation tolerances (default: ${DEFAULT-VALUE})")
    String tolerances;

    @Option(names = "--entropy-backend", paramLabel = "NAME", defaultValue = "ojalgo",
            description = "backend of the entropy family (default: ${DEFAULT-VALUE}: its Newton x-step makes many small"
                    + " factorizations, where ND4J's per-call overhead made it 10-20x slower at 200x60x20;"
                    + " see docs/benchmarks.md)")
    String entropyBackend;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
            description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--repeats", paramLabel = "R", description = "timed passes per row (default: 3; with --quick 1)")
    Integer repeats;

    @Option(names = "--warmups", paramLabel = "W", description = "untimed passes per row (default: 1; with --quick 0)")
    Integer warmups;

    @Option(names = "--forward-limit", paramLabel = "L",
            description = "run forward mode only while p + m <= L: its Jacobian recursion costs (p+m)^3 per iteration"
                    + " (default: 700, i.e. up to 1000x500x200; with --quick 300)")
    Integer forwardLimit;

    @Option(names = "--forward-max-iterations", paramLabel = "K", defaultValue = "300",
            description = "run forward mode at a tolerance only where reverse mode stopped within K iterations: the"
                    + " recursion costs K(p+m)^3 (default: ${DEFAULT-VALUE})")
    int forwardMaxIterations;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BenchSuite.Config config;
        try {
            solver.usesOnly("the Alt-Diff rows run the paper's settings (rho = 1, relative-change rule) at each of"
                    + " --tolerances", "--backend", "--adaptive-rho");
            LinearAlgebra la = solver.backend();
            config = new BenchSuite.Config(parseList(families, BenchSuite.Family::parse),
                    PaperDemo.Size.parseList(sizes != null ? sizes : quick ? QUICK_SIZES : FULL_SIZES),
                    parseList(sparsemaxN != null ? sparsemaxN : quick ? QUICK_SPARSEMAX_N : SPARSEMAX_N,
                            BenchCommand::positiveInt), PaperDemo.Size.parseList(entropySizes != null
                            ? entropySizes : quick ? QUICK_ENTROPY_SIZES : ENTROPY_SIZES),
                    parseList(tolerances, BenchCommand::tolerance), la, AltDiff.backend(entropyBackend),
                    seed, warmups != null ? warmups : quick ? 0 : 1, repeats != null ? repeats : quick ? 1 : 3,
                    forwardLimit != null ? forwardLimit : quick ? 300 : 700, forwardMaxIterations, solver.settings().adaptiveRho());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        String command = commandText();
        BenchSuite.Result result = BenchSuite.run(config, new ProgressBar(err) {
            @Override public void caseFinished(BenchSuite.Result soFar) {
                try { // an interrupted run leaves the rows of its finished problems
                    BenchReport.write(out, soFar, command);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the results to " + out + ": " + e.getMessage(), e);
                }
            }
        });
        List<Path> files = BenchReport.write(out, result, command);
        stdout.printf(Locale.ROOT, "%d rows in %.1f s; wrote%n", result.rows().size(), result.seconds());
        files.forEach(f -> stdout.println("  " + f));
        result.notes().forEach(n -> stdout.println("note: " + n));
        stdout.flush();
        return ExitCode.OK;
    }

    /** The command as typed, for the report (options as given, in order). */
    private String commandText() {
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        return "altdiff " + String.join(" ", args);
    }

    private interface Parser<T> {
        T parse(String text);
    }

    private static <T> List<T> parseList(String text, Parser<T> parser) {
        List<T> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            out.add(parser.parse(part.strip()));
        }
        return out;
    }

    private static int positiveInt(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad --sparsemax-n '" + text + "': expected a positive integer");
    }

    private static double tolerance(String text) {
        try {
            double eps = Double.parseDouble(text);
            if (eps > 0 && Double.isFinite(eps)) {
                return eps;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad tolerance '" + text + "': expected a positive number such as 1e-3");
    }

    /** A one-line progress bar, redrawn with carriage returns: done/total, the current row, elapsed time. */
    static class ProgressBar implements BenchSuite.Progress {
        private static final int WIDTH = 30;
        private final PrintWriter err;
        private final long start = System.nanoTime();

        ProgressBar(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void trial(int done, int total, String what) {
            int filled = total == 0 ? WIDTH : done * WIDTH / total;
            long s = (System.nanoTime() - start) / 1_000_000_000L;
            String line = String.format(Locale.ROOT, "\r[%s%s] %3d/%d %3d:%02d  %-60s", "#".repeat(filled),
                    ".".repeat(WIDTH - filled), done, total, s / 60, s % 60, what);
            err.print(line);
            if (done == total) {
                err.println();
            }
            err.flush();
        }
    }
}
