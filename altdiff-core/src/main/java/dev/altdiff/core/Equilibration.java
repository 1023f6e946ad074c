package dev.altdiff.core;

import dev.altdiff.api.Block;
import dev.altdiff.api.Certificate;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.SparseMatrix;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.Objective;
import dev.altdiff.api.objective.ObjectiveGradients;
import dev.altdiff.api.linalg.JvmBlas;

import java.util.List;

/**
 * Ruiz equilibration ({@link Settings#scaling()}): positive diagonal factors D (n), E = (E_A, E_G)
 * (p + m) and a cost scale c &gt; 0 that turn the caller's problem into the scaled problem
 * <pre>
 *   P̄ = c·D P D    q̄ = c·D q    Ā = E_A A D    b̄ = E_A b    Ḡ = E_G G D    h̄ = E_G h
 * </pre>
 * on which ADMM runs, and the maps between the two problems' iterates, solutions, certificates,
 * gradients, Jacobians and directions. Call sites only call this class; with 0 passes every map is
 * the identity and returns its argument itself (bit-identical results).
 *
 * <p><b>Factors.</b> As OSQP: each of the {@code passes} Ruiz passes takes the ∞-norms of the columns
 * of the scaled KKT matrix [P̄ Āᵀ Ḡᵀ; Ā 0 0; Ḡ 0 0] (column j ≤ n: max of the column of P̄, Ā, Ḡ;
 * column n + i: row i of Ā or Ḡ), treats a norm below {@link #MIN_NORM} as 1, clamps it to at most
 * {@link #MAX_NORM}, multiplies D and E by δ = 1/√norm and rescales the data; then it normalizes the
 * cost by γ = 1/max(mean of P̄'s column ∞-norms, ‖q̄‖∞) (each term limited the same way, and the
 * maximum too), multiplying c by γ. <b>Every δ and γ is rounded to the nearest power of 2</b> (in
 * log₂), so the products D, E, c are powers of 2 as well: the scaled data carry no rounding error
 * (barring under- or overflow) and unscaling is exact. The factors are piecewise constant functions
 * of the data (a norm only moves a factor when it crosses a rounding boundary), so Alt-Diff, which
 * differentiates the run that was made, may treat them as constants: its derivative of the scaled
 * run, mapped back below, is the exact derivative of the whole computation almost everywhere.
 *
 * <p><b>Batches.</b> For B problems sharing P, A, G ({@link BatchLayer#forward(SharedBatch)}), D and E
 * come from the shared matrices, and the ‖q̄‖∞ of the cost normalization is the largest over the
 * batch's columns, so that all samples share one scaled matrix and one factorization.
 *
 * <p><b>General programs</b> ({@link ConvexProgram}, {@link #of(ConvexProgram, int)}) get their factors from
 * the same passes with ∇²f(x₀) in the place of P and ∇f(x₀) in the place of q, x₀ the objective's initial
 * point, and are scaled by {@link #scale(ConvexProgram)} into f̄(x̄) = c·f(D x̄) ({@link ScaledObjective}),
 * Ā, b̄, Ḡ, h̄ as above; the same maps bring back their iterates ({@link #x}, {@link #lambda}, {@link #nu},
 * {@link #s}, {@link #objective}), certificates and gradients ({@link #gradients(ObjectiveGradients)}).
 *
 * <p><b>Sparse problems</b> ({@link QuadraticProgram#isSparse()}) are scaled the same way and never
 * densified: each pass sweeps the compressed columns of P, A and G once (O(nnz), on a copy of their values:
 * the patterns are read in place), the scaled problem shares the caller's sparsity patterns and holds its own
 * values ({@link QuadraticProgram#scaledDiagonally}), and {@link #unscale} recomputes the residuals with sparse
 * products on the caller's arrays, read in place. The factors are bit for bit those of the same problem given dense: the norms are maxima of
 * the same entries and every product is of powers of 2.
 *
 * <p><b>Termination</b> is tested on the scaled problem's residuals and scales (OSQP's
 * {@code scaled_termination}): {@link dev.altdiff.api.Truncation#RESIDUALS} compares the scaled
 * residuals with ε(1 + max(‖b̄‖∞, ‖h̄‖∞)) and ε(1 + ‖q̄‖∞), {@link dev.altdiff.api.Truncation#RELATIVE_CHANGE}
 * looks at x̄, and the infeasibility tests and polishing ({@link Polisher}) run on the scaled
 * problem too. The returned {@link Solution}'s residuals are those of the caller's problem,
 * recomputed at the unscaled point, so they may differ from the ones the stopping rule saw.
 *
 * <p><b>Maps back</b> (ℓ a function of x): x = D x̄, s = E_G⁻¹ s̄, λ = E_A λ̄ / c, ν = E_G ν̄ / c,
 * objective = f̄ / c. Upstream gradient v̄ = D v; from the scaled problem's gradients ḡ:
 * ∂ℓ/∂P = c D ḡ_P D, ∂ℓ/∂q = c D ḡ_q, ∂ℓ/∂A = E_A ḡ_A D, ∂ℓ/∂b = E_A ḡ_b, ∂ℓ/∂G = E_G ḡ_G D,
 * ∂ℓ/∂h = E_G ḡ_h. Jacobians: ∂x/∂q = c D J̄_q D, ∂x/∂b = D J̄_b E_A, ∂x/∂h = D J̄_h E_G. A direction
 * dθ is scaled as the data (dP̄ = c D dP D, …) and ẋ = D ẋ̄.
 */
public final class Equilibration {
    /** A KKT column norm below this counts as 1 (OSQP's MIN_SCALING). */
    public static final double MIN_NORM = 1e-4;
    /** A KKT column norm above this counts as this (OSQP's MAX_SCALING). */
    public static final double MAX_NORM = 1e4;

    /** The identity (0 passes) for any dimensions: every map returns its argument. */
    public static final Equilibration OFF = new Equilibration(0, new double[0], new double[0], new double[0], 1.0);

    private final int passes;
    private final double[] d;
    private final double[] eA;
    private final double[] eG;
    private final double c;
    /** What each pass's cost normalization read ({@link #ruiz}); null for the identity. */
    private final Trace trace;

    private Equilibration(int passes, double[] d, double[] eA, double[] eG, double c) {
        this(passes, d, eA, eG, c, null);
    }

    private Equilibration(int passes, double[] d, double[] eA, double[] eG, double c, Trace trace) {
        this.passes = passes;
        this.d = d;
        this.eA = eA;
        this.eG = eG;
        this.c = c;
        this.trace = trace;
    }

    /**
     * Per pass of {@link #ruiz}: D's step, the mean column norm of P̄ and the cost normalization γ. The q vectors
     * enter the passes only through γ = 1/max(mean, ‖q̄‖∞) (rounded to a power of 2), so new q vectors with the
     * same P, A, G get the same factors exactly when replaying their steps gives every γ again ({@link #replays}).
     */
    private record Trace(double[][] dSteps, double[] meanP, double[] gammas) {
    }

    /** @return the factors of one problem (c from its P and q); the identity for 0 passes */
    public static Equilibration of(QuadraticProgram problem, int passes) {
        return of(problem, List.of(problem.q()), passes);
    }

    /**
     * The factors of a batch sharing the problem's P, A, G (its own q, b, h are not used), with the
     * cost normalization taken over the largest ‖q̄‖∞ of the given q vectors.
     *
     * @param qs every sample's q (length n each), at least one
     */
    public static Equilibration of(QuadraticProgram shared, List<double[]> qs, int passes) {
        if (isIdentity(passes)) {
            return new Equilibration(0, ones(shared.n()), ones(shared.p()), ones(shared.m()), 1.0);
        }
        boolean kept = !shared.isSparse();
        Equilibration known = kept ? Recent.recall(shared, qs, passes) : null;
        if (known != null) {
            return known;
        }
        Equilibration out = ruiz(shared, qs, passes, kept); // the passes' trace only where the factors are kept
        if (kept) {
            Recent.remember(shared, out);
        }
        return out;
    }

    /**
     * {@link #of(QuadraticProgram, List, int)} by the passes themselves (at least 1), neither read from nor added to
     * the factors kept for recent matrices: what a call with new matrices pays (benchmarks time it so).
     */
    public static Equilibration computed(QuadraticProgram shared, List<double[]> qs, int passes) {
        return ruiz(shared, qs, passes, false);
    }

    /**
     * The passes on P, A, G in the problem's layout, read under the factors found so far ({@link MatrixBlock}).
     *
     * @param trace whether to keep what each pass read ({@link Trace}: a D step of n doubles per pass), which only
     *              factors kept for later calls replay: 160 MB at n = 2·10⁶ and 10 passes, for a run that never
     *              replays them
     */
    private static Equilibration ruiz(QuadraticProgram shared, List<double[]> qs, int passes, boolean trace) {
        return ruiz(MatrixBlock.of(shared, Block.P), MatrixBlock.of(shared, Block.A), MatrixBlock.of(shared, Block.G),
                qs, passes, trace);
    }

    /**
     * The factors of recent dense problems, with the caller's matrices they came from and the scaled problem
     * once {@link #scale(QuadraticProgram)} formed it: a problem with the same P, A, G and q vectors whose
     * passes give the same γ ({@link #replays}) gets the same factors without the passes (O(passes·n) instead
     * of a sweep over P, A, G per pass), and its scaled problem shares the scaled matrices (no copy), so that
     * {@link QpData#load} finds its set-up by identity. A layer called with fixed matrices, or changed once per
     * training step, equilibrates once. The last {@value #KEPT} are kept through soft references.
     */
    private static final class Recent {
        static final int KEPT = 2;
        private static final java.util.Deque<java.lang.ref.SoftReference<Recent>> ENTRIES =
                new java.util.ArrayDeque<>();

        final QuadraticProgram matrices;
        final Equilibration factors;
        /** The last problem found to have these matrices (compared by identity first), and the scaled problem. */
        volatile QuadraticProgram lastSeen;
        volatile QuadraticProgram scaled;

        private Recent(QuadraticProgram matrices, Equilibration factors) {
            this.matrices = matrices;
            this.factors = factors;
            this.lastSeen = matrices;
        }

        boolean hasMatrices(QuadraticProgram problem) {
            if (problem == lastSeen || problem == matrices) {
                return true;
            }
            if (matrices.sameMatrices(problem)) {
                lastSeen = problem;
                return true;
            }
            return false;
        }

        /** @return the kept factors of the problem's matrices that the q vectors replay, or null */
        static Equilibration recall(QuadraticProgram problem, List<double[]> qs, int passes) {
            for (Recent entry : entries()) {
                if (entry.factors.passes == passes && entry.hasMatrices(problem) && entry.factors.replays(qs)) {
                    return entry.factors;
                }
            }
            return null;
        }

        /** @return the kept entry of these factors whose matrices are the problem's, or null */
        static Recent of(Equilibration factors, QuadraticProgram problem) {
            for (Recent entry : entries()) {
                if (entry.factors == factors && entry.hasMatrices(problem)) {
                    return entry;
                }
            }
            return null;
        }

        static void remember(QuadraticProgram problem, Equilibration factors) {
            synchronized (ENTRIES) {
                ENTRIES.addFirst(new java.lang.ref.SoftReference<>(new Recent(problem, factors)));
                while (ENTRIES.size() > KEPT) {
                    ENTRIES.removeLast();
                }
            }
        }

        private static List<Recent> entries() {
            synchronized (ENTRIES) {
                List<Recent> out = new java.util.ArrayList<>(ENTRIES.size());
                for (java.util.Iterator<java.lang.ref.SoftReference<Recent>> it = ENTRIES.iterator(); it.hasNext(); ) {
                    Recent entry = it.next().get();
                    if (entry == null) {
                        it.remove();
                    } else {
                        out.add(entry);
                    }
                }
                return out;
            }
        }
    }

    /**
     * @return whether the passes on these q vectors give every γ of this run's trace, i.e. {@link #ruiz} on
     *     them and this run's matrices would return exactly these factors (the same operations as there)
     */
    private boolean replays(List<double[]> qs) {
        if (trace == null) {
            return false;
        }
        double[][] q = new double[qs.size()][];
        for (int j = 0; j < q.length; j++) {
            q[j] = qs.get(j).clone();
        }
        for (int pass = 0; pass < passes; pass++) {
            for (double[] column : q) {
                multiply(column, trace.dSteps[pass], 1.0);
            }
            double qInf = 0;
            for (double[] column : q) {
                qInf = Math.max(qInf, Vectors.normInf(column));
            }
            double gamma = powerOfTwo(1.0 / limit(Math.max(trace.meanP[pass], limit(qInf))));
            if (gamma != trace.gammas[pass]) {
                return false;
            }
            for (double[] column : q) {
                for (int i = 0; i < column.length; i++) {
                    column[i] *= gamma;
                }
            }
        }
        return true;
    }

    /**
     * The factors of a general program {@code minimize f(x) s.t. Ax = b, Gx ≤ h} ({@link ConvexProgram}),
     * for ADMM on the scaled program of {@link #scale(ConvexProgram)}: the passes of
     * {@link #of(QuadraticProgram, List, int)}, run on the KKT matrix with the Hessian ∇²f(x₀) in the place of
     * P and the gradient ∇f(x₀) in the place of q, at the objective's initial point x₀
     * ({@link Objective#initialPoint()}). x₀ is where the run starts, and for a QP written as a general
     * objective (f = ½xᵀPx + qᵀx, x₀ = 0) this is exactly the QP path's P and q, so both paths equilibrate it
     * alike. A Hessian that varies over the domain (the negative entropy's diag(1/x)) is then equilibrated at
     * x₀ only; D stays a valid change of variables wherever the run goes (any positive D is), so a poor
     * representative costs iterations, never correctness. A diagonal Hessian
     * ({@link Objective#hessianDiagonal}) is read as a sparse diagonal (n entries, O(n) per pass), any other
     * one is formed dense once (n², as the dense factor of H(x) is); the constraint matrices are read
     * row-major.
     *
     * <p>The factors depend on θ through ∇²f(x₀) and ∇f(x₀), but are powers of 2, hence piecewise constant
     * in θ as in the other data: treating them as constants, as Alt-Diff does, is exact almost everywhere.
     *
     * @return the identity for 0 passes
     */
    public static Equilibration of(ConvexProgram program, int passes) {
        int n = program.n();
        if (isIdentity(passes)) {
            return new Equilibration(0, ones(n), ones(program.p()), ones(program.m()), 1.0);
        }
        Objective f = program.objective();
        double[] x0 = f.initialPoint();
        double[] diagonal = f.hessianDiagonal(x0);
        MatrixBlock hessian;
        if (diagonal != null) {
            int[] colStart = new int[n + 1];
            int[] rowIndex = new int[n];
            for (int j = 0; j < n; j++) {
                colStart[j + 1] = j + 1;
                rowIndex[j] = j;
            }
            hessian = new CompressedColumns(n, n, colStart, rowIndex, diagonal.clone());
        } else {
            double[] dense = new double[n * n];
            f.addHessian(x0, 1.0, dense);
            hessian = new RowMajor(n, n, dense);
        }
        return ruiz(hessian, new RowMajor(program.p(), n, program.rowMajorA()),
                new RowMajor(program.m(), n, program.rowMajorG()),
                List.of(f.gradient(x0)), passes, false);
    }

    /**
     * @return whether this many passes give the identity (0)
     * @throws IllegalArgumentException for fewer than 0
     */
    private static boolean isIdentity(int passes) {
        if (passes < 0) {
            throw new IllegalArgumentException("scaling passes must be >= 0, got " + passes);
        }
        return passes == 0;
    }

    /**
     * The Ruiz passes and the cost normalization of the class comment on P, A and G (read under the factors
     * accumulated so far, {@link MatrixBlock}: no copy of them) and copies of the q vectors, shared by the quadratic
     * and the general programs' factors.
     *
     * @param passes at least 1
     */
    private static Equilibration ruiz(MatrixBlock pm, MatrixBlock a, MatrixBlock g, List<double[]> qs, int passes,
                                      boolean keepTrace) {
        int n = pm.cols;
        double[] d = ones(n);
        double[] eA = ones(a.rows);
        double[] eG = ones(g.rows);
        // the identity scaling gives the blocks' norms
        pm.scale(d, d, 1.0);
        a.scale(eA, d, 1.0);
        g.scale(eG, d, 1.0);
        double[][] q = new double[qs.size()][];
        for (int j = 0; j < q.length; j++) {
            q[j] = qs.get(j).clone();
        }
        double c = 1.0;
        // P̄ = pending·pm: each pass's cost scale γ is applied to pm in the next pass's sweep (P̄'s column norms
        // are pending·pm.colNorm meanwhile). All factors are powers of 2, so the entries and norms are those of
        // scaling step by step, exactly: one sweep over each block per pass.
        double pending = 1.0;
        Trace trace = keepTrace ? new Trace(new double[passes][], new double[passes], new double[passes]) : null;
        for (int pass = 0; pass < passes; pass++) {
            // KKT column j ≤ n: column j of P̄, Ā, Ḡ; column n + i: row i of Ā or Ḡ
            double[] colNorm = new double[n];
            for (int j = 0; j < n; j++) {
                colNorm[j] = Math.max(pending * pm.colNorm[j], Math.max(a.colNorm[j], g.colNorm[j]));
            }
            double[] dStep = equilibrate(colNorm);
            double[] aStep = equilibrate(a.rowNorm);
            double[] gStep = equilibrate(g.rowNorm);
            pm.scale(dStep, dStep, pending);
            a.scale(aStep, dStep, 1.0);
            g.scale(gStep, dStep, 1.0);
            for (double[] column : q) {
                multiply(column, dStep, 1.0);
            }
            multiply(d, dStep, 1.0);
            multiply(eA, aStep, 1.0);
            multiply(eG, gStep, 1.0);
            // cost normalization γ = 1/max(mean column norm of P̄, ‖q̄‖∞)
            double meanP = 0;
            for (double value : pm.colNorm) {
                meanP += value / n;
            }
            double qInf = 0;
            for (double[] column : q) {
                qInf = Math.max(qInf, Vectors.normInf(column));
            }
            double gamma = powerOfTwo(1.0 / limit(Math.max(meanP, limit(qInf))));
            if (trace != null) {
                trace.dSteps[pass] = dStep;
                trace.meanP[pass] = meanP;
                trace.gammas[pass] = gamma;
            }
            pending = gamma;
            for (double[] column : q) {
                for (int i = 0; i < n; i++) {
                    column[i] *= gamma;
                }
            }
            c *= gamma;
        }
        return new Equilibration(passes, d, eA, eG, c, trace);
    }

    /** @return whether other has the same passes and factors D, E_A, E_G and c */
    boolean sameFactors(Equilibration other) {
        return passes == other.passes && c == other.c && java.util.Arrays.equals(d, other.d)
                && java.util.Arrays.equals(eA, other.eA) && java.util.Arrays.equals(eG, other.eG);
    }

    /** @return whether these factors keep what their passes read, for later calls to replay (kept dense factors) */
    boolean keepsTrace() {
        return trace != null;
    }

    /** @return whether this is the identity (0 passes): every map returns its argument itself */
    public boolean isOff() {
        return passes == 0;
    }

    /** @return the number of Ruiz passes */
    public int passes() { return passes; }

    /** @return D, length n (a copy) */
    public double[] d() { return d.clone(); }

    /** @return E_A, length p (a copy) */
    public double[] eA() { return eA.clone(); }

    /** @return E_G, length m (a copy) */
    public double[] eG() { return eG.clone(); }

    /** @return the cost scale c */
    public double c() { return c; }

    // ---------------------------------------------------------------- data

    /**
     * @return the scaled problem (P̄, q̄, Ā, b̄, Ḡ, h̄), named as the original, in its layout: a dense problem's reads
     *         the caller's P, A, G in place under the factors ({@link QuadraticProgram#scaledDiagonally}, no copy), a
     *         sparse problem's blocks read the caller's patterns and values under them too (no copy); the problem itself
     *         when off
     */
    public QuadraticProgram scale(QuadraticProgram problem) {
        if (isOff()) {
            return problem;
        }
        Recent recent = trace == null ? null : Recent.of(this, problem);
        QuadraticProgram known = recent == null ? null : recent.scaled;
        if (known != null) { // the same matrices scaled by these factors: share them, scale the vectors
            return known.withVectors(problem.name(), q(problem.q()), b(problem.b()), h(problem.h()));
        }
        // the caller's P, A, G read in place under the factors, dense or sparse: no copy of the matrices
        QuadraticProgram out = problem.scaledDiagonally(problem.name(), d, c, eA, eG, q(problem.q()), b(problem.b()),
                h(problem.h()));
        if (recent != null) {
            recent.scaled = out;
        }
        return out;
    }

    /**
     * @return the scaled general program: f̄(x̄) = c·f(D x̄) ({@link ScaledObjective}, with the caller's
     *     parameters θ), Ā = E_A A D, b̄ = E_A b, Ḡ = E_G G D, h̄ = E_G h; the program itself when off
     */
    public ConvexProgram scale(ConvexProgram program) {
        if (isOff()) {
            return program;
        }
        boolean equalities = program.p() > 0;
        boolean inequalities = program.m() > 0;
        return new ConvexProgram(new ScaledObjective(program.objective(), d, c),
                equalities ? twoSided(program.A(), eA, d, 1.0) : null, equalities ? b(program.b()) : null,
                inequalities ? twoSided(program.G(), eG, d, 1.0) : null, inequalities ? h(program.h()) : null);
    }

    /** @return q̄ = c D q (a new array; q itself when off) */
    public double[] q(double[] q) {
        return isOff() ? q : scaled(q, d, c);
    }

    /** @return b̄ = E_A b (a new array; b itself when off) */
    public double[] b(double[] b) {
        return isOff() ? b : scaled(b, eA, 1.0);
    }

    /** @return h̄ = E_G h (a new array; h itself when off) */
    public double[] h(double[] h) {
        return isOff() ? h : scaled(h, eG, 1.0);
    }

    /** @return each row mapped by the vector map (rows itself when off or null) */
    double[][] rowsOf(double[][] rows, java.util.function.UnaryOperator<double[]> map) {
        if (isOff() || rows == null) {
            return rows;
        }
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = map.apply(rows[i]);
        }
        return out;
    }

    // ---------------------------------------------------------------- iterates and solutions

    /**
     * @return a start of the caller's problem as a start of the scaled one: x̄ = D⁻¹x, s̄ = E_G s,
     *         λ̄ = c E_A⁻¹ λ, ν̄ = c E_G⁻¹ ν (null for null; the start itself when off)
     */
    public Admm.Start scale(Admm.Start start) {
        if (isOff() || start == null || !start.fits(d.length, eA.length, eG.length)) {
            return start;
        }
        return new Admm.Start(divided(start.x(), d, 1.0), scaled(start.s(), eG, 1.0),
                divided(start.lambda(), eA, c), divided(start.nu(), eG, c), start.schedule());
    }

    /** @return x = D x̄ (a new array; x̄ itself when off) */
    public double[] x(double[] xBar) {
        return isOff() ? xBar : scaled(xBar, d, 1.0);
    }

    /** @return λ = E_A λ̄ / c (a new array; λ̄ itself when off) */
    public double[] lambda(double[] lambdaBar) {
        return isOff() ? lambdaBar : scaled(lambdaBar, eA, 1.0 / c);
    }

    /** @return ν = E_G ν̄ / c (a new array; ν̄ itself when off) */
    public double[] nu(double[] nuBar) {
        return isOff() ? nuBar : scaled(nuBar, eG, 1.0 / c);
    }

    /** @return s = E_G⁻¹ s̄ (a new array; s̄ itself when off) */
    public double[] s(double[] sBar) {
        return isOff() ? sBar : divided(sBar, eG, 1.0);
    }

    /** @return the objective f = f̄ / c */
    public double objective(double scaledObjective) {
        return scaledObjective / c;
    }

    /**
     * Maps a solution of the scaled problem back to the caller's problem: x = D x̄, s = E_G⁻¹ s̄,
     * λ = E_A λ̄ / c, ν = E_G ν̄ / c, objective f̄ / c, the certificate by {@link #certificate}, and the
     * primal and dual residuals recomputed on the caller's data. Status, iterations and polish
     * outcome are the scaled run's.
     *
     * @param problem the caller's (unscaled) problem; for a shared batch, one with the shared P, A, G
     *                and this sample's q, b, h
     * @return the mapped solution; {@code scaled} itself when off
     */
    public Solution unscale(Solution scaled, QuadraticProgram problem) {
        if (isOff()) {
            return scaled;
        }
        // each block read in place when its residual terms are formed (no copy of the caller's matrices)
        return unscale(scaled, block -> MatrixBlock.readOnly(problem, block), problem.q(), problem.b(), problem.h());
    }

    /**
     * {@link #unscale(Solution, QuadraticProgram)} with the caller's P, A, G read once (for the samples of a
     * batch sharing them) and the sample's q, b, h.
     */
    Solution unscale(Solution scaled, Matrices matrices, double[] q, double[] b, double[] h) {
        return unscale(scaled, matrices::block, q, b, h);
    }

    /**
     * The residuals on the caller's data with the blocks that {@code blocks} gives (P, then A, then G, each
     * asked for once): primal max(‖Ax − b‖∞, ‖Gx + s − h‖∞), dual ‖Px + q + Aᵀλ + Gᵀν‖∞, summed in that order.
     */
    private Solution unscale(Solution scaled, java.util.function.Function<Block, MatrixBlock> blocks, double[] q,
                             double[] b, double[] h) {
        if (isOff()) {
            return scaled;
        }
        double[] x = x(scaled.x());
        double[] lambda = lambda(scaled.lambda());
        double[] nu = nu(scaled.nu());
        double[] s = s(scaled.s());
        MatrixBlock block = blocks.apply(Block.P);
        double[] r = block.times(x);
        for (int i = 0; i < r.length; i++) {
            r[i] += q[i];
        }
        block = blocks.apply(Block.A);
        double primal = 0;
        double[] ax = block.times(x);
        for (int i = 0; i < ax.length; i++) {
            primal = Math.max(primal, Math.abs(ax[i] - b[i]));
        }
        block.addTransposeTimes(lambda, r);
        block = blocks.apply(Block.G);
        double[] gx = block.times(x);
        for (int i = 0; i < gx.length; i++) {
            primal = Math.max(primal, Math.abs(gx[i] + s[i] - h[i]));
        }
        block.addTransposeTimes(nu, r);
        return new Solution(x, lambda, nu, s, scaled.status(), scaled.iterations(), primal, Vectors.normInf(r),
                objective(scaled.objective()), certificate(scaled.certificate()), scaled.polish());
    }

    /**
     * {@link #unscale(Solution, Matrices, double[], double[], double[])} for the samples of a batch sharing the
     * caller's P, A, G, with their own q, b, h (rows per sample): for a dense problem the residuals' products are
     * made for all samples at once, as matrix–matrix products in the JVM kernel ({@link JvmBlas}).
     *
     * @return the samples' solutions of the caller's problem, in order (the scaled ones themselves when off)
     */
    List<Solution> unscale(List<Solution> scaled, QuadraticProgram shared, double[][] q, double[][] b, double[][] h) {
        if (isOff()) {
            return scaled;
        }
        int w = scaled.size();
        double[] empty = new double[0];
        List<Solution> out = new java.util.ArrayList<>(w);
        if (shared.isSparse()) {
            Matrices matrices = new Matrices(shared);
            for (int c = 0; c < w; c++) {
                out.add(unscale(scaled.get(c), matrices, q[c], shared.p() > 0 ? b[c] : empty,
                        shared.m() > 0 ? h[c] : empty));
            }
            return out;
        }
        int n = shared.n();
        int p = shared.p();
        int m = shared.m();
        double[][] xs = new double[w][];
        double[][] lambdas = new double[w][];
        double[][] nus = new double[w][];
        double[][] ss = new double[w][];
        for (int c = 0; c < w; c++) {
            Solution sc = scaled.get(c);
            xs[c] = x(sc.x());
            lambdas[c] = lambda(sc.lambda());
            nus[c] = nu(sc.nu());
            ss[c] = s(sc.s());
        }
        double[] x = Dense.fromColumns(xs, n);
        double[] r = Dense.fromColumns(q, n); // Px + q + Aᵀλ + Gᵀν
        if (shared.hasP()) {
            JvmBlas.gemm(n, n, w, 1.0, Dense.entries(shared, Block.P), x, 1.0, r);
        }
        double[] primal = new double[w];
        if (p > 0) {
            double[] a = Dense.entries(shared, Block.A);
            double[] ax = Dense.fromColumns(b, p);
            JvmBlas.gemm(p, n, w, 1.0, a, x, -1.0, ax); // Ax − b
            Dense.colNormInf(ax, p, w, null, 0, primal);
            JvmBlas.gemmTransposed(p, n, w, 1.0, a, Dense.fromColumns(lambdas, p), 1.0, r);
        }
        if (m > 0) {
            double[] g = Dense.entries(shared, Block.G);
            double[] gx = Dense.fromColumns(ss, m);
            double[] hs = Dense.fromColumns(h, m);
            for (int i = 0; i < gx.length; i++) {
                gx[i] -= hs[i]; // s − h
            }
            JvmBlas.gemm(m, n, w, 1.0, g, x, 1.0, gx); // Gx + s − h
            double[] inequalities = Dense.colNormInf(gx, m, w, null, 0, new double[w]);
            for (int c = 0; c < w; c++) {
                primal[c] = Math.max(primal[c], inequalities[c]);
            }
            JvmBlas.gemmTransposed(m, n, w, 1.0, g, Dense.fromColumns(nus, m), 1.0, r);
        }
        double[] dual = Dense.colNormInf(r, n, w, null, 0, new double[w]);
        for (int c = 0; c < w; c++) {
            Solution sc = scaled.get(c);
            out.add(new Solution(xs[c], lambdas[c], nus[c], ss[c], sc.status(), sc.iterations(), primal[c], dual[c],
                    objective(sc.objective()), certificate(sc.certificate()), sc.polish()));
        }
        return out;
    }

    /**
     * The caller's P, A and G in the problem's layout (dense row-major, or the compressed columns of a sparse
     * problem: nothing is densified), for recomputing residuals at unscaled points. Read once, they serve
     * every sample of a batch sharing them.
     */
    static final class Matrices {
        private final MatrixBlock p;
        private final MatrixBlock a;
        private final MatrixBlock g;

        Matrices(QuadraticProgram problem) {
            this.p = MatrixBlock.readOnly(problem, Block.P);
            this.a = MatrixBlock.readOnly(problem, Block.A);
            this.g = MatrixBlock.readOnly(problem, Block.G);
        }

        /** @return P, A or G */
        MatrixBlock block(Block block) {
            return block == Block.P ? p : block == Block.A ? a : g;
        }
    }

    /**
     * Maps a certificate of the scaled problem to one of the caller's, normalized to ‖·‖∞ = 1 again.
     * Primal (δλ̄, δν̄) ↦ (E_A δλ̄, E_G δν̄): then Aᵀδλ + Gᵀδν = D⁻¹(Āᵀδλ̄ + Ḡᵀδν̄), bᵀδλ + hᵀδν =
     * b̄ᵀδλ̄ + h̄ᵀδν̄ &lt; 0 and δν ≥ 0. Dual δx̄ ↦ D δx̄: then Pδx = (cD)⁻¹P̄δx̄, qᵀδx = q̄ᵀδx̄/c &lt; 0,
     * Aδx = E_A⁻¹Āδx̄, Gδx = E_G⁻¹Ḡδx̄. The sign conditions carry over exactly; the ε-sized terms of
     * {@link Certificate} grow, relative to the support term, by at most the spread of the factors
     * (max D⁻¹ · max E / min E for a primal certificate; max D / min D, times max E for the A and G
     * terms, for a dual one): on the caller's data the certificate holds with ε multiplied by that
     * spread.
     *
     * @return the mapped certificate (null for null; the certificate itself when off)
     */
    public Certificate certificate(Certificate scaled) {
        if (isOff() || scaled == null) {
            return scaled;
        }
        if (scaled.x() != null) {
            double[] x = scaled(scaled.x(), d, 1.0);
            multiply(x, null, 1.0 / Vectors.normInf(x));
            return new Certificate(null, null, x);
        }
        double[] lambda = scaled(scaled.lambda(), eA, 1.0);
        double[] nu = scaled(scaled.nu(), eG, 1.0);
        double norm = Math.max(Vectors.normInf(lambda), Vectors.normInf(nu));
        if (norm > 0) {
            multiply(lambda, null, 1.0 / norm);
            multiply(nu, null, 1.0 / norm);
        }
        return new Certificate(lambda, nu, null);
    }

    // ---------------------------------------------------------------- derivatives

    /** @return the scaled problem's upstream gradient v̄ = D v (a new array; v itself when off) */
    public double[] upstream(double[] v) {
        return isOff() ? v : scaled(v, d, 1.0);
    }

    /**
     * Maps gradients of the scaled problem to the caller's: ∂ℓ/∂P = c D ḡ_P D, ∂ℓ/∂q = c D ḡ_q,
     * ∂ℓ/∂A = E_A ḡ_A D, ∂ℓ/∂b = E_A ḡ_b, ∂ℓ/∂G = E_G ḡ_G D, ∂ℓ/∂h = E_G ḡ_h (null blocks stay null).
     *
     * @return new gradients; {@code scaled} itself when off
     */
    public Gradients gradients(Gradients scaled) {
        if (isOff()) {
            return scaled;
        }
        return new Gradients(twoSided(scaled.P(), d, d, c), scaled.q() == null ? null : scaled(scaled.q(), d, c),
                twoSided(scaled.A(), eA, d, 1.0), scaled.b() == null ? null : scaled(scaled.b(), eA, 1.0),
                twoSided(scaled.G(), eG, d, 1.0), scaled.h() == null ? null : scaled(scaled.h(), eG, 1.0));
    }

    /**
     * Maps a general program's gradients from its scaled program ({@link #scale(ConvexProgram)}) to the
     * caller's: ∂ℓ/∂θ as it is (f̄ has the caller's θ, and the scaled program's reverse mode already carries
     * c D through M̄ = c D M), A, b, G, h as in {@link #gradients(Gradients)}.
     *
     * @return new gradients; {@code scaled} itself when off
     */
    public ObjectiveGradients gradients(ObjectiveGradients scaled) {
        if (isOff()) {
            return scaled;
        }
        Gradients constraints = gradients(new Gradients(null, null, scaled.A(), scaled.b(), scaled.G(), scaled.h()));
        return new ObjectiveGradients(scaled.theta(), constraints.A(), constraints.b(), constraints.G(),
                constraints.h());
    }

    /**
     * Maps a Jacobian of the scaled problem's x̄ to the caller's x: ∂x/∂q = c D J̄_q D,
     * ∂x/∂b = D J̄_b E_A, ∂x/∂h = D J̄_h E_G.
     *
     * @param rows the scaled Jacobian as rows (n × n, p or m)
     * @return a new array; {@code rows} itself when off
     * @throws IllegalArgumentException for P, A or G (Jacobians are given for q, b, h)
     */
    public double[][] jacobian(Block block, double[][] rows) {
        if (isOff()) {
            return rows;
        }
        return switch (block) {
            case q -> twoSided(rows, d, d, c);
            case b -> twoSided(rows, d, eA, 1.0);
            case h -> twoSided(rows, d, eG, 1.0);
            default -> throw new IllegalArgumentException("Jacobians are given for q, b and h, not " + block);
        };
    }

    /**
     * Scales a direction dθ as the data: dP̄ = c D dP D, dq̄ = c D dq, dĀ = E_A dA D, db̄ = E_A db,
     * dḠ = E_G dG D, dh̄ = E_G dh (null blocks stay null).
     *
     * @return a new direction; {@code direction} itself when off
     * @throws IllegalArgumentException when a block's shape does not match the problem
     */
    public Gradients direction(Gradients direction) {
        if (isOff()) {
            return direction;
        }
        int n = d.length;
        return new Gradients(twoSided(shaped("P", direction.P(), n, n), d, d, c),
                direction.q() == null ? null : scaled(length("q", direction.q(), n), d, c),
                twoSided(shaped("A", direction.A(), eA.length, n), eA, d, 1.0),
                direction.b() == null ? null : scaled(length("b", direction.b(), eA.length), eA, 1.0),
                twoSided(shaped("G", direction.G(), eG.length, n), eG, d, 1.0),
                direction.h() == null ? null : scaled(length("h", direction.h(), eG.length), eG, 1.0));
    }

    // ---------------------------------------------------------------- helpers

    /** @return per entry the power of 2 nearest (in log₂) to 1/√(limited norm) */
    private static double[] equilibrate(double[] norms) {
        double[] out = new double[norms.length];
        for (int i = 0; i < norms.length; i++) {
            out[i] = powerOfTwo(1.0 / Math.sqrt(limit(norms[i])));
        }
        return out;
    }

    /** @return OSQP's limit_scaling: 1 for a norm below {@link #MIN_NORM}, at most {@link #MAX_NORM} */
    private static double limit(double norm) {
        return norm < MIN_NORM ? 1.0 : Math.min(norm, MAX_NORM);
    }

    /** @return 2^round(log₂ v) for v &gt; 0 */
    static double powerOfTwo(double v) {
        return Math.scalb(1.0, (int) Math.round(Math.log(v) / Math.log(2.0)));
    }

    /**
     * One matrix block (P, A or G) in the problem's layout, its entries read (never written) under the row and
     * column factors its {@link #scale} calls have accumulated, by one sweep that takes the ∞-norms of the scaled
     * block's columns and rows: a dense problem's blocks row-major (O(rows·cols) per sweep), a sparse problem's in
     * compressed columns (O(nnz), never densified), an absent block as an empty pattern. The factors are powers of 2,
     * so an entry read as a·(l_i·r_j) under the accumulated factors is the entry a copy scaled pass by pass would hold,
     * bit for bit (products of powers of 2 are exact); the problem's own arrays are read, not copied. The passes of {@link Equilibration#of(QuadraticProgram,
     * List, int)}, {@link Equilibration#scale(QuadraticProgram)} and the residuals of {@link Equilibration#unscale}
     * are written once against this class; each layout has its own loops over its entries (one virtual call per
     * block and sweep, none per entry).
     */
    private abstract static class MatrixBlock {
        final int rows;
        final int cols;
        /** ∞-norms of the columns (length cols) and rows (length rows) as of the last {@link #scale}. */
        final double[] colNorm;
        final double[] rowNorm;
        /** The row and column factors accumulated by {@link #scale} (all 1 before the first). */
        final double[] left;
        final double[] right;

        MatrixBlock(int rows, int cols) {
            this.rows = rows;
            this.cols = cols;
            this.colNorm = new double[cols];
            this.rowNorm = new double[rows];
            this.left = ones(rows);
            this.right = ones(cols);
        }

        /**
         * @return the problem's P, A or G (n×n, p×n, m×n) in the problem's layout, to be {@link #scale}d: its stored
         *     arrays where it has them (a dense block's in place, {@link Dense#entries}; a sparse one's pattern and
         *     values, {@link SparseMatrix#columns}), else its entries as read (a scaled problem's, a new array)
         */
        static MatrixBlock of(QuadraticProgram problem, Block block) {
            int n = problem.n();
            int rows = block == Block.P ? n : block == Block.A ? problem.p() : problem.m();
            if (block == Block.P ? !problem.hasP() : rows == 0) {
                return new CompressedColumns(rows, n, new int[n + 1], new int[0], new double[0]);
            }
            if (problem.isSparse()) {
                SparseMatrix.Columns s = problem.sparse(block).columns();
                return new CompressedColumns(rows, n, s.colStart(), s.rowIndex(), s.entries());
            }
            double[] entries = Dense.entries(problem, block);
            return new RowMajor(rows, n, entries != null ? entries : problem.rowMajor(block));
        }

        /**
         * @return the problem's P, A or G for products only (never {@link #scale}d): a dense block in place, without a
         *     copy ({@link Dense#entries}), a sparse one's stored arrays ({@link SparseMatrix#columns}; the entries
         *     formed anew where a scaled problem reads them through its factors); an absent one as {@link #of} gives it
         */
        static MatrixBlock readOnly(QuadraticProgram problem, Block block) {
            int rows = block == Block.P ? problem.n() : block == Block.A ? problem.p() : problem.m();
            if (problem.isSparse() && (block == Block.P ? problem.hasP() : rows > 0)) {
                SparseMatrix.Columns s = problem.sparse(block).columns();
                return new CompressedColumns(rows, problem.n(), s.colStart(), s.rowIndex(), s.entries());
            }
            double[] entries = problem.isSparse() ? null : Dense.entries(problem, block);
            return entries == null ? of(problem, block) : new RowMajor(rows, problem.n(), entries);
        }

        /**
         * The block read as alpha · diag(left) M diag(right) from now on (the factors accumulated, the entries not
         * written); {@link #colNorm} and {@link #rowNorm} become the new norms.
         */
        final void scale(double[] left, double[] right, double alpha) {
            for (int i = 0; i < rows; i++) {
                this.left[i] *= alpha * left[i];
            }
            for (int j = 0; j < cols; j++) {
                this.right[j] *= right[j];
            }
            norms();
        }

        /** Sets {@link #colNorm} and {@link #rowNorm} to the norms of the entries read under the factors. */
        abstract void norms();

        /** @return M x (of the entries as given: a block that was never {@link #scale}d) */
        abstract double[] times(double[] x);

        /** out += Mᵀ y (of the entries as given: a block that was never {@link #scale}d) */
        abstract void addTransposeTimes(double[] y, double[] out);

    }

    /** A dense block, row-major. */
    private static final class RowMajor extends MatrixBlock {
        private final double[] entries;

        RowMajor(int rows, int cols, double[] entries) {
            super(rows, cols);
            this.entries = entries;
        }

        @Override void norms() {
            java.util.Arrays.fill(colNorm, 0.0);
            for (int i = 0; i < rows; i++) { // entries are finite (checked on input): plain comparisons, which vectorize
                double leftI = left[i];
                int base = i * cols;
                double rowMax = 0;
                for (int j = 0; j < cols; j++) {
                    double v = entries[base + j] * (leftI * right[j]);
                    double abs = Math.abs(v);
                    colNorm[j] = abs > colNorm[j] ? abs : colNorm[j];
                    rowMax = abs > rowMax ? abs : rowMax;
                }
                rowNorm[i] = rowMax;
            }
        }

        @Override double[] times(double[] x) {
            return Vectors.times(entries, rows, cols, x);
        }

        @Override void addTransposeTimes(double[] y, double[] out) {
            Vectors.addTransposeTimes(1.0, entries, rows, cols, y, out);
        }

    }

    /** A sparse block in compressed columns (the arrays of {@link SparseMatrix}). */
    private static final class CompressedColumns extends MatrixBlock {
        private final int[] colStart;
        private final int[] rowIndex;
        private final double[] values;

        CompressedColumns(int rows, int cols, int[] colStart, int[] rowIndex, double[] values) {
            super(rows, cols);
            this.colStart = colStart;
            this.rowIndex = rowIndex;
            this.values = values;
        }

        @Override void norms() {
            java.util.Arrays.fill(rowNorm, 0.0);
            for (int j = 0; j < cols; j++) {
                double colMax = 0;
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    int i = rowIndex[k];
                    double v = values[k] * (left[i] * right[j]); // the dense product, factor for factor
                    double abs = Math.abs(v);
                    colMax = abs > colMax ? abs : colMax;
                    rowNorm[i] = abs > rowNorm[i] ? abs : rowNorm[i];
                }
                colNorm[j] = colMax;
            }
        }

        @Override double[] times(double[] x) {
            double[] out = new double[rows];
            for (int j = 0; j < cols; j++) {
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    out[rowIndex[k]] += values[k] * x[j];
                }
            }
            return out;
        }

        @Override void addTransposeTimes(double[] y, double[] out) {
            for (int j = 0; j < cols; j++) {
                double sum = 0;
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    sum += values[k] * y[rowIndex[k]];
                }
                out[j] += sum;
            }
        }
    }

    /** @return alpha · diag(left) M diag(right) as new rows (null for null) */
    private static double[][] twoSided(double[][] rows, double[] left, double[] right, double alpha) {
        if (rows == null) {
            return null;
        }
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new double[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                out[i][j] = rows[i][j] * (alpha * left[i] * right[j]);
            }
        }
        return out;
    }

    /** v ← alpha · diag(factor) v in place (factor null: alpha · v). */
    private static void multiply(double[] v, double[] factor, double alpha) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor == null ? alpha : alpha * factor[i];
        }
    }

    /** @return alpha · diag(factor) v, new */
    private static double[] scaled(double[] v, double[] factor, double alpha) {
        double[] out = v.clone();
        multiply(out, factor, alpha);
        return out;
    }

    /** @return alpha · diag(factor)⁻¹ v, new */
    private static double[] divided(double[] v, double[] factor, double alpha) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * alpha / factor[i];
        }
        return out;
    }

    private static double[] ones(int len) {
        double[] out = new double[len];
        java.util.Arrays.fill(out, 1.0);
        return out;
    }

    private static double[][] shaped(String block, double[][] rows, int r, int c) {
        if (rows == null) {
            return null;
        }
        if (rows.length != r) {
            throw new IllegalArgumentException("direction block " + block + " has " + rows.length
                    + " rows, expected " + r);
        }
        for (double[] row : rows) {
            length(block, row, c);
        }
        return rows;
    }

    private static double[] length(String block, double[] v, int len) {
        if (v.length != len) {
            throw new IllegalArgumentException("direction block " + block + " has length " + v.length
                    + ", expected " + len);
        }
        return v;
    }
}
