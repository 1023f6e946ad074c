package dev.altdiff.examples.bench.jmh;

import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.Layer;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.core.AltDiff;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.RandomQp;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One full forward (ADMM, default settings) and backward (vᵀ∂x/∂θ for a random v) pass of the
 * Alt-Diff layer on the paper's problem (P = ZᵀZ, p = n/2, m = n/5).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LayerBenchmark {
    @Param({"ojalgo", "nd4j"})
    public String backend;

    @Param({"200", "1000", "2000"})
    public int n;

    private Layer layer;
    private QuadraticProgram problem;
    private double[] v;

    @Setup(Level.Trial)
    public void setUp() {
        layer = AltDiff.layer(AltDiffDifferentiator.NAME, backend, Settings.DEFAULTS);
        problem = RandomQp.paper(1, n);
        v = Gaussian.vector(new Random(3), n);
    }

    @Benchmark
    public Gradients forwardBackward() {
        DifferentiableSolution solution = layer.forward(problem);
        return solution.backward(v);
    }
}
