package dev.altdiff.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static dev.altdiff.examples.cli.SolveCommandTest.assertVector;
import static dev.altdiff.examples.cli.SolveCommandTest.invalid;
import static dev.altdiff.examples.cli.SolveCommandTest.keys;
import static dev.altdiff.examples.cli.SolveCommandTest.solved;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code altdiff solve FILE.qps / FILE.mps}: the same contract as for JSON, every option, plus
 * "name", "objective_sense", "objective_constant" and "objective_total". QPTEST (the Maros–Meszaros
 * readme's example): x* = (0.7625, 0.475), objective 4.371875; HS35MOD: c0 = 9, optimum 0.25.
 */
class SolveMpsTest {
    static final Path MAROS = Path.of("src", "test", "resources", "maros");
    static final String QPTEST = MAROS.resolve("QPTEST.QPS").toString();
    static final String HS35MOD = MAROS.resolve("HS35MOD.QPS").toString();

    /**
     * HS35MOD's bound x₂ ≥ 0 is weakly active at the optimum (ν = 0 and x₂ = 0): solved tightly and
     * polished, the kkt gradient does not exist there, which is a status (exit 3), not an internal error.
     */
    @Test
    void kktAtAWeaklyActiveConstraintIsNotDifferentiable() throws Exception {
        Cli.Result r = Cli.run("solve", HS35MOD, "--method", "kkt", "--dx", "ones", "--tol", "1e-12", "--polish");
        assertEquals(ExitCode.NOT_SOLVED, r.exit(), r.toString());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("not_differentiable", json.get("status").asText(), r.toString());
        assertTrue(json.get("error").asText().contains("weakly active"), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
    static final Set<String> MPS_KEYS = Set.of("name", "objective_sense", "objective_constant", "objective_total");

    @TempDir
    Path dir;

    /**
     * {@code --method kkt-ipm}: the interior-point method's point, polished by default, differentiated by the
     * KKT conditions; the same solution and gradient as {@code kkt} (ADMM polished) to 1e-8.
     */
    @Test
    void interiorPointKktMatchesKkt() {
        JsonNode ipm = solved(Cli.run("solve", QPTEST, "--method", "kkt-ipm", "--dx", "ones"));
        JsonNode kkt = solved(Cli.run("solve", QPTEST, "--method", "kkt", "--dx", "ones"));
        assertEquals("accepted", ipm.get("polish").asText());
        for (int i = 0; i < 2; i++) {
            assertEquals(kkt.get("x").get(i).asDouble(), ipm.get("x").get(i).asDouble(), 1e-8);
            assertEquals(kkt.get("grad").get("q").get(i).asDouble(), ipm.get("grad").get("q").get(i).asDouble(), 1e-8);
        }
    }

    @Test
    void qptestSolvesToThePublishedOptimum() {
        JsonNode json = solved(Cli.run("solve", QPTEST, "--tol", "1e-10"));
        Set<String> expected = new HashSet<>(SolveCommandTest.TOP_KEYS);
        expected.addAll(MPS_KEYS);
        assertEquals(expected, keys(json));
        assertEquals("QP example", json.get("name").asText());
        assertEquals("min", json.get("objective_sense").asText());
        assertEquals(0.0, json.get("objective_constant").asDouble(), 0.0);
        assertEquals(4.371875, json.get("objective_total").asDouble(), 1e-7);
        assertVector(new double[] {0.7625, 0.475}, json.get("x"), 1e-7);
    }

    @Test
    void objectiveTotalAddsTheConstant() {
        JsonNode json = solved(Cli.run("solve", HS35MOD, "--tol", "1e-10", "--max-iter", "100000"));
        assertEquals(9.0, json.get("objective_constant").asDouble(), 0.0);
        assertEquals(0.25, json.get("objective_total").asDouble(), 1e-7);
        assertEquals(json.get("objective").asDouble() + 9.0, json.get("objective_total").asDouble(), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--method=altdiff", "--method=kkt", "--mode=forward", "--mode=reverse"})
    void gradientsWithEveryMethodAndMode(String option) {
        String v = Cli.write(dir, "v.json", "[1, 0]");
        JsonNode json = solved(Cli.run("solve", QPTEST, "--tol", "1e-10", option, "--dx", v, "--backend", "ojalgo"));
        // every method and mode agrees with the KKT reference on dl/dq (QPTEST is strictly complementary)
        JsonNode q = json.get("grad").get("q");
        assertEquals(2, q.size());
        JsonNode kkt = solved(Cli.run("solve", QPTEST, "--tol", "1e-10", "--method", "kkt", "--dx", v)).get("grad");
        assertVector(new double[] {kkt.get("q").get(0).asDouble(), kkt.get("q").get(1).asDouble()}, q, 1e-6);
        assertEquals(5, json.get("grad").get("h").size(), "h: 2 rows and 3 bounds");
    }

    @Test
    void solverOptionsApply() {
        Cli.Result capped = Cli.run("solve", QPTEST, "--max-iter", "5", "--rho", "2", "--tol", "1e-12");
        assertEquals(3, capped.exit(), capped::toString);
        assertEquals("max_iterations", capped.json().get("status").asText());
        assertEquals(5, capped.json().get("iterations").asInt());
        JsonNode fixed = solved(Cli.run("solve", QPTEST, "--mps-format", "fixed", "--tol", "1e-10"));
        assertEquals(4.371875, fixed.get("objective_total").asDouble(), 1e-7);
        JsonNode dxOnes = solved(Cli.run("solve", QPTEST, "--tol", "1e-10", "--dx", "ones"));
        assertEquals(Set.of("P", "q", "G", "h"), keys(dxOnes.get("grad")), "no A, b: QPTEST has no equalities");
    }

    @Test
    void maximizationReportsTheFileObjective() {
        // max x + 2y + 3 s.t. x + y <= 4, 0 <= x <= 10, y >= 0: x = 0, y = 4, f = 11
        String lp = Cli.write(dir, "max.mps", """
                NAME          MAXLP
                OBJSENSE
                    MAX
                ROWS
                 N  obj
                 L  cap
                COLUMNS
                    x  obj  1  cap  1
                    y  obj  2  cap  1
                RHS
                    rhs  obj  -3  cap  4
                BOUNDS
                 UP bnd  x  10
                ENDATA
                """);
        JsonNode json = solved(Cli.run("solve", lp, "--tol", "1e-9", "--max-iter", "100000"));
        assertEquals("max", json.get("objective_sense").asText());
        assertEquals(3.0, json.get("objective_constant").asDouble(), 0.0);
        assertEquals(-8.0, json.get("objective").asDouble(), 1e-6, "the solver minimizes -(x + 2y)");
        assertEquals(11.0, json.get("objective_total").asDouble(), 1e-6);
        assertVector(new double[] {0, 4}, json.get("x"), 1e-6);
    }

    @Test
    void mpsExtensionIsCaseInsensitive() throws Exception {
        Path lower = Files.copy(Path.of(QPTEST), dir.resolve("qptest.mps"));
        JsonNode json = solved(Cli.run("solve", lower.toString(), "--tol", "1e-10"));
        assertEquals(4.371875, json.get("objective_total").asDouble(), 1e-7);
    }

    @Test
    void parseErrorsAreInvalidInputWithTheLine() {
        String bad = Cli.write(dir, "bad.qps", """
                NAME bad
                ROWS
                 N obj
                 L c1
                COLUMNS
                    x obj 1 c2 1
                ENDATA
                """);
        String error = invalid(Cli.run("solve", bad), "bad.qps:6:", "unknown row 'c2' in COLUMNS (column 'x')");
        assertTrue(error.contains("free format"), error);
        invalid(Cli.run("solve", dir.resolve("missing.qps").toString()), "no such file");
        invalid(Cli.run("solve", QPTEST, "--mps-format", "columns"), "--mps-format must be auto, fixed or free");
        String v3 = Cli.write(dir, "v3.json", "[1, 2, 3]");
        invalid(Cli.run("solve", QPTEST, "--dx", v3), "length 3");
    }
}
