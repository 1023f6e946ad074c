package dev.altdiff.examples.cli;

import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.examples.demo.EntropyDemo;
import dev.altdiff.examples.demo.PaperDemo;
import dev.altdiff.testkit.EntropyProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code altdiff demo [--backend NAME] [--seed S] [--sizes 200x100x50,1000x500x200]}: the paper's
 * numerical experiment, one table per size (see {@link PaperDemo}). With {@code --objective entropy}:
 * the paper's negative-entropy problem over a tolerance sweep ({@link EntropyDemo}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = SolverOptions.Defaults.class,
        description = {"The paper's dense-QP experiment: random P = Z'Z, q, A, b, G, h ~ N(0,1); Alt-Diff at"
                + " tolerance 1e-3 and 1e-6 against the implicit KKT reference (tight forward solve).",
                "Columns: iterations, forward and backward time (backward: gradient of 1'x), relative error of x,"
                        + " cosine similarity of d(1'x)/db and d(1'x)/dq with KKT's."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SolverOptions solver;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--sizes", paramLabel = "NxPxM[,...]",
            description = "problem sizes: n variables x p equalities x m inequalities (default: "
                    + PaperDemo.DEFAULT_SIZES + "; entropy: " + EntropyDemo.DEFAULT_SIZES + ")")
    String sizes;

    @Option(names = "--objective", paramLabel = "qp|entropy", defaultValue = "qp",
            description = "qp: the dense-QP experiment; entropy: -y'x + sum x log x, Alt-Diff over a tolerance"
                    + " sweep against KKT (default: ${DEFAULT-VALUE})")
    String objective;

    @Option(names = "--tolerances", paramLabel = "EPS[,...]", defaultValue = EntropyDemo.DEFAULT_TOLERANCES,
            description = "entropy: the truncation tolerances of the sweep (default: ${DEFAULT-VALUE})")
    String tolerances;

    @Option(names = "--draw", paramLabel = "planted|paper", defaultValue = "planted",
            description = "entropy: b, h from a planted x0 > 0 (feasible by construction) or N(0,1) as the"
                    + " paper's code (default: ${DEFAULT-VALUE})")
    String draw;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<PaperDemo.Size> sizeList;
        LinearAlgebra la;
        boolean entropy;
        double[] tolList;
        EntropyProblem.Draw drawMode;
        try {
            entropy = switch (objective) {
                case "qp" -> false;
                case "entropy" -> true;
                default -> throw new IllegalArgumentException("unknown objective '" + objective
                        + "': expected qp or entropy");
            };
            drawMode = switch (draw) {
                case "planted" -> EntropyProblem.Draw.PLANTED;
                case "paper" -> EntropyProblem.Draw.PAPER;
                default -> throw new IllegalArgumentException("unknown draw '" + draw + "': expected planted or paper");
            };
            sizeList = PaperDemo.Size.parseList(sizes != null ? sizes
                    : entropy ? EntropyDemo.DEFAULT_SIZES : PaperDemo.DEFAULT_SIZES);
            tolList = EntropyDemo.parseTolerances(tolerances);
            solver.usesOnly("the demo runs the paper's settings (rho = 1, relative-change rule at 1e-3 and 1e-6;"
                    + " entropy: --tolerances)", "--backend");
            la = solver.backend();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        long start = System.nanoTime();
        if (entropy) {
            // warm-up on a small problem so that the first timed row does not pay for JIT compilation
            EntropyDemo.run(la, new PaperDemo.Size(40, 10, 10), seed + 1, drawMode, new double[]{1e-4}, null);
            for (int i = 0; i < sizeList.size(); i++) {
                if (i > 0) {
                    out.println();
                }
                EntropyDemo.printHeader(out, sizeList.get(i), seed, drawMode, la.name());
                EntropyDemo.run(la, sizeList.get(i), seed, drawMode, tolList, out);
            }
            out.printf(Locale.ROOT, "%ntotal %.1f s%n", (System.nanoTime() - start) / 1e9);
            out.flush();
            return ExitCode.OK;
        }
        // warm-up on a small problem so that the first timed row does not pay for JIT compilation
        PaperDemo.run(la, new PaperDemo.Size(40, 10, 10), seed + 1);
        for (int i = 0; i < sizeList.size(); i++) {
            if (i > 0) {
                out.println();
            }
            PaperDemo.print(out, PaperDemo.run(la, sizeList.get(i), seed));
        }
        out.printf(Locale.ROOT, "%ntotal %.1f s%n", (System.nanoTime() - start) / 1e9);
        out.flush();
        return ExitCode.OK;
    }
}
