package dev.altdiff.core;

import dev.altdiff.api.Polish;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.linalg.Matrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One run of {@link Admm#solveBatch}: the iteration of {@link Admm}'s class comment on B columns, one
 * method per step, the iterates held as row-major blocks in the JVM ({@link Dense}):
 * <ul>
 *   <li>{@link #adaptRho}: residual balancing ({@link Admm#proposeRho}) and the switch of factor;</li>
 *   <li>{@link #xStep}: z = [Ax⁺; Gx⁺] = z₀ − My from y = [λ; ν + ρs], with x⁺ = x₀ − Wy formed only
 *       where a later step reads it ({@link #formX}); in the reduced form of {@link XStep} this keeps
 *       the iteration in the (p+m)-space;</li>
 *   <li>{@link #updateSlacksAndMultipliers}: s⁺, λ⁺, ν⁺ and the primal residuals in one pass;</li>
 *   <li>{@link #screen}: the termination test's per-iteration screen ({@link Termination#mayPass});</li>
 *   <li>{@link #recordStep}: the masks and trajectory a differentiated run keeps;</li>
 *   <li>{@link #stopColumns} and {@link #dropColumns}: the columns that stop, with their statuses from
 *       {@link Termination#status}, snapshot and (with {@link Settings#polish()}) polished;</li>
 *   <li>{@link #polishEarly}: with polishing on and no trajectory kept, a column whose residuals pass the
 *       test at a looser tolerance is polished during the run, and stops if the polished point passes.</li>
 * </ul>
 * Scratch blocks are allocated once for B columns and reused at any narrower width (entry (i, j) of
 * an r×w block at i·w + j).
 */
final class BatchLoop {
    private final QpData d;
    private final LinearAlgebra la;
    private final Settings settings;
    /** Whether the run records for a reverse pass: the masks, and with {@link #recordIterates} the trajectory. */
    private final boolean record;
    private final boolean recordIterates;
    /** Whether the trajectory keeps x as the reduced x-step's inputs ({@link Admm.StepInputs}). */
    private final boolean recordInputs;
    private final boolean residualRule;
    private final int n;
    private final int p;
    private final int m;
    private final int batch;
    private final Termination termination;
    private final Termination.Bounds bounds;
    private final double[] wPrimal;
    private final double[] wDual;
    private final double[][] qCols;
    private final double[] qInf;
    private final double[] dataPrimalInf;
    /** Per column, the dual scale of its last direct test (NaN before it), which caps the screen's bound. */
    private final double[] lastDualScale;
    /** Per column, the row where its screen's last formed dual residual had its largest entry (−1: none yet). */
    private final int[] dualArgmax;
    private final long deadline;

    // the iteration's data: the factor of the current ρ and its x-step
    private QpData current;
    private double rho;
    private double rhoEq; // the equality rows' ρ ({@link QpData#rhoEq})
    private final double alpha; // over-relaxation ({@link Settings#alpha()})
    private XStep step;
    /** The ρ segments so far; a run that records nothing keeps only the current one ({@link #adaptRho}). */
    private final List<Admm.Segment> segments = new ArrayList<>();
    /** {sum, Σ|terms|} of the screen's one-entry bound ({@link #entryLowerBound}), reused: no allocation per column. */
    private final double[] termSums = new double[2];
    private int switches;
    private int segmentStart;

    // the active columns' blocks (width = active.length)
    private int[] active;
    private double[] qAct;
    private double[] bAct;
    private double[] hAct;
    private double[] gthAtb; // n×w, Gᵀh + (ρ_eq/ρ)Aᵀb: c₀'s part that no ρ changes (formed once)
    private double[] x0; // n×w, H⁻¹c₀ with c₀ = −q + ρAᵀb + ρGᵀh
    private double[] z0; // (p+m)×w, [A; G]x₀
    private double[] x;
    private double[] xPrev;
    private boolean xFormed = true; // whether x holds x_k (else it is formed from y on demand by formX)
    private boolean xPrevFormed;
    /** Reduced x-step: y and [Ax; Gx] of the iteration before an infeasibility check, of its ρ segment, and at it. */
    private double[] yBefore;
    private double[] zBefore;
    private int switchesBefore; // the ρ segment (switches so far) of yBefore and zBefore
    private double[] yNow;
    private double[] zNow;
    private double[] lambda;
    private double[] nu;
    private double[] s;
    private double[] xInf; // ‖x‖∞ per column, of the latest x formed (the screen's dual-scale bound)
    /** The residual terms of the last test made on every active column, and its iteration (ρ adaptation reads them). */
    private Termination.Terms lastTerms;
    private int lastTermsIteration;

    // scratch, sized for B columns
    private final double[] y;
    private final double[] z;
    private final double[] ds;
    private final double[] nuTilde;
    private final double[] lambdaTilde; // the x-step's λ̃ = λ + ρ_eq(Ax⁺ − b), recorded when α ≠ 1 (else λ⁺ = λ̃)
    private final double[] dLambda; // screening with α ≠ 1: (λ⁺ − λ̃)/ρ, the equality rows' share of the dual residual
    private final double[] dy; // y⁺ − y = (λ⁺ − λ, ν⁺ − ν) at an infeasibility check
    private final double[] primal;
    private final double[] primalScale;

    /** Early polishing ({@link #polishEarly}): on, each column's next looser tolerance, the tests at them. */
    private final boolean earlyPolish;
    private final int[] polishLevel;
    private final List<Termination> looser = new ArrayList<>();

    private final List<List<boolean[]>> masks = new ArrayList<>();
    private final List<Admm.Trajectory> trajectories = new ArrayList<>();
    /** Bytes of the masks and trajectories recorded so far (their arrays' contents). */
    private long recorded;
    private final Admm.Column[] out;

    BatchLoop(QpData d, Matrix q, Matrix b, Matrix h, List<Admm.Start> starts, Settings settings,
              Admm.Recording recording) {
        this.d = d;
        this.la = d.la;
        this.settings = settings;
        this.record = recording != Admm.Recording.NONE;
        this.recordIterates = recording == Admm.Recording.TRAJECTORY;
        this.residualRule = settings.truncation() == Truncation.RESIDUALS;
        this.n = d.n;
        this.p = d.p;
        this.m = d.m;
        this.batch = q.cols();
        this.termination = Termination.of(d, settings);
        this.bounds = residualRule ? termination.bounds(d) : null;
        this.wPrimal = termination.primalWeight();
        this.wDual = termination.dualWeight();
        this.qCols = Admm.columns(q);
        this.qAct = q.toRowMajor();
        this.bAct = p > 0 ? b.toRowMajor() : null;
        this.hAct = m > 0 ? h.toRowMajor() : null;
        this.qInf = Dense.colNormInf(qAct, n, batch, wDual, 0, new double[batch]);
        this.dataPrimalInf = new double[batch];
        this.lastDualScale = new double[batch];
        Arrays.fill(lastDualScale, Double.NaN);
        this.dualArgmax = new int[batch];
        Arrays.fill(dualArgmax, -1);
        if (p > 0) {
            Dense.colNormInf(bAct, p, batch, wPrimal, 0, dataPrimalInf);
        }
        if (m > 0) {
            double[] hInf = Dense.colNormInf(hAct, m, batch, wPrimal, p, new double[batch]);
            for (int c = 0; c < batch; c++) {
                dataPrimalInf[c] = Math.max(dataPrimalInf[c], hInf[c]);
            }
        }
        this.deadline = settings.timeLimit() > 0 ? System.nanoTime() + (long) (settings.timeLimit() * 1e9) : 0;
        this.current = d;
        if (record) {
            d.hold(); // its gradient reads this ρ's factor and x-step
        }
        this.rho = d.rho;
        this.rhoEq = d.rhoEq;
        this.alpha = settings.alpha();
        this.step = d.xStep();
        this.recordInputs = recordIterates && step.reduced;
        segments.add(new Admm.Segment(1, d));
        // the adaptive-ρ schedule, batch-wide: carried over from a continued run (the first start's), else fresh
        Admm.RhoSchedule carried = starts == null || starts.get(0) == null || starts.get(0).schedule() == null
                ? Admm.RhoSchedule.FRESH : starts.get(0).schedule();
        this.switches = carried.switches();
        this.segmentStart = 1 - carried.sinceSwitch(); // the current ρ's first iteration (≤ 0: an earlier run's)
        this.active = new int[batch];
        for (int c = 0; c < batch; c++) {
            active[c] = c;
        }
        this.x = startBlock(starts, n, Admm.Start::x);
        this.xPrev = new double[n * batch];
        this.lambda = startBlock(starts, p, Admm.Start::lambda);
        this.nu = startBlock(starts, m, Admm.Start::nu);
        this.s = startBlock(starts, m, Admm.Start::s);
        this.xInf = Dense.colNormInf(x, n, batch, null, 0, new double[batch]);
        this.y = new double[(p + m) * batch];
        this.z = new double[(p + m) * batch];
        this.ds = new double[m * batch];
        this.nuTilde = recordIterates ? new double[m * batch] : null;
        this.lambdaTilde = recordIterates && alpha != 1.0 ? new double[p * batch] : null;
        this.dLambda = residualRule && alpha != 1.0 ? new double[p * batch] : null;
        this.dy = settings.infeasibilityTolerance() > 0 ? new double[(p + m) * batch] : null;
        this.primal = new double[batch];
        this.primalScale = new double[batch];
        for (int c = 0; c < batch; c++) {
            masks.add(new ArrayList<>());
            trajectories.add(!record ? null : recordIterates ? new Admm.Trajectory(recordInputs ? new Admm.StepInputs()
                    : new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), alpha) : Admm.Trajectory.masksOnly(alpha));
        }
        this.out = new Admm.Column[batch];
        this.earlyPolish = settings.polish() && !record && residualRule;
        this.polishLevel = new int[batch];
        constantPart(1);
    }

    Admm.BatchRun run() {
        int k = 0;
        while (active.length > 0) {
            k++;
            int width = active.length;
            if (settings.adaptiveRho() && Admm.RhoSchedule.reconsidered(k, switches, segmentStart)) {
                adaptRho(k, width);
            }
            boolean screening = residualRule && k % Settings.TERMINATION_CHECK_INTERVAL != 0;
            boolean infeasibilityCheck = settings.infeasibilityTolerance() > 0
                    && k % Settings.INFEASIBILITY_CHECK_INTERVAL == 0;
            // x is read by the relative-change rule and the trajectory (unless it keeps the x-step's
            // inputs) at every iteration; by the infeasibility test (with the iteration before), the
            // termination test and ρ adaptation at their intervals; elsewhere only if the screen calls
            // for the test
            boolean beforeCheck = settings.infeasibilityTolerance() > 0
                    && (k + 1) % Settings.INFEASIBILITY_CHECK_INTERVAL == 0;
            boolean needX = recordIterates && !recordInputs || !residualRule || k % Settings.TERMINATION_CHECK_INTERVAL == 0
                    || beforeCheck && !step.reduced;
            xStep(width, needX);
            if (step.reduced && (beforeCheck || infeasibilityCheck)) { // the x-step's y and z = [Ax; Gx] of x_k
                keepStepImage(infeasibilityCheck);
            }
            updateSlacksAndMultipliers(width, infeasibilityCheck);
            boolean[] candidates = screening ? screen(width) : null;
            boolean checkpoint = !screening && residualRule || candidates != null;
            boolean[] truncated = new boolean[width];
            boolean anyTruncated = false;
            if (!residualRule) { // the paper's rule: ‖x⁺ − x‖₂ ≤ tol·‖x⁺‖₂
                for (int j = 0; j < width; j++) {
                    truncated[j] = relativeChange(j, width) <= settings.tolerance() * norm2(x, n, width, j, null);
                    anyTruncated |= truncated[j];
                }
            }
            boolean capped = k == settings.maxIterations();
            boolean timedOut = k % Settings.TERMINATION_CHECK_INTERVAL == 0 && deadline != 0
                    && System.nanoTime() - deadline > 0;
            boolean decide = checkpoint || anyTruncated || capped || timedOut || infeasibilityCheck;
            if (decide) {
                formX(width);
            }
            Infeasibility.Verdict[] verdicts = infeasibilityCheck ? infeasibility(width) : null;
            // a test that only the screen called for is made for the columns the screen passed
            int[] tested = decide && candidates != null && !(anyTruncated || capped || timedOut || infeasibilityCheck)
                    ? indices(candidates) : null;
            Termination.Residuals residuals = decide ? residuals(k, width, tested) : null;
            if (record) {
                recordStep(k, width);
            }
            if (xFormed) {
                Dense.colNormInf(x, n, width, null, 0, xInf);
            }
            Status[] status = new Status[width];
            int stopping = 0;
            for (int j = 0, at = 0; j < width && residuals != null; j++) {
                if (tested != null && (at == tested.length || tested[at] != j)) {
                    continue;
                }
                int r = tested == null ? j : at++;
                lastDualScale[active[j]] = residuals.dualScale()[r];
                status[j] = Termination.status(verdicts == null || verdicts[j] == null ? null : verdicts[j].status(),
                        residuals.finite(r), termination.passes(residuals, r), residualRule, truncated[j], capped,
                        timedOut);
                if (status[j] != null) {
                    stopping++;
                }
            }
            Solution[] polished = earlyPolish && residuals != null && tested == null
                    ? polishEarly(k, width, status, residuals) : null;
            if (polished != null) {
                for (int j = 0; j < width; j++) {
                    if (polished[j] != null) {
                        status[j] = polished[j].status();
                        stopping++;
                    }
                }
            }
            if (stopping > 0) {
                stopColumns(k, width, status, verdicts, polished);
                if (stopping == width) {
                    break;
                }
                dropColumns(width, status);
            }
        }
        return new Admm.BatchRun(d, List.of(out));
    }

    /**
     * ρ adaptation before iteration k, from the iterate k − 1 left: a switch refactors H and restarts the segment.
     * The run lets go of the set-up it leaves (factor and x-step) before the next is formed ({@link
     * QpData#release}, the first ρ's too): held softly, the collector can reclaim it while the next set-up
     * allocates. A run that records nothing differentiates no segment and forgets it; a recorded run keeps the
     * segment's data, whose set-up its reverse sweep forms again (to the same bits) if the collector took it. Should
     * H not be positive definite at the proposal, the current ρ is taken back (from the cache, or factored again).
     */
    private void adaptRho(int k, int width) {
        formX(width);
        double proposal = lastTerms != null && lastTermsIteration == k - 1 // the termination test's terms of x_{k−1}
                ? Admm.proposeRho(rho, lastTerms) : Admm.proposeRho(current, x, lambda, nu, s, qAct, bAct, hAct, width);
        if (!Admm.RhoSchedule.departs(rho, proposal)) {
            return;
        }
        int first = segments.get(segments.size() - 1).first();
        current.release(); // the data the run started from too: its caller still refers to them
        step = null;
        if (!record) { // nothing refers to the segment left from here on
            current = null;
            segments.clear();
        }
        QpData switched = factorOrNull(d, proposal);
        if (switched == null) {
            if (record) {
                current.hold();
            } else {
                current = d.withRho(rho);
                segments.add(new Admm.Segment(first, current));
            }
            step = current.xStep();
            return;
        }
        current = switched;
        if (record) {
            current.hold();
        }
        rho = proposal;
        rhoEq = current.rhoEq;
        step = current.xStep();
        constantPart(k);
        segments.add(new Admm.Segment(k, current));
        switches++;
        segmentStart = k;
    }

    /** @return the data factored for ρ = rho, or null when H is not (numerically) positive definite there */
    private static QpData factorOrNull(QpData d, double rho) {
        try {
            return d.withRho(rho);
        } catch (dev.altdiff.api.InvalidProblemException e) {
            return null;
        }
    }

    /**
     * x₀ = H⁻¹c₀ and z₀ = [A; G]x₀ for c₀ = −q + ρ_eqAᵀb + ρGᵀh, the x-step's constant part (once per ρ, from
     * iteration k on); a trajectory that keeps the x-step's inputs starts a segment with it.
     */
    private void constantPart(int k) {
        int width = active.length;
        if (gthAtb == null) { // Gᵀh and Aᵀb in the JVM (sparse data: through the backend)
            gthAtb = new double[n * width];
            if (m > 0) {
                Dense.add(gthAtb, d.times(dev.altdiff.api.Block.G, true, hAct, width));
            }
            if (p > 0) { // (ρ_eq/ρ)Aᵀb
                double[] atb = d.times(dev.altdiff.api.Block.A, true, bAct, width);
                for (int i = 0; i < n * width; i++) {
                    gthAtb[i] += d.rhoScale * atb[i];
                }
            }
        }
        double[] c0 = new double[n * width];
        for (int i = 0; i < n * width; i++) {
            c0[i] = rho * gthAtb[i] - qAct[i];
        }
        x0 = new double[n * width];
        z0 = new double[(p + m) * width];
        step.solve(c0, width, x0, z0);
        if (recordInputs) {
            for (int j = 0; j < width; j++) {
                double[] zeta = Dense.column(z0, p + m, width, j); // z₀ − [b; h]
                for (int i = 0; i < p; i++) {
                    zeta[i] -= bAct[i * width + j];
                }
                for (int i = 0; i < m; i++) {
                    zeta[p + i] -= hAct[i * width + j];
                }
                ((Admm.StepInputs) trajectories.get(active[j]).x()).segment(k, current, Dense.column(x0, n, width, j),
                        zeta);
            }
        }
    }

    /** z = [Ax⁺; Gx⁺] from y = [λ; ν + ρs]; x⁺ too when asked (or when the full form forms it anyway). */
    private void xStep(int width, boolean needX) {
        double[] previous = x; // x_{k−1} becomes the previous iterate; its buffer takes x_k
        x = xPrev;
        xPrev = previous;
        xPrevFormed = xFormed;
        int pw = p * width;
        System.arraycopy(lambda, 0, y, 0, pw);
        for (int i = 0; i < m * width; i++) {
            y[pw + i] = nu[i] + rho * s[i];
        }
        boolean formed = needX || !step.reduced;
        // the proximal term σx_{k−1} (σ > 0 runs the full form, where x_{k−1} is always formed)
        step.apply(y, width, x0, z0, current.sigma > 0 ? previous : null, formed ? x : null, z);
        xFormed = formed;
    }

    /** Forms x⁺ = x₀ − Wy from the last x-step's y, if not formed yet. */
    private void formX(int width) {
        if (!xFormed) {
            step.formX(y, width, x0, x);
            xFormed = true;
        }
    }

    /**
     * The s- and multiplier updates from z = [Ax⁺; Gx⁺], with over-relaxation α ({@link Settings#alpha()}):
     * the relaxed images âx = αAx⁺ + (1 − α)b and ĝx = αGx⁺ + (1 − α)(h − s) (α = 1: Ax⁺ and Gx⁺) give
     * <pre>
     *   λ⁺ = λ + ρ_eq(âx − b),   s⁺ = max(0, h − ĝx − ν/ρ),   ν⁺ = max(0, ν + ρ(ĝx + s⁺ − h))
     * </pre>
     * (ν⁺ ≥ 0 exactly: where s⁺ &gt; 0 it is ν − ν, which rounds to ±ulp). z is left holding the primal
     * residuals (Ax⁺ − b; Gx⁺ + s⁺ − h), primal their ∞-norms per column and primalScale the weighted
     * max(‖Ax⁺‖∞, ‖Gx⁺‖∞); ds the dual residual's share from the inequality rows, Px⁺ + q + Aᵀλ⁺ + Gᵀν⁺ =
     * ρGᵀds + ρAᵀdλ with ds = (ν⁺ − ν̃)/ρ (= s⁺ − s for α = 1) and dλ = (λ⁺ − λ̃)/ρ (zero for α = 1, where
     * λ⁺ = λ̃); with recording the x-step's multipliers ν̃ = ν + ρ(Gx⁺ + s − h) and λ̃ = λ + ρ_eq(Ax⁺ − b);
     * at an infeasibility check dy = y⁺ − y.
     */
    private void updateSlacksAndMultipliers(int width, boolean infeasibilityCheck) {
        int pw = p * width;
        Arrays.fill(primal, 0, width, 0.0);
        Arrays.fill(primalScale, 0, width, 0.0);
        boolean relaxed = alpha != 1.0;
        double[] step = infeasibilityCheck ? dy : null;
        for (int i = 0; i < p; i++) {
            double w = wPrimal == null ? 1.0 : wPrimal[i];
            for (int j = 0; j < width; j++) {
                int at = i * width + j;
                double ax = z[at];
                primalScale[j] = Math.max(primalScale[j], w * Math.abs(ax));
                double bi = bAct[at];
                double r = ax - bi;
                z[at] = r;
                double lambdaOld = lambda[at];
                if (relaxed) {
                    double tilde = lambdaOld + rhoEq * r;
                    lambda[at] = lambdaOld + alpha * rhoEq * r; // ρ_eq(âx − b) = αρ_eq(Ax⁺ − b)
                    if (lambdaTilde != null) {
                        lambdaTilde[at] = tilde;
                    }
                    if (dLambda != null) {
                        dLambda[at] = (lambda[at] - tilde) / rho;
                    }
                } else {
                    lambda[at] += rhoEq * r;
                }
                if (step != null) {
                    step[at] = lambda[at] - lambdaOld;
                }
                primal[j] = Math.max(primal[j], Math.abs(r)); // NaN propagates
            }
        }
        for (int i = 0; i < m; i++) {
            double w = wPrimal == null ? 1.0 : wPrimal[p + i];
            for (int j = 0; j < width; j++) {
                int at = i * width + j;
                double gx = z[pw + at];
                primalScale[j] = Math.max(primalScale[j], w * Math.abs(gx));
                double sOld = s[at];
                double nuOld = nu[at];
                double hi = hAct[at];
                double tilde = nuOld + rho * (gx + sOld - hi);
                if (nuTilde != null) {
                    nuTilde[at] = tilde;
                }
                double g = relaxed ? alpha * gx + (1 - alpha) * (hi - sOld) : gx;
                double sNew = Math.max(0.0, hi - g - nuOld / rho);
                double r = gx + sNew - hi;
                z[pw + at] = r;
                nu[at] = Math.max(0.0, nuOld + rho * (relaxed ? g + sNew - hi : r));
                ds[at] = relaxed ? (nu[at] - tilde) / rho : sNew - sOld;
                if (step != null) {
                    step[pw + at] = nu[at] - nuOld;
                }
                s[at] = sNew;
                primal[j] = Math.max(primal[j], Math.abs(r)); // NaN propagates
            }
        }
    }

    /**
     * The per-iteration screen ({@link Termination#mayPass}) with the iterate's dual residual
     * ρGᵀ(s⁺ − s) (formed only once some column's primal residual passes) and the dual scale bounded
     * with ‖x‖∞ of the latest x formed, capped by the growth of the column's last direct test's scale.
     *
     * @return per column whether it may pass the termination test, or null when none may
     */
    private boolean[] screen(int width) {
        int pw = p * width;
        double[] weighted = wPrimal == null ? primal : new double[width];
        if (wPrimal != null) {
            for (int i = 0; i < p + m; i++) {
                double w = wPrimal[i];
                for (int j = 0; j < width; j++) {
                    weighted[j] = Math.max(weighted[j], w * Math.abs(z[i * width + j]));
                }
            }
        }
        boolean[] primalPasses = new boolean[width];
        for (int j = 0; j < width; j++) {
            primalPasses[j] = termination.passes(weighted[j], Math.max(primalScale[j], dataPrimalInf[active[j]]), 0,
                    0);
        }
        int[] passing = indices(primalPasses);
        if (passing.length == 0) {
            return null;
        }
        // ρ‖Gᵀds + Aᵀdλ − (σ/ρ)(x⁺ − x)‖ for the columns whose primal residual passes (the x-step's
        // stationarity with the proximal term σ(x⁺ − x); σ > 0 runs the full form, where both x are formed)
        double[] dual = new double[width];
        double[] lambdaInf = Dense.colNormInf(lambda, p, width, null, 0, new double[width]);
        double[] nuInf = Dense.colNormInf(nu, m, width, null, 0, new double[width]);
        double sigma = current.sigma;
        boolean[] product = primalPasses; // the columns whose dual residual is formed
        if ((m > 0 || dLambda != null) && sigma == 0 && !d.sparse) {
            // first one entry of it, where the column's last formed residual had its largest: if that entry alone
            // fails the screen, the column cannot pass (mayPass grows with the dual residual), and most columns
            // whose primal residual passes fail on the dual one
            product = primalPasses.clone();
            for (int j : passing) {
                int c = active[j];
                if (dualArgmax[c] >= 0) {
                    double lower = rho * (wDual == null ? 1.0 : wDual[dualArgmax[c]]) * entryLowerBound(dualArgmax[c],
                            j, width);
                    product[j] = termination.mayPass(bounds, weighted[j], Math.max(primalScale[j], dataPrimalInf[c]),
                            lower, xInf[j], lambdaInf[j], nuInf[j], qInf[c], lastDualScale[c]);
                }
            }
        }
        int[] formed = indices(product);
        if ((m > 0 || dLambda != null || sigma > 0) && formed.length > 0) {
            int w = formed.length;
            double[] image = new double[n * w];
            if (m > 0) {
                Dense.add(image, d.times(dev.altdiff.api.Block.G, true,
                        w == width ? ds : Dense.select(ds, m, width, formed), w));
            }
            if (dLambda != null && p > 0) {
                Dense.add(image, d.times(dev.altdiff.api.Block.A, true,
                        w == width ? dLambda : Dense.select(dLambda, p, width, formed), w));
            }
            if (sigma > 0) {
                for (int i = 0; i < n; i++) {
                    for (int t = 0; t < w; t++) {
                        int at = i * width + formed[t];
                        image[i * w + t] -= sigma / rho * (x[at] - xPrev[at]);
                    }
                }
            }
            double[] norms = new double[w]; // the weighted ∞-norms ({@link Dense#colNormInf}) and where they are
            int[] where = new int[w];
            for (int i = 0; i < n; i++) {
                double wi = wDual == null ? 1.0 : wDual[i];
                for (int t = 0; t < w; t++) {
                    double v = wi * Math.abs(image[i * w + t]);
                    if (v > norms[t] || v != v) {
                        norms[t] = v;
                        where[t] = i;
                    }
                }
            }
            for (int t = 0; t < w; t++) {
                dual[formed[t]] = rho * norms[t];
                dualArgmax[active[formed[t]]] = where[t];
            }
        }
        boolean[] candidates = new boolean[width];
        boolean any = false;
        for (int j = 0; j < width; j++) {
            int c = active[j];
            candidates[j] = product[j] && termination.mayPass(bounds, weighted[j],
                    Math.max(primalScale[j], dataPrimalInf[c]), dual[j], xInf[j], lambdaInf[j], nuInf[j], qInf[c],
                    lastDualScale[c]);
            any |= candidates[j];
        }
        return any ? candidates : null;
    }

    /**
     * @return a lower bound of |(Gᵀds + Aᵀdλ)_i| for active column j as the screen's product would compute it: the
     *     entry summed here, less 4(m + p)·2⁻⁵² times the sum of its terms' magnitudes, more than the two sums'
     *     rounding errors together (so that a column this bound rejects is one the product would reject too)
     */
    private double entryLowerBound(int i, int j, int width) {
        double[] sumAndMagnitude = termSums;
        sumAndMagnitude[0] = 0;
        sumAndMagnitude[1] = 0;
        if (m > 0) {
            addColumnTerms(d.dense(dev.altdiff.api.Block.G), i, ds, j, width, sumAndMagnitude);
        }
        if (dLambda != null && p > 0) {
            addColumnTerms(d.dense(dev.altdiff.api.Block.A), i, dLambda, j, width, sumAndMagnitude);
        }
        double sum = sumAndMagnitude[0];
        double magnitude = sumAndMagnitude[1];
        return Math.max(0.0, Math.abs(sum) - 4.0 * (m + p) * Math.ulp(1.0) * magnitude);
    }

    /**
     * Adds the terms of (blockᵀ·v)_i for column j of v into {sum, magnitude}, as {@link QpData#times} forms them: a
     * scaled block's row factors on v first, its column factor on the sum.
     */
    private static void addColumnTerms(dev.altdiff.api.DenseBlock block, int i, double[] v, int j, int width,
                                       double[] sumAndMagnitude) {
        double[] stored = block.stored();
        double[] left = block.left();
        int cols = block.cols();
        double sum = 0;
        double magnitude = 0;
        for (int r = 0; r < block.rows(); r++) {
            double vr = v[r * width + j];
            double term = stored[r * cols + i] * (left == null ? vr : left[r] * vr);
            sum += term;
            magnitude += Math.abs(term);
        }
        double right = left == null ? 1.0 : block.right()[i];
        sumAndMagnitude[0] += right * sum;
        sumAndMagnitude[1] += right * magnitude;
    }

    /**
     * @return the termination test's residuals at iteration k of the given active columns (all when null, whose
     *     terms are kept for ρ adaptation), each block narrowed to them
     */
    private Termination.Residuals residuals(int k, int width, int[] columns) {
        if (columns == null) {
            lastTerms = Termination.terms(d, x, lambda, nu, s, qAct, bAct, hAct, width);
            lastTermsIteration = k;
            return termination.residuals(lastTerms);
        }
        int w = columns.length;
        return termination.residuals(d, Dense.select(x, n, width, columns), Dense.select(lambda, p, width, columns),
                Dense.select(nu, m, width, columns), Dense.select(s, m, width, columns),
                Dense.select(qAct, n, width, columns), p > 0 ? Dense.select(bAct, p, width, columns) : null,
                m > 0 ? Dense.select(hAct, m, width, columns) : null, w);
    }

    /**
     * Keeps the x-step's y and z = [Ax; Gx] of this iteration (before the updates turn z into residuals): at the
     * iteration before an infeasibility check as the previous ones, at the check as the current ones.
     */
    private void keepStepImage(boolean current) {
        int width = active.length;
        double[] yCopy = Arrays.copyOf(y, (p + m) * width);
        double[] zCopy = Arrays.copyOf(z, (p + m) * width);
        if (current) {
            yNow = yCopy;
            zNow = zCopy;
        } else {
            yBefore = yCopy;
            zBefore = zCopy;
            switchesBefore = switches;
        }
    }

    /**
     * δx = x⁺ − x for the dual infeasibility test. With the reduced x-step, x_{k−1} is not formed: in one ρ
     * segment δx = −W(y_k − y_{k−1}) exactly, and [A; G]δx = z_k − z_{k−1} from the kept images. As
     * ‖δx‖∞ ≤ ‖W‖∞‖δy‖∞, a column with ‖Aδx‖∞ or max(Gδx) above 2ε‖W‖∞‖δy‖∞ fails the test's conditions
     * ‖Aδx‖∞ ≤ ε‖δx‖∞, max(Gδx) ≤ ε‖δx‖∞ (with a factor 2 to spare against the rounding of the images); δx
     * is formed only for the other columns (for a feasible problem, usually none), and left zero, which fails
     * the test, for these.
     *
     * @return n×width, or null when x_{k−1} (full form) or its image (reduced) is not at hand
     */
    private double[] infeasibilityStep(int width) {
        if (!step.reduced) {
            if (!xPrevFormed) { // x_{k−1} from y_{k−1} is gone: the test waits for the next interval
                return null;
            }
            double[] dx = new double[n * width];
            for (int i = 0; i < dx.length; i++) {
                dx[i] = x[i] - xPrev[i];
            }
            return dx;
        }
        if (yBefore == null || switchesBefore != switches) { // no image of x_{k−1} in this ρ segment
            return null;
        }
        int c = p + m;
        double eps = settings.infeasibilityTolerance();
        double bound = 2 * eps * step.wNormInf();
        double[] dyx = new double[c * width];
        for (int i = 0; i < dyx.length; i++) {
            dyx[i] = yNow[i] - yBefore[i];
        }
        double[] dyInf = Dense.colNormInf(dyx, c, width, null, 0, new double[width]);
        boolean[] candidate = new boolean[width];
        for (int j = 0; j < width; j++) {
            candidate[j] = dyInf[j] > 0;
        }
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < width; j++) {
                int at = i * width + j;
                double image = zNow[at] - zBefore[at]; // (Aδx)_i or (Gδx)_i
                double t = bound * dyInf[j];
                if (i < p ? Math.abs(image) > t : image > t) {
                    candidate[j] = false;
                }
            }
        }
        double[] dx = new double[n * width];
        int[] columns = indices(candidate);
        if (columns.length > 0) {
            int w = columns.length;
            double[] part = new double[n * w];
            step.formX(Dense.select(dyx, c, width, columns), w, null, part); // −Wδy
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < w; t++) {
                    dx[i * width + columns[t]] = part[i * w + t];
                }
            }
        }
        return dx;
    }

    /** @return the infeasibility verdicts of the active columns from the residuals in z and δx = x⁺ − x */
    private Infeasibility.Verdict[] infeasibility(int width) {
        double[] dx = infeasibilityStep(width);
        yBefore = null; // the images are for this check only
        if (dx == null) {
            return new Infeasibility.Verdict[width];
        }
        double[][] activeQ = new double[width][];
        for (int j = 0; j < width; j++) {
            activeQ[j] = qCols[active[j]];
        }
        return Infeasibility.test(d, dy, bAct, hAct, dx, activeQ, width, settings.infeasibilityTolerance());
    }

    /**
     * Appends iteration k's mask D_k = 1[s_k &gt; 0] and, when the iterates are recorded, x_k (or y_k), λ̃_k and ν̃_k
     * to each active column's record, and every {@value #RECORD_CHECK_INTERVAL} iterations checks that the record
     * can go on ({@link #checkRecord}).
     */
    private void recordStep(int k, int width) {
        long stepBytes = (long) width * (m + Double.BYTES * (recordIterates ? (recordInputs ? p + m : n) + p + m : 0));
        recorded += stepBytes;
        if (k % RECORD_CHECK_INTERVAL == 0) {
            checkRecord(k, stepBytes);
        }
        for (int j = 0; j < width; j++) {
            int c = active[j];
            boolean[] mask = new boolean[m];
            for (int i = 0; i < m; i++) {
                mask[i] = s[i * width + j] > 0;
            }
            masks.get(c).add(mask);
            if (!recordIterates) {
                continue;
            }
            Admm.Trajectory t = trajectories.get(c);
            if (recordInputs) {
                ((Admm.StepInputs) t.x()).add(Dense.column(y, p + m, width, j));
            } else {
                t.x().add(Dense.column(x, n, width, j));
            }
            t.lambda().add(Dense.column(lambdaTilde != null ? lambdaTilde : lambda, p, width, j));
            t.nuTilde().add(Dense.column(nuTilde, m, width, j));
        }
    }

    /** Iterations between the checks of {@link #checkRecord}. */
    private static final int RECORD_CHECK_INTERVAL = 16;

    /**
     * The memory of a differentiated run grows with its iterations, which are not known up front (an estimate
     * with the iteration cap would refuse most runs that stop early): once the record holds more than 1/16 of
     * the heap, every {@value #RECORD_CHECK_INTERVAL} iterations the heap must still have room for the next
     * interval's steps and for the reverse sweep, whose per-step arrays are about the record's size again. A
     * run that would not fit stops here with {@link dev.altdiff.api.TooLargeException} naming the sizes and
     * what to change, long before an {@link OutOfMemoryError} (nothing has been returned yet, so nothing is
     * left half-made).
     */
    private void checkRecord(int k, long stepBytes) {
        if (recorded < Runtime.getRuntime().maxMemory() / 16) {
            return;
        }
        long needed = dev.altdiff.api.Limits.plus(recorded, RECORD_CHECK_INTERVAL * stepBytes);
        dev.altdiff.api.Limits.requireBytes("trajectory", needed, "the recorded trajectory of a differentiated run ("
                + k + " iterations so far, " + recorded / (1 << 20) + " MiB, growing by " + stepBytes / 1024
                + " KiB an iteration) and the reverse sweep's arrays of about its size (or stop earlier: fewer"
                + " iterations or a looser tolerance; or solve without recording when no gradient is needed:"
                + " Layer.solve, BatchLayer.forwardOnly, altdiff solve without --dx)");
    }

    /**
     * Early polishing: the columns still running whose primal and dual residuals pass the termination test
     * at their next looser tolerance 10⁻³, 10⁻⁴, … (each level once; the last is 10ε) are polished now; a polished point that
     * passes the test at ε ends the column as SOLVED. On the Maros–Meszaros problems the active set is often
     * right long before the iterate reaches ε (QSC205: polished and accepted after 86 iterations at 1e-4,
     * 6 343 to reach 1e-7). Only where no trajectory is kept: a differentiated run is not cut short, since
     * its gradients have the accuracy of its last iterate. Cost: a dense LU of order n + p + (active rows)
     * per attempt, at most a few per column.
     *
     * @return per active column the accepted polished solution, or null (all null: none)
     */
    private Solution[] polishEarly(int k, int width, Status[] status, Termination.Residuals residuals) {
        boolean[] due = new boolean[width];
        Status[] provisional = new Status[width]; // the snapshots' status: unused, only an accepted point is kept
        for (int j = 0; j < width; j++) {
            Termination test = status[j] == null ? looserTest(polishLevel[active[j]]) : null;
            due[j] = test != null && test.residualsPass(residuals, j); // the gap is checked at the polished point
            provisional[j] = due[j] ? Status.MAX_ITERATIONS : null;
        }
        int[] columns = indices(due);
        if (columns.length == 0) {
            return null;
        }
        Solution[] snapshots = snapshots(k, width, columns, provisional, null);
        Solution[] out = null;
        for (int i = 0; i < columns.length; i++) {
            int j = columns[i];
            int c = active[j];
            polishLevel[c]++;
            Solution solution = Polisher.polish(current, snapshots[i], qCols[c], Dense.column(bAct, p, width, j),
                    Dense.column(hAct, m, width, j), termination, deadline);
            if (solution.polish() == Polish.ACCEPTED) {
                if (out == null) {
                    out = new Solution[width];
                }
                out[j] = solution;
            }
        }
        return out;
    }

    /** @return the termination test at the level-th looser tolerance 10^−(3+level), or null past 10ε */
    private Termination looserTest(int level) {
        double epsilon = Math.pow(10, -3 - level);
        if (epsilon < 10 * settings.tolerance()) {
            return null;
        }
        while (looser.size() <= level) {
            looser.add(Termination.of(d, Math.pow(10, -3 - looser.size())));
        }
        return looser.get(level);
    }

    /**
     * @param stop     the active columns (positions j), ascending
     * @param status   per position j the status to give (read at the positions in stop)
     * @param verdicts per position j the infeasibility verdict (null: none), for the certificates
     * @return the iterates of the columns in stop at iteration k as solutions (not polished)
     */
    private Solution[] snapshots(int k, int width, int[] stop, Status[] status, Infeasibility.Verdict[] verdicts) {
        int count = stop.length;
        double[][] stopX = new double[count][];
        double[][] stopQ = new double[count][];
        double[][] stopLambda = new double[count][];
        double[][] stopNu = new double[count][];
        for (int i = 0; i < count; i++) {
            stopX[i] = Dense.column(x, n, width, stop[i]);
            stopQ[i] = qCols[active[stop[i]]];
            stopLambda[i] = Dense.column(lambda, p, width, stop[i]);
            stopNu[i] = Dense.column(nu, m, width, stop[i]);
        }
        double[][] px = !d.problem.hasP() ? null : columns(d.times(dev.altdiff.api.Block.P, false,
                Dense.fromColumns(stopX, n), count), n, count);
        double[] dual = Admm.stationarityResidual(d, stopX, stopQ, px, stopLambda, stopNu);
        Solution[] out = new Solution[count];
        for (int i = 0; i < count; i++) {
            int j = stop[i];
            boolean infeasible = status[j] == Status.PRIMAL_INFEASIBLE || status[j] == Status.DUAL_INFEASIBLE;
            out[i] = new Solution(stopX[i], stopLambda[i], stopNu[i], Dense.column(s, m, width, j), status[j], k,
                    primal[j], dual[i], Admm.objective(stopX[i], stopQ[i], px == null ? null : px[i]),
                    infeasible ? verdicts[j].certificate() : null);
        }
        return out;
    }

    /**
     * Snapshots the columns with a status at iteration k (polished when asked) into {@link #out}; a column
     * with a solution in {@code polished} (early polishing) takes it as it is.
     */
    private void stopColumns(int k, int width, Status[] status, Infeasibility.Verdict[] verdicts,
                             Solution[] polished) {
        boolean[] stopping = new boolean[width];
        for (int j = 0; j < width; j++) {
            stopping[j] = status[j] != null;
        }
        int[] stop = indices(stopping);
        Solution[] snapshots = snapshots(k, width, stop, status, verdicts);
        for (int i = 0; i < stop.length; i++) {
            int j = stop[i];
            int c = active[j];
            Solution solution = snapshots[i];
            if (polished != null && polished[j] != null) {
                solution = polished[j];
            } else if (settings.polish()) { // the snapshot above stays the run's; only the returned point changes
                solution = Polisher.polish(current, solution, qCols[c], Dense.column(bAct, p, width, j),
                        Dense.column(hAct, m, width, j), termination, deadline);
            }
            out[c] = new Admm.Column(solution, List.copyOf(masks.get(c)), trajectories.get(c), List.copyOf(segments),
                    new Admm.RhoSchedule(switches, k - segmentStart + 1));
        }
    }

    /** Removes the columns with a status from every block. */
    private void dropColumns(int width, Status[] status) {
        int[] keep = new int[width - (int) Arrays.stream(status).filter(java.util.Objects::nonNull).count()];
        for (int j = 0, i = 0; j < width; j++) {
            if (status[j] == null) {
                keep[i++] = j;
            }
        }
        gthAtb = Dense.select(gthAtb, n, width, keep);
        x0 = Dense.select(x0, n, width, keep);
        z0 = Dense.select(z0, p + m, width, keep);
        x = Dense.select(x, n, width, keep);
        xPrev = Dense.select(xPrev, n, width, keep);
        if (yBefore != null) { // kept at this iteration for the next one's infeasibility check
            yBefore = Dense.select(yBefore, p + m, width, keep);
            zBefore = Dense.select(zBefore, p + m, width, keep);
        }
        lambda = Dense.select(lambda, p, width, keep);
        nu = Dense.select(nu, m, width, keep);
        s = Dense.select(s, m, width, keep);
        qAct = Dense.select(qAct, n, width, keep);
        bAct = p > 0 ? Dense.select(bAct, p, width, keep) : null;
        hAct = m > 0 ? Dense.select(hAct, m, width, keep) : null;
        double[] xInfKept = new double[batch];
        int[] nextActive = new int[keep.length];
        for (int i = 0; i < keep.length; i++) {
            nextActive[i] = active[keep[i]];
            xInfKept[i] = xInf[keep[i]];
        }
        xInf = xInfKept;
        active = nextActive;
        lastTerms = null; // its columns are the old ones
    }

    /** @return the indices where flags is true, ascending */
    private static int[] indices(boolean[] flags) {
        int count = 0;
        for (boolean flag : flags) {
            count += flag ? 1 : 0;
        }
        int[] out = new int[count];
        for (int j = 0, i = 0; j < flags.length; j++) {
            if (flags[j]) {
                out[i++] = j;
            }
        }
        return out;
    }

    /** @return the columns of the row-major rows×width block */
    private static double[][] columns(double[] a, int rows, int width) {
        double[][] out = new double[width][];
        for (int j = 0; j < width; j++) {
            out[j] = Dense.column(a, rows, width, j);
        }
        return out;
    }

    /** @return the rows×B block whose column b is the start's vector (zeros without a start) */
    private double[] startBlock(List<Admm.Start> starts, int rows,
                                java.util.function.Function<Admm.Start, double[]> part) {
        double[][] cols = new double[batch][];
        for (int c = 0; c < batch; c++) {
            Admm.Start start = starts == null ? null : starts.get(c);
            cols[c] = start == null ? new double[rows] : part.apply(start);
            if (cols[c].length != rows) {
                throw new IllegalArgumentException("start of column " + c + " has length " + cols[c].length
                        + ", expected " + rows);
            }
        }
        return Dense.fromColumns(cols, rows);
    }

    /** @return ‖x_j − xPrev_j‖₂ of column j */
    private double relativeChange(int j, int width) {
        return norm2(x, n, width, j, xPrev);
    }

    /** @return ‖a_j − b_j‖₂ of column j (b null: ‖a_j‖₂), scaled by the largest entry against overflow */
    private static double norm2(double[] a, int rows, int width, int j, double[] b) {
        double scale = 0;
        for (int i = 0; i < rows; i++) {
            scale = Math.max(scale, Math.abs(a[i * width + j] - (b == null ? 0 : b[i * width + j])));
        }
        if (scale == 0 || !Double.isFinite(scale)) {
            return scale;
        }
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            double t = (a[i * width + j] - (b == null ? 0 : b[i * width + j])) / scale;
            sum += t * t;
        }
        return scale * Math.sqrt(sum);
    }
}
