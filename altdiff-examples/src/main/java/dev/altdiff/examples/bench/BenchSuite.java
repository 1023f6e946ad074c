package dev.altdiff.examples.bench;

import dev.altdiff.api.Block;
import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Differentiator;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.ObjectiveGradients;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.core.AltDiffSolution;
import dev.altdiff.core.GeneralAltDiff;
import dev.altdiff.examples.demo.EntropyDemo;
import dev.altdiff.examples.demo.PaperDemo;
import dev.altdiff.kkt.GeneralKktSolution;
import dev.altdiff.testkit.EntropyProblem;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.RandomQp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The paper's numerical experiments as a benchmark ({@code altdiff bench}): for each problem
 * family and size, the implicit KKT differentiator (the reference, at a point found by
 * {@link BenchReference}) and Alt-Diff in reverse mode (all blocks) and in forward mode (the paper's
 * Jacobian recursion) at each truncation tolerance, each measured by a {@link Trial}; the entropy
 * family (a general objective) has KKT and reverse mode only. The backward pass is the gradient of
 * ℓ = 1ᵀx (v = 1; for sparsemax ℓ = vᵀx, see {@link Family#upstream}). Errors are against the KKT
 * row of the same problem: relative error of x, of the Jacobian ∂x/∂b (forward mode, which forms it),
 * of ∂ℓ/∂b, and the cosine similarity of ∂ℓ/∂b, ∂ℓ/∂q (entropy: ∂ℓ/∂y), ∂ℓ/∂h.
 */
public final class BenchSuite {
    private BenchSuite() {
    }

    /** The problem families. */
    public enum Family {
        /** The paper's dense QP: P = ZᵀZ, Z standard normal; q, A, b, G, h standard normal. */
        PAPER("paper", "dense random QP, P = Z'Z (Z n x n standard normal); q, A, b, G, h standard normal"),
        /** The same draws with P = ZᵀZ/n + I (condition number about 5). */
        WELLCOND("wellcond", "dense random QP, P = Z'Z/n + I (well conditioned); q, A, b, G, h standard normal"),
        /**
         * The sparsemax projection: minimize ½‖x − z‖² subject to 1ᵀx = 1, 0 ≤ x ≤ 1 with z standard
         * normal (P = I, q = −z, one equality, 2n inequalities).
         */
        SPARSEMAX("sparsemax", "sparsemax projection: min 1/2 |x - z|^2 s.t. 1'x = 1, 0 <= x <= 1, z standard normal;"
                + " the loss is l = v'x with v standard normal (1'x = 1 is constant here, so its gradients w.r.t."
                + " q and h vanish)"),
        /**
         * The paper's negative-entropy problem ({@link EntropyProblem}, planted draw): minimize
         * −yᵀx + Σ xᵢ log xᵢ subject to Ax = b, Gx ≤ h. A general objective: its parameter block θ is y,
         * whose gradient the report's "q" columns hold. KKT and Alt-Diff reverse mode only.
         */
        ENTROPY("entropy", "negative entropy: min -y'x + sum x log x s.t. Ax = b, Gx <= h; y ~ U[0,1), A, G standard"
                + " normal, b = Ax0, h = Gx0 + |N(0,1)| (planted x0 > 0, the demo's draw). The objective's parameter"
                + " is y, so the 'grad q' column holds dl/dy. No forward mode (Alt-Diff's general forward mode is one"
                + " direction per pass). KKT: implicit differentiation at a Newton-polished ADMM point (see the"
                + " notes)");

        final String id;
        final String description;

        Family(String id, String description) {
            this.id = id;
            this.description = description;
        }

        /** @throws IllegalArgumentException for an unknown name */
        public static Family parse(String name) {
            for (Family f : values()) {
                if (f.id.equalsIgnoreCase(name.strip())) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown family '" + name.strip()
                    + "': expected paper, wellcond, sparsemax or entropy");
        }

        /** The family's size for n variables where the size is fixed by the family (sparsemax: p = 1, m = 2n). */
        static PaperDemo.Size sparsemaxSize(int n) {
            return new PaperDemo.Size(n, 1, 2 * n);
        }

        /**
         * The upstream gradient v = ∂ℓ/∂x of the backward pass: 1 (ℓ = 1ᵀx, the paper's choice) for the
         * dense families; for sparsemax, where 1ᵀx = 1 is constant, a standard normal v drawn from seed + 1.
         */
        double[] upstream(int n, long seed) {
            if (this == SPARSEMAX) {
                return Gaussian.vector(new Random(seed + 1), n);
            }
            double[] v = new double[n];
            Arrays.fill(v, 1.0);
            return v;
        }

        /** The family's problem of this size, drawn from the seed. */
        QuadraticProgram problem(LinearAlgebra la, PaperDemo.Size size, long seed) {
            return switch (this) {
                case PAPER -> PaperDemo.dense(la, size, seed, false);
                case WELLCOND -> PaperDemo.dense(la, size, seed, true);
                case SPARSEMAX -> RandomQp.sparsemax(size.n(), seed);
                case ENTROPY -> throw new IllegalStateException("entropy is not a QP: see entropyProblem");
            };
        }

        /** The entropy family's problem of this size, drawn from the seed (the demo's generator). */
        static ConvexProgram entropyProblem(PaperDemo.Size size, long seed) {
            return EntropyProblem.generate(seed, size.n(), size.p(), size.m(), EntropyProblem.Draw.PLANTED);
        }
    }

    /** The differentiation methods. */
    public enum Method {
        /** Implicit differentiation of the KKT conditions at a tight ADMM solution (the reference). */
        KKT("kkt", "KKT"),
        /** Alt-Diff, reverse mode: one adjoint sweep, gradients of all six blocks. */
        REVERSE("reverse", "Alt-Diff reverse"),
        /** Alt-Diff, forward mode: the full Jacobians w.r.t. q, b, h by the paper's recursion. */
        FORWARD("forward", "Alt-Diff forward");

        final String id;
        final String label;

        Method(String id, String label) {
            this.id = id;
            this.label = label;
        }
    }

    /**
     * What to run.
     *
     * @param families      problem families, in this order
     * @param sizes         sizes of the dense families (paper, wellcond)
     * @param sparsemaxN    numbers of variables of the sparsemax family
     * @param entropySizes  sizes of the entropy family
     * @param tolerances    Alt-Diff truncation tolerances ε
     * @param la            the backend
     * @param entropyLa     the backend of the entropy family (see {@code altdiff bench --entropy-backend})
     * @param seed          random seed of the problems
     * @param warmups       untimed passes per trial
     * @param repeats       timed passes per trial (medians are reported)
     * @param forwardLimit  forward mode runs only while p + m ≤ this
     * @param forwardMaxIterations forward mode runs at a tolerance only where reverse mode (same
     *                      forward pass, run first) stopped within this many iterations: the
     *                      recursion costs K(p+m)³
     * @param adaptiveRho   whether the Alt-Diff rows of the QP families adapt ρ ({@link Settings#adaptiveRho()});
     *                      else the paper's fixed ρ = 1 (the entropy family always runs with ρ = 1)
     */
    public record Config(List<Family> families, List<PaperDemo.Size> sizes, List<Integer> sparsemaxN,
                  List<PaperDemo.Size> entropySizes, List<Double> tolerances, LinearAlgebra la, LinearAlgebra entropyLa,
                  long seed, int warmups, int repeats, int forwardLimit, int forwardMaxIterations,
                  boolean adaptiveRho) {
        public Config {
            java.util.Objects.requireNonNull(entropyLa, "entropyLa");
            if (warmups < 0) {
                throw new IllegalArgumentException("--warmups must be >= 0, got " + warmups);
            }
            if (repeats < 1) {
                throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);
            }
            if (families.isEmpty() || tolerances.isEmpty()) {
                throw new IllegalArgumentException("need at least one family and one tolerance");
            }
            families = List.copyOf(families);
            sizes = List.copyOf(sizes);
            sparsemaxN = List.copyOf(sparsemaxN);
            entropySizes = List.copyOf(entropySizes);
            tolerances = List.copyOf(tolerances);
        }

        /**
         * @return the (family, size) cases in run order: by n, then in the order of {@link #families}, so
         *         that an interrupted run has covered every family at the smaller sizes
         */
        public List<Case> cases() {
            List<Case> out = new ArrayList<>();
            for (Family f : families) {
                if (f == Family.SPARSEMAX) {
                    sparsemaxN.forEach(n -> out.add(new Case(f, Family.sparsemaxSize(n))));
                } else if (f == Family.ENTROPY) {
                    entropySizes.forEach(s -> out.add(new Case(f, s)));
                } else {
                    sizes.forEach(s -> out.add(new Case(f, s)));
                }
            }
            out.sort(java.util.Comparator.comparingInt(c -> c.size().n())); // stable: family order within an n
            return out;
        }

        /** @return whether forward mode runs on this problem (never on entropy, see {@link Family#ENTROPY}) */
        boolean forwardMode(Case c) {
            return c.family() != Family.ENTROPY && c.size().p() + c.size().m() <= forwardLimit;
        }

        /** @return the number of trials the whole suite runs (for progress reporting) */
        public int trials() {
            return cases().stream().mapToInt(c -> 1 + tolerances.size() * (forwardMode(c) ? 2 : 1)).sum();
        }
    }

    /** One problem of the suite. */
    public record Case(Family family, PaperDemo.Size size) {
        @Override public String toString() { return family.id + " " + size; }
    }

    /**
     * One row of the results: a method at a tolerance on one problem. Times are medians (ms);
     * errors are against the KKT row of the same problem (NaN where not applicable: the KKT row
     * itself, a block the problem lacks, the Jacobian in reverse mode).
     *
     * @param tolerance     the truncation tolerance ε (for KKT: its forward solve's residual tolerance)
     * @param status        the solver status, or "failed: …" when the method threw
     * @param relErrJacB    ‖J − J_KKT‖_F / ‖J_KKT‖_F for J = ∂x/∂b (forward mode only)
     * @param relErrGradB   ‖g − g_KKT‖₂ / ‖g_KKT‖₂ for g = ∂ℓ/∂b (ℓ = 1ᵀx, see {@link Family#upstream})
     * @param cosQ          cosine of ∂ℓ/∂q; for {@link Family#ENTROPY} of ∂ℓ/∂y, its objective's parameter
     */
    record Row(Family family, PaperDemo.Size size, Method method, double tolerance, String status, int iterations,
               double forwardMs, double backwardMs, double peakRssMb, double workingSetMb, double relErrX,
               double relErrJacB, double relErrGradB, double cosB, double cosQ, double cosH) {
        double totalMs() {
            return forwardMs + backwardMs;
        }
    }

    /** Told of the suite's progress. */
    public interface Progress {
        /** Before each trial (and once with done = total at the end), for a progress display. */
        void trial(int done, int total, String what);

        /** After each problem, with the results so far ({@link Result#complete()} false until the last). */
        default void caseFinished(Result soFar) {
        }
    }

    /**
     * The suite's outcome, or its results so far.
     *
     * @param notes       what was left out and why, and failures, one line each
     * @param seconds     wall time since the start, including the warm-up
     * @param loadBefore  the system load average (1 min) at the start, negative where unavailable
     * @param loadAfter   the same at the end (or now)
     * @param casesDone   problems finished, of {@code config.cases().size()}
     */
    public record Result(Config config, List<Row> rows, List<String> notes, double seconds, double loadBefore,
                  double loadAfter, int casesDone) {
        public boolean complete() {
            return casesDone == config.cases().size();
        }
    }

    /** Runs a small untimed pass of every method (JIT warm-up), then the suite. */
    public static Result run(Config config, Progress progress) {
        double loadBefore = loadAverage();
        long start = System.nanoTime();
        warmUp(config);
        List<Row> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int total = config.trials();
        int[] done = {0};
        Result result = null;
        List<Case> cases = config.cases();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            runCase(config, c, rows, notes, (what) -> progress.trial(done[0]++, total, c + " " + what));
            result = new Result(config, List.copyOf(rows), List.copyOf(notes), (System.nanoTime() - start) / 1e9,
                    loadBefore, loadAverage(), i + 1);
            if (i + 1 < cases.size()) {
                progress.caseFinished(result);
            }
        }
        progress.trial(total, total, "done");
        return result;
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void warmUp(Config config) {
        PaperDemo.Size small = new PaperDemo.Size(40, 10, 10);
        QuadraticProgram qp = Family.PAPER.problem(config.la(), small, config.seed() + 1);
        double[] ones = Family.PAPER.upstream(small.n(), config.seed());
        for (Method method : Method.values()) {
            Trial.run(differentiator(method), settings(config, method, 1e-4), qp, config.la(), ones, 0, 1);
        }
        if (config.families().contains(Family.ENTROPY)) {
            ConvexProgram entropy = Family.entropyProblem(small, config.seed() + 1);
            GeneralAltDiff.Solved solved = GeneralAltDiff.solve(entropy, PaperDemo.altDiffSettings(1e-4),
                    config.entropyLa());
            solved.backward(ones);
            new GeneralKktSolution(entropy, BenchReference.generalSolution(entropy, EntropyDemo.REFERENCE,
                    config.entropyLa()), config.entropyLa()).backward(ones);
        }
    }

    private static void runCase(Config config, Case c, List<Row> rows, List<String> notes,
                                java.util.function.Consumer<String> started) {
        if (c.family() == Family.ENTROPY) {
            runEntropyCase(config, c, rows, notes, started);
            return;
        }
        PaperDemo.Size size = c.size();
        LinearAlgebra la = config.la();
        QuadraticProgram qp = c.family().problem(la, size, config.seed());
        double[] v = c.family().upstream(size.n(), config.seed());
        started.accept("KKT");
        Measured ref;
        try {
            ref = measure(config, Method.KKT, PaperDemo.REFERENCE, qp, v);
        } catch (RuntimeException e) {
            referenceFailed(config, c, rows, notes, started, e);
            return;
        }
        rows.add(row(c, Method.KKT, BenchReference.TOLERANCE, ref, null, null));
        notes.add(referenceNote(c, ref.trial.solution().solution(), "ADMM (adaptive rho from 1) in stages to"
                + " residuals <= 1e-4,"
                + " 1e-6, 1e-8, 1e-10, each polished; the first polished point within 1e-10"));
        boolean forward = config.forwardMode(c);
        double[][] kktJacobianB = null;
        java.util.Map<Double, Integer> reverseIterations = new java.util.HashMap<>();
        List<String> tooLong = new ArrayList<>();
        for (Method method : forward ? List.of(Method.REVERSE, Method.FORWARD) : List.of(Method.REVERSE)) {
            for (double eps : config.tolerances()) {
                started.accept(method.label + " eps=" + tol(eps));
                Integer k = reverseIterations.get(eps);
                if (method == Method.FORWARD && k != null && k > config.forwardMaxIterations()) {
                    tooLong.add(tol(eps) + " (K = " + k + ")");
                    continue;
                }
                Settings s = settings(config, method, eps);
                try {
                    Measured m = measure(config, method, s, qp, v);
                    double[][] jacobian = null;
                    if (method == Method.FORWARD && size.p() > 0) {
                        if (kktJacobianB == null) {
                            kktJacobianB = kktJacobianB(ref.trial.solution(), size.n());
                        }
                        jacobian = ((AltDiffSolution) m.trial.solution()).jacobian(Block.b);
                    }
                    rows.add(row(c, method, eps, m, ref, jacobian == null ? Double.NaN
                            : relativeError(flatten(jacobian), flatten(kktJacobianB))));
                    if (method == Method.REVERSE) {
                        reverseIterations.put(eps, m.trial.solution().solution().iterations());
                    }
                } catch (RuntimeException e) {
                    notes.add(c + ": " + method.label + " at eps=" + tol(eps) + " failed: " + e.getMessage());
                    rows.add(failed(c, method, eps, e));
                }
            }
        }
        if (!tooLong.isEmpty()) {
            notes.add(c + ": forward-mode rows left out at eps = " + String.join(", ", tooLong) + ": more than"
                    + " --forward-max-iterations " + config.forwardMaxIterations() + " (the recursion costs"
                    + " K(p+m)^3; reverse mode gives the same gradients)");
        }
        if (!forward) {
            notes.add(c + ": forward-mode rows left out: p + m = " + (size.p() + size.m()) + " > --forward-limit "
                    + config.forwardLimit() + " (its Jacobian recursion costs (p+m)^3 per iteration;"
                    + " reverse mode gives the same gradients)");
        }
    }

    /**
     * The entropy family: the KKT reference ({@link GeneralKktSolution} at the point of
     * {@link BenchReference#generalSolution}), then Alt-Diff reverse mode ({@link GeneralAltDiff}) at each
     * tolerance, each a {@link Trial} that solves anew.
     */
    private static void runEntropyCase(Config config, Case c, List<Row> rows, List<String> notes,
                                       java.util.function.Consumer<String> started) {
        PaperDemo.Size size = c.size();
        ConvexProgram problem = Family.entropyProblem(size, config.seed());
        LinearAlgebra la = config.entropyLa();
        double[] v = c.family().upstream(size.n(), config.seed());
        started.accept("KKT");
        Trial.Timed<GeneralKktSolution, ObjectiveGradients> ref;
        try {
            ref = Trial.time(() -> new GeneralKktSolution(problem, BenchReference.generalSolution(problem,
                    EntropyDemo.REFERENCE, la), la), k -> k.backward(v), config.warmups(), config.repeats());
        } catch (RuntimeException e) {
            referenceFailed(config, c, rows, notes, started, e);
            return;
        }
        Solution refSolution = ref.solution().solution();
        rows.add(entropyRow(c, Method.KKT, BenchReference.TOLERANCE, ref, refSolution, null, null));
        notes.add(referenceNote(c, refSolution, "ADMM (rho = 1, Newton x-step) to relative change <= 1e-4, then"
                + " 1e-6 (each run from zero), each polished by Newton's method on the KKT system of its active set;"
                + " the first polished point within residuals 1e-10, else ADMM to relative change <= 1e-10"));
        for (double eps : config.tolerances()) {
            started.accept(Method.REVERSE.label + " eps=" + tol(eps));
            try {
                Settings s = PaperDemo.altDiffSettings(eps);
                Trial.Timed<GeneralAltDiff.Solved, ObjectiveGradients> t = Trial.time(
                        () -> GeneralAltDiff.solve(problem, s, la), solved -> solved.backward(v), config.warmups(),
                        config.repeats());
                rows.add(entropyRow(c, Method.REVERSE, eps, t, t.solution().solution(), ref, refSolution));
            } catch (RuntimeException e) {
                notes.add(c + ": " + Method.REVERSE.label + " at eps=" + tol(eps) + " failed: " + e.getMessage());
                rows.add(failed(c, Method.REVERSE, eps, e));
            }
        }
    }

    private static Row entropyRow(Case c, Method method, double tolerance, Trial.Timed<?, ObjectiveGradients> t,
                                  Solution s, Trial.Timed<?, ObjectiveGradients> ref, Solution refSolution) {
        ObjectiveGradients g = t.gradients();
        ObjectiveGradients rg = ref == null ? null : ref.gradients();
        boolean isRef = ref == null;
        double nan = Double.NaN;
        PaperDemo.Size size = c.size();
        return new Row(c.family(), size, method, tolerance, s.status().jsonName(), s.iterations(), t.forwardMs(),
                t.backwardMs(), t.peakRssMb(), MemoryProbe.entropyWorkingSetMb(method, size.n(), size.p(), size.m(),
                s.iterations()),
                isRef ? nan : PaperDemo.relativeError(s.x(), refSolution.x()), nan,
                isRef ? nan : relativeError(g.b(), rg.b()),
                isRef ? nan : PaperDemo.cosine(g.b(), rg.b()),
                isRef ? nan : PaperDemo.cosine(g.theta(), rg.theta()),
                isRef ? nan : PaperDemo.cosine(g.h(), rg.h()));
    }

    private static void referenceFailed(Config config, Case c, List<Row> rows, List<String> notes,
                                        java.util.function.Consumer<String> started, RuntimeException e) {
        notes.add(c + ": KKT reference failed (" + e.getMessage() + "); Alt-Diff rows left out");
        rows.add(failed(c, Method.KKT, BenchReference.TOLERANCE, e));
        for (int i = 0; i < config.tolerances().size() * (config.forwardMode(c) ? 2 : 1); i++) {
            started.accept("skipped");
        }
    }

    /** A note stating how the reference point of a problem was found and how accurate it is. */
    private static String referenceNote(Case c, Solution s, String how) {
        return String.format(Locale.ROOT, "%s: KKT reference point: %s; %s after %d ADMM iterations, %s, primal"
                        + " residual %.1e, dual residual %.1e", c, how, s.status().jsonName(), s.iterations(),
                switch (s.polish()) {
                    case ACCEPTED -> "polished";
                    case NOT_REQUESTED -> "not polished";
                    default -> "polish " + s.polish().name().toLowerCase(Locale.ROOT) + ", ADMM iterate";
                }, s.primalResidual(), s.dualResidual());
    }

    /** A trial with its model working set. */
    private record Measured(Trial.Result trial, double workingSetMb) {
    }

    private static Measured measure(Config config, Method method, Settings settings, QuadraticProgram qp, double[] v) {
        Trial.Result t = Trial.run(differentiator(method), settings, qp, config.la(), v, config.warmups(),
                config.repeats());
        int iterations = t.solution().solution().iterations();
        return new Measured(t, MemoryProbe.workingSetMb(method, qp.n(), qp.p(), qp.m(), iterations));
    }

    private static Row row(Case c, Method method, double tolerance, Measured m, Measured ref, Double relErrJacB) {
        Solution s = m.trial.solution().solution();
        Gradients g = m.trial.gradients();
        boolean isRef = ref == null;
        Gradients rg = isRef ? null : ref.trial.gradients();
        double nan = Double.NaN;
        return new Row(c.family(), c.size(), method, tolerance, s.status().jsonName(), s.iterations(),
                m.trial.forwardMs(), m.trial.backwardMs(), m.trial.peakRssMb(), m.workingSetMb,
                isRef ? nan : PaperDemo.relativeError(s.x(), ref.trial.solution().solution().x()),
                relErrJacB == null ? nan : relErrJacB,
                isRef || g.b() == null || rg.b() == null ? nan : relativeError(g.b(), rg.b()),
                isRef ? nan : PaperDemo.cosine(g.b(), rg.b()),
                isRef ? nan : PaperDemo.cosine(g.q(), rg.q()),
                isRef ? nan : PaperDemo.cosine(g.h(), rg.h()));
    }

    private static Row failed(Case c, Method method, double tolerance, RuntimeException e) {
        double nan = Double.NaN;
        return new Row(c.family(), c.size(), method, tolerance, "failed: " + e.getMessage(), 0, nan, nan, nan, nan,
                nan, nan, nan, nan, nan, nan);
    }

    /** ∂x/∂b of the KKT solution, row i from the backward pass with v = e_i (n solves with one LU). */
    private static double[][] kktJacobianB(DifferentiableSolution kkt, int n) {
        double[][] j = new double[n][];
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = 1.0;
            j[i] = kkt.backward(e).b();
            e[i] = 0.0;
        }
        return j;
    }

    static Differentiator differentiator(Method method) {
        return switch (method) {
            case KKT -> new BenchReference();
            case REVERSE -> new AltDiffDifferentiator(AltDiffDifferentiator.Mode.REVERSE);
            case FORWARD -> new AltDiffDifferentiator(AltDiffDifferentiator.Mode.FORWARD);
        };
    }

    private static Settings settings(Config config, Method method, double tolerance) {
        return method == Method.KKT ? PaperDemo.REFERENCE
                : PaperDemo.altDiffSettings(tolerance).withAdaptiveRho(config.adaptiveRho());
    }

    /** ‖x − ref‖ / ‖ref‖ (see {@link PaperDemo#relativeError}); NaN for absent blocks. */
    private static double relativeError(double[] x, double[] ref) {
        return x == null || ref == null || x.length != ref.length ? Double.NaN : PaperDemo.relativeError(x, ref);
    }

    private static double[] flatten(double[][] a) {
        return Arrays.stream(a).flatMapToDouble(Arrays::stream).toArray();
    }

    /** A tolerance as written in tables and options, e.g. 1e-03. */
    static String tol(double eps) {
        return String.format(Locale.ROOT, "%.0e", eps);
    }
}
