package dev.altdiff.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.altdiff.api.Block;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.examples.io.QpJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Set;

import static dev.altdiff.examples.cli.SolveCommandTest.assertVector;
import static dev.altdiff.examples.cli.SolveCommandTest.invalid;
import static dev.altdiff.examples.cli.SolveCommandTest.keys;
import static dev.altdiff.examples.cli.SolveCommandTest.solved;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sparse triplet matrices in problem files ({@link QpJson}): the README's simplex projection
 * (see {@link SolveCommandTest}) with P, A, G as triplets gives the dense file's solution and the
 * q, b, h gradients; malformed triplet objects are invalid input; options that need dense matrices
 * refuse a sparse problem.
 */
class SparseProblemFileTest {
    /** The sample with P = I split into duplicate halves on the diagonal (summed), A and G as triplets. */
    static final String SPARSE_SAMPLE = """
            {"format":"altdiff-qp/1","name":"simplex-sparse","n":3,
             "P":{"rows":3,"cols":3,"i":[0,1,2,2],"j":[0,1,2,2],"x":[1,1,0.5,0.5]},
             "q":[-0.5,-0.3,0.4],
             "A":{"rows":1,"cols":3,"i":[0,0,0],"j":[2,0,1],"x":[1,1,1]},"b":[1],
             "G":{"rows":3,"cols":3,"i":[0,1,2],"j":[0,1,2],"x":[-1,-1,-1]},"h":[0,0,0]}
            """;

    @TempDir
    Path dir;

    @Test
    void tripletFileIsReadSparseAndSolvesLikeTheDenseSample() {
        String file = Cli.write(dir, "sparse.json", SPARSE_SAMPLE);
        QuadraticProgram qp = QpJson.readProblem(file);
        assertTrue(qp.isSparse());
        assertEquals(3, qp.sparse(Block.P).nonzeros(), "duplicates summed");
        assertArrayEquals(new double[]{1, 0, 0, 0, 1, 0, 0, 0, 1}, qp.rowMajor(Block.P));
        Cli.Result r = Cli.run("solve", file, "--tol", "1e-10", "--dx", "ones");
        JsonNode json = solved(r);
        assertVector(new double[]{0.6, 0.4, 0}, json.get("x"), 1e-8);
        assertVector(new double[]{-0.1}, json.get("lambda"), 1e-8);
        assertVector(new double[]{0, 0, 0.3}, json.get("nu"), 1e-8);
        // sparse problems: reverse mode for q, b, h only; ∂(1ᵀx)/∂(q, b, h) = (0, 1, 0) (SolveCommandTest)
        assertEquals(Set.of("q", "b", "h"), keys(json.get("grad")));
        assertVector(new double[]{0, 0, 0}, json.get("grad").get("q"), 1e-6);
        assertVector(new double[]{1}, json.get("grad").get("b"), 1e-6);
        assertVector(new double[]{0, 0, 0}, json.get("grad").get("h"), 1e-6);
    }

    @Test
    void denseAndTripletBlocksMix() {
        String file = Cli.write(dir, "mixed.json", SPARSE_SAMPLE.replace(
                "{\"rows\":1,\"cols\":3,\"i\":[0,0,0],\"j\":[2,0,1],\"x\":[1,1,1]}", "[[1,1,1]]"));
        assertVector(new double[]{0.6, 0.4, 0}, solved(Cli.run("solve", file, "--tol", "1e-10")).get("x"), 1e-8);
    }

    /** Each row: the replaced text, its replacement, and fragments the error must contain. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"x\":[-1,-1,-1]}|\"x\":[-1,-1,-1],\"v\":1}|G: unknown key \"v\"",
        "\"rows\":3,\"cols\":3,\"i\":[0,1,2,2]|\"cols\":3,\"i\":[0,1,2,2]|P.rows is missing",
        "\"j\":[2,0,1]|\"j\":[2,0.5,1]|A.j[1] must be an integer",
        "\"j\":[2,0,1]|\"j\":[2,0,3]|A entry 2 at (0, 3) is outside the 1x3 matrix",
        "\"j\":[2,0,1]|\"j\":[2,0]|i, j and x must have the same length",
        "\"x\":[1,1,0.5,0.5]|\"x\":[1,NaN,0.5,0.5]|P[1][1] is not finite",
        "\"rows\":3,\"cols\":3,\"i\":[0,1,2,2]|\"rows\":2,\"cols\":3,\"i\":[0,1,1,1]|P is 2x3, expected 3x3",
        "\"rows\":1,\"cols\":3|\"rows\":-1,\"cols\":3|A.rows must be a non-negative integer",
        "\"i\":[0,1,2],\"j\":[0,1,2]|\"i\":\"0\",\"j\":[0,1,2]|G.i must be an array"})
    void malformedTripletsAreInvalidInput(String from, String to, String fragment) {
        assertTrue(SPARSE_SAMPLE.contains(from), from);
        String file = Cli.write(dir, "bad.json", SPARSE_SAMPLE.replace(from, to));
        invalid(Cli.run("solve", file), fragment);
    }

    @Test
    void asymmetricTripletPIsInvalid() {
        String file = Cli.write(dir, "asym.json", SPARSE_SAMPLE.replace("\"i\":[0,1,2,2],\"j\":[0,1,2,2]",
                "\"i\":[0,1,2,0],\"j\":[0,1,2,1]"));
        invalid(Cli.run("solve", file), "P is not symmetric");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"--method=kkt|kkt differentiator", "--mode=forward|reverse mode"})
    void optionsThatNeedDenseMatricesRefuseSparseProblems(String option, String fragment) {
        String file = Cli.write(dir, "sparse.json", SPARSE_SAMPLE);
        invalid(Cli.run("solve", file, option, "--dx", "ones"), fragment);
    }

    /** Polishing a sparse problem factors its reduced KKT matrix sparsely: the polished point is solved. */
    @Test
    void sparseProblemsArePolished() {
        String file = Cli.write(dir, "sparse.json", SPARSE_SAMPLE);
        Cli.Result r = Cli.run("solve", file, "--polish", "--dx", "ones");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("\"polish\":\"accepted\""), r::toString);
    }
}
