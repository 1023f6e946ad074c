package dev.altdiff.examples;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.Truncation;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.core.Admm;
import dev.altdiff.core.AltDiff;
import dev.altdiff.examples.io.MpsFormat;
import dev.altdiff.examples.io.MpsProblem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    @Test
    void chunkedRunEqualsOneUninterruptedRun() {
        Solution whole = Admm.solve(hs118, SETTINGS, LA).solution();
        // 0.1 s per reading: the first chunk of 20 iterations "takes" 0.1 s, so later chunks hold 100
        CappedAdmm.Outcome capped = CappedAdmm.solve(hs118, SETTINGS, LA, 1_000_000L * 1_000_000_000L,
                stepping(100_000_000L));
        assertEquals(CappedAdmm.End.SOLVER, capped.end());
        assertEquals("solved", capped.status());
        assertTrue(whole.iterations() > 200, "the run spans many chunks: " + whole.iterations());
        assertEquals(whole.iterations(), capped.iterations());
        assertArrayEquals(whole.x(), capped.solution().x(), 1e-12);
        assertArrayEquals(whole.nu(), capped.solution().nu(), 1e-12);
        assertEquals(whole.objective(), capped.solution().objective(), 1e-12 * Math.abs(whole.objective()));
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
}
