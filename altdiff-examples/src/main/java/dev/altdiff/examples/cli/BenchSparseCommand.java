package dev.altdiff.examples.cli;

import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.AltDiff;
import dev.altdiff.examples.bench.SparseBench;
import picocli.CommandLine.Command;
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
        description = {"Scaling of sparse problems: banded-local QPs (P with 5 nonzeros per row; n/10 equality and"
                + " n/10 inequality rows with 5 nonzeros in a window of 10 variables) solved by Alt-Diff with a sparse"
                + " factorization of H, then one reverse-mode gradient.",
                "Prints n, nnz, factor nnz, iterations, setup/forward/backward time, peak memory and the ratios to"
                        + " the previous row."})
final class BenchSparseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--sizes", paramLabel = "N[,...]", defaultValue = SparseBench.DEFAULT_SIZES,
            description = "numbers of variables (default: ${DEFAULT-VALUE})")
    String sizes;

    @Option(names = "--tolerance", paramLabel = "E", defaultValue = "1e-6",
            description = "truncation tolerance (relative change of x; default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--rho", paramLabel = "R", defaultValue = "1",
            description = "ADMM penalty (default: ${DEFAULT-VALUE})")
    double rho;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "1",
            description = "runs per size, the best times are shown (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "ojalgo",
            description = "linear algebra backend with sparse support (default: ${DEFAULT-VALUE})")
    String backend;

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
            settings = Settings.DEFAULTS.withTolerance(tolerance).withRho(rho);
            la = AltDiff.backend(backend);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (!la.supportsSparse()) {
            throw new ParameterException(spec.commandLine(), "--backend " + backend + " has no sparse matrices;"
                    + " use ojalgo");
        }
        SparseBench.print(spec.commandLine().getOut(), la, settings, repeats,
                SparseBench.run(la, settings, sizeList, seed, repeats));
        return 0;
    }
}
