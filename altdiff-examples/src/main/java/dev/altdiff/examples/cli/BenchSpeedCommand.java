package dev.altdiff.examples.cli;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.examples.bench.LayerBench;
import dev.altdiff.examples.bench.SpeedBench;
import dev.altdiff.examples.demo.PaperDemo;
import dev.altdiff.examples.io.QpJson;
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
 * {@code altdiff bench-speed [--backend NAME] [--preset default|paper] [--sizes ...] [--batches ...]}:
 * per phase the time, the model's FLOP count and the fraction of this machine's measured dgemm rate
 * ({@link SpeedBench}).
 */
@Command(name = "bench-speed", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = SolverOptions.Defaults.class,
        description = {"Speed against the arithmetic: per phase (set-up, forward iterations, backward) the median"
                + " time of warm calls, the FLOPs of the phase's model and the fraction of this machine's measured"
                + " dgemm rate, on the paper's dense QPs (single problems) and the classification layer (shared"
                + " batches, set-up reused between minibatches). Every row names its preset."})
final class BenchSpeedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SolverOptions solver;

    @Option(names = "--sizes", paramLabel = "NxPxM[,...]", defaultValue = "1000x500x200,2000x1000x500",
            description = "single dense problems of the paper's draw (default: ${DEFAULT-VALUE}; empty: none)")
    String sizes;

    @Option(names = "--layer-size", paramLabel = "NxPxM", defaultValue = LayerBench.DEFAULT_SIZE,
            description = "the classification layer's size (default: ${DEFAULT-VALUE})")
    String layerSize;

    @Option(names = "--batches", paramLabel = "B[,...]", defaultValue = LayerBench.DEFAULT_BATCHES,
            description = "the layer's batch sizes (default: ${DEFAULT-VALUE}; empty: none)")
    String batches;

    @Option(names = "--problem", paramLabel = "FILE",
            description = "also time this altdiff-qp/1 problem (e.g. the one ../shared/tools/oracle_time.py writes, so"
                    + " that the comparator and this layer run on the identical draw); a FILE.grad.json beside it"
                    + " (q, b, h) is compared with the gradients")
    String problemFile;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "5",
            description = "timed warm calls per case, the median is shown (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "" + SpeedBench.WARMUP_SECONDS,
            description = "seconds of untimed calls before each case is timed (beside the one or two untimed calls"
                    + " every case makes): the layer warm, as in a training loop (default: ${DEFAULT-VALUE})")
    double warmup;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<PaperDemo.Size> singles;
        PaperDemo.Size layer;
        List<Integer> batchList;
        Settings settings;
        LinearAlgebra la;
        try {
            singles = sizes.isBlank() ? List.of() : PaperDemo.Size.parseList(sizes);
            List<PaperDemo.Size> layers = PaperDemo.Size.parseList(layerSize);
            if (layers.size() != 1) {
                throw new IllegalArgumentException("--layer-size takes one size, got " + layers.size());
            }
            layer = layers.get(0);
            batchList = batches.isBlank() ? List.of() : LayerBench.parseBatches(batches);
            if (repeats < 1) {
                throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);
            }
            if (!(warmup >= 0) || Double.isInfinite(warmup)) {
                throw new IllegalArgumentException("--warmup must be a finite number of seconds >= 0, got " + warmup);
            }
            settings = solver.settings();
            la = solver.backend();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        String preset = solver.presetName().equals("command defaults") ? "default" : solver.presetName();
        out.printf("bench-speed: backend %s, preset %s (%s), %d warm repeats, %d threads%n", la.name(), preset,
                settings, repeats, Runtime.getRuntime().availableProcessors());
        SpeedBench.Rates rates = SpeedBench.rates(la);
        List<SpeedBench.Case> cases = new java.util.ArrayList<>();
        if (problemFile != null) {
            QuadraticProgram problem = QpJson.readProblem(problemFile);
            java.nio.file.Path grad = java.nio.file.Path.of(problemFile.replaceFirst("\\.json$", "") + ".grad.json");
            cases.add(SpeedBench.single(la, problem, java.nio.file.Path.of(problemFile).getFileName().toString(),
                    settings, preset, repeats, warmup, java.nio.file.Files.isRegularFile(grad) ? reference(grad) : null));
        }
        cases.addAll(SpeedBench.run(la, singles, layer, batchList, settings, preset, repeats, warmup));
        SpeedBench.print(out, la.name(), rates, cases);
        return ExitCode.OK;
    }

    /** @return the gradients of q, b, h in a reference file ({"q": [...], "b": [...], "h": [...]}) */
    private Gradients reference(java.nio.file.Path file) {
        try {
            com.fasterxml.jackson.databind.JsonNode tree = QpJson.WRITER.readTree(file.toFile());
            return new Gradients(null, vector(tree.get("q")), null, vector(tree.get("b")), null, vector(tree.get("h")));
        } catch (java.io.IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static double[] vector(com.fasterxml.jackson.databind.JsonNode node) {
        double[] out = new double[node == null ? 0 : node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asDouble();
        }
        return out;
    }
}
