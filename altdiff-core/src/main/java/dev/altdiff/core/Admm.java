package dev.altdiff.core;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The forward pass: ADMM on the slack form Gx + s = h ({@code ALTDIFF.md} §2). Iteration k → k+1,
 * with x using the old s, λ, ν:
 * <pre>
 *   x⁺ = H⁻¹(−q − Aᵀλ − Gᵀν + ρAᵀb + ρGᵀ(h − s))       H = P + ρAᵀA + ρGᵀG (factored once)
 *   s⁺ = max(0, −ν/ρ − (Gx⁺ − h))
 *   λ⁺ = λ + ρ(Ax⁺ − b)
 *   ν⁺ = ν + ρ(Gx⁺ + s⁺ − h)
 * </pre>
 * Every {@link Settings#INFEASIBILITY_CHECK_INTERVAL} iterations the differences of the iterates are
 * tested for a certificate of primal or dual infeasibility ({@link Infeasibility}); a column with
 * one stops with that status and certificate.
 * With {@link Settings#adaptiveRho()} ρ is reconsidered every {@link Settings#ADAPTIVE_RHO_INTERVAL}
 * iterations by residual balancing ({@link #proposeRho}); a switch factors H again
 * ({@link QpData#withRho}), recomputes the x-step's constant part and starts a new {@link Segment}.
 * λ and ν are the unscaled multipliers, so they carry over unchanged.
 * On request (a run to be differentiated) the run records, per iteration, the mask D_k = 1[s_k &gt; 0]
 * that the Alt-Diff recursion needs and the iterates that reverse mode needs ({@link Trajectory}); a
 * forward pass alone records nothing. Every stopping rule defers to the termination test
 * ({@link Termination}): see {@link Settings} for the statuses. The x-step and the
 * products Ax⁺, Gx⁺ are one application of {@link XStep} (in its full or reduced form).
 *
 * <p><b>Batches.</b> The iteration is written once, for B problems that share P, A, G (hence H and
 * its factor) and differ in q, b, h: the iterates are n×B, p×B and m×B blocks, so every step is
 * matrix–matrix work ({@link #solveBatch}). A single problem is the batch B = 1. Each column b stops
 * on its own: K_b is the first iteration at which its truncation rule holds (or the cap), its
 * solution is the snapshot at K_b, its masks and trajectory hold the entries k ≤ K_b, and from then
 * on it is dropped from the blocks (the remaining columns are copied into narrower blocks), so
 * columns never influence each other, except that with adaptive ρ the batch switches ρ for all its
 * columns at once (on the geometric mean of their proposals): each column's run, and so its
 * gradient, is then that of its own iterations with the batch's ρ schedule. With
 * {@link Settings#polish()} each column's solution is polished as it stops ({@link Polisher}); its
 * masks and trajectory remain the run's.
 *
 * <p><b>Where the work happens.</b> The loop ({@link BatchLoop}, one method per step) holds its iterates
 * as row-major blocks in the JVM ({@link Dense}) and makes no copy into or out of a backend per
 * iteration. With the reduced x-step the iteration runs in the (p+m)-space: z = [Ax⁺; Gx⁺] = z₀ − My
 * is its one product, x⁺ = x₀ − Wy is formed only where something reads it (the termination and
 * infeasibility tests at their interval, ρ adaptation, the relative-change rule, a stopping column),
 * and a recorded run keeps y instead of x ({@link StepInputs}). The products go through
 * {@link LinearAlgebra#gemm(int, int, int, double, double[], double[], double, double[])}; the backend
 * does the set-up's level-3 work, which {@link QpData#load} keeps for later calls with the same matrices.
 */
public final class Admm {
    private Admm() {
    }

    /**
     * The outcome of one ADMM run on a single problem: the solution, the problem's matrices (with the
     * starting ρ's factor), when recorded the masks D_1..D_K and the trajectory (else an empty list and
     * null), and the ρ segments the run went through (one without {@link Settings#adaptiveRho()}; a run that
     * records nothing keeps only its last, where a continuation starts: {@link #schedule()} counts the switches).
     */
    public record Run(QpData data, Solution solution, List<boolean[]> masks, Trajectory trajectory,
                      List<Segment> segments, RhoSchedule schedule) {
        /**
         * @return the reverse-mode gradient of vᵀx_K for this (recorded) run, on the data it ran on (the
         *     scaled problem when scaling was on; {@link AltDiffSolution#backward} maps to the caller's)
         */
        public dev.altdiff.api.Gradients gradients(double[] v) {
            return gradients(v, true);
        }

        /** @return {@link #gradients(double[])}, with those of P, A, G only when asked (null otherwise) */
        public dev.altdiff.api.Gradients gradients(double[] v, boolean matrices) {
            return ReverseSweep.gradients(this, v, matrices);
        }

        /** @return the data (ρ and factor) of the run's last iteration, where a continuation starts */
        public QpData last() {
            return segments.get(segments.size() - 1).data();
        }

        /**
         * @return a start that continues this run: its final iterate and adaptive-ρ schedule (run it on
         *     {@link #last()}'s data; with iteration counts that are multiples of
         *     {@link Settings#ADAPTIVE_RHO_INTERVAL}, the continuation makes the iterations of one
         *     uninterrupted run)
         */
        public Start continuation() {
            Start start = Start.of(solution);
            return new Start(start.x(), start.s(), start.lambda(), start.nu(), schedule);
        }
    }

    /**
     * The adaptive-ρ schedule's state after a run: the switches so far and the iterations run with the
     * current ρ. A switch is considered only after at least
     * {@link Settings#ADAPTIVE_RHO_INTERVAL}·2^switches iterations with the current ρ: residual
     * balancing can oscillate (DUALC2 of the Maros–Meszaros set switched 2 107 times between 1e5 and
     * 1e6 in 200 000 iterations without this), and the doubling bounds the switches to
     * O(log K) while leaving the first ones as frequent as OSQP's.
     */
    public record RhoSchedule(int switches, int sinceSwitch) {
        /** The state of a run that has not started. */
        public static final RhoSchedule FRESH = new RhoSchedule(0, 0);

        /**
         * @return whether after {@code switches} switches and {@code since} iterations with the current
         *     ρ a switch may be considered
         */
        static boolean due(int switches, int since) {
            return since >= (long) Settings.ADAPTIVE_RHO_INTERVAL << Math.min(switches, 30);
        }

        /**
         * @return whether ρ is reconsidered before iteration k (1-based): k − 1 is a multiple of
         *     {@link Settings#ADAPTIVE_RHO_INTERVAL} and, after {@code switches} switches, the current ρ has
         *     run since iteration {@code currentFirst} for long enough ({@link #due})
         */
        static boolean reconsidered(int k, int switches, int currentFirst) {
            return (k - 1) % Settings.ADAPTIVE_RHO_INTERVAL == 0 && due(switches, k - currentFirst);
        }

        /**
         * @return whether a proposal switches ρ: it differs from the current ρ by more than
         *     {@link Settings#ADAPTIVE_RHO_TOLERANCE}× either way
         */
        static boolean departs(double rho, double proposal) {
            return proposal > rho * Settings.ADAPTIVE_RHO_TOLERANCE || proposal < rho / Settings.ADAPTIVE_RHO_TOLERANCE;
        }
    }

    /**
     * A stretch of iterations that ran with one ρ: iterations {@code first} (1-based) up to the next
     * segment's first − 1, with {@code data}'s ρ and factor of H = P + ρAᵀA + ρGᵀG. The Alt-Diff
     * recursions use, at iteration k, the ρ and factor of k's segment ({@link #at}).
     */
    public record Segment(int first, QpData data) {
        /** @return the data of iteration k (1-based) in a run's segments (ordered by first) */
        static QpData at(List<Segment> segments, int k) {
            QpData out = segments.get(0).data();
            for (Segment segment : segments) {
                if (segment.first() > k) {
                    break;
                }
                out = segment.data();
            }
            return out;
        }
    }

    /**
     * The iterates k = 1..K that the reverse sweep needs, as row-major arrays: x_k and the x-step's
     * multipliers λ̃_k = λ_{k−1} + ρ_eq(Ax_k − b) and ν̃_k = ν_{k−1} + ρ(Gx_k + s_{k−1} − h) (those its
     * Aᵀ(λ + ρ_eq(Ax − b)) and Gᵀ(ν + ρ(Gx + s − h)) terms see; λ̃_k = λ_k without over-relaxation), with
     * the run's over-relaxation α ({@link Settings#alpha()}), which the recursion's updates use.
     * With the reduced x-step, x is kept as the x-step's input y_k = [λ_{k−1}; ν_{k−1} + ρs_{k−1}]
     * ({@link StepInputs}: p + m ≤ n doubles a step, x_k = x₀ − Wy_k formed when read, in one product for a
     * run of steps), so the forward pass makes no product with W per iteration; memory
     * K·(min(n, p + m) + p + m) doubles.
     */
    public record Trajectory(List<double[]> x, List<double[]> lambda, List<double[]> nuTilde, double alpha) {
        /** @return the trajectory of a run that recorded its masks alone ({@link Recording#MASKS}): no iterates */
        static Trajectory masksOnly(double alpha) {
            return new Trajectory(List.of(), List.of(), List.of(), alpha);
        }

        /** @return whether the iterates were recorded (the gradients of P, A, G need them) */
        boolean hasIterates() {
            return !x.isEmpty();
        }
    }

    /** What a run keeps for a reverse pass. */
    public enum Recording {
        /** Nothing: a forward pass alone, in the memory of the problem and its factor. */
        NONE,
        /**
         * The masks D_k alone (m bytes per column and iteration): enough for the reverse sweep of the gradients
         * of q, b and h, which read no iterate ({@link ReverseSweep}).
         */
        MASKS,
        /** The masks and the {@link Trajectory}: every gradient, those of P, A and G included. */
        TRAJECTORY;

        /** @return {@link #TRAJECTORY} when record, else {@link #NONE} */
        static Recording of(boolean record) {
            return record ? TRAJECTORY : NONE;
        }
    }

    /**
     * x_k of a recorded column kept as the reduced x-step's inputs: x_k = x₀ − W y_k with W and x₀ those
     * of k's ρ segment. {@link #get} forms one x_k (a matrix–vector product); {@link #rows} forms a run of
     * them with one matrix–matrix product per segment. Grows while the run records; read-only after.
     */
    static final class StepInputs extends java.util.AbstractList<double[]> {
        private final List<double[]> inputs = new ArrayList<>();
        private final List<Integer> starts = new ArrayList<>(); // 1-based first iteration of each segment
        private final List<QpData> data = new ArrayList<>(); // each segment's: its x-step, formed when read
        private final List<double[]> bases = new ArrayList<>(); // x₀ of each segment
        private final List<double[]> offsets = new ArrayList<>(); // ζ = z₀ − [b; h] of each segment

        /**
         * Starts a segment at iteration k (1-based) with its data (whose x-step {@link #rows} reads), this column's
         * x₀ and ζ = z₀ − [b; h] (z₀ = [A; G]x₀), the offset of the x-step's multipliers: [λ̃_k; ν̃_k] = y_k +
         * D(ζ − My_k). The data, not the x-step, are kept: the run lets go of a segment's set-up when it leaves it
         * ({@link QpData#release}).
         */
        void segment(int k, QpData segmentData, double[] x0, double[] zeta) {
            starts.add(k);
            data.add(segmentData);
            bases.add(x0);
            offsets.add(zeta);
        }

        /** Appends the next step's input y_k. */
        @Override public boolean add(double[] y) {
            return inputs.add(y);
        }

        @Override public int size() {
            return inputs.size();
        }

        @Override public double[] get(int index) {
            double[] out = new double[bases.get(0).length];
            rows(index, 1, out, 0);
            return out;
        }

        /** Writes x_k for k = from..from+count−1 (0-based) as consecutive rows of out from row offset. */
        void rows(int from, int count, double[] out, int offset) {
            int n = bases.get(0).length;
            int k = from;
            while (k < from + count) {
                int segment = segmentOf(k + 1);
                int end = segment + 1 < starts.size() ? Math.min(from + count, starts.get(segment + 1) - 1)
                        : from + count;
                int width = end - k;
                int c = inputs.get(k).length;
                double[] y = new double[c * width];
                double[] x0 = new double[n * width];
                double[] base = bases.get(segment);
                for (int j = 0; j < width; j++) {
                    double[] yj = inputs.get(k + j);
                    for (int i = 0; i < c; i++) {
                        y[i * width + j] = yj[i];
                    }
                    for (int i = 0; i < n; i++) {
                        x0[i * width + j] = base[i];
                    }
                }
                double[] x = new double[n * width];
                data.get(segment).xStep().formX(y, width, x0, x);
                for (int j = 0; j < width; j++) {
                    for (int i = 0; i < n; i++) {
                        out[(offset + k - from + j) * n + i] = x[i * width + j];
                    }
                }
                k = end;
            }
        }

        /** @return the number of ρ segments this column's steps went through */
        int segments() {
            return starts.size();
        }

        /** @return the 1-based first iteration of segment s */
        int segmentStart(int s) {
            return starts.get(s);
        }

        /** @return x₀ of segment s (read only) */
        double[] base(int s) {
            return bases.get(s);
        }

        /** @return ζ = z₀ − [b; h] of segment s (read only) */
        double[] offset(int s) {
            return offsets.get(s);
        }

        /** @return the input y_k of step k (0-based; read only) */
        double[] input(int k) {
            return inputs.get(k);
        }

        private int segmentOf(int iteration) {
            int out = 0;
            for (int i = 0; i < starts.size(); i++) {
                if (starts.get(i) <= iteration) {
                    out = i;
                }
            }
            return out;
        }
    }

    /**
     * A starting iterate (x₀, s₀, λ₀, ν₀) of lengths n, m, p, m (a warm start) and, when it continues
     * a run ({@link Run#continuation()}), that run's adaptive-ρ schedule (null: a fresh schedule). The
     * Alt-Diff recursion treats it as a constant: its tangents start at zero whatever the start.
     */
    public record Start(double[] x, double[] s, double[] lambda, double[] nu, RhoSchedule schedule) {
        /** A start with a fresh adaptive-ρ schedule. */
        public Start(double[] x, double[] s, double[] lambda, double[] nu) {
            this(x, s, lambda, nu, null);
        }

        /** @return whether the start fits a problem with these dimensions and is finite */
        public boolean fits(int n, int p, int m) {
            return x.length == n && s.length == m && lambda.length == p && nu.length == m
                    && Vectors.finite(x) && Vectors.finite(s) && Vectors.finite(lambda) && Vectors.finite(nu);
        }

        /** @return the final iterate of a solution as a start */
        public static Start of(Solution solution) {
            return new Start(solution.x().clone(), solution.s().clone(), solution.lambda().clone(),
                    solution.nu().clone());
        }
    }

    /**
     * One column of a batch run: its solution (snapshot at K_b), masks D_1..D_{K_b}, trajectory (or
     * null), the ρ segments of iterations 1..K_b (unrecorded: the last only) and the adaptive-ρ schedule's state at K_b.
     */
    public record Column(Solution solution, List<boolean[]> masks, Trajectory trajectory, List<Segment> segments,
                         RhoSchedule schedule) {
    }

    /** The outcome of a batch run: the shared matrices and factor, and one {@link Column} per problem. */
    public record BatchRun(QpData data, List<Column> columns) {
    }

    /**
     * Loads the problem into the backend, factors H and runs ADMM without recording the trajectory.
     * With {@link Settings#scaling()} &gt; 0 the run is made on the equilibrated problem
     * ({@link Equilibration}): {@link Run#solution()}, {@link Run#x()}, {@link Run#lambda()} and
     * {@link Run#nu()} are mapped back to this problem, while {@link Run#data()} and the masks are
     * the scaled problem's.
     */
    public static Run solve(QuadraticProgram problem, Settings settings, LinearAlgebra la) {
        QpData data = QpData.load(problem, la, settings);
        Equilibration scaling = data.scaling;
        Run run = solve(data, settings, false);
        if (scaling.isOff()) {
            return run;
        }
        Solution s = scaling.unscale(run.solution(), problem);
        return new Run(run.data(), s, run.masks(), run.trajectory(), run.segments(), run.schedule());
    }

    /**
     * The solution of {@link #solve(QuadraticProgram, Settings, LinearAlgebra)} alone, mapped back to this problem
     * after the run's data (the scaled problem, its factors and x-steps) are let go: the final residuals on the
     * caller's problem then do not add to the run's memory.
     */
    public static Solution solveForward(QuadraticProgram problem, Settings settings, LinearAlgebra la) {
        ScaledSolution scaled = scaledSolution(problem, settings, la);
        return scaled.scaling().unscale(scaled.solution(), problem);
    }

    /** A run's solution of the problem it ran on, and the equilibration that maps it back to the caller's. */
    private record ScaledSolution(Solution solution, Equilibration scaling) {
    }

    /** @return the solution of a run on the loaded (equilibrated) problem; nothing else of the run is kept */
    private static ScaledSolution scaledSolution(QuadraticProgram problem, Settings settings, LinearAlgebra la) {
        QpData data = QpData.load(problem, la, settings);
        return new ScaledSolution(solve(data, settings, false).solution(), data.scaling);
    }

    /**
     * Runs ADMM from zero on already loaded data (whose ρ must equal the settings' ρ, unless ρ is
     * adaptive: then it is the starting ρ). The data are taken as they are: {@link Settings#scaling()}
     * is applied by the entry points that load a problem ({@link #solve(QuadraticProgram, Settings,
     * LinearAlgebra)}, {@link AltDiffDifferentiator}, {@link BatchLayer}), which pass the equilibrated
     * data here.
     *
     * @param record whether to keep the masks and the {@link Trajectory} (Alt-Diff needs them; a forward
     *               pass alone does not, and then keeps memory at the problem's own)
     */
    public static Run solve(QpData d, Settings settings, boolean record) {
        return solve(d, settings, record, null);
    }

    /**
     * Runs ADMM on already loaded data from the given start (null: from zero), as the batch B = 1.
     *
     * @param record whether to keep the masks and the {@link Trajectory} (Alt-Diff needs them; a forward
     *               pass alone does not, and then keeps memory at the problem's own)
     */
    public static Run solve(QpData d, Settings settings, boolean record, Start start) {
        BatchRun batch = solveBatch(d, d.q, d.b, d.h, start == null ? null : Arrays.asList(start), settings,
                Recording.of(record));
        Column c = batch.columns().get(0);
        Solution s = c.solution();
        LinearAlgebra la = d.la;
        return new Run(d, s, c.masks(), c.trajectory(), c.segments(), c.schedule());
    }

    /**
     * Runs ADMM on B problems that share d's P, A, G (and the factor of H) and have their own q, b, h.
     * d's own q, b, h are not used.
     *
     * @param q      n×B, column b is sample b's q
     * @param b      p×B (null when p = 0)
     * @param h      m×B (null when m = 0)
     * @param starts null (all from zero) or B entries, each null (from zero) or a start that
     *               {@link Start#fits} the problem
     * @param recording what each column keeps for a reverse pass: nothing, its masks, or its masks and
     *                  {@link Trajectory}
     * @return one column per sample, in order
     */
    public static BatchRun solveBatch(QpData d, Matrix q, Matrix b, Matrix h, List<Start> starts, Settings settings,
                                      Recording recording) {
        if (d.rho != settings.rho() && !settings.adaptiveRho()) {
            throw new IllegalArgumentException("data factored with rho " + d.rho + ", settings say " + settings.rho());
        }
        if (d.rhoScale != settings.equalityRhoScale()) {
            throw new IllegalArgumentException("data factored with equality rho scale " + d.rhoScale + ", settings say "
                    + settings.equalityRhoScale());
        }
        if (d.sigma != settings.sigma()) {
            throw new IllegalArgumentException("data factored with sigma " + d.sigma + ", settings say "
                    + settings.sigma());
        }
        int n = d.n;
        int p = d.p;
        int m = d.m;
        int batch = q.cols();
        if (q.rows() != n || p > 0 && (b.rows() != p || b.cols() != batch) || m > 0 && (h.rows() != m
                || h.cols() != batch) || starts != null && starts.size() != batch) {
            throw new IllegalArgumentException("batch shapes do not match n = " + n + ", p = " + p + ", m = " + m
                    + ", B = " + batch);
        }
        return new BatchLoop(d, q, b, h, starts, settings, recording).run();
    }

    /**
     * OSQP's residual balancing ({@link Settings#adaptiveRho()}) for the iterate (x, s, λ, ν) of B columns:
     * {@link #proposeRho(double, double[], double[], double[], double[], int)} of their residuals, with
     * r_prim = (Ax − b, Gx + s − h) and r_dual = Px + q + Aᵀλ + Gᵀν.
     *
     * @return the proposed ρ (the current one when no column gives a ratio)
     */
    static double proposeRho(QpData d, double[] x, double[] lambda, double[] nu, double[] s, double[] q, double[] b,
                             double[] h, int width) {
        return proposeRho(d.rho, Termination.terms(d, x, lambda, nu, s, q, b, h, width));
    }

    /** @return {@link #proposeRho(QpData, double[], double[], double[], double[], double[], double[], double[], int)}
     *     from the iterate's residual terms, already formed (e.g. by the termination test at that iterate) */
    static double proposeRho(double rho, Termination.Terms terms) {
        Termination.Residuals r = Termination.unscaled(0).residuals(terms);
        return proposeRho(rho, r.primal(), r.primalScale(), r.dual(), r.dualScale(), terms.width());
    }

    /**
     * OSQP's residual balancing from the residual norms of B columns (the general-objective path
     * {@link GeneralAdmm} calls it with ∇f(x) in the place of Px + q): per column
     * ρ·√((‖r_prim‖∞/max(‖Ax‖∞, ‖Gx‖∞, ‖b‖∞, ‖h‖∞)) / (‖r_dual‖∞/max(‖Px‖∞, ‖Aᵀλ‖∞, ‖Gᵀν‖∞, ‖q‖∞))); the
     * geometric mean over the columns whose ratio is defined (both residuals and scales nonzero), rounded
     * to the grid 10^(j/4) and clamped to [{@value #RHO_MIN}, {@value #RHO_MAX}].
     *
     * @param rho         the current ρ
     * @param primal      ‖r_prim‖∞ per column
     * @param primalScale its scale per column
     * @param dual        ‖r_dual‖∞ per column
     * @param dualScale   its scale per column
     * @return the proposed ρ (the current one when no column gives a ratio)
     */
    static double proposeRho(double rho, double[] primal, double[] primalScale, double[] dual, double[] dualScale,
                             int width) {
        double logSum = 0;
        int count = 0;
        for (int j = 0; j < width; j++) {
            double ratio = (primal[j] / primalScale[j]) / (dual[j] / dualScale[j]);
            if (ratio > 0 && Double.isFinite(ratio)) {
                logSum += Math.log10(rho * Math.sqrt(ratio));
                count++;
            }
        }
        if (count == 0) {
            return rho;
        }
        double grid = Math.pow(10, Math.round(4 * logSum / count) / 4.0);
        return Math.min(RHO_MAX, Math.max(RHO_MIN, grid));
    }

    /** Bounds of the adaptive ρ. */
    static final double RHO_MIN = 1e-6;
    static final double RHO_MAX = 1e6;

    /** @return ‖Px + q + Aᵀλ + Gᵀν‖∞ per column, with Px given (null for an LP) */
    static double[] stationarityResidual(QpData d, double[][] x, double[][] q, double[][] px,
                                         double[][] lambda, double[][] nu) {
        int width = x.length;
        double[] r = Dense.fromColumns(q, d.n);
        if (px != null) {
            Dense.add(r, Dense.fromColumns(px, d.n));
        }
        if (d.p > 0) {
            Dense.add(r, d.times(dev.altdiff.api.Block.A, true, Dense.fromColumns(lambda, d.p), width));
        }
        if (d.m > 0) {
            Dense.add(r, d.times(dev.altdiff.api.Block.G, true, Dense.fromColumns(nu, d.m), width));
        }
        return Dense.colNormInf(r, d.n, width, null, 0, new double[width]);
    }

    /** @return ½xᵀPx + qᵀx given Px (null for an LP) */
    static double objective(double[] x, double[] q, double[] px) {
        double f = 0;
        for (int i = 0; i < x.length; i++) {
            f += x[i] * (0.5 * (px == null ? 0 : px[i]) + q[i]);
        }
        return f;
    }

    /** @return the columns of a, each as an array */
    static double[][] columns(Matrix a) {
        int r = a.rows();
        int c = a.cols();
        double[] flat = a.toRowMajor();
        double[][] out = new double[c][r];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out[j][i] = flat[i * c + j];
            }
        }
        return out;
    }

    /** @return the rows×cols.length matrix whose column j is cols[j] */
    static Matrix fromColumns(LinearAlgebra la, double[][] cols, int rows) {
        return la.matrix(rows, cols.length, Dense.fromColumns(cols, rows));
    }

}
