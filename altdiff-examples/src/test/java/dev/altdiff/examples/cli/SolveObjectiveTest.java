package dev.altdiff.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static dev.altdiff.examples.cli.SolveCommandTest.assertVector;
import static dev.altdiff.examples.cli.SolveCommandTest.keys;
import static dev.altdiff.examples.cli.SolveCommandTest.solved;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code altdiff solve} with a general objective ({@code "objective"} key) and
 * {@code altdiff demo --objective entropy}. The sample {@code examples/entropy-softmax.json} is
 * softmax as an entropy projection: min −yᵀx + Σ xᵢ log xᵢ s.t. 1ᵀx = 1, so x = softmax(y) and, for
 * v = e₁, ∂x₁/∂y = x₁(e₁ − x), ∂x₁/∂b = x₁ (x scales with b). Tolerance 1e-7: the solves stop at
 * relative change 1e-11, which leaves errors ~1e-9 in x and the gradients (see ProjectionTest).
 */
class SolveObjectiveTest {
    static final String SAMPLE = Path.of("..", "examples", "entropy-softmax.json").toString();

    @TempDir
    Path dir;

    private static double[] softmax(double[] y) {
        double sum = 0;
        double[] x = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            x[i] = Math.exp(y[i]);
            sum += x[i];
        }
        for (int i = 0; i < y.length; i++) {
            x[i] /= sum;
        }
        return x;
    }

    @Test
    void entropySampleGivesSoftmaxAndItsJacobian() {
        String v = Cli.write(dir, "v.json", "[1, 0, 0]");
        for (String method : new String[]{"altdiff", "kkt"}) {
            JsonNode json = solved(Cli.run("solve", SAMPLE, "--tol", "1e-11", "--max-iter", "100000", "--dx", v,
                    "--method", method));
            double[] x = softmax(new double[]{1.0, 2.0, 0.5});
            assertVector(x, json.get("x"), 1e-7);
            assertEquals("entropy", json.get("objective_type").asText());
            JsonNode grad = json.get("grad");
            assertEquals(Set.of("y", "b", "A"), keys(grad), method);
            assertVector(new double[]{x[0] * (1 - x[0]), -x[0] * x[1], -x[0] * x[2]}, grad.get("y"), 1e-7);
            assertVector(new double[]{x[0]}, grad.get("b"), 1e-7);
            assertEquals(Set.of("forward", "backward"), keys(json.get("time_ms")));
        }
    }

    /**
     * solve's defaults adapt ρ and give the equality row 10³ρ on the general path too: from the badly
     * chosen --rho 1e-3 that run takes 40 iterations, the fixed ρ for every row (--no-adaptive-rho
     * --rho-eq-scale 1) 24 390 (measured); both reach the softmax (to 1e-7, as above).
     */
    @Test
    void adaptiveRhoAndTheEqualityRowsRhoApplyToAGeneralObjective() {
        double[] x = softmax(new double[]{1.0, 2.0, 0.5});
        JsonNode adaptive = solved(Cli.run("solve", SAMPLE, "--tol", "1e-11", "--max-iter", "100000", "--rho", "0.001"));
        JsonNode fixed = solved(Cli.run("solve", SAMPLE, "--tol", "1e-11", "--max-iter", "100000", "--rho", "0.001",
                "--no-adaptive-rho", "--rho-eq-scale", "1"));
        System.out.println("softmax from rho = 1e-3: adaptive " + adaptive.get("iterations") + " iterations, fixed "
                + fixed.get("iterations"));
        assertVector(x, adaptive.get("x"), 1e-7);
        assertVector(x, fixed.get("x"), 1e-7);
        assertTrue(adaptive.get("iterations").asInt() < fixed.get("iterations").asInt(),
                adaptive.get("iterations") + " vs " + fixed.get("iterations") + " iterations");
    }

    @Test
    void weightedSumAndBoxConstraints() {
        // ½‖x‖² − zᵀx (quadratic) + softplus(x − c) with weight 0 = projection of z onto the box [−1, 1]
        String file = Cli.write(dir, "sum.json", """
                {"format":"altdiff-qp/1","n":2,
                 "objective":{"type":"sum","terms":[
                    {"type":"quadratic","P":[[1,0],[0,1]],"q":[-2,0.5]},
                    {"type":"softplus","c":[0,0],"weight":0}]},
                 "G":[[1,0],[0,1],[-1,0],[0,-1]],"h":[1,1,1,1]}""");
        JsonNode json = solved(Cli.run("solve", file, "--tol", "1e-11", "--max-iter", "100000", "--dx", "ones"));
        assertVector(new double[]{1, -0.5}, json.get("x"), 1e-7);
        JsonNode grad = json.get("grad");
        assertEquals(Set.of("q+c", "h", "G"), keys(grad));
        // θ = (q, c): x₂ = −q₂ free (∂/∂q₂ = −1), x₁ clipped at h₁ (∂/∂h₁ = 1); the zero-weight c has 0
        assertVector(new double[]{0, -1, 0, 0}, grad.get("q+c"), 1e-7);
        assertVector(new double[]{1, 0, 0, 0}, grad.get("h"), 1e-7);
    }

    @Test
    void badObjectiveIsInvalidInput() {
        String file = Cli.write(dir, "bad.json", """
                {"format":"altdiff-qp/1","objective":{"type":"cubic","y":[1]}}""");
        Cli.Result r = Cli.run("solve", file);
        assertEquals(2, r.exit(), r::toString);
        assertEquals("invalid_input", r.json().get("status").asText());
        assertTrue(r.json().get("error").asText().contains("cubic"));
    }

    @Test
    void polishWithAGeneralObjectiveIsInvalidInput() {
        Cli.Result r = Cli.run("solve", SAMPLE, "--polish");
        assertEquals(2, r.exit(), r::toString);
        assertEquals("invalid_input", r.json().get("status").asText());
        assertTrue(r.json().get("error").asText().contains("--polish"), r::toString);
    }

    /**
     * --scaling applies to a general objective (on by default, 10 passes, as for QPs): the softmax sample
     * with its equality row multiplied by 10³ and an inactive inequality x₁ ≤ 1 by 10⁻³ has the same
     * solution, and the scaled run's gradient is the caller's (∂ℓ/∂b is x₁/10³ for the scaled row). Measured:
     * default (scaled) 20 iterations, --scaling 0 40; both reach the softmax to 1e-7 (as above).
     */
    @Test
    void scalingAppliesToAGeneralObjective() {
        String file = Cli.write(dir, "scaled-softmax.json", """
                {"format":"altdiff-qp/1","n":3,"objective":{"type":"entropy","y":[1.0,2.0,0.5]},
                 "A":[[1000,1000,1000]],"b":[1000],"G":[[0.001,0,0]],"h":[0.001]}""");
        String v = Cli.write(dir, "v.json", "[1, 0, 0]");
        double[] x = softmax(new double[]{1.0, 2.0, 0.5});
        JsonNode scaled = solved(Cli.run("solve", file, "--tol", "1e-11", "--max-iter", "100000", "--dx", v));
        JsonNode unscaled = solved(Cli.run("solve", file, "--tol", "1e-11", "--max-iter", "100000", "--dx", v,
                "--scaling", "0"));
        System.out.println("scaled softmax: scaled " + scaled.get("iterations") + " iterations, unscaled "
                + unscaled.get("iterations"));
        for (JsonNode json : new JsonNode[]{scaled, unscaled}) {
            assertVector(x, json.get("x"), 1e-7);
            assertVector(new double[]{x[0] * (1 - x[0]), -x[0] * x[1], -x[0] * x[2]}, json.get("grad").get("y"), 1e-7);
            assertVector(new double[]{x[0] / 1000}, json.get("grad").get("b"), 1e-10);
        }
    }

    /**
     * Without --dx the general solve records nothing and gives the --dx run's x bit for bit; with
     * --dx, a trajectory of --max-iter iterations that cannot fit is refused up front (too_large).
     */
    @Test
    void theTrajectoryIsRecordedAndEstimatedOnlyWhenAGradientIsAsked() {
        JsonNode plain = solved(Cli.run("solve", SAMPLE, "--tol", "1e-9"));
        JsonNode withGradient = solved(Cli.run("solve", SAMPLE, "--tol", "1e-9", "--dx", "ones"));
        assertEquals(withGradient.get("x"), plain.get("x"));
        assertEquals(withGradient.get("iterations"), plain.get("iterations"));
        Cli.Result r = Cli.run("solve", SAMPLE, "--max-iter", "2147483647", "--dx", "ones");
        assertEquals(2, r.exit(), r::toString);
        assertEquals("too_large", r.json().get("status").asText());
        assertTrue(r.json().get("error").asText().contains("trajectory"), r::toString);
        solved(Cli.run("solve", SAMPLE, "--max-iter", "2147483647")); // without --dx nothing is recorded
    }

    @Test
    void demoEntropyPrintsTheSweep() {
        Cli.Result r = Cli.run("demo", "--objective", "entropy", "--sizes", "30x5x5", "--tolerances", "1e-3,1e-6");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("Alt-Diff 1e-03") && r.out().contains("Alt-Diff 1e-06")
                && r.out().contains("KKT (ref"), r.out());
    }
}
