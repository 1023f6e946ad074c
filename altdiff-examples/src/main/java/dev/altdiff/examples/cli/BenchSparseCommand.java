package dev.altdiff.examples.cli;

import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.examples.bench.SparseBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code altdiff bench-sparse [--sizes 1000,...] [--tolerance E] [--rho R] [--repeats R] [--seed S] [--backend NAME]}:
 * time and memory of the sparse path against n at fixed nonzeros per row (see {@link SparseBench}).
 */
@Command(name = "bench-sparse", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = SolverOptions.Defaults.class,
        description = {"Scaling of sparse problems: banded-local QPs (P with 5 nonzeros per row; n/10 equality and"
                + " n/10 inequality rows with 5 nonzeros in a window of 10 variables) solved by Alt-Diff with a sparse"
                + " factorization of H, then one reverse-mode gradient.",
                "Prints n, nnz, factor nnz, iterations, setup/forward/backward time, peak memory and the ratios to"
                        + " the previous row."})
final class BenchSparseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SolverOptions solver;

    @Option(names = "--sizes", paramLabel = "N[,...]", defaultValue = SparseBench.DEFAULT_SIZES,
            description = "numbers of variables (default: ${DEFAULT-VALUE})")
    String sizes;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "1",
            description = "runs per size, the best times are shown (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() {
        List<Integer> sizeList;
        Settings settings;
        LinearAlgebra la;
        try {
            sizeList = SparseBench.parseSizes(sizes);
            if (repeats < 1) {
                throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);
            }
            settings = solver.settings();
            la = solver.backend();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (!la.supportsSparse()) {
            throw new ParameterException(spec.commandLine(), "--backend " + solver.backendName() + " has no sparse matrices;"
                    + " use ojalgo");
        }
        SparseBench.print(spec.commandLine().getOut(), la, settings, repeats,
                SparseBench.run(la, settings, sizeList, seed, repeats));
        return ExitCode.OK;
    }
}
