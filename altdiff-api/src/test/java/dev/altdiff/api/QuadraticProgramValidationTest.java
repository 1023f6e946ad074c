package dev.altdiff.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuadraticProgramValidationTest {
    private static final double[][] P2 = {{2, 0.5}, {0.5, 1}};

    private static InvalidProblemException reject(QuadraticProgram.Builder b) {
        return assertThrows(InvalidProblemException.class, b::build);
    }

    private static void expect(InvalidProblemException e, String block, int row, int col, String fragment) {
        assertEquals(block, e.block(), e.getMessage());
        assertEquals(row, e.row(), e.getMessage());
        assertEquals(col, e.col(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void validProblemKeepsCopiesAndDimensions() {
        double[] q = {1, -1};
        QuadraticProgram qp = QuadraticProgram.builder(2).P(P2).q(q)
                .equalities(new double[][]{{1, 1}}, new double[]{1})
                .inequalities(new double[][]{{1, 0}, {0, 1}, {-1, 0}}, new double[]{1, 1, 0}).build();
        q[0] = 99;
        assertEquals(1, qp.q()[0]);
        assertEquals(2, qp.n());
        assertEquals(1, qp.p());
        assertEquals(3, qp.m());
        assertArrayEquals(new double[]{2, 0.5, 0.5, 1}, qp.rowMajor(Block.P));
        assertEquals(0.5 * (2 + 0.5 + 0.5 + 1) + 1 - 1, qp.objective(new double[]{1, 1}), 1e-15);
    }

    @Test
    void linearProgramHasNoP() {
        QuadraticProgram lp = QuadraticProgram.builder(2).q(new double[]{1, 1}).build();
        assertFalse(lp.hasP());
        assertNull(lp.P());
        assertArrayEquals(new double[4], lp.rowMajor(Block.P));
        assertFalse(lp.hasEqualities());
        assertFalse(lp.hasInequalities());
    }

    @Test
    void qDefaultsToZero() {
        assertArrayEquals(new double[3], QuadraticProgram.builder(3).build().q());
    }

    @Test
    void nonPositiveDimension() {
        expect(reject(QuadraticProgram.builder(0)), "n", -1, -1, "n must be >= 1");
    }

    @Test
    void shapeMismatches() {
        expect(reject(QuadraticProgram.builder(2).P(new double[][]{{1, 0}})), "P", -1, -1, "1 rows, expected 2");
        expect(reject(QuadraticProgram.builder(2).P(new double[][]{{1, 0}, {0}})), "P", 1, -1, "row 1 has 1 entries");
        expect(reject(QuadraticProgram.builder(2).q(new double[3])), "q", -1, -1, "length 3, expected 2");
        expect(reject(QuadraticProgram.builder(2).equalities(new double[][]{{1, 0, 0}}, new double[1])), "A", 0, -1,
                "row 0 has 3 entries, expected 2");
        expect(reject(QuadraticProgram.builder(2).equalities(new double[][]{{1, 0}}, new double[2])), "b", -1, -1,
                "length 2, expected 1");
        expect(reject(QuadraticProgram.builder(2).inequalities(new double[][]{{1, 0}, {0, 1}}, new double[1])), "h",
                -1, -1, "length 1, expected 2");
        expect(reject(QuadraticProgram.builder(2).inequalities(new double[][]{{1}}, new double[1])), "G", 0, -1,
                "row 0 has 1 entries");
        expect(reject(QuadraticProgram.builder(2).equalities(null, new double[1])), "A", -1, -1, "A is missing");
        expect(reject(QuadraticProgram.builder(2).inequalities(new double[][]{{1, 0}}, null)), "h", -1, -1,
                "h is missing");
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void nonFiniteEntriesNameBlockAndIndex(double bad) {
        double[][] p = {{2, 0}, {0, bad}};
        expect(reject(QuadraticProgram.builder(2).P(p)), "P", 1, 1, "P[1][1] is not finite");
        expect(reject(QuadraticProgram.builder(2).q(new double[]{0, bad})), "q", 1, -1, "q[1] is not finite");
        expect(reject(QuadraticProgram.builder(2).equalities(new double[][]{{bad, 0}}, new double[1])), "A", 0, 0,
                "A[0][0]");
        expect(reject(QuadraticProgram.builder(2).equalities(new double[][]{{1, 0}}, new double[]{bad})), "b", 0, -1,
                "b[0]");
        expect(reject(QuadraticProgram.builder(2).inequalities(new double[][]{{1, 0}, {0, bad}}, new double[2])), "G",
                1, 1, "G[1][1]");
        expect(reject(QuadraticProgram.builder(2).inequalities(new double[][]{{1, 0}}, new double[]{bad})), "h", 0, -1,
                "h[0]");
    }

    @Test
    void asymmetricPNamesTheEntry() {
        double[][] p = {{1, 0, 0}, {0, 1, 0.3}, {0, 0.2, 1}};
        expect(reject(QuadraticProgram.builder(3).P(p)), "P", 1, 2, "not symmetric");
    }

    @Test
    void roundingLevelAsymmetryIsAcceptedAndSymmetrized() {
        double[][] p = {{1, 0.5 + 1e-14}, {0.5, 1}};
        QuadraticProgram qp = QuadraticProgram.builder(2).P(p).build();
        double[][] stored = qp.P();
        assertEquals(stored[0][1], stored[1][0]);
    }

    @Test
    void settingsRejectBadValues() {
        assertThrows(IllegalArgumentException.class, () -> Settings.PAPER.withRho(0));
        assertThrows(IllegalArgumentException.class, () -> Settings.PAPER.withRho(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Settings.PAPER.withTolerance(-1));
        assertThrows(IllegalArgumentException.class, () -> Settings.PAPER.withMaxIterations(0));
        assertThrows(IllegalArgumentException.class, () -> Settings.PAPER.withTruncation(null));
        for (double alpha : new double[]{0, -1, 2, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Settings.DEFAULTS.withAlpha(alpha));
            assertTrue(e.getMessage().contains("alpha"), e.getMessage());
        }
        for (double scale : new double[]{0.5, 0, 1e7, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Settings.DEFAULTS.withEqualityRhoScale(scale));
            assertTrue(e.getMessage().contains("equalityRhoScale"), e.getMessage());
        }
    }

    @Test
    void presetsNameTheirSteps() {
        assertEquals(1.0, Settings.PAPER.alpha());
        assertEquals(1.0, Settings.PAPER.equalityRhoScale());
        assertEquals(1.0, Settings.DEFAULTS.alpha());
        assertEquals(Settings.DEFAULT_EQUALITY_RHO_SCALE, Settings.DEFAULTS.equalityRhoScale());
        assertEquals(1.6, Settings.DEFAULTS.withAlpha(1.6).alpha());
        Settings relaxed = Settings.DEFAULTS.withAlpha(1.6).withEqualityRhoScale(10).withXStep(XStepForm.FULL);
        for (Settings copy : new Settings[]{relaxed.withRho(2), relaxed.withTolerance(1e-3), relaxed.withScaling(3),
                relaxed.withPolish(true), relaxed.withTimeLimit(5), relaxed.withAdaptiveRho(false),
                relaxed.withSigma(1e-6)}) {
            assertEquals(1.6, copy.alpha(), "the withers carry α");
            assertEquals(10.0, copy.equalityRhoScale(), "the withers carry the equality rows' scale");
            assertEquals(XStepForm.FULL, copy.xStep(), "the withers carry the x-step's form");
        }
    }

    /**
     * Blocks taken over as row-major arrays make the problem the rows make, entry for entry (P symmetrized in the array
     * itself, which the problem keeps), with the rows' refusals: the same blocks, indices and messages.
     */
    @Test
    void takenRowMajorBlocksAreTheRowsProblemWithoutACopy() {
        double[][] pRows = {{2, 0.5 + 1e-12}, {0.5, 1}};
        double[][] aRows = {{1, 1}};
        double[][] gRows = {{1, 0}, {0, 1}, {-1, 0}};
        QuadraticProgram fromRows = QuadraticProgram.builder(2).P(pRows).q(new double[]{1, -1})
                .equalities(aRows, new double[]{1}).inequalities(gRows, new double[]{1, 1, 0}).build();
        double[] pFlat = {2, 0.5 + 1e-12, 0.5, 1};
        double[] aFlat = {1, 1};
        double[] gFlat = {1, 0, 0, 1, -1, 0};
        QuadraticProgram taken = QuadraticProgram.builder(2).takeP(2, 2, pFlat).q(new double[]{1, -1})
                .takeEqualities(1, 2, aFlat, new double[]{1}).takeInequalities(3, 2, gFlat, new double[]{1, 1, 0})
                .build();
        for (Block block : Block.values()) {
            assertArrayEquals(fromRows.rowMajor(block), taken.rowMajor(block), block.name());
        }
        assertSame(pFlat, taken.dense(Block.P).stored(), "P is kept, not copied");
        assertSame(gFlat, taken.dense(Block.G).stored(), "G is kept, not copied");
        assertEquals(pFlat[1], pFlat[2], "P is symmetrized in the array taken");

        expect(reject(QuadraticProgram.builder(3).takeP(2, 3, new double[6])), "P", -1, -1, "P has 2 rows, expected 3");
        expect(reject(QuadraticProgram.builder(3).takeP(3, 2, new double[6])), "P", 0, -1,
                "P row 0 has 2 entries, expected 3");
        expect(reject(QuadraticProgram.builder(2).takeInequalities(1, 3, new double[3], new double[]{1})), "G", 0, -1,
                "G row 0 has 3 entries, expected 2");
        expect(reject(QuadraticProgram.builder(2).takeEqualities(2, 2, new double[]{1, 0, 0, Double.NaN},
                new double[]{1, 1})), "A", 1, 1, "A[1][1] is not finite");
        expect(reject(QuadraticProgram.builder(2).takeEqualities(1, 2, new double[]{1, 1}, new double[]{1, 2})), "b",
                -1, -1, "b has length 2, expected 1");
        expect(reject(QuadraticProgram.builder(2).takeInequalities(1, 2, new double[]{1, 1}, null)), "h", -1, -1,
                "h is missing");
        assertThrows(IllegalArgumentException.class,
                () -> QuadraticProgram.builder(2).takeP(2, 2, new double[3]).build(), "3 values for 2×2");

        // beside a sparse block every block is stored sparse: the taken ones from their rows
        QuadraticProgram mixed = QuadraticProgram.builder(2).takeP(2, 2, new double[]{2, 0.5, 0.5, 1})
                .sparseInequalities(SparseMatrix.fromRows("G", gRows, 2), new double[]{1, 1, 0}).build();
        assertTrue(mixed.isSparse());
        assertArrayEquals(fromRows.rowMajor(Block.P), mixed.rowMajor(Block.P), 1e-12);
    }

    /** The x-step forms' choice ({@link XStepForm#reduced}) at the sizes their javadoc names. */
    @Test
    void theXStepFormsChooseAsDocumented() {
        assertTrue(XStepForm.REUSED.reduced(2500, 1250));
        assertFalse(XStepForm.REUSED.reduced(100, 101), "more constraint rows than variables: full");
        assertFalse(XStepForm.ONE_RUN.reduced(2500, 1250), "n = 2500, p + m = 1250, one run: full");
        assertFalse(XStepForm.ONE_RUN.reduced(1000, 700));
        assertTrue(XStepForm.ONE_RUN.reduced(2000, 50), "few constraint rows: the set-up pays within the run");
        assertTrue(XStepForm.ONE_RUN.reduced(200, 50), "a small problem with few constraint rows");
        assertFalse(XStepForm.ONE_RUN.reduced(200, 150), "p + m = 0.75n: the set-up costs more than 100 iterations save");
        assertFalse(XStepForm.ONE_RUN.reduced(100, 170), "M larger than H's factor");
        assertTrue(XStepForm.REDUCED.reduced(10, 30));
        assertFalse(XStepForm.FULL.reduced(2000, 50));
        for (XStepForm form : XStepForm.values()) {
            assertFalse(form.reduced(10, 0), form + ": nothing to reduce without constraints");
        }
        assertEquals(XStepForm.REUSED, Settings.DEFAULTS.xStep());
        assertEquals(XStepForm.ONE_RUN, Settings.DEFAULTS.withXStep(XStepForm.ONE_RUN).xStep());
        assertThrows(IllegalArgumentException.class, () -> Settings.DEFAULTS.withXStep(null));
    }
}
