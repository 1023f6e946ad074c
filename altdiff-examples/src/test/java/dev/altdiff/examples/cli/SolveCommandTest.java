package dev.altdiff.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code altdiff solve} contract, in-process. The main problem is the README's sample
 * {@code examples/qp-small.json}: the Euclidean projection of y = (0.5, 0.3, −0.4) onto the
 * probability simplex, min ½‖x‖² + qᵀx (q = −y) s.t. 1ᵀx = 1, −x ≤ 0. Closed form: x = (0.6, 0.4, 0),
 * λ = −0.1, ν = (0, 0, 0.3), objective −0.16; with x₃ = 0 active, x₁ = (b + h₃ − q₁ + q₂)/2, so
 * ∂x₁/∂q = (−½, ½, 0), ∂x₁/∂b = ½, ∂x₁/∂h = (0, 0, ½); and 1ᵀx = b, so ∂(1ᵀx)/∂(q, b, h) = (0, 1, 0).
 */
class SolveCommandTest {
    static final String SAMPLE = Path.of("..", "examples", "qp-small.json").toString();
    static final Set<String> TOP_KEYS = Set.of("status", "iterations", "objective", "x", "lambda", "nu", "residuals",
            "time_ms");

    @TempDir
    Path dir;

    static double[] doubles(JsonNode array) {
        assertTrue(array.isArray(), () -> "not an array: " + array);
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            assertTrue(array.get(i).isNumber(), () -> "not a number: " + array);
            v[i] = array.get(i).doubleValue();
        }
        return v;
    }

    static double[][] rows(JsonNode matrix) {
        assertTrue(matrix.isArray(), () -> "not an array of rows: " + matrix);
        double[][] m = new double[matrix.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = doubles(matrix.get(i));
        }
        return m;
    }

    static void assertVector(double[] expected, JsonNode actual, double tol) {
        double[] a = doubles(actual);
        assertEquals(expected.length, a.length, () -> "length of " + actual);
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tol, "entry " + i + " of " + actual);
        }
    }

    static Set<String> keys(JsonNode object) {
        Set<String> keys = new TreeSet<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return keys;
    }

    /** Exit 0, one line of JSON, status solved. */
    static JsonNode solved(Cli.Result r) {
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1, r.out().strip().lines().count(), "one line on stdout: " + r);
        JsonNode json = r.json();
        assertEquals("solved", json.get("status").asText(), r::toString);
        return json;
    }

    @Test
    void sampleSolvesToTheClosedForm() {
        assertTrue(Files.isRegularFile(Path.of(SAMPLE)), "the README sample exists");
        Cli.Result r = Cli.run("solve", SAMPLE, "--tol", "1e-10");
        JsonNode json = solved(r);
        assertEquals(TOP_KEYS, keys(json), "no grad without --dx");
        assertTrue(json.get("iterations").isInt() && json.get("iterations").asInt() > 0);
        assertEquals(-0.16, json.get("objective").asDouble(), 1e-8);
        assertVector(new double[] {0.6, 0.4, 0}, json.get("x"), 1e-8);
        assertVector(new double[] {-0.1}, json.get("lambda"), 1e-8);
        assertVector(new double[] {0, 0, 0.3}, json.get("nu"), 1e-8);
        assertEquals(Set.of("primal", "dual"), keys(json.get("residuals")));
        assertTrue(json.get("residuals").get("primal").asDouble() < 1e-8);
        assertTrue(json.get("residuals").get("dual").asDouble() < 1e-8);
        assertEquals(Set.of("forward"), keys(json.get("time_ms")), "no backward time without --dx");
        assertTrue(json.get("time_ms").get("forward").asDouble() >= 0);
        assertEquals("", r.err());
    }

    /**
     * {@code --polish} at the loose tolerance 1e-3: the final iterate already shows the active set
     * {x₃ ≥ 0}, so the polished point is the closed form up to the rounding of a 5×5 solve (1e-12 is
     * four orders above it); without polishing the same run is off by more than 1e-6 and there is no
     * "polish" key.
     */
    @Test
    void polishReachesTheClosedFormFromALooseSolve() {
        JsonNode loose = solved(Cli.run("solve", SAMPLE, "--tol", "1e-3"));
        assertFalse(loose.has("polish"), "no polish key unless requested");
        double looseError = Math.abs(doubles(loose.get("x"))[0] - 0.6);
        assertTrue(looseError > 1e-6, "the loose solve alone is not exact: " + looseError);
        Cli.Result r = Cli.run("solve", SAMPLE, "--tol", "1e-3", "--polish");
        JsonNode json = solved(r);
        assertEquals("accepted", json.get("polish").asText(), r::toString);
        assertEquals(loose.get("iterations").asInt(), json.get("iterations").asInt(), "same ADMM run");
        assertVector(new double[] {0.6, 0.4, 0}, json.get("x"), 1e-12);
        assertVector(new double[] {-0.1}, json.get("lambda"), 1e-12);
        assertVector(new double[] {0, 0, 0.3}, json.get("nu"), 1e-12);
        assertEquals(-0.16, json.get("objective").asDouble(), 1e-12);
        assertTrue(json.get("residuals").get("primal").asDouble() < 1e-12, r::toString);
        assertTrue(json.get("residuals").get("dual").asDouble() < 1e-12, r::toString);
    }

    /**
     * {@code --scaling 10}: the same closed-form solution and gradients (both methods), reported for the
     * caller's problem; the default tolerance 1e-6 of the relative-change rule bounds the error well
     * below 1e-4; a negative count is invalid input.
     */
    @Test
    void scalingGivesTheSameSolutionAndGradients() {
        for (String method : new String[]{"altdiff", "kkt"}) {
            JsonNode plain = solved(Cli.run("solve", SAMPLE, "--method", method, "--dx", "ones", "--tol", "1e-10"));
            Cli.Result r = Cli.run("solve", SAMPLE, "--method", method, "--dx", "ones", "--tol", "1e-10",
                    "--scaling", "10");
            JsonNode scaled = solved(r);
            assertVector(new double[] {0.6, 0.4, 0}, scaled.get("x"), 1e-6);
            assertVector(doubles(plain.get("lambda")), scaled.get("lambda"), 1e-6);
            assertVector(doubles(plain.get("grad").get("q")), scaled.get("grad").get("q"), 1e-4);
            assertVector(doubles(plain.get("grad").get("h")), scaled.get("grad").get("h"), 1e-4);
        }
        Cli.Result bad = Cli.run("solve", SAMPLE, "--scaling", "-1");
        assertEquals(2, bad.exit(), bad::toString);
        assertTrue(bad.json().get("error").asText().contains("scaling"), bad::toString);
    }

    @Test
    void defaultsGiveTheSolutionToTheDefaultTolerance() {
        JsonNode json = solved(Cli.run("solve", SAMPLE));
        assertVector(new double[] {0.6, 0.4, 0}, json.get("x"), 1e-5);
    }

    @Test
    void dxOnesGivesTheGradientOfTheSum() {
        JsonNode json = solved(Cli.run("solve", SAMPLE, "--dx", "ones", "--tol", "1e-10"));
        assertTrue(keys(json).containsAll(Set.of("grad", "time_ms")));
        JsonNode grad = json.get("grad");
        assertEquals(Set.of("P", "q", "A", "b", "G", "h"), keys(grad), "reverse-mode altdiff differentiates all six");
        assertVector(new double[] {0, 0, 0}, grad.get("q"), 1e-7);
        assertVector(new double[] {1}, grad.get("b"), 1e-7);
        assertVector(new double[] {0, 0, 0}, grad.get("h"), 1e-7);
        assertEquals(Set.of("forward", "backward"), keys(json.get("time_ms")));
        assertTrue(json.get("time_ms").get("backward").asDouble() >= 0);
    }

    @Test
    void forwardModeGivesQBHAndAgreesWithReverseMode() {
        JsonNode reverse = solved(Cli.run("solve", SAMPLE, "--dx", "ones", "--tol", "1e-10", "--mode", "reverse"));
        JsonNode forward = solved(Cli.run("solve", SAMPLE, "--dx", "ones", "--tol", "1e-10", "--mode", "forward"));
        assertEquals(Set.of("q", "b", "h"), keys(forward.get("grad")), "forward mode differentiates q, b, h");
        for (String block : List.of("q", "b", "h")) {
            JsonNode f = forward.get("grad").get(block);
            JsonNode r = reverse.get("grad").get(block);
            for (int i = 0; i < f.size(); i++) {
                assertEquals(r.get(i).asDouble(), f.get(i).asDouble(), 1e-12 * (1 + Math.abs(r.get(i).asDouble())));
            }
        }
        invalid(Cli.run("solve", SAMPLE, "--mode", "sideways"), "--mode");
        invalid(Cli.run("solve", SAMPLE, "--method", "kkt", "--mode", "forward"), "--mode", "altdiff only");
    }

    @Test
    void vfileGivesTheGradientOfOneCoordinate() {
        String v = Cli.write(dir, "v.json", "[1, 0, 0]");
        JsonNode grad = solved(Cli.run("solve", SAMPLE, "--dx", v, "--tol", "1e-10")).get("grad");
        assertVector(new double[] {-0.5, 0.5, 0}, grad.get("q"), 1e-6);
        assertVector(new double[] {0.5}, grad.get("b"), 1e-6);
        assertVector(new double[] {0, 0, 0.5}, grad.get("h"), 1e-6);
    }

    @Test
    void kktReturnsAllSixBlocks() {
        String v = Cli.write(dir, "v.json", "[1, 0, 0]");
        JsonNode json = solved(Cli.run("solve", SAMPLE, "--method", "kkt", "--dx", v, "--tol", "1e-10"));
        assertVector(new double[] {0.6, 0.4, 0}, json.get("x"), 1e-8);
        JsonNode grad = json.get("grad");
        assertEquals(Set.of("P", "q", "A", "b", "G", "h"), keys(grad));
        assertVector(new double[] {-0.5, 0.5, 0}, grad.get("q"), 1e-6);
        assertVector(new double[] {0.5}, grad.get("b"), 1e-6);
        assertVector(new double[] {0, 0, 0.5}, grad.get("h"), 1e-6);
        // ∂ℓ/∂P = ½(d xᵀ + x dᵀ) with d = ∂ℓ/∂q, x = (0.6, 0.4, 0): symmetric 3×3
        double[] d = {-0.5, 0.5, 0};
        double[] x = {0.6, 0.4, 0};
        double[][] gp = rows(grad.get("P"));
        assertEquals(3, gp.length);
        for (int i = 0; i < 3; i++) {
            assertEquals(3, gp[i].length);
            for (int j = 0; j < 3; j++) {
                assertEquals(0.5 * (d[i] * x[j] + x[i] * d[j]), gp[i][j], 1e-6, "grad.P[" + i + "][" + j + "]");
            }
        }
        // ∂x₁/∂A₁₁ = −0.25 by differentiating the closed form; ∂ℓ/∂A = −∂ℓ/∂b·xᵀ + λ·dᵀ
        double[][] ga = rows(grad.get("A"));
        assertEquals(1, ga.length);
        assertVector(new double[] {-0.25, -0.25, 0}, grad.get("A").get(0), 1e-6);
        double[][] gg = rows(grad.get("G"));
        assertEquals(3, gg.length);
        assertEquals(3, gg[0].length);
    }

    @Test
    void linearProgramWithoutP() {
        // min −x₁ + 2x₂ s.t. x₁ + x₂ = 1, x ≥ 0: x = (1, 0), λ = 1, ν = (0, 3)
        String lp = Cli.write(dir, "lp.json", """
                {"format":"altdiff-qp/1","name":"lp","n":2,"q":[-1,2],"A":[[1,1]],"b":[1],
                 "G":[[-1,0],[0,-1]],"h":[0,0]}""");
        JsonNode json = solved(Cli.run("solve", lp, "--tol", "1e-9", "--dx", "ones"));
        assertVector(new double[] {1, 0}, json.get("x"), 1e-6);
        assertVector(new double[] {1}, json.get("lambda"), 1e-6);
        assertVector(new double[] {0, 3}, json.get("nu"), 1e-6);
        assertEquals(-1, json.get("objective").asDouble(), 1e-6);
        assertVector(new double[] {1}, json.get("grad").get("b"), 1e-6);
    }

    @Test
    void unconstrainedWithoutAbGh() {
        // min x₁² + 2x₂² − 2x₁ − 4x₂: x = (1, 1); ∂(1ᵀx)/∂q = −P⁻¹1 = (−½, −¼)
        String qp = Cli.write(dir, "unc.json", """
                {"format":"altdiff-qp/1","n":2,"P":[[2,0],[0,4]],"q":[-2,-4]}""");
        JsonNode json = solved(Cli.run("solve", qp, "--dx", "ones"));
        assertVector(new double[] {1, 1}, json.get("x"), 1e-9);
        assertEquals(0, json.get("lambda").size());
        assertEquals(0, json.get("nu").size());
        assertEquals(Set.of("P", "q"), keys(json.get("grad")), "only P and q exist without constraints");
        assertVector(new double[] {-0.5, -0.25}, json.get("grad").get("q"), 1e-9);
    }

    @Test
    void equalitiesOnlyAndInequalitiesOnly() {
        // min ½‖x‖² s.t. x₁ + x₂ = 2: x = (1, 1), λ = −1
        String eq = Cli.write(dir, "eq.json", """
                {"format":"altdiff-qp/1","n":2,"P":[[1,0],[0,1]],"q":[0,0],"A":[[1,1]],"b":[2]}""");
        JsonNode json = solved(Cli.run("solve", eq, "--tol", "1e-10", "--dx", "ones"));
        assertVector(new double[] {1, 1}, json.get("x"), 1e-8);
        assertVector(new double[] {-1}, json.get("lambda"), 1e-8);
        assertEquals(0, json.get("nu").size());
        assertEquals(Set.of("P", "q", "A", "b"), keys(json.get("grad")));
        // min ½‖x‖² − 2x₁ s.t. x₁ ≤ 1 (q omitted would be 0; here given): x = (1, 0), ν = 1
        String in = Cli.write(dir, "in.json", """
                {"format":"altdiff-qp/1","n":2,"P":[[1,0],[0,1]],"q":[-2,0],"G":[[1,0]],"h":[1]}""");
        json = solved(Cli.run("solve", in, "--tol", "1e-10", "--dx", "ones"));
        assertVector(new double[] {1, 0}, json.get("x"), 1e-8);
        assertEquals(0, json.get("lambda").size());
        assertVector(new double[] {1}, json.get("nu"), 1e-8);
        assertEquals(Set.of("P", "q", "G", "h"), keys(json.get("grad")));
        assertVector(new double[] {1}, json.get("grad").get("h"), 1e-6);
    }

    @Test
    void qMayBeOmitted() {
        String qp = Cli.write(dir, "noq.json", """
                {"format":"altdiff-qp/1","n":2,"P":[[1,0],[0,1]],"G":[[-1,-1]],"h":[-2]}""");
        JsonNode json = solved(Cli.run("solve", qp, "--tol", "1e-10"));
        assertVector(new double[] {1, 1}, json.get("x"), 1e-8);
    }

    @Test
    void optionsAreApplied() {
        JsonNode loose = solved(Cli.run("solve", SAMPLE, "--tol", "1e-2"));
        JsonNode tight = solved(Cli.run("solve", SAMPLE, "--tol=1e-10", "--rho", "2", "--backend", "ojalgo",
                "--method", "altdiff", "--max-iter", "5000"));
        assertTrue(loose.get("iterations").asInt() < tight.get("iterations").asInt());
        assertVector(new double[] {0.6, 0.4, 0}, tight.get("x"), 1e-8);
    }

    @Test
    void iterationCapGivesExitThree() {
        Cli.Result r = Cli.run("solve", SAMPLE, "--max-iter", "2", "--dx", "ones");
        assertEquals(3, r.exit(), r::toString);
        JsonNode json = r.json();
        assertEquals("max_iterations", json.get("status").asText());
        assertEquals(2, json.get("iterations").asInt());
        assertEquals(3, json.get("x").size());
        assertTrue(json.has("grad"), "gradients are still reported");
        assertTrue(json.get("time_ms").has("backward"));
    }

    @Test
    void helpExitsZero() {
        Cli.Result r = Cli.run("solve", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("--max-iter"), r::toString);
    }

    // ---------------------------------------------------------------- invalid input: exit 2

    /** Exit 2; stdout is exactly {"status":"invalid_input","error":…} with the expected fragments; stderr has the message. */
    static String invalid(Cli.Result r, String... fragments) {
        assertEquals(2, r.exit(), r::toString);
        assertEquals(1, r.out().strip().lines().count(), "one line on stdout: " + r);
        JsonNode json = r.json();
        assertEquals(Set.of("status", "error"), keys(json), r::toString);
        assertEquals("invalid_input", json.get("status").asText());
        String error = json.get("error").asText();
        for (String f : fragments) {
            assertTrue(error.contains(f), () -> "error '" + error + "' should mention '" + f + "'");
        }
        assertTrue(r.err().contains(error), () -> "stderr should repeat the message: " + r);
        return error;
    }

    String problem(String json) {
        return Cli.write(dir, "p.json", json);
    }

    @Test
    void badJson() {
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":2,")), "malformed JSON", "line 1");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":1,\"q\":[1]} trailing")), "malformed JSON");
        invalid(Cli.run("solve", problem("")), "empty");
        invalid(Cli.run("solve", problem("[1, 2]")), "JSON object");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":1,\"q\":[1],\"q\":[2]}")), "Duplicate");
    }

    @Test
    void missingFile() {
        invalid(Cli.run("solve", dir.resolve("nope.json").toString()), "nope.json", "no such file");
        invalid(Cli.run("solve", dir.toString()), "cannot read");
    }

    @Test
    void formatNameAndKeys() {
        invalid(Cli.run("solve", problem("{\"n\":1,\"q\":[1]}")), "format");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/2\",\"n\":1,\"q\":[1]}")), "altdiff-qp/1");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"q\":[1]}")), "\"n\"");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":1.5,\"q\":[1]}")), "\"n\"", "integer");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":0}")), "n must be >= 1");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":1,\"q\":[1],\"c\":[1]}")),
                "unknown key", "\"c\"");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":1,\"q\":[1],\"name\":3}")), "name");
    }

    @Test
    void shapeMismatchNamesTheBlock() {
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":2,\"P\":[[1,0,0],[0,1,0]]}")), "P row 0");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":2,\"P\":[[1,0]]}")), "P has 1 rows");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":2,\"q\":[1,2,3]}")), "q has length 3");
        invalid(Cli.run("solve", problem(
                "{\"format\":\"altdiff-qp/1\",\"n\":2,\"P\":[[1,0],[0,1]],\"A\":[[1,1]],\"b\":[1,2]}")), "b has length 2");
        invalid(Cli.run("solve", problem(
                "{\"format\":\"altdiff-qp/1\",\"n\":2,\"P\":[[1,0],[0,1]],\"G\":[[1,1],[1]],\"h\":[1,2]}")), "G row 1");
        invalid(Cli.run("solve", problem(
                "{\"format\":\"altdiff-qp/1\",\"n\":2,\"P\":[[1,0],[0,1]],\"G\":[[1,1]]}")), "h is missing");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":2,\"q\":[1,\"x\"]}")), "q[1]", "number");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":2,\"P\":[1,2]}")), "P row 0");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":2,\"A\":null,\"b\":[]}")), "A must be");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "1e400"})
    void nonFiniteEntryNamesBlockAndIndex(String token) {
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":2,\"P\":[[1,0],[0," + token + "]]}")),
                "P[1][1]", "not finite");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":2,\"q\":[0," + token + "]}")),
                "q[1]", "not finite");
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":2,\"P\":[[1,0],[0,1]],"
                + "\"G\":[[1,0],[0,1]],\"h\":[" + token + ",0]}")), "h[0]", "not finite");
    }

    @Test
    void asymmetricP() {
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":2,\"P\":[[2,1],[0,2]]}")),
                "P is not symmetric", "P[0][1]");
    }

    @Test
    void pNotPositiveSemidefinite() {
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":2,\"P\":[[1,0],[0,-1]],\"q\":[1,1]}")),
                "P", "positive semidefinite");
    }

    @Test
    void singularH() {
        // an LP with one constraint for two variables: H = ρGᵀG is singular
        invalid(Cli.run("solve", problem("{\"format\":\"altdiff-qp/1\",\"n\":2,\"q\":[1,1],\"G\":[[-1,0]],\"h\":[0]}")),
                "H");
    }

    @Test
    void upstreamGradientChecks() {
        invalid(Cli.run("solve", SAMPLE, "--dx", Cli.write(dir, "v.json", "[1, 2]")), "v", "length 2", "n = 3");
        invalid(Cli.run("solve", SAMPLE, "--dx", Cli.write(dir, "v.json", "[1, NaN, 2]")), "v[1]", "not finite");
        invalid(Cli.run("solve", SAMPLE, "--dx", Cli.write(dir, "v.json", "{\"v\": [1, 2, 3]}")), "v must be an array");
        invalid(Cli.run("solve", SAMPLE, "--dx", Cli.write(dir, "v.json", "[1, 2, \"3\"]")), "v[2]");
        invalid(Cli.run("solve", SAMPLE, "--dx", dir.resolve("missing.json").toString()), "no such file");
        invalid(Cli.run("solve", SAMPLE, "--dx", "one"), "no such file");
    }

    @Test
    void unknownBackendAndMethod() {
        invalid(Cli.run("solve", SAMPLE, "--backend", "nope"), "backend", "nope", "ojalgo");
        invalid(Cli.run("solve", SAMPLE, "--method", "nope"), "nope", "altdiff");
    }

    @Test
    void badOptionValues() {
        invalid(Cli.run("solve", SAMPLE, "--tol", "-1"), "--tol");
        invalid(Cli.run("solve", SAMPLE, "--tol", "0"), "--tol");
        invalid(Cli.run("solve", SAMPLE, "--tol", "NaN"), "--tol");
        invalid(Cli.run("solve", SAMPLE, "--tol", "Infinity"), "--tol");
        invalid(Cli.run("solve", SAMPLE, "--tol", "abc"), "--tol", "abc");
        invalid(Cli.run("solve", SAMPLE, "--rho", "0"), "--rho");
        invalid(Cli.run("solve", SAMPLE, "--rho", "-2"), "--rho");
        invalid(Cli.run("solve", SAMPLE, "--max-iter", "0"), "--max-iter");
        invalid(Cli.run("solve", SAMPLE, "--max-iter", "1.5"), "--max-iter");
    }

    @Test
    void usageErrorsKeepTheJsonContract() {
        invalid(Cli.run("solve", SAMPLE, "--bogus"), "--bogus");
        invalid(Cli.run("solve"), "FILE");
        invalid(Cli.run("solve", SAMPLE, "extra.json"), "extra.json");
        invalid(Cli.run("solve", SAMPLE, "--tol"), "--tol");
    }

    @Test
    void otherUsageErrorsExitTwo() {
        List<Cli.Result> results = new ArrayList<>(List.of(Cli.run(), Cli.run("nope"), Cli.run("demo", "--bogus"),
                Cli.run("demo", "--sizes", "20x5"), Cli.run("demo", "--backend", "nope", "--sizes", "5x1x1")));
        for (Cli.Result r : results) {
            assertEquals(2, r.exit(), r::toString);
            assertFalse(r.err().isEmpty(), r::toString);
        }
    }

    // ---------------------------------------------------------------- solver outcomes (test-fake differentiator)

    String named(String name) {
        return Cli.write(dir, "fake.json", "{\"format\":\"altdiff-qp/1\",\"name\":\"" + name
                + "\",\"n\":2,\"P\":[[1,0],[0,1]],\"q\":[1,1]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"primal_infeasible", "dual_infeasible", "max_iterations"})
    void everyUnsolvedStatusExitsThree(String status) {
        Cli.Result r = Cli.run("solve", named(status), "--method", "test-fake", "--dx", "ones");
        assertEquals(3, r.exit(), r::toString);
        assertEquals(status, r.json().get("status").asText());
        assertEquals(Set.of("q"), keys(r.json().get("grad")), "only the blocks the method returns");
    }

    @Test
    void infeasibleProblemsPrintTheirCertificate() {
        // x1 + x2 = 1 with x <= 0: primal infeasible; min -x1 over x >= 0: unbounded (dual infeasible)
        String primal = Cli.write(dir, "primal.json", "{\"format\":\"altdiff-qp/1\",\"n\":2,\"P\":[[1,0],[0,1]],"
                + "\"A\":[[1,1]],\"b\":[1],\"G\":[[1,0],[0,1]],\"h\":[0,0]}");
        Cli.Result r = Cli.run("solve", primal);
        assertEquals(3, r.exit(), r::toString);
        assertEquals("primal_infeasible", r.json().get("status").asText());
        JsonNode certificate = r.json().get("certificate");
        assertEquals(Set.of("lambda", "nu"), keys(certificate));
        double lambda = certificate.get("lambda").get(0).asDouble();
        double nu1 = certificate.get("nu").get(0).asDouble();
        double nu2 = certificate.get("nu").get(1).asDouble();
        assertTrue(nu1 >= 0 && nu2 >= 0 && Math.abs(lambda + nu1) <= 1e-5 && Math.abs(lambda + nu2) <= 1e-5
                && lambda < -0.01, r::toString); // A'l + G'n = 0, b'l + h'n = l < 0
        String dual = Cli.write(dir, "dual.json", "{\"format\":\"altdiff-qp/1\",\"n\":2,\"q\":[-1,0.5],"
                + "\"G\":[[-1,0],[0,-1]],\"h\":[0,0]}");
        r = Cli.run("solve", dual);
        assertEquals(3, r.exit(), r::toString);
        assertEquals("dual_infeasible", r.json().get("status").asText());
        JsonNode d = r.json().get("certificate").get("x");
        assertTrue(d.get(0).asDouble() > 0.99 && Math.abs(d.get(1).asDouble()) <= 1e-5, r::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nan-x", "inf-grad"})
    void nonFiniteResultIsAnInternalError(String name) {
        Cli.Result r = Cli.run("solve", named(name), "--method", "test-fake", "--dx", "ones");
        assertEquals(1, r.exit(), r::toString);
        JsonNode json = r.json(); // a strict parse: no NaN/Infinity token was printed
        assertEquals("internal_error", json.get("status").asText());
        assertTrue(json.get("error").asText().contains(name.equals("nan-x") ? "x[0] (NaN)" : "grad.q[0] (Infinity)"),
                r::toString);
        assertTrue(r.err().contains("non-finite"), r::toString);
    }
}
