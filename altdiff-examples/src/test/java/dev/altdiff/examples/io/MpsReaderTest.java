package dev.altdiff.examples.io;

import dev.altdiff.api.Block;
import dev.altdiff.api.QuadraticProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hand-written QPS file that uses every section and bound type, in free and fixed format, with
 * its converted matrices written out by hand; the objective constant; QMATRIX against QUADOBJ;
 * OBJSENSE MAX; names with spaces (fixed format only); the Maros–Meszaros QPTEST example.
 */
class MpsReaderTest {
    static final double INF = Double.POSITIVE_INFINITY;

    /**
     * Rows: EQ1 (E), LE1 (L), GE1 (G), RNGE/RNGL/RNGG/RNGN ranged (E with R ≥ 0, L, G, E with R &lt; 0),
     * an extra N row FREEROW (dropped). Columns X1..X10 with every bound type; X2 between integer
     * markers. Objective constant −(−7.5) = 7.5.
     */
    static final String TINY = """
            * every section and bound type
            NAME          TINY
            OBJSENSE
                MIN
            ROWS
             N  COST
             E  EQ1
             L  LE1
             G  GE1
             E  RNGE
             L  RNGL
             G  RNGG
             E  RNGN
             N  FREEROW
            COLUMNS
                X1        COST      1.0        EQ1       1.0
                X1        LE1       2.0        FREEROW   5.0
                MARKER    'MARKER'  'INTORG'
                X2        COST      -2.0       GE1       1.0
                MARKER    'MARKER'  'INTEND'
                X3        EQ1       1.0        RNGE      1.0
                X4        RNGL      1.0        RNGG      1.0
                X5        RNGN      1.0
                X6        LE1       1.0
                X7        GE1       1.0
                X8        COST      3.0
                X9        COST      1.0
                X10       COST      0.5
            RHS
                RHS       COST      -7.5       EQ1       4.0
                RHS       LE1       10.0       GE1       -1.0
                RHS       RNGE      2.0        RNGL      8.0
                RHS       RNGG      1.0        RNGN      3.0
            RANGES
                RNG       RNGE      3.0        RNGL      5.0
                RNG       RNGG      4.0        RNGN      -2.0
            BOUNDS
             UP BND       X1        4.0
             LO BND       X2        -1.0
             UP BND       X2        6.0
             FX BND       X3        2.5
             FR BND       X4
             MI BND       X5
             PL BND       X6
             BV BND       X7
             LI BND       X8        2
             UI BND       X8        9
             UP BND       X9        -3.0
             MI BND       X10
             UP BND       X10       5
            QUADOBJ
                X1        X1        2.0
                X2        X1        0.5
                X8        X8        4.0
            ENDATA
            """;

    static MpsProblem read(String text, MpsFormat format) {
        return QpConversion.convert(MpsReader.parse("tiny.qps", "tiny", text, format));
    }

    static double[] row(int n, double... entries) {
        double[] r = new double[n];
        for (int k = 0; k < entries.length; k += 2) {
            r[(int) entries[k]] = entries[k + 1];
        }
        return r;
    }

    static void assertMatrix(double[][] expected, double[][] actual, String what) {
        assertEquals(expected.length, actual.length, what + " rows");
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], 0.0, what + " row " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(MpsFormat.class)
    void tinyFileConvertsToTheHandWrittenMatrices(MpsFormat format) {
        String text = format == MpsFormat.FIXED ? MpsText.toFixed(TINY) : TINY;
        MpsProblem mp = read(text, format);
        QuadraticProgram qp = mp.problem();
        int n = 10;
        assertEquals("TINY", mp.name());
        assertEquals(format == MpsFormat.AUTO ? MpsFormat.FREE : format, mp.format());
        assertEquals(7.5, mp.objectiveConstant(), 0.0);
        assertFalse(mp.maximize());
        assertEquals(List.of("X1", "X2", "X3", "X4", "X5", "X6", "X7", "X8", "X9", "X10"), mp.columnNames());
        assertEquals(List.of("EQ1", "LE1", "GE1", "RNGE", "RNGL", "RNGG", "RNGN"), mp.rowNames());
        assertEquals(n, qp.n());

        double[][] p = new double[n][n];
        p[0][0] = 2;
        p[0][1] = 0.5;
        p[1][0] = 0.5;
        p[7][7] = 4;
        assertMatrix(p, qp.P(), "P (QUADOBJ lower triangle mirrored)");
        assertArrayEquals(new double[] {1, -2, 0, 0, 0, 0, 0, 3, 1, 0.5}, qp.q(), 0.0, "q");

        assertEquals(List.of("EQ1", "X3=fixed"), mp.equalityNames());
        assertMatrix(new double[][] {row(n, 0, 1, 2, 1), row(n, 2, 1)}, qp.A(), "A");
        assertArrayEquals(new double[] {4, 2.5}, qp.b(), 0.0, "b");

        assertEquals(List.of("LE1<=", "GE1>=", "RNGE<=", "RNGE>=", "RNGL<=", "RNGL>=", "RNGG<=", "RNGG>=",
                "RNGN<=", "RNGN>=", "X1<=ub", "X1>=lb", "X2<=ub", "X2>=lb", "X6>=lb", "X7<=ub", "X7>=lb",
                "X8<=ub", "X8>=lb", "X9<=ub", "X10<=ub"), mp.inequalityNames());
        double[][] g = {
                row(n, 0, 2, 5, 1),         // LE1: 2x1 + x6 <= 10 (FREEROW's entry dropped)
                row(n, 1, -1, 6, -1),       // GE1: x2 + x7 >= -1
                row(n, 2, 1), row(n, 2, -1), // RNGE: E, R = 3 -> 2 <= x3 <= 5
                row(n, 3, 1), row(n, 3, -1), // RNGL: L, R = 5 -> 3 <= x4 <= 8
                row(n, 3, 1), row(n, 3, -1), // RNGG: G, R = 4 -> 1 <= x4 <= 5
                row(n, 4, 1), row(n, 4, -1), // RNGN: E, R = -2 -> 1 <= x5 <= 3
                row(n, 0, 1), row(n, 0, -1), // X1 in [0, 4]
                row(n, 1, 1), row(n, 1, -1), // X2 in [-1, 6]
                row(n, 5, -1),               // X6 PL: [0, inf)
                row(n, 6, 1), row(n, 6, -1), // X7 BV: [0, 1]
                row(n, 7, 1), row(n, 7, -1), // X8 LI 2, UI 9
                row(n, 8, 1),                // X9 UP -3 without a lower bound: (-inf, -3]
                row(n, 9, 1)};               // X10 MI, UP 5
        assertMatrix(g, qp.G(), "G");
        assertArrayEquals(new double[] {10, 1, 5, -2, 8, -3, 5, -1, 3, -1, 4, 0, 6, 1, 0, 1, 0, 9, -2, -3, 5},
                qp.h(), 0.0, "h");

        assertEquals(new MpsProblem.Mapping(1, 5, 5, 4, 0, 1, 6, 5, 2, 3), mp.mapping());
        assertTrue(mp.warnings().stream().anyMatch(w -> w.contains("FREEROW")), mp.warnings()::toString);
        assertTrue(mp.warnings().stream().anyMatch(w -> w.contains("X9") && w.contains("-infinity")),
                mp.warnings()::toString);
        assertTrue(mp.warnings().stream().anyMatch(w -> w.contains("3 integer column")), mp.warnings()::toString);
    }

    /**
     * A file is read line by line: LF, CRLF and CR line ends give the text's model, also when AUTO
     * opens the file a second time (fixed format: the first, free pass fails on the names with spaces).
     */
    @ParameterizedTest
    @CsvSource({"LF, FREE", "CRLF, FREE", "CR, AUTO", "CRLF, AUTO"})
    void aFileIsReadLineByLineWithAnyLineEnd(String end, MpsFormat format, @TempDir Path dir) throws IOException {
        String text = format == MpsFormat.FREE ? TINY : MpsText.toFixed(TINY).replace("X10", "X 1");
        String separator = switch (end) {
            case "CRLF" -> "\r\n";
            case "CR" -> "\r";
            default -> "\n";
        };
        Path file = dir.resolve("tiny.qps");
        Files.writeString(file, text.replace("\n", separator), StandardCharsets.ISO_8859_1);
        MpsModel model = MpsReader.read(file, format);
        assertEquals(format == MpsFormat.FREE ? MpsFormat.FREE : MpsFormat.FIXED, model.format());
        MpsProblem fromFile = QpConversion.convert(model);
        MpsProblem fromText = read(text, format);
        for (Block block : Block.values()) {
            assertArrayEquals(fromText.problem().rowMajor(block), fromFile.problem().rowMajor(block), 0.0,
                    block + " differs");
        }
        assertEquals(fromText.objectiveConstant(), fromFile.objectiveConstant(), 0.0);
        assertEquals(fromText.warnings(), fromFile.warnings());
    }

    /** Nothing after ENDATA is read: an endless tail (like a file that keeps growing) does not stall the read. */
    @Test
    void readingStopsAtEndata() throws IOException {
        byte[] head = TINY.getBytes(StandardCharsets.ISO_8859_1);
        InputStream endless = new InputStream() {
            private long at;

            @Override public int read() {
                return at < head.length ? head[(int) at++] & 0xff : 'x';
            }
        };
        MpsModel model = MpsReader.read("tiny.qps", "tiny", () -> endless, MpsFormat.FREE);
        assertEquals(10, model.columns());
        assertEquals(7, model.rows());
    }

    @Test
    void shapeIsKnownBeforeDensifying() {
        MpsModel model = MpsReader.parse("tiny.qps", "tiny", TINY, MpsFormat.FREE);
        assertEquals(new QpConversion.Shape(10, 2, 21, true), QpConversion.shape(model));
        assertEquals(100 + 23 * 10, QpConversion.shape(model).denseDoubles());
        assertEquals(3, model.integerColumns());
        assertTrue(model.integer(1) && model.integer(6) && model.integer(7) && !model.integer(0));
    }

    @Test
    void fileObjectiveAddsTheConstant() {
        MpsProblem mp = read(TINY, MpsFormat.FREE);
        double[] x = {1, 2, 2.5, 0, 0, 0, 0, 3, -4, 1};
        // c0 + c'x + ½x'Qx = 7.5 + (1 - 4 + 9 - 4 + 0.5) + ½(2·1 + 2·0.5·1·2 + 4·9)
        double expected = 7.5 + 2.5 + 0.5 * (2 + 2 + 36);
        assertEquals(expected, mp.fileObjective(mp.problem().objective(x)), 1e-12);
    }

    @Test
    void qmatrixGivesTheSameProblemAsQuadobj() {
        String qmatrix = TINY.replace("""
                QUADOBJ
                    X1        X1        2.0
                    X2        X1        0.5
                    X8        X8        4.0
                """, """
                QMATRIX
                    X1        X1        2.0
                    X1        X2        0.5
                    X2        X1        0.5
                    X8        X8        4.0
                """);
        assertTrue(qmatrix.contains("QMATRIX"));
        QuadraticProgram a = read(TINY, MpsFormat.FREE).problem();
        QuadraticProgram b = read(qmatrix, MpsFormat.FREE).problem();
        for (Block block : Block.values()) {
            assertArrayEquals(a.rowMajor(block), b.rowMajor(block), 0.0, block.name());
        }
    }

    @Test
    void quadobjAcceptsTheUpperTriangleToo() {
        String upper = TINY.replace("    X2        X1        0.5", "    X1        X2        0.5");
        assertArrayEquals(read(TINY, MpsFormat.FREE).problem().rowMajor(Block.P),
                read(upper, MpsFormat.FREE).problem().rowMajor(Block.P), 0.0);
    }

    @Test
    void objsenseMaxNegatesTheObjective() {
        MpsProblem min = read(TINY, MpsFormat.FREE);
        MpsProblem max = read(TINY.replace("    MIN", "    MAX"), MpsFormat.FREE);
        assertTrue(max.maximize());
        double[] pMin = min.problem().rowMajor(Block.P);
        double[] pMax = max.problem().rowMajor(Block.P);
        for (int i = 0; i < pMin.length; i++) {
            assertEquals(-pMin[i], pMax[i], 0.0);
        }
        double[] qMin = min.problem().q();
        double[] qMax = max.problem().q();
        for (int i = 0; i < qMin.length; i++) {
            assertEquals(-qMin[i], qMax[i], 0.0);
        }
        assertArrayEquals(min.problem().rowMajor(Block.G), max.problem().rowMajor(Block.G), 0.0);
        double[] x = {1, 2, 2.5, 0, 0, 0, 0, 3, -4, 1};
        assertEquals(min.fileObjective(min.problem().objective(x)), max.fileObjective(max.problem().objective(x)), 1e-12,
                "both give the file's objective value");
        MpsProblem sameLine = read(TINY.replace("OBJSENSE\n    MIN", "OBJSENSE    MAXIMIZE"), MpsFormat.FREE);
        assertTrue(sameLine.maximize(), "OBJSENSE value on the header line (free MPS)");
    }

    @Test
    void objnamePicksTheObjectiveAmongNRows() {
        String text = TINY.replace("OBJSENSE\n    MIN\n", "OBJNAME\n    FREEROW\n");
        MpsProblem mp = read(text, MpsFormat.FREE);
        // FREEROW is now the objective: x1 has coefficient 5, everything else 0; COST is dropped
        assertArrayEquals(new double[] {5, 0, 0, 0, 0, 0, 0, 0, 0, 0}, mp.problem().q(), 0.0);
        assertTrue(mp.warnings().stream().anyMatch(w -> w.contains("COST")), mp.warnings()::toString);
        assertEquals(0.0, mp.objectiveConstant(), 0.0, "the RHS of COST is not the constant any more");
    }

    @Test
    void fixedFormatAllowsSpacesInNames() {
        String text = String.join("\n",
                "NAME          SPACED",
                "ROWS",
                MpsText.fixed("N", "COST"),
                MpsText.fixed("L", "LIM 1"),
                "COLUMNS",
                MpsText.fixed("", "X 1", "COST", "1.0", "LIM 1", "1.0"),
                MpsText.fixed("", "X 2", "COST", "-1.0", "LIM 1", "2.0"),
                "RHS",
                MpsText.fixed("", "RHS", "LIM 1", "4.0"),
                "BOUNDS",
                MpsText.fixed("UP", "BND", "X 2", "3.0"),
                "ENDATA", "");
        assertEquals("    X 1       COST               1.0   LIM 1              1.0", text.lines().toList().get(5),
                "the helper lays fields in columns 5-12, 15-22, 25-36, 40-47, 50-61");
        for (MpsFormat format : List.of(MpsFormat.FIXED, MpsFormat.AUTO)) {
            MpsProblem mp = read(text, format);
            assertEquals(MpsFormat.FIXED, mp.format());
            assertEquals(List.of("X 1", "X 2"), mp.columnNames());
            assertEquals(List.of("LIM 1<=", "X 1>=lb", "X 2<=ub", "X 2>=lb"), mp.inequalityNames());
            assertMatrix(new double[][] {{1, 2}, {-1, 0}, {0, 1}, {0, -1}}, mp.problem().G(), "G");
            assertArrayEquals(new double[] {4, 0, 3, 0}, mp.problem().h(), 0.0);
        }
    }

    @Test
    void mpsWithoutQuadraticSectionIsAnLp() {
        MpsProblem mp = read(TINY.substring(0, TINY.indexOf("QUADOBJ")) + "ENDATA\n", MpsFormat.FREE);
        assertFalse(mp.problem().hasP());
        assertNull(mp.problem().P());
    }

    @Test
    void rhsSetNameMayBeOmittedInFreeFormat() {
        String text = TINY.replace("    RHS       ", "    ").replace("    RNG       ", "    ");
        assertArrayEquals(read(TINY, MpsFormat.FREE).problem().h(), read(text, MpsFormat.FREE).problem().h(), 0.0);
        assertEquals(7.5, read(text, MpsFormat.FREE).objectiveConstant(), 0.0);
        // a second set is skipped, with a warning
        String twoSets = TINY.replace("    RHS       RNGG      1.0        RNGN      3.0",
                "    RHS       RNGG      1.0        RNGN      3.0\n    RHS2      LE1       99.0");
        MpsProblem mp = read(twoSets, MpsFormat.FREE);
        assertArrayEquals(read(TINY, MpsFormat.FREE).problem().h(), mp.problem().h(), 0.0);
        assertTrue(mp.warnings().stream().anyMatch(w -> w.contains("RHS set 'RHS2' skipped")), mp.warnings()::toString);
    }

    @Test
    void infiniteValuesDropSides() {
        String text = """
                NAME INF
                ROWS
                 N obj
                 L r1
                 G r2
                COLUMNS
                    x obj 1 r1 1
                    x r2 1
                RHS
                    rhs r1 1e30 r2 -1e31
                BOUNDS
                 LO bnd x -1e30
                 UP bnd x 1e30
                ENDATA
                """;
        MpsProblem mp = read(text, MpsFormat.FREE);
        assertEquals(0, mp.problem().m(), "no finite side anywhere: " + mp.inequalityNames());
        assertEquals(2, mp.mapping().freeRows());
        assertEquals(1, mp.mapping().freeColumns());
    }

    @Test
    void qptestFromTheMarosReadme() throws Exception {
        MpsProblem mp = MpsProblem.read(Path.of("src/test/resources/maros/QPTEST.QPS"), MpsFormat.AUTO);
        // min 1.5x1 - 2x2 + ½(8x1² + 2·2x1x2 + 10x2²) s.t. 2x1 + x2 >= 2, -x1 + 2x2 <= 6, 0 <= x1 <= 20, x2 >= 0
        assertMatrix(new double[][] {{8, 2}, {2, 10}}, mp.problem().P(), "P");
        assertArrayEquals(new double[] {1.5, -2}, mp.problem().q(), 0.0);
        assertMatrix(new double[][] {{-2, -1}, {-1, 2}, {1, 0}, {-1, 0}, {0, -1}}, mp.problem().G(), "G");
        assertArrayEquals(new double[] {-2, 6, 20, 0, 0}, mp.problem().h(), 0.0);
        assertEquals(0, mp.problem().p());
        assertEquals("QP example", mp.name());
    }

    @Test
    void hs35modObjectiveConstantIsMinusTheObjectiveRhs() throws Exception {
        MpsProblem mp = MpsProblem.read(Path.of("src/test/resources/maros/HS35MOD.QPS"), MpsFormat.FIXED);
        assertEquals(9.0, mp.objectiveConstant(), 0.0, "RHS OBJ.FUNC -9 gives c0 = +9");
        assertEquals(List.of("C------2=fixed"), mp.equalityNames(), "FX becomes an equality row");
        assertArrayEquals(new double[] {0.5}, mp.problem().b(), 0.0);
    }
}
