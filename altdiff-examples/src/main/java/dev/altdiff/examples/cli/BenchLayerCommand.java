package dev.altdiff.examples.cli;

import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.BatchSettings;
import dev.altdiff.examples.bench.LayerBench;
import dev.altdiff.examples.demo.PaperDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code altdiff bench-layer [--backend NAME] [--size NxPxM] [--batches 1,64,128] [--tolerance E]
 * [--repeats R] [--warmup S] [--run-columns W] [--seed S]}: samples per second of the batched layer (see {@link LayerBench}).
 */
@Command(name = "bench-layer", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = SolverOptions.Defaults.class,
        description = {"Throughput of the batched Alt-Diff layer on the paper's classification layer"
                + " (P = 0.1 I; A, G, q ~ N(0,1) with A, G shared; b = A x0, h = G x0 + 1).",
                "Modes: shared (one factorization, n x B iterations), loop (single-problem layer, one sample after"
                        + " the other), per-sample (own matrices per sample, solved in parallel)."})
final class BenchLayerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SolverOptions solver;

    @Option(names = "--size", paramLabel = "NxPxM", defaultValue = LayerBench.DEFAULT_SIZE,
            description = "n variables x p equalities x m inequalities (default: ${DEFAULT-VALUE})")
    String size;

    @Option(names = "--batches", paramLabel = "B[,...]", defaultValue = LayerBench.DEFAULT_BATCHES,
            description = "batch sizes (default: ${DEFAULT-VALUE})")
    String batches;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "20",
            description = "timed calls per cell, the median is shown (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "45",
            description = "seconds of untimed calls of every cell in turn (at least one each) before the timed ones:"
                    + " the layer warm, as in a training loop (default: ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--run-columns", paramLabel = "W", defaultValue = "" + BatchSettings.RUN_COLUMNS,
            description = "the shared mode's widest ADMM run (BatchSettings.runColumns): a batch runs as ceil(B/W)"
                    + " runs in parallel; 0 = the whole batch as one run (default: ${DEFAULT-VALUE})")
    int runColumns;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PaperDemo.Size parsedSize;
        List<Integer> batchList;
        LinearAlgebra la;
        Settings settings;
        LayerBench.Timing timing;
        BatchSettings options;
        try {
            List<PaperDemo.Size> sizes = PaperDemo.Size.parseList(size);
            if (sizes.size() != 1) {
                throw new IllegalArgumentException("--size takes one size, got " + sizes.size());
            }
            parsedSize = sizes.get(0);
            batchList = LayerBench.parseBatches(batches);
            timing = new LayerBench.Timing(warmup, repeats);
            if (runColumns < 0) {
                throw new IllegalArgumentException("--run-columns must be >= 1, or 0 for one run, got " + runColumns);
            }
            options = BatchSettings.DEFAULTS.withRunColumns(runColumns == 0 ? Integer.MAX_VALUE : runColumns);
            settings = solver.settings();
            la = solver.backend();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        LayerBench.print(out, la, settings, options, parsedSize, timing,
                LayerBench.run(la, settings, options, parsedSize, batchList, seed, timing));
        return ExitCode.OK;
    }
}
