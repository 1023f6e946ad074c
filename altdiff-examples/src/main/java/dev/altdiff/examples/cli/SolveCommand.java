package dev.altdiff.examples.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Differentiator;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Limits;
import dev.altdiff.api.NotDifferentiableException;
import dev.altdiff.api.UnsupportedOptionException;
import dev.altdiff.api.Polish;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.TooLargeException;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.DifferentiableProgramSolution;
import dev.altdiff.api.objective.ProgramDifferentiator;
import dev.altdiff.api.objective.ObjectiveGradients;
import dev.altdiff.core.AltDiff;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.core.GeneralAltDiff;
import dev.altdiff.core.GeneralAltDiffDifferentiator;
import dev.altdiff.core.Vectors;
import dev.altdiff.examples.io.InvalidInputException;
import dev.altdiff.examples.io.InputFiles;
import dev.altdiff.examples.io.MpsFormat;
import dev.altdiff.examples.io.MpsProblem;
import dev.altdiff.examples.io.ProblemFiles;
import dev.altdiff.examples.io.QpJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code altdiff solve FILE [--backend NAME] [--method altdiff|kkt] [--mode reverse|forward] [--tol T]
 * [--rho R] [--max-iter K] [--dx VFILE|ones] [--polish] [--adaptive-rho] [--scaling N]
 * [--mps-format auto|fixed|free]}: solves one problem file (JSON, or MPS/QPS by its extension, see
 * {@link ProblemFiles}) and prints one JSON object on
 * standard output (the contract is in docs/cli.md, section "altdiff solve contract"). For an MPS/QPS
 * file the object also holds "name", "objective_sense", "objective_constant" (c0 = −RHS of the
 * objective row) and "objective_total" (the file's objective c0 + cᵀx + ½xᵀQx at x).
 * Exit status ({@link ExitCode}): 0 solved, 3 any other solver status, 2 invalid input (with
 * {@code {"status":"invalid_input","error":"…"}} on standard output and the message on standard
 * error; {@code "too_large"} for an input or a run beyond the limits of {@code docs/robustness.md}:
 * the file size {@code --max-input-bytes}, array sizes, the run's memory estimate
 * {@link Limits#require}), 1 internal error (e.g. a non-finite number in the result, which is never
 * printed) or out of memory ({@code "out_of_memory"}, see {@link AltdiffCommand}).
 */
@Command(name = "solve", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = SolverOptions.Defaults.class,
        description = "Solve a QP file (JSON format altdiff-qp/1, or MPS/QPS by the extension .mps/.qps)"
                + " and print one JSON object with the solution"
                + " and, with --dx, the gradient of l(x) = v'x for the blocks the method supports.",
        exitCodeListHeading = ExitCode.HEADING,
        exitCodeList = {ExitCode.OK_LINE, ExitCode.FAILURE_LINE, ExitCode.INVALID_INPUT_LINE, ExitCode.NOT_SOLVED_LINE})
final class SolveCommand implements Callable<Integer>, UsageErrorReport {
    @Spec
    CommandSpec spec;

    @Mixin
    SolverOptions solver;

    @Parameters(index = "0", paramLabel = "FILE",
            description = "problem file: JSON (format altdiff-qp/1), or MPS/QPS when it ends in .mps or .qps")
    String file;

    @Option(names = "--method", paramLabel = "NAME", defaultValue = "altdiff",
            description = "differentiator: altdiff or kkt, or any other on the class path (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--mode", paramLabel = "reverse|forward",
            description = "Alt-Diff only: reverse (all six blocks, the default) or forward (the paper's Jacobian"
                    + " recursion; q, b, h)")
    String mode;

    @Option(names = "--dx", paramLabel = "VFILE|ones",
            description = "upstream gradient v = dl/dx: a JSON array of n numbers, or 'ones' for v = 1")
    String dx;

    @Option(names = "--mps-format", paramLabel = "auto|fixed|free", defaultValue = "auto",
            description = "layout of an MPS/QPS file (default: ${DEFAULT-VALUE}: free, else fixed)")
    String mpsFormat;

    @Option(names = "--max-input-bytes", paramLabel = "BYTES",
            description = "size limit of the problem file and the --dx file; a larger file, or one that is not a"
                    + " regular file, is refused before it is read (default: the system property "
                    + InputFiles.MAX_BYTES_PROPERTY + ", else 1 GiB)")
    Long maxInputBytes;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectNode result;
        Status status;
        Settings settings = solver.settings(); // a bad value is a usage error (exit 2, JSON error object)
        if (("kkt".equals(method) || "kkt-ipm".equals(method)) && !solver.given("--polish")) {
            // the KKT gradient is the exact derivative at the returned point: polish it unless told not to
            settings = settings.withPolish(true);
        }
        try {
            long maxBytes = maxInputBytes();
            LinearAlgebra la = solver.backend();
            ProblemFiles.Loaded loaded = ProblemFiles.read(file, mpsFormat(), maxBytes);
            if (loaded.program() != null) {
                return solveGeneral(out, loaded.program(), settings, la, maxBytes);
            }
            Differentiator differentiator = differentiator();
            QuadraticProgram problem = loaded.problem();
            double[] v = null;
            if (dx != null) {
                v = "ones".equals(dx) ? ones(problem.n()) : QpJson.readVector(dx, maxBytes);
                Vectors.checkUpstream(v, problem.n());
            }
            Limits.require(problem, settings, v == null ? Limits.Gradient.NONE : gradient(differentiator));
            long t0 = System.nanoTime();
            // no upstream gradient: the forward pass only (Alt-Diff keeps no trajectory)
            DifferentiableSolution solved = v == null ? null : differentiator.solve(problem, settings, la);
            Solution solution = solved == null ? differentiator.solveForward(problem, settings, la) : solved.solution();
            if (solution.status() == Status.NUMERICAL_ERROR) { // nothing finite to print
                return error(out, err, ExitCode.NOT_SOLVED, Status.NUMERICAL_ERROR.jsonName(), "the iterates stopped"
                        + " being finite after " + solution.iterations() + " iterations (badly scaled data? try"
                        + " --scaling, or another --rho)", null);
            }
            long t1 = System.nanoTime();
            Gradients gradients = v == null ? null : solved.backward(v);
            long t2 = System.nanoTime();
            status = solution.status();
            result = toJson(solution, gradients, (t1 - t0) / 1e6, v == null ? Double.NaN : (t2 - t1) / 1e6);
            if (loaded.mps() != null) {
                MpsProblem mps = loaded.mps();
                result.put("name", mps.name());
                result.put("objective_sense", mps.maximize() ? "max" : "min");
                result.put("objective_constant", finite(mps.objectiveConstant(), "objective_constant"));
                result.put("objective_total", finite(mps.fileObjective(solution.objective()), "objective_total"));
            }
        } catch (TooLargeException e) {
            return error(out, err, ExitCode.INVALID_INPUT, "too_large", e.getMessage(), null);
        } catch (InvalidProblemException | InvalidInputException | ParameterException e) {
            return error(out, err, ExitCode.INVALID_INPUT, "invalid_input", e.getMessage(), null);
        } catch (NonFiniteException e) {
            return error(out, err, ExitCode.FAILURE, "internal_error",
                    "internal error: the result has a non-finite value at " + e.getMessage(), null);
        } catch (NotDifferentiableException e) { // a property of the solution, not a failure of the program
            return error(out, err, ExitCode.NOT_SOLVED, "not_differentiable", e.getMessage(), null);
        } catch (UnsupportedOptionException e) { // e.g. --method kkt, --mode forward or a dense-only backend, sparse
            return error(out, err, ExitCode.INVALID_INPUT, "invalid_input", e.getMessage(), null);
        } catch (RuntimeException e) {
            return error(out, err, ExitCode.FAILURE, "internal_error", "internal error: " + e, e);
        }
        write(out, result);
        return status == Status.SOLVED ? ExitCode.OK : ExitCode.NOT_SOLVED;
    }

    /**
     * A general program (JSON "objective"), differentiated by the {@link ProgramDifferentiator} of
     * --method (altdiff: the Newton x-step in reverse mode; kkt: the implicit reference at the ADMM
     * solution); the gradient keys are the objective's parameter block (e.g. "y") and "b", "h", "A", "G".
     */
    private int solveGeneral(PrintWriter out, ConvexProgram program, Settings settings, LinearAlgebra la,
                             long maxBytes) {
        ProgramDifferentiator differentiator = lookup("method", () -> AltDiff.programDifferentiator(method));
        if (mode != null && !mode.equals("reverse")) {
            throw new InvalidInputException("a general objective supports --mode reverse only");
        }
        for (String qpOnly : new String[] {"--polish", "--alpha", "--sigma", "--x-step"}) {
            if (solver.given(qpOnly)) {
                throw new InvalidInputException(qpOnly + " applies to QPs only, not to a general objective");
            }
        }
        double[] v = null;
        if (dx != null) {
            v = "ones".equals(dx) ? ones(program.n()) : QpJson.readVector(dx, maxBytes);
            Vectors.checkUpstream(v, program.n());
        }
        boolean kkt = differentiator.name().equals(dev.altdiff.kkt.KktDifferentiator.NAME);
        Limits.require(program, settings, v == null ? Limits.Gradient.NONE
                : kkt ? Limits.Gradient.KKT : Limits.Gradient.REVERSE);
        long t0 = System.nanoTime();
        DifferentiableProgramSolution solved = null;
        Solution solution;
        if (v == null && differentiator instanceof GeneralAltDiffDifferentiator) {
            solution = GeneralAltDiff.solveOnly(program, settings, la); // no gradient asked: no trajectory
        } else {
            solved = differentiator.solve(program, settings, la);
            solution = solved.solution();
        }
        long t1 = System.nanoTime();
        boolean failed = solution.status() == Status.NUMERICAL_ERROR; // no gradient of a failed run
        ObjectiveGradients g = v == null || failed ? null : solved.backward(v);
        long t2 = System.nanoTime();
        ObjectNode result = toJson(solution, null, (t1 - t0) / 1e6, Double.NaN);
        result.put("objective_type", program.objective().type());
        if (g != null) {
            ObjectNode grad = result.putObject("grad");
            grad.set(program.objective().parameterName(), array(g.theta(), "grad.theta"));
            if (g.b() != null) {
                grad.set("b", array(g.b(), "grad.b"));
            }
            if (g.h() != null) {
                grad.set("h", array(g.h(), "grad.h"));
            }
            if (g.A() != null) {
                grad.set("A", matrix(g.A(), "grad.A"));
            }
            if (g.G() != null) {
                grad.set("G", matrix(g.G(), "grad.G"));
            }
            ((ObjectNode) result.get("time_ms")).put("backward", finite((t2 - t1) / 1e6, "time_ms.backward"));
        }
        write(out, result);
        return solution.status() == Status.SOLVED ? ExitCode.OK : ExitCode.NOT_SOLVED;
    }

    /** @return what the run records for the gradient of this differentiator (for {@link Limits#require}) */
    private static Limits.Gradient gradient(Differentiator differentiator) {
        if (differentiator instanceof AltDiffDifferentiator altdiff) {
            return altdiff.mode() == AltDiffDifferentiator.Mode.FORWARD ? Limits.Gradient.FORWARD
                    : Limits.Gradient.REVERSE;
        }
        return differentiator.name().equals(dev.altdiff.kkt.KktDifferentiator.NAME)
                ? Limits.Gradient.KKT : Limits.Gradient.NONE;
    }

    private long maxInputBytes() {
        if (maxInputBytes == null) {
            return InputFiles.defaultMaxBytes();
        }
        if (maxInputBytes <= 0) {
            throw new InvalidInputException("bad option value: --max-input-bytes must be > 0, got " + maxInputBytes);
        }
        return maxInputBytes;
    }

    private MpsFormat mpsFormat() {
        try {
            return MpsFormat.valueOf(mpsFormat.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("bad option value: --mps-format must be auto, fixed or free, got "
                    + mpsFormat, e);
        }
    }

    private Differentiator differentiator() {
        Differentiator found = lookup("method", () -> AltDiff.differentiator(method));
        if (mode == null) {
            return found;
        }
        if (!AltDiffDifferentiator.NAME.equals(method)) {
            throw new InvalidInputException("--mode applies to --method altdiff only, not " + method);
        }
        return switch (mode) {
            case "reverse" -> new AltDiffDifferentiator(AltDiffDifferentiator.Mode.REVERSE);
            case "forward" -> new AltDiffDifferentiator(AltDiffDifferentiator.Mode.FORWARD);
            default -> throw new InvalidInputException("bad option value: --mode must be reverse or forward, got " + mode);
        };
    }

    private static <T> T lookup(String what, java.util.function.Supplier<T> find) {
        try {
            return find.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("unknown --" + what + ": " + e.getMessage(), e);
        }
    }

    private static double[] ones(int n) {
        double[] v = new double[n];
        Arrays.fill(v, 1.0);
        return v;
    }

    /** A usage error is invalid input: the JSON error object, exit 2. */
    @Override
    public int reportUsageError(ParameterException e) {
        return error(e.getCommandLine().getOut(), e.getCommandLine().getErr(), ExitCode.INVALID_INPUT, "invalid_input",
                "usage: " + e.getMessage(), null);
    }

    /** Prints {"status":…,"error":…} on standard output and the message on standard error. */
    static int error(PrintWriter out, PrintWriter err, int exitCode, String status, String message, Throwable cause) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("status", status);
        json.put("error", message == null ? "(no message)" : message);
        write(out, json);
        err.println("altdiff solve: " + message);
        if (cause != null) {
            cause.printStackTrace(err);
        }
        err.flush();
        return exitCode;
    }

    /** Writes the object, with its arrays' numbers, straight to out (no string of the whole output), and a newline. */
    private static void write(PrintWriter out, ObjectNode json) {
        try {
            OUTPUT.writeValue(out, json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON", e);
        }
        out.println();
        out.flush();
    }

    /** {@link QpJson#WRITER}, leaving the output open. */
    private static final ObjectWriter OUTPUT = QpJson.WRITER.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    /** @param backwardMs NaN when there is no backward pass */
    static ObjectNode toJson(Solution s, Gradients g, double forwardMs, double backwardMs) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("status", s.status().jsonName());
        json.put("iterations", s.iterations());
        json.put("objective", finite(s.objective(), "objective"));
        json.set("x", array(s.x(), "x"));
        json.set("lambda", array(s.lambda(), "lambda"));
        json.set("nu", array(s.nu(), "nu"));
        ObjectNode residuals = json.putObject("residuals");
        residuals.put("primal", finite(s.primalResidual(), "residuals.primal"));
        residuals.put("dual", finite(s.dualResidual(), "residuals.dual"));
        if (s.polish() != Polish.NOT_REQUESTED) { // requested and applicable (never for infeasibility statuses)
            json.put("polish", s.polish().jsonName());
        }
        if (s.certificate() != null) { // primal: (lambda, nu); dual: x (see Certificate)
            ObjectNode certificate = json.putObject("certificate");
            if (s.certificate().x() != null) {
                certificate.set("x", array(s.certificate().x(), "certificate.x"));
            } else {
                certificate.set("lambda", array(s.certificate().lambda(), "certificate.lambda"));
                certificate.set("nu", array(s.certificate().nu(), "certificate.nu"));
            }
        }
        if (g != null) {
            ObjectNode grad = json.putObject("grad");
            if (g.q() != null) {
                grad.set("q", array(g.q(), "grad.q"));
            }
            if (g.b() != null) {
                grad.set("b", array(g.b(), "grad.b"));
            }
            if (g.h() != null) {
                grad.set("h", array(g.h(), "grad.h"));
            }
            if (g.P() != null) {
                grad.set("P", matrix(g.P(), "grad.P"));
            }
            if (g.A() != null) {
                grad.set("A", matrix(g.A(), "grad.A"));
            }
            if (g.G() != null) {
                grad.set("G", matrix(g.G(), "grad.G"));
            }
        }
        ObjectNode time = json.putObject("time_ms");
        time.put("forward", finite(forwardMs, "time_ms.forward"));
        if (g != null) {
            time.put("backward", finite(backwardMs, "time_ms.backward"));
        }
        return json;
    }

    /** @return the values as one JSON array node, after checking that they are finite (no copy, no node per number) */
    private static JsonNode array(double[] values, String where) {
        for (int i = 0; i < values.length; i++) {
            finite(values[i], where, i);
        }
        return JsonNodeFactory.instance.pojoNode(new Numbers(values, null));
    }

    /** @return the rows as one JSON array of arrays, after checking that they are finite (no copy) */
    private static JsonNode matrix(double[][] rows, String where) {
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows[i].length; j++) {
                if (!Double.isFinite(rows[i][j])) { // the location's string only for the value refused, not per entry
                    finite(rows[i][j], where + "[" + i + "]", j);
                }
            }
        }
        return JsonNodeFactory.instance.pojoNode(new Numbers(null, rows));
    }

    /** A checked vector or matrix, written number by number when the output is written. */
    private record Numbers(double[] values, double[][] rows) implements JsonSerializable {
        @Override public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
            if (values != null) {
                gen.writeArray(values, 0, values.length);
                return;
            }
            gen.writeStartArray(rows, rows.length);
            for (double[] row : rows) {
                gen.writeArray(row, 0, row.length);
            }
            gen.writeEndArray();
        }

        /** No type information is ever written for the output (no default typing): the array as is. */
        @Override public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer type)
                throws IOException {
            serialize(gen, serializers);
        }
    }

    private static double finite(double value, String where, int index) {
        if (!Double.isFinite(value)) {
            throw new NonFiniteException(where + "[" + index + "] (" + value + ")");
        }
        return value;
    }

    private static double finite(double value, String where) {
        if (!Double.isFinite(value)) {
            throw new NonFiniteException(where + " (" + value + ")");
        }
        return value;
    }

    /** A NaN or infinity in the output: never printed as a JSON number. */
    static final class NonFiniteException extends RuntimeException {
        NonFiniteException(String where) {
            super(where);
        }
    }
}
