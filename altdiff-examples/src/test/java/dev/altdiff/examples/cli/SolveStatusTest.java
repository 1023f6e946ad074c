package dev.altdiff.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The status contract through {@code altdiff solve} (docs/statuses.md): the robust defaults, the paper's
 * preset by name, statuses other than solved with exit 3, and settings outside their ranges refused.
 */
class SolveStatusTest {
    /** min ½x² + x with x ≤ 1: x* = −1; the paper's rule stops at iteration 1 with x = 0. */
    static final String ONE_VARIABLE = "{\"format\":\"altdiff-qp/1\",\"n\":1,\"P\":[[1]],\"q\":[1],\"G\":[[1]],\"h\":[1]}";
    /** x₁ + x₂ = 1 with x ≤ 0. */
    static final String INFEASIBLE = "{\"format\":\"altdiff-qp/1\",\"n\":2,\"P\":[[1,0],[0,1]],\"q\":[0.3,-0.2],"
            + "\"A\":[[1,1]],\"b\":[1],\"G\":[[1,0],[0,1]],\"h\":[0,0]}";
    /** min x₁ + 2x₂ with 0 ≤ x₁ + x₂ ≤ 1: unbounded along (1, −1). */
    static final String UNBOUNDED = "{\"format\":\"altdiff-qp/1\",\"n\":2,\"q\":[1,2],\"G\":[[-1,-1],[1,1]],"
            + "\"h\":[0,1]}";

    @TempDir
    Path dir;

    @Test
    void defaultsSolveTheOneVariableQp() {
        JsonNode json = SolveCommandTest.solved(Cli.run("solve", Cli.write(dir, "one.json", ONE_VARIABLE)));
        assertEquals(-1.0, json.get("x").get(0).asDouble(), 1e-6);
    }

    @Test
    void thePaperPresetTruncatesItAndSaysSo() {
        Cli.Result r = Cli.run("solve", Cli.write(dir, "one.json", ONE_VARIABLE), "--preset", "paper");
        assertEquals(3, r.exit(), r::toString);
        assertEquals("truncated", r.json().get("status").asText(), r::toString);
        assertEquals(1, r.json().get("iterations").asInt());
        // an option given with the preset overrides its field: the residual rule then solves it
        JsonNode json = SolveCommandTest.solved(Cli.run("solve", Cli.write(dir, "one.json", ONE_VARIABLE),
                "--preset", "paper", "--truncation", "residuals"));
        assertEquals(-1.0, json.get("x").get(0).asDouble(), 1e-5);
    }

    @Test
    void infeasibleAndUnboundedProblemsAreNotSolved() {
        for (String preset : new String[]{"default", "paper"}) {
            Cli.Result r = Cli.run("solve", Cli.write(dir, "inf.json", INFEASIBLE), "--preset", preset);
            assertEquals(3, r.exit(), r::toString);
            assertEquals("primal_infeasible", r.json().get("status").asText(), r::toString);
            assertTrue(r.json().has("certificate"), r::toString);
            Cli.Result u = Cli.run("solve", Cli.write(dir, "unb.json", UNBOUNDED), "--preset", preset);
            assertNotEquals("solved", u.json().get("status").asText(), u::toString);
            assertNotEquals(0, u.exit(), u::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--rho=1e300", "--rho=1e-300", "--scaling=2147483647", "--tol=2", "--tol=-1",
        "--time-limit=-1", "--preset=fast"})
    void settingsOutsideTheirRangesAreRefused(String option) {
        Cli.Result r = Cli.run("solve", Cli.write(dir, "one.json", ONE_VARIABLE), option);
        assertEquals(2, r.exit(), r::toString);
        assertEquals("invalid_input", r.json().get("status").asText(), r::toString);
    }
}
