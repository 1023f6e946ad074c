package dev.altdiff.examples;

import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiff;
import picocli.CommandLine.Command;
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
 * numerical experiment, one table per size (see {@link PaperDemo}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The paper's dense-QP experiment: random P = Z'Z, q, A, b, G, h ~ N(0,1); Alt-Diff at"
                + " tolerance 1e-3 and 1e-6 against the implicit KKT reference (tight forward solve).",
                "Columns: iterations, forward and backward time (backward: gradient of 1'x), relative error of x,"
                        + " cosine similarity of d(1'x)/db and d(1'x)/dq with KKT's."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "ojalgo",
            description = "linear algebra backend (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--sizes", paramLabel = "NxPxM[,...]", defaultValue = PaperDemo.DEFAULT_SIZES,
            description = "problem sizes: n variables x p equalities x m inequalities (default: ${DEFAULT-VALUE})")
    String sizes;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<PaperDemo.Size> sizeList;
        LinearAlgebra la;
        try {
            sizeList = PaperDemo.Size.parseList(sizes);
            la = AltDiff.backend(backend);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        long start = System.nanoTime();
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
        return 0;
    }
}
