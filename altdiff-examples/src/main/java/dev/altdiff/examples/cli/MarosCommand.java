package dev.altdiff.examples.cli;

import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Polish;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.Admm;
import dev.altdiff.core.AltDiff;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.core.InteriorPoint;
import dev.altdiff.examples.demo.PaperDemo;
import dev.altdiff.examples.io.MpsFormat;
import dev.altdiff.examples.io.MpsModel;
import dev.altdiff.examples.io.MpsParseException;
import dev.altdiff.examples.io.MpsProblem;
import dev.altdiff.examples.io.MpsReader;
import dev.altdiff.examples.io.QpConversion;
import dev.altdiff.examples.io.ReferenceValues;
import dev.altdiff.kkt.KktDifferentiator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code altdiff maros DIR}: solves every QPS/MPS file of a folder (e.g. the Maros–Meszaros QP set)
 * with the library's ADMM, one after another, and prints a table (name, n, rows, p, m, status,
 * iterations, seconds, objective, reference, relative error) and the summary line
 * {@code solved K of N within 1e-6 relative objective error}. See {@code docs/maros.md}.
 *
 * <p>Every problem is bounded: by a wall-clock limit ({@code --time-limit}, default 30 s,
 * {@link Settings#timeLimit()}: checked every 10 iterations, status {@code time_limit} unless the
 * termination test passes there; the one-off setup, loading and factoring, is not interrupted and is
 * not counted, the reported seconds include it), by the iteration
 * cap ({@code max_iterations}), and by a memory limit on the dense matrices ({@code too_large},
 * checked on the sparse file before anything dense is built). A problem whose dense blocks would be
 * large and mostly zero ({@link QpConversion#prefersSparse}) is solved on the sparse path instead (its
 * factorizations and iterations cost what its nonzeros cost) on a backend with sparse matrices (ojalgo);
 * other backends read it dense. A file that cannot be read gives
 * {@code parse_error}, a problem the solver rejects (P not PSD, H singular) {@code invalid}, an
 * exhausted heap {@code out_of_memory}, any other exception {@code error}; the messages are listed
 * under the table. No problem stops the run.
 */
@Command(name = "maros", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = SolverOptions.Defaults.class,
        description = "Solve every QPS/MPS file in DIR (e.g. the Maros-Meszaros QP test set) and print a table"
                + " and the summary 'solved K of N within 1e-6 relative objective error'.")
final class MarosCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SolverOptions solver;

    @Parameters(index = "0", paramLabel = "DIR", description = "folder of .qps/.mps files (not recursive)")
    Path dir;

    @Option(names = "--reference", paramLabel = "CSV",
            description = "CSV of optimal values (columns name, optimal_objective; optional file, objective_constant);"
                    + " default: DIR/optimal.csv when it exists")
    Path reference;

    @Option(names = "--no-reference", description = "do not compare against reference values")
    boolean noReference;

    @Option(names = "--memory-limit", paramLabel = "MB",
            description = "skip (status too_large) a problem whose dense matrices need more (default: half the JVM's max heap)")
    Long memoryLimitMb;

    @Option(names = "--accuracy", paramLabel = "E", defaultValue = "1e-6",
            description = "relative objective error |f - f*| / max(1, |f*|) that counts as solved (default: ${DEFAULT-VALUE})")
    double accuracy;

    @Option(names = "--format", paramLabel = "auto|fixed|free", defaultValue = "auto",
            description = "layout of the files (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--include", paramLabel = "REGEX",
            description = "only problems whose name (file name without extension, lower case) matches")
    String include;

    @Option(names = "--markdown", description = "print the table in Markdown")
    boolean markdown;

    @Option(names = "--gradients",
            description = "check the gradients of every solved problem: Alt-Diff reverse mode (the solve again,"
                    + " differentiated, without polishing) against the KKT differentiator at that run's point, for a"
                    + " random v; adds the column 'grad_cos' (the cosine of the stacked gradients of q, b, h)")
    boolean gradients;

    @Option(names = "--solver", paramLabel = "auto|admm|ipm", defaultValue = "auto",
            description = "forward solver: admm (the library's ADMM), ipm (the interior-point method) or auto (ADMM for"
                    + " half the time limit, then the interior-point method for the rest on a problem ADMM left"
                    + " unsolved and not infeasible; default: ${DEFAULT-VALUE}); the column 'solver' names the one"
                    + " whose point is reported")
    String solverName;

    /** The forward solvers of {@code --solver}. */
    enum ForwardSolver { AUTO, ADMM, IPM }

    /** Cosine against KKT that counts as agreeing in the summary of {@code --gradients} (issue 5's target). */
    static final double GRADIENT_COSINE = 0.9999;

    /**
     * One problem's line of the table.
     *
     * @param polish the {@link Polish} outcome's JSON name with --polish when the solver
     *               returned a solution to which it applied, else null
     * @param gradientCosine with --gradients, the cosine between Alt-Diff's and the KKT differentiator's
     *               gradient (q, b, h stacked) for a solved problem; NaN when not checked
     */
    record Row(String name, int n, int rows, int p, int m, String status, int iterations, double seconds,
               double objective, double reference, double relativeError, boolean ok, String note, String polish,
               double gradientCosine, String solver) {
        Row(String name, int n, int rows, int p, int m, String status, int iterations, double seconds,
            double objective, double reference, double relativeError, boolean ok, String note) {
            this(name, n, rows, p, m, status, iterations, seconds, objective, reference, relativeError, ok, note, null,
                    Double.NaN, null);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings;
        MpsFormat layout;
        Pattern filter;
        ForwardSolver forward;
        try {
            forward = ForwardSolver.valueOf(solverName.toUpperCase(Locale.ROOT));
            settings = solver.settings();
            layout = MpsFormat.valueOf(format.toUpperCase(Locale.ROOT));
            filter = include == null ? null : Pattern.compile(include);
        } catch (IllegalArgumentException e) { // includes PatternSyntaxException
            throw new ParameterException(spec.commandLine(), "bad option value: " + e.getMessage());
        }
        double timeLimit = settings.timeLimit();
        if (!(timeLimit > 0)) {
            throw new ParameterException(spec.commandLine(), "--time-limit must be > 0 for maros, got " + timeLimit);
        }
        if (!(accuracy > 0)) {
            throw new ParameterException(spec.commandLine(), "--accuracy must be > 0, got " + accuracy);
        }
        long budget = memoryLimitMb != null ? memoryLimitMb * 1024 * 1024 : Runtime.getRuntime().maxMemory() / 2;
        if (budget <= 0) {
            throw new ParameterException(spec.commandLine(), "--memory-limit must be > 0, got " + memoryLimitMb);
        }
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), "not a folder: " + dir);
        }
        LinearAlgebra la = solver.backend();
        Path csv = reference;
        if (csv == null && !noReference && Files.isRegularFile(dir.resolve("optimal.csv"))) {
            csv = dir.resolve("optimal.csv");
        }
        ReferenceValues refs = null;
        if (csv != null && !noReference) {
            try {
                refs = ReferenceValues.read(csv);
            } catch (IOException | MpsParseException e) {
                throw new ParameterException(spec.commandLine(), "cannot read --reference " + csv + ": " + e.getMessage());
            }
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(MarosCommand::isProblemFile)
                    .filter(f -> filter == null || filter.matcher(baseName(f)).find())
                    .sorted((a, b) -> baseName(a).compareTo(baseName(b)))
                    .toList();
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot list " + dir + ": " + e);
        }
        out.printf(Locale.ROOT, "# altdiff maros %s: %d problems; backend %s, rho %s, truncation %s, tol %s,"
                        + " max-iter %d, time limit %s s per problem, memory limit %d MB, reference %s, solver %s%s%n",
                dir, files.size(), la.name(), settings.rho(), solver.truncation, settings.tolerance(),
                settings.maxIterations(), timeLimit, budget / (1024 * 1024), refs == null ? "none" : csv,
                forward.name().toLowerCase(Locale.ROOT), (settings.polish() ? ", polish" : "") + (settings.adaptiveRho() ? ", adaptive rho" : "")
                        + (settings.scaling() > 0 ? ", scaling " + settings.scaling() : ""));
        out.flush();
        Table table = new Table(out, markdown, settings.polish(), gradients);
        table.header();
        List<Row> rows = new ArrayList<>();
        for (Path file : files) {
            Row row = solve(file, layout, settings, forward, la, budget, refs);
            rows.add(row);
            table.row(row);
        }
        table.end();
        List<String> notes = new ArrayList<>();
        for (Row r : rows) {
            if (r.note() != null) {
                notes.add(r.name() + ": " + r.note());
            }
        }
        if (!notes.isEmpty()) {
            out.println();
            out.println("notes:");
            notes.forEach(n -> out.println("  " + n));
        }
        out.println();
        out.println(summary(rows, refs != null, accuracy));
        out.println(solverSummary(rows));
        if (settings.polish()) {
            out.println(polishSummary(rows));
        }
        if (gradients) {
            out.println(gradientSummary(rows));
        }
        out.flush();
        return ExitCode.OK;
    }

    static boolean isProblemFile(Path f) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(f) && (name.endsWith(".qps") || name.endsWith(".mps"));
    }

    static String baseName(Path f) {
        String name = f.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name).toLowerCase(Locale.ROOT);
    }

    /**
     * Bytes the dense problem needs at its peak, estimated: the builder's arrays, the problem's own
     * copy and the backend's copies (P, A, Aᵀ, G, Gᵀ, H and its factor).
     */
    static long denseBytes(QpConversion.Shape s) {
        long n = s.n();
        long pn = (long) s.p() * n;
        long mn = (long) s.m() * n;
        long pp = s.quadratic() ? n * n : 0;
        return 8L * (3 * pp + 4 * (pn + mn) + 2 * n * n);
    }

    private Row solve(Path file, MpsFormat layout, Settings settings, ForwardSolver forward, LinearAlgebra la,
                      long budget, ReferenceValues refs) {
        String name = baseName(file);
        double ref = Double.NaN;
        if (refs != null) {
            Optional<Double> found = refs.lookup(file);
            if (found.isPresent()) {
                ref = found.get();
            }
        }
        MpsModel model;
        try {
            model = MpsReader.read(file, layout);
        } catch (IOException | MpsParseException e) {
            return new Row(name, 0, 0, 0, 0, "parse_error", 0, 0, Double.NaN, ref, Double.NaN, false, e.getMessage());
        }
        QpConversion.Shape shape = QpConversion.shape(model);
        int n = shape.n();
        int fileRows = model.rows();
        // large and mostly zero: nothing n×n is formed (on a backend with sparse matrices; others read it dense)
        boolean sparse = la.supportsSparse() && QpConversion.prefersSparse(model);
        long bytes = denseBytes(shape);
        if (!sparse && bytes > budget) {
            return new Row(name, n, fileRows, shape.p(), shape.m(), "too_large", 0, 0, Double.NaN, ref, Double.NaN,
                    false, String.format(Locale.ROOT, "dense matrices need about %d MB, over the memory limit of %d MB",
                    bytes / (1024 * 1024), budget / (1024 * 1024)));
        }
        long t0 = System.nanoTime();
        try {
            MpsProblem problem = QpConversion.convert(model, sparse ? QpConversion.Storage.SPARSE
                    : QpConversion.Storage.DENSE);
            MpsModel kept = gradients && sparse ? model : null; // the gradient check's KKT reference is dense
            model = null; // the sparse model is no longer needed
            Solved solved = solve(problem.problem(), settings, forward, la);
            Solution solution = solved.solution();
            double seconds = elapsed(t0);
            double objective = problem.fileObjective(solution.objective());
            double err = Double.isNaN(ref) || !Double.isFinite(objective) ? Double.NaN
                    : ReferenceValues.relativeError(objective, ref);
            boolean isSolved = solution.status() == dev.altdiff.api.Status.SOLVED;
            boolean ok = isSolved && (refs == null || err <= accuracy);
            String polished = solution.polish() == Polish.NOT_REQUESTED ? null : solution.polish().jsonName();
            double cosine = Double.NaN;
            String note = null;
            if (gradients && isSolved) {
                // the recorded run: x, λ, ν̃ and the mask per iteration, K·(n + p + 2m) doubles (K of this
                // run; the differentiated run may take more, and running out of memory there is caught below)
                long doubles = (long) solution.iterations() * (n + shape.p() + 2L * shape.m());
                if (8 * doubles > budget / 4) {
                    note = "gradients not checked: the trajectory needs " + 8 * doubles / (1024 * 1024) + " MB";
                } else if (sparse && bytes > budget / 4) {
                    note = "gradients not checked: the KKT reference needs the dense blocks, "
                            + bytes / (1024 * 1024) + " MB";
                } else {
                    try {
                        // Alt-Diff's own differentiated run with the same settings, unpolished (the KKT
                        // reference is taken at that run's point, as Alt-Diff's gradient): not capped at this
                        // run's K, which early polishing may have ended long before the iterate reached ε
                        cosine = gradientCosine(sparse ? QpConversion.convert(kept).problem() : problem.problem(),
                                settings.withPolish(false), la, name.hashCode());
                    } catch (RuntimeException e) { // the solve stands; the check says why it has no number
                        note = "gradient check failed: " + e.getMessage();
                    } catch (OutOfMemoryError e) {
                        note = "gradient check ran out of memory (the recorded run needs " + 8 * doubles / (1024 * 1024)
                                + " MB)";
                    }
                }
            }
            if (solved.admm() != null) { // auto: the interior-point method's point, after ADMM's run
                String admm = "admm: " + solved.admm().status().jsonName() + " after " + solved.admm().iterations()
                        + " iterations";
                note = note == null ? admm : admm + "; " + note;
            }
            return new Row(name, n, fileRows, shape.p(), shape.m(), solution.status().jsonName(),
                    solution.iterations(), seconds, objective, ref, err, ok, note, polished, cosine, solved.solver());
        } catch (InvalidProblemException e) {
            return new Row(name, n, fileRows, shape.p(), shape.m(), "invalid", 0, elapsed(t0), Double.NaN, ref,
                    Double.NaN, false, e.getMessage());
        } catch (OutOfMemoryError e) {
            return new Row(name, n, fileRows, shape.p(), shape.m(), "out_of_memory", 0, elapsed(t0), Double.NaN, ref,
                    Double.NaN, false, "out of memory (raise -Xmx through ALTDIFF_JAVA_OPTS or lower --memory-limit)");
        } catch (RuntimeException e) {
            return new Row(name, n, fileRows, shape.p(), shape.m(), "error", 0, elapsed(t0), Double.NaN, ref,
                    Double.NaN, false, e.toString());
        }
    }

    /**
     * A forward solve: the solution reported, the name of the solver that produced it, and, when
     * {@link ForwardSolver#AUTO} handed the problem on to the interior-point method, ADMM's solution (else null).
     */
    record Solved(Solution solution, String solver, Solution admm) {
    }

    /**
     * The forward solve of {@code --solver}, without trajectory. AUTO: ADMM with half the time limit; a
     * problem it leaves neither solved nor infeasible goes to the interior-point method with the time that is
     * left, whose point is reported if it is solved (else ADMM's).
     */
    static Solved solve(QuadraticProgram problem, Settings settings, ForwardSolver forward, LinearAlgebra la) {
        if (forward == ForwardSolver.IPM) {
            return new Solved(InteriorPoint.solve(problem, settings), "ipm", null);
        }
        long t0 = System.nanoTime();
        Settings first = forward == ForwardSolver.AUTO ? settings.withTimeLimit(settings.timeLimit() / 2) : settings;
        Solution admm = Admm.solveForward(problem, first, la); // the run's data let go before the residuals
        dev.altdiff.api.Status status = admm.status();
        double left = settings.timeLimit() - elapsed(t0);
        if (forward == ForwardSolver.ADMM || status == dev.altdiff.api.Status.SOLVED
                || status == dev.altdiff.api.Status.PRIMAL_INFEASIBLE || status == dev.altdiff.api.Status.DUAL_INFEASIBLE
                || !(left > 0)) {
            return new Solved(admm, "admm", null);
        }
        Solution ipm = InteriorPoint.solve(problem, settings.withTimeLimit(left));
        return ipm.status() == dev.altdiff.api.Status.SOLVED ? new Solved(ipm, "ipm", admm)
                : new Solved(admm, "admm", null);
    }

    /** @return "solver: admm A, ipm I" (which solver's point each row reports; problems never solved count none) */
    static String solverSummary(List<Row> rows) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Row r : rows) {
            if (r.solver() != null) {
                counts.merge(r.solver(), 1, Integer::sum);
            }
        }
        StringBuilder s = new StringBuilder("solver:");
        counts.forEach((k, v) -> s.append(' ').append(k).append(' ').append(v).append(','));
        if (!counts.isEmpty()) {
            s.setLength(s.length() - 1);
        }
        return s.toString();
    }

    /**
     * Runs Alt-Diff (reverse mode) on the problem with the settings (capped at the iterations of the
     * capped run, so both make the same iterations) and compares its gradient for a random v
     * (uniform in [−½, ½), seeded) with the KKT differentiator's at the returned point.
     *
     * @return the cosine of the two gradients (∂ℓ/∂q, ∂ℓ/∂b, ∂ℓ/∂h), each block stacked into one vector
     *     (a single cosine, so a block that is exactly zero at the KKT point, e.g. ∂ℓ/∂h with no active row,
     *     does not turn into a cosine of rounding noise)
     */
    static double gradientCosine(QuadraticProgram problem, Settings settings, LinearAlgebra la, long seed) {
        DifferentiableSolution altdiff = AltDiff.differentiator(AltDiffDifferentiator.NAME)
                .solve(problem, settings, la);
        Solution s = altdiff.solution();
        double[] v = new Random(seed).doubles(problem.n()).map(u -> u - 0.5).toArray();
        Gradients g = altdiff.backward(v);
        Gradients reference = KktDifferentiator.at(problem, s.x(), s.lambda(), s.nu(), la).backward(v);
        return PaperDemo.cosine(concat(g), concat(reference));
    }

    /** @return (∂ℓ/∂q, ∂ℓ/∂b, ∂ℓ/∂h) as one vector (absent blocks left out) */
    private static double[] concat(Gradients g) {
        return java.util.stream.Stream.of(g.q(), g.b(), g.h()).filter(java.util.Objects::nonNull)
                .flatMapToDouble(Arrays::stream).toArray();
    }

    /** @return "gradients: C checked, A with cosine ≥ 0.9999 against KKT, smallest cosine X" */
    static String gradientSummary(List<Row> rows) {
        long checked = rows.stream().filter(r -> !Double.isNaN(r.gradientCosine())).count();
        long agree = rows.stream().filter(r -> r.gradientCosine() >= GRADIENT_COSINE).count();
        double min = rows.stream().mapToDouble(Row::gradientCosine).filter(c -> !Double.isNaN(c)).min()
                .orElse(Double.NaN);
        return String.format(Locale.ROOT, "gradients: %d checked, %d with cosine >= %s against kkt, smallest cosine %s",
                checked, agree, GRADIENT_COSINE, Double.isNaN(min) ? "-" : String.format(Locale.ROOT, "%.8f", min));
    }

    private static double elapsed(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The summary: "solved K of N within E relative objective error" and the count of each status. */
    static String summary(List<Row> rows, boolean withReference, double accuracy) {
        long ok = rows.stream().filter(Row::ok).count();
        Map<String, Integer> byStatus = new TreeMap<>();
        for (Row r : rows) {
            byStatus.merge(r.status(), 1, Integer::sum);
        }
        StringBuilder s = new StringBuilder();
        if (withReference) {
            s.append(String.format(Locale.ROOT, "solved %d of %d within %s relative objective error", ok, rows.size(),
                    formatAccuracy(accuracy)));
            long solvedStatus = rows.stream().filter(r -> r.status().equals("solved")).count();
            if (solvedStatus > ok) {
                s.append(String.format(Locale.ROOT, " (%d more stopped as solved but outside it)", solvedStatus - ok));
            }
        } else {
            s.append(String.format(Locale.ROOT, "solved %d of %d (solver status; no reference values)", ok, rows.size()));
        }
        s.append(System.lineSeparator()).append("statuses:");
        byStatus.forEach((k, v) -> s.append(' ').append(k).append(' ').append(v).append(','));
        s.setLength(s.length() - 1);
        return s.toString();
    }

    /** @return "polish: accepted A, rejected R, failed F, not applied N" (not applied: no solution, an
     *     infeasibility status, or a problem that did not reach the solver) */
    static String polishSummary(List<Row> rows) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String k : List.of("accepted", "rejected", "failed", "not applied")) {
            counts.put(k, 0);
        }
        for (Row r : rows) {
            counts.merge(r.polish() == null ? "not applied" : r.polish(), 1, Integer::sum);
        }
        StringBuilder s = new StringBuilder("polish:");
        counts.forEach((k, v) -> s.append(' ').append(k).append(' ').append(v).append(','));
        s.setLength(s.length() - 1);
        return s.toString();
    }

    private static String formatAccuracy(double e) {
        String plain = Double.toString(e);
        return plain.replace("E", "e").replace(".0e", "e");
    }

    /** Prints the rows as they come, aligned or as Markdown. */
    private static final class Table {
        private static final String[] HEAD = {"name", "n", "rows", "p", "m", "status", "iter", "time_s", "objective",
                "reference", "rel_err", "ok"};
        private static final String FORMAT = "%-10s %6s %6s %6s %6s %-14s %8s %8s %16s %16s %9s %3s";
        private final PrintWriter out;
        private final boolean markdown;
        /** Whether to add the columns "polish" and "grad_cos". */
        private final boolean polish;
        private final boolean gradients;
        private final String format;
        private final String[] head;

        Table(PrintWriter out, boolean markdown, boolean polish, boolean gradients) {
            this.out = out;
            this.markdown = markdown;
            this.polish = polish;
            this.gradients = gradients;
            this.format = FORMAT + (polish ? " %-8s" : "") + (gradients ? " %11s" : "") + " %-6s%n";
            this.head = Stream.concat(Arrays.stream(HEAD), Stream.of(polish ? Stream.of("polish") : Stream.<String>empty(),
                    gradients ? Stream.of("grad_cos") : Stream.<String>empty(), Stream.of("solver")).flatMap(x -> x))
                    .toArray(String[]::new);
        }

        void header() {
            if (markdown) {
                out.println("| " + String.join(" | ", head) + " |");
                out.println("|" + "---|".repeat(head.length));
            } else {
                out.printf(Locale.ROOT, format, (Object[]) head);
            }
            out.flush();
        }

        void row(Row r) {
            Object[] base = {r.name(), r.n(), r.rows(), r.p(), r.m(), r.status(), r.iterations(),
                    String.format(Locale.ROOT, "%.2f", r.seconds()), number(r.objective(), "%.8e"),
                    number(r.reference(), "%.8e"), number(r.relativeError(), "%.1e"), r.ok() ? "yes" : "no"};
            List<Object> cells = new ArrayList<>(Arrays.asList(base));
            if (polish) {
                cells.add(r.polish() == null ? "-" : r.polish());
            }
            if (gradients) {
                cells.add(number(r.gradientCosine(), "%.8f"));
            }
            cells.add(r.solver() == null ? "-" : r.solver());
            if (markdown) {
                StringBuilder s = new StringBuilder("|");
                for (Object c : cells) {
                    s.append(' ').append(c).append(" |");
                }
                out.println(s);
            } else {
                out.printf(Locale.ROOT, format, cells.toArray());
            }
            out.flush();
        }

        void end() {
            out.flush();
        }

        private static String number(double v, String format) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
        }
    }
}
