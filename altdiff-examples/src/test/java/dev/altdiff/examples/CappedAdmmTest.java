package dev.altdiff.examples;

import dev.altdiff.api.Polish;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.Admm;
import dev.altdiff.core.AltDiff;
import dev.altdiff.core.Polisher;
import dev.altdiff.core.QpData;
import dev.altdiff.examples.io.MpsFormat;
import dev.altdiff.examples.io.MpsProblem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The time-capped ADMM, with a fake clock (no timing assertions). HS118: n = 15, 59 inequality rows. */
class CappedAdmmTest {
    static QuadraticProgram hs118;
    static final LinearAlgebra LA = AltDiff.backend("ojalgo");
    static final Settings SETTINGS = new Settings(1.0, 1e-9, 1_000_000, Truncation.RESIDUALS);

    @BeforeAll
    static void load() throws Exception {
        hs118 = MpsProblem.read(Path.of("src/test/resources/maros/HS118.QPS"), MpsFormat.AUTO).problem();
    }

    /** A clock that advances by a fixed step at every reading. */
    static LongSupplier stepping(long stepNanos) {
        AtomicLong t = new AtomicLong();
        return () -> t.addAndGet(stepNanos);
    }

    /** With adaptive ρ the chunks also continue the ρ schedule (HS118 switches ρ, asserted). */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void chunkedRunEqualsOneUninterruptedRun(boolean adaptive) {
        Settings settings = SETTINGS.withAdaptiveRho(adaptive);
        Admm.Run run = Admm.solve(hs118, settings, LA);
        assertEquals(adaptive, run.segments().size() > 1, "ρ switched");
        Solution whole = run.solution();
        // 0.1 s per reading: the first chunk of 20 iterations "takes" 0.1 s, so later chunks hold 100
        CappedAdmm.Outcome capped = CappedAdmm.solve(hs118, settings, LA, 1_000_000L * 1_000_000_000L,
                stepping(100_000_000L));
        assertEquals(CappedAdmm.End.SOLVER, capped.end());
        assertEquals("solved", capped.status());
        assertTrue(whole.iterations() > 200, "the run spans many chunks: " + whole.iterations());
        assertEquals(whole.iterations(), capped.iterations());
        assertArrayEquals(whole.x(), capped.solution().x(), 1e-12);
        assertArrayEquals(whole.nu(), capped.solution().nu(), 1e-12);
        assertEquals(whole.objective(), capped.solution().objective(), 1e-12 * Math.abs(whole.objective()));
    }

    /** With scaling the chunks carry the scaled iterates: the same run as one scaled solve, mapped back. */
    @Test
    void scaledChunkedRunEqualsOneScaledRun() {
        Settings scaled = SETTINGS.withScaling(10);
        Solution whole = Admm.solve(hs118, scaled, LA).solution();
        CappedAdmm.Outcome capped = CappedAdmm.solve(hs118, scaled, LA, 1_000_000L * 1_000_000_000L,
                stepping(100_000_000L));
        assertEquals("solved", capped.status());
        assertEquals(whole.iterations(), capped.iterations());
        assertArrayEquals(whole.x(), capped.solution().x(), 1e-12);
        assertArrayEquals(whole.nu(), capped.solution().nu(), 1e-12);
        assertEquals(whole.dualResidual(), capped.solution().dualResidual(), 1e-12);
    }

    @Test
    void timeLimitEndsTheRunBetweenChunks() {
        // 10 s per reading, limit 15 s: one chunk of 20 iterations runs, then the limit has passed
        CappedAdmm.Outcome o = CappedAdmm.solve(hs118, SETTINGS, LA, 15_000_000_000L, stepping(10_000_000_000L));
        assertEquals(CappedAdmm.End.TIME_LIMIT, o.end());
        assertEquals("time_limit", o.status());
        assertEquals(CappedAdmm.FIRST_CHUNK, o.iterations());
        assertEquals(Status.MAX_ITERATIONS, o.solution().status(), "the last iterate is kept");
    }

    @Test
    void setupThatUsesUpTheLimitEndsBeforeTheFirstIteration() {
        CappedAdmm.Outcome o = CappedAdmm.solve(hs118, SETTINGS, LA, 1_000L, stepping(1_000L));
        assertEquals("time_limit", o.status());
        assertEquals(0, o.iterations());
        assertNull(o.solution());
    }

    @Test
    void iterationCapOfTheSettingsStands() {
        CappedAdmm.Outcome o = CappedAdmm.solve(hs118, SETTINGS.withMaxIterations(50), LA, Long.MAX_VALUE / 4,
                stepping(100_000_000L));
        assertEquals(CappedAdmm.End.SOLVER, o.end());
        assertEquals("max_iterations", o.status());
        assertEquals(50, o.iterations());
    }

    /**
     * With polishing the chunks run unpolished (a polished start would change the iterates), so the
     * run makes the same iterations as one uninterrupted run, and only its end is polished, to the
     * same point as the uninterrupted polished run (1e-12: both polish the same iterate up to the
     * chunking's rounding, see chunkedRunEqualsOneUninterruptedRun).
     */
    @Test
    void onlyTheEndIsPolished() {
        Settings polish = SETTINGS.withPolish(true);
        Solution whole = Admm.solve(hs118, polish, LA).solution();
        CappedAdmm.Outcome capped = CappedAdmm.solve(hs118, polish, LA, 1_000_000L * 1_000_000_000L,
                stepping(100_000_000L));
        assertEquals(Polish.ACCEPTED, whole.polish());
        assertEquals(Polish.ACCEPTED, capped.solution().polish());
        assertEquals(whole.iterations(), capped.iterations());
        assertArrayEquals(whole.x(), capped.solution().x(), 1e-12);
        assertArrayEquals(whole.nu(), capped.solution().nu(), 1e-12);
    }

    /**
     * A run stopped by the time limit is polished too: its result is the polish of the unpolished
     * capped run's last iterate, and the run counts as ended by the solver exactly when the polished
     * point passes the residual test (status SOLVED). (Here: 20 iterations, a wrong active set, REJECTED.)
     */
    @Test
    void timeLimitedRunIsPolishedAtTheEnd() {
        long limit = 250_000_000L;
        CappedAdmm.Outcome plain = CappedAdmm.solve(hs118, SETTINGS, LA, limit, stepping(100_000_000L));
        CappedAdmm.Outcome polished = CappedAdmm.solve(hs118, SETTINGS.withPolish(true), LA, limit,
                stepping(100_000_000L));
        assertEquals(CappedAdmm.End.TIME_LIMIT, plain.end());
        assertEquals(plain.iterations(), polished.iterations());
        Solution expected = Polisher.polish(new QpData(hs118, LA, 1.0), plain.solution(), SETTINGS);
        assertTrue(expected.polish() != Polish.NOT_REQUESTED);
        assertEquals(expected.polish(), polished.solution().polish());
        assertArrayEquals(expected.x(), polished.solution().x(), 0.0);
        assertEquals(expected.status() == Status.SOLVED ? CappedAdmm.End.SOLVER : CappedAdmm.End.TIME_LIMIT,
                polished.end());
    }
}
