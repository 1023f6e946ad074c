package dev.altdiff.examples.bench;

import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;

import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;
import dev.altdiff.core.Admm;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.core.BatchLayer;
import dev.altdiff.core.BatchResult;
import dev.altdiff.api.linalg.JvmBlas;
import dev.altdiff.core.Equilibration;
import dev.altdiff.core.QpData;
import dev.altdiff.core.SharedBatch;
import dev.altdiff.examples.demo.PaperDemo;
import dev.altdiff.kkt.KktDifferentiator;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Speed against the arithmetic ({@code altdiff bench-speed}): per phase (set-up, forward iterations,
 * backward) the median time of warm calls, the floating-point operations of the phase's model, and the
 * rate reached as a fraction of this machine's measured dgemm rate (the backend's, and the JVM
 * kernel's that runs the iterations, {@link JvmBlas#gemm}).
 *
 * <p>The model, with c = p + m, B columns, K iterations (T = Σ_b K_b steps over the batch) and s ρ
 * switches, in flops (a multiply-add is 2):
 * <ul>
 *   <li>set-up: formed anew (the Ruiz passes included); "reused": a call with the same matrices, which
 *       reuses the scaling factors and scaled matrices kept by {@link Equilibration#of} and the set-up kept by
 *       {@link QpData#load}, and pays only the check that the matrices are the kept ones (none for the same
 *       problem object, one comparison of P, A, G otherwise), q, b, h scaled and the cost normalization
 *       replayed on q (O(passes·n));</li>
 *   <li>set-up (formed): H = P + ρ(AᵀA + GᵀG) 2n²c, the PSD check of P and the Cholesky of H n³/3 each,
 *       W = H⁻¹[Aᵀ Gᵀ] 2n²c, M = [A; G]W 2nc²; each ρ switch repeats the last three, once per set-up (the
 *       first call pays it; the timed calls reuse the switched factor, so the forward model leaves it out);</li>
 *   <li>forward: per iteration and column 2c² (z = z₀ − My; the run records y, not x), and every 10
 *       iterations the termination test's 2(n² + 2nc) with x formed twice, 4nc (the test and the
 *       infeasibility test's previous iterate);</li>
 *   <li>backward: per step and column 2c² + 2nc (r̄ = −Wȳ with [A; G]r̄ = −Mȳ), x_k = x₀ − Wy_k formed
 *       again 2nc, then the matrix gradients Σ r̄xᵀ, Σ αxᵀ + λr̄ᵀ, Σ βxᵀ + ν̃r̄ᵀ: 2T(n² + 2nc). A layer
 *       whose P, A, G are fixed data needs only the gradients of q, b, h ("bwd-qbh": the sweep,
 *       T(2c² + 2nc)).</li>
 * </ul>
 * The iterations are matrix–vector work at B = 1: their floor is memory traffic, printed as GB/s: per
 * iteration M (8c² bytes), and every 10 iterations the test's P, A and G once each (Ax with Aᵀλ in one pass)
 * and W twice, 8(n² + 3nc); in the backward M per step (and W, 8nc, when x_k is formed again).
 * Each phase's floor is the larger of its flops at the machine's best measured dgemm rate and its bytes
 * at the memory bandwidth the order-1000 gemv reaches (8 bytes per multiply-add); the table prints it and
 * the measured time's multiple of it, and a line per case sums the phases of a differentiated call whose
 * P, A, G are fixed data (reused set-up, forward, backward of q, b, h).
 */
public final class SpeedBench {
    private SpeedBench() {
    }

    /** Measured rates in GFLOP/s: the backend's dgemm, the JVM kernel's gemm and gemv. */
    public record Rates(double backendGemm, double jvmGemm, double jvmGemv) {
        /** @return the memory bandwidth in GB/s that the gemv reaches: it reads 8 bytes per multiply-add */
        public double bandwidth() {
            return 4 * jvmGemv;
        }

        /** @return the fastest measured compute rate in GFLOP/s */
        public double compute() {
            return Math.max(backendGemm, jvmGemm);
        }
    }

    /** @return the rates of an order-1000 dgemm (backend, JVM kernel) and an order-1000 gemv (JVM kernel) */
    public static Rates rates(LinearAlgebra la) {
        int n = 1000;
        Random r = new Random(1);
        double[] a = new double[n * n];
        double[] b = new double[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextGaussian();
            b[i] = r.nextGaussian();
        }
        Matrix ma = la.matrix(n, n, a);
        Matrix mb = la.matrix(n, n, b);
        Matrix mc = la.zeros(n, n);
        double flops = 2.0 * n * n * n;
        double backend = flops / best(3, () -> la.gemm(1.0, ma, false, mb, false, 0.0, mc));
        double[] c = new double[n * n];
        double jvm = flops / best(3, () -> JvmBlas.gemm(n, n, n, 1.0, a, b, 0.0, c));
        double[] x = Arrays.copyOf(b, n);
        double[] y = new double[n];
        double gemv = 2.0 * n * n * 50 / best(5, () -> {
            for (int k = 0; k < 50; k++) {
                JvmBlas.gemm(n, n, 1, 1.0, a, x, 0.0, y);
            }
        });
        return new Rates(backend / 1e9, jvm / 1e9, gemv / 1e9);
    }

    /** One phase's line: median seconds, model flops, and the bytes its iterations read (0: not memory-bound). */
    public record Phase(String name, double seconds, double flops, double bytes) {
        /** @return the phase's floor in seconds: its flops at the compute rate or its bytes at the bandwidth */
        public double floor(Rates rates) {
            return Math.max(flops / (rates.compute() * 1e9), bytes / (rates.bandwidth() * 1e9));
        }
    }

    /** The phases of one case. */
    public record Case(String name, String preset, int iterations, List<Phase> phases, String accuracy) {
    }

    /**
     * A single problem of the paper's draw: set-up (load, scale, check, factor, W and M), forward
     * iterations (recording, as a differentiated run does) and backward (the reverse sweep), each the
     * median of {@code repeats} warm calls after one untimed call and {@code warmupSeconds} of untimed calls with
     * the kept set-up ({@link #WARMUP_SECONDS}); the accuracy line compares the layer's gradients of q, b, h with the
     * KKT differentiator's (cosines).
     */
    public static Case single(LinearAlgebra la, PaperDemo.Size size, long seed, Settings settings, String preset,
                              int repeats, double warmupSeconds) {
        return single(la, PaperDemo.problem(la, size, seed), size.n() + "x" + size.p() + "x" + size.m(), settings,
                preset, repeats, warmupSeconds, null);
    }

    /**
     * As {@link #single(LinearAlgebra, PaperDemo.Size, long, Settings, String, int, double)} on a given problem; with
     * {@code reference} (e.g. the gradients of q, b, h and x that {@code oracle_time.py} wrote for the same
     * problem) the accuracy line also compares against it.
     */
    public static Case single(LinearAlgebra la, QuadraticProgram problem, String name, Settings settings,
                              String preset, int repeats, double warmupSeconds, Gradients reference) {
        int n = problem.n();
        int c = problem.p() + problem.m();
        double[] v = new double[n];
        Arrays.fill(v, 1.0);
        double[] cold = new double[repeats];
        double[] reused = new double[repeats];
        double[] forward = new double[repeats];
        double[] backward = new double[repeats];
        double[] vectorsOnly = new double[repeats];
        Admm.Run run = null;
        for (int rep = -1; rep < repeats; rep++) {
            long t0 = System.nanoTime();
            Equilibration scaling = settings.scaling() == 0 ? Equilibration.of(problem, 0)
                    : Equilibration.computed(problem, List.of(problem.q()), settings.scaling()); // not the kept factors
            new QpData(scaling.scale(problem), la, settings.rho(), settings.equalityRhoScale(), settings.sigma(), scaling).prepare(); // formed anew, not kept
            long t1 = System.nanoTime();
            QpData data = QpData.load(problem, la, settings).prepare(); // the set-up kept by the previous call
            long t2 = System.nanoTime();
            run = Admm.solve(data, settings, true);
            long t3 = System.nanoTime();
            run.gradients(v);
            long t4 = System.nanoTime();
            run.gradients(v, false);
            long t5 = System.nanoTime();
            if (rep < 0) { // warm-up: the calls with the kept set-up, untimed, for warmupSeconds
                for (long end = System.nanoTime() + (long) (warmupSeconds * 1e9); System.nanoTime() < end; ) {
                    Admm.Run warm = Admm.solve(QpData.load(problem, la, settings).prepare(), settings, true);
                    warm.gradients(v);
                    warm.gradients(v, false);
                }
            } else {
                cold[rep] = (t1 - t0) / 1e9;
                reused[rep] = (t2 - t1) / 1e9;
                forward[rep] = (t3 - t2) / 1e9;
                backward[rep] = (t4 - t3) / 1e9;
                vectorsOnly[rep] = (t5 - t4) / 1e9;
            }
        }
        int k = run.solution().iterations();
        int switches = run.segments().size() - 1;
        double nn = n;
        double factor = nn * nn * nn / 3 + 2 * nn * nn * c + 2 * nn * c * c;
        double setupFlops = 2 * nn * nn * c + (problem.hasP() ? nn * nn * nn / 3 : 0) + factor;
        double forwardFlops = forwardFlops(k, nn, c); // the switched ρ's factor is kept: formed at the first call
        double backwardFlops = backwardFlops(k, nn, c);
        double reuseFlops = 2.0 * 10 * nn; // the cost normalization replayed on q
        List<Phase> phases = List.of(new Phase("set-up", Trial.median(cold), setupFlops, 0),
                new Phase("reused", Trial.median(reused), reuseFlops, 0),
                new Phase("forward", Trial.median(forward), forwardFlops, forwardBytes(k, nn, c)),
                new Phase("backward", Trial.median(backward), backwardFlops, k * 8.0 * (c * c + nn * c)),
                new Phase("bwd-qbh", Trial.median(vectorsOnly), k * (2.0 * c * c + 2 * nn * c), k * 8.0 * c * c));
        Gradients ours = new AltDiffDifferentiator().solve(problem, settings, la).backward(v);
        Gradients exact = new KktDifferentiator().solve(problem, PaperDemo.REFERENCE.withPolish(true), la).backward(v);
        String accuracy = String.format("cos q %.7f, b %.7f, h %.7f vs KKT; status %s; %d rho switch(es)",
                PaperDemo.cosine(ours.q(), exact.q()), PaperDemo.cosine(ours.b(), exact.b()),
                PaperDemo.cosine(ours.h(), exact.h()), run.solution().status().jsonName(), switches);
        if (reference != null) {
            accuracy += String.format("; vs the reference file: cos q %.7f, b %.7f, h %.7f",
                    PaperDemo.cosine(ours.q(), reference.q()), PaperDemo.cosine(ours.b(), reference.b()),
                    PaperDemo.cosine(ours.h(), reference.h()));
        }
        return new Case(name, preset, k, phases, accuracy);
    }


    /**
     * The classification layer ({@link LayerBench#data}) as a training loop calls it: one
     * {@link BatchLayer} with fixed P, A, G and new q per minibatch, so the set-up is formed at the first
     * call and reused ({@link BatchLayer}); forward and backward medians of warm calls, after at least two calls
     * and {@code warmupSeconds} of them ({@link #WARMUP_SECONDS}).
     */
    public static Case layer(LinearAlgebra la, PaperDemo.Size size, int batch, Settings settings, String preset,
                             int repeats, double warmupSeconds) {
        LayerBench.Data fixed = LayerBench.data(size, batch, 0);
        int n = size.n();
        int c = size.p() + size.m();
        double[][] v = new double[batch][n];
        for (double[] row : v) {
            Arrays.fill(row, 1.0);
        }
        double[] forward = new double[repeats];
        double[] backward = new double[repeats];
        double[] forwardMasks = new double[repeats];
        double[] vectorsOnly = new double[repeats];
        int steps = 0;
        int maxIterations = 0;
        try (BatchLayer layer = new BatchLayer(la, settings)) {
            // warm-up (untimed): at least two calls and warmupSeconds, new q each call
            long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            int warmCalls = 0;
            while (warmCalls < 2 || System.nanoTime() < warmEnd) {
                warmCalls++;
                double[][] q = LayerBench.data(size, batch, 100 - 1 - warmCalls % 8).q();
                SharedBatch minibatch = new SharedBatch(fixed.P(), fixed.A(), fixed.G(), q, fixed.b(), fixed.h());
                layer.forward(minibatch).backward(v);
                layer.forward(minibatch, false).backward(v, false);
            }
            for (int rep = 0; rep < repeats; rep++) {
                double[][] q = LayerBench.data(size, batch, 100 + rep).q();
                SharedBatch minibatch = new SharedBatch(fixed.P(), fixed.A(), fixed.G(), q, fixed.b(), fixed.h());
                long t0 = System.nanoTime();
                BatchResult result = layer.forward(minibatch);
                long t1 = System.nanoTime();
                result.backward(v);
                long t2 = System.nanoTime();
                BatchResult masks = layer.forward(minibatch, false); // a layer learning none of P, A, G
                long t3 = System.nanoTime();
                masks.backward(v, false);
                long t4 = System.nanoTime();
                forward[rep] = (t1 - t0) / 1e9;
                backward[rep] = (t2 - t1) / 1e9;
                forwardMasks[rep] = (t3 - t2) / 1e9;
                vectorsOnly[rep] = (t4 - t3) / 1e9;
                steps = 0;
                maxIterations = 0;
                for (var solution : result.solutions()) {
                    steps += solution.iterations();
                    maxIterations = Math.max(maxIterations, solution.iterations());
                }
            }
        }
        double nn = n;
        List<Phase> phases = List.of(new Phase("forward", Trial.median(forward), forwardFlops(steps, n, c), 0),
                new Phase("backward", Trial.median(backward), backwardFlops(steps, n, c), 0),
                new Phase("fwd-qbh", Trial.median(forwardMasks), forwardFlops(steps, n, c), 0),
                new Phase("bwd-qbh", Trial.median(vectorsOnly), steps * (2.0 * c * c + 2 * nn * c), 0));
        double total = Trial.median(forward) + Trial.median(backward);
        double vectors = Trial.median(forwardMasks) + Trial.median(vectorsOnly);
        return new Case("layer " + size.n() + "x" + size.p() + "x" + size.m() + "/B=" + batch, preset, maxIterations,
                phases, String.format("%.0f samples/s forward+backward, %.0f with the gradients of q, b, h only"
                        + " (P, A, G fixed data: fwd-qbh records the masks alone, then bwd-qbh); set-up reused;"
                        + " mean %.1f iterations", batch / total,
                        batch / vectors, steps / (double) batch));
    }

    /**
     * The default seconds of untimed calls before a case is timed: the layer's code is compiled by the JIT only
     * after several seconds of calls on a 2-core machine (measured: the B = 64 layer ran about 1.7× slower after 2 s of
     * calls than after 20; at (1000, 500, 200) the median of 41 calls was 16 % below that of 7; docs/performance.md),
     * as it is in a training loop after its first hundreds of calls.
     */
    public static final double WARMUP_SECONDS = 10;

    /** @return the forward model's flops for T column-iterations (see the class comment) */
    static double forwardFlops(double steps, double n, double c) {
        return steps * 2 * c * c + steps / 10 * (2 * (n * n + 2 * n * c) + 4 * n * c);
    }

    /** @return the bytes the forward iterations of one column read from memory (see the class comment) */
    static double forwardBytes(double steps, double n, double c) {
        return steps * 8 * c * c + Math.ceil(steps / 10) * 8 * (n * n + 3 * n * c);
    }

    /** @return the backward model's flops for T column-steps (see the class comment) */
    static double backwardFlops(double steps, double n, double c) {
        return steps * (2 * c * c + 4 * n * c) + 2 * steps * (n * n + 2 * n * c);
    }

    /** Prints the rates and the cases' per-phase table. */
    public static void print(PrintWriter out, String backend, Rates rates, List<Case> cases) {
        out.printf("machine rates: %s dgemm %.1f GFLOP/s, JVM kernel gemm %.1f GFLOP/s, gemv %.1f GFLOP/s (order 1000;"
                + " %s)%n", backend, rates.backendGemm(), rates.jvmGemm(), rates.jvmGemv(), JvmBlas.kernels());
        out.printf("floor of a phase: its flops at %.1f GFLOP/s or its bytes at %.1f GB/s (the gemv's), the larger%n",
                rates.compute(), rates.bandwidth());
        out.printf("%-26s %-8s %6s  %-9s %10s %9s %9s %9s %8s %9s %7s%n", "case", "preset", "iter", "phase", "ms", "GFLOP",
                "GFLOP/s", "%dgemm", "GB/s", "floor ms", "xfloor");
        for (Case c : cases) {
            double fixedData = 0; // a differentiated call with P, A, G fixed: reused set-up, forward, bwd-qbh
            double fixedDataFloor = 0;
            for (Phase p : c.phases()) {
                double rate = p.flops() / p.seconds() / 1e9;
                double floor = p.floor(rates);
                out.printf("%-26s %-8s %6d  %-9s %10.1f %9.3g %9.2f %8.1f%% %8s %9.3g %7.2f%n", c.name(), c.preset(),
                        c.iterations(), p.name(), p.seconds() * 1e3, p.flops() / 1e9, rate,
                        100 * rate / rates.backendGemm(),
                        p.bytes() > 0 ? String.format("%.1f", p.bytes() / p.seconds() / 1e9) : "-", floor * 1e3,
                        p.seconds() / floor);
                boolean masksForward = c.phases().stream().anyMatch(q -> q.name().equals("fwd-qbh"));
                if (p.name().equals("reused") || p.name().equals("bwd-qbh")
                        || p.name().equals(masksForward ? "fwd-qbh" : "forward")) {
                    fixedData += p.seconds();
                    fixedDataFloor += floor;
                }
            }
            out.printf("%-26s %s%n", "", c.accuracy());
            out.printf("%-26s fwd+bwd of q, b, h (set-up reused): %.4g ms, floor %.4g ms: %.2fx"
                    + " the floor%n", "", fixedData * 1e3, fixedDataFloor * 1e3, fixedData / fixedDataFloor);
        }
        out.flush();
    }

    private interface Timed {
        void run();
    }

    /** @return the best of {@code repeats} timings, after one untimed call */
    private static double best(int repeats, Timed work) {
        work.run();
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            work.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    /** @return the cases for these sizes and batches */
    public static List<Case> run(LinearAlgebra la, List<PaperDemo.Size> sizes, PaperDemo.Size layerSize,
                                 List<Integer> batches, Settings settings, String preset, int repeats,
                                 double warmupSeconds) {
        List<Case> cases = new ArrayList<>();
        for (PaperDemo.Size size : sizes) {
            cases.add(single(la, size, 0, settings, preset, repeats, warmupSeconds));
        }
        for (int batch : batches) {
            cases.add(layer(la, layerSize, batch, settings, preset, repeats, warmupSeconds));
        }
        return cases;
    }
}
