package dev.altdiff.examples.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invalid files: each error names the file, the line and the offending row, column or section. */
class MpsErrorsTest {
    /** A valid free-format file; the cases below break one line of it (line numbers in comments). */
    static final String BASE = """
            NAME          BASE
            ROWS
             N  obj
             L  c1
             E  c2
            COLUMNS
                x1  obj  1.0  c1  2.0
                x2  obj  -1.0  c2  1.0
            RHS
                rhs  c1  4.0  c2  1.0
            BOUNDS
             UP bnd  x1  3.0
            QUADOBJ
                x1  x1  1.0
            ENDATA
            """;
    // line 1 NAME, 2 ROWS, 3-5 rows, 6 COLUMNS, 7-8 columns, 9 RHS, 10 rhs, 11 BOUNDS, 12 bound,
    // 13 QUADOBJ, 14 entry, 15 ENDATA

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("unknown row in COLUMNS", BASE.replace("c1  2.0", "c9  2.0"), 7,
                        "unknown row 'c9' in COLUMNS (column 'x1')"),
                Arguments.of("bad coefficient", BASE.replace("c1  2.0", "c1  2.x"), 7,
                        "bad number '2.x' for column 'x1', row 'c1'"),
                Arguments.of("NaN coefficient", BASE.replace("c1  2.0", "c1  NaN"), 7, "bad number 'NaN'"),
                Arguments.of("duplicate matrix entry", BASE.replace("    x2  obj  -1.0  c2  1.0",
                        "    x2  obj  -1.0  c2  1.0\n    x2  c2  3.0"), 9, "duplicate entry for column 'x2', row 'c2'"),
                Arguments.of("wrong field count in COLUMNS", BASE.replace("x2  obj  -1.0  c2  1.0", "x2  obj  -1.0  c2"),
                        8, "got 4 fields"),
                Arguments.of("duplicate row", BASE.replace(" E  c2", " E  c1"), 5, "row 'c1' is declared twice"),
                Arguments.of("unknown row type", BASE.replace(" E  c2", " X  c2"), 5, "unknown row type 'X' for row 'c2'"),
                Arguments.of("unknown row in RHS", BASE.replace("rhs  c1  4.0", "rhs  cc  4.0"), 10,
                        "unknown row 'cc' in RHS"),
                Arguments.of("duplicate RHS", BASE.replace("rhs  c1  4.0  c2  1.0", "rhs  c1  4.0  c1  1.0"), 10,
                        "duplicate RHS entry for row 'c1'"),
                Arguments.of("unknown column in BOUNDS", BASE.replace("bnd  x1  3.0", "bnd  x7  3.0"), 12,
                        "unknown column 'x7' in BOUNDS (UP)"),
                Arguments.of("unknown bound type", BASE.replace(" UP bnd  x1  3.0", " XX bnd  x1  3.0"), 12,
                        "unknown bound type 'XX' for column 'x1'"),
                Arguments.of("semi-continuous", BASE.replace(" UP bnd  x1  3.0", " SC bnd  x1  3.0"), 12,
                        "semi-continuous bound (SC) on column 'x1' is not supported"),
                Arguments.of("bound without value", BASE.replace(" UP bnd  x1  3.0", " UP x1"), 12,
                        "BOUNDS line must be 'type [set] column value', got 2 fields"),
                Arguments.of("infinite FX", BASE.replace(" UP bnd  x1  3.0", " FX bnd  x1  1e30"), 12,
                        "FX bound of column 'x1' is infinite"),
                Arguments.of("unknown column in QUADOBJ", BASE.replace("x1  x1  1.0", "x1  x5  1.0"), 14,
                        "unknown column 'x5' in QUADOBJ"),
                Arguments.of("duplicate QUADOBJ", BASE.replace("    x1  x1  1.0", "    x1  x2  1.0\n    x2  x1  1.0"), 15,
                        "QUADOBJ entry (x2, x1) given twice (first at line 14)"),
                Arguments.of("asymmetric QMATRIX", BASE.replace("QUADOBJ\n    x1  x1  1.0",
                        "QMATRIX\n    x1  x2  1.0\n    x2  x1  2.0"), 14,
                        "QMATRIX is not symmetric: (x1, x2) = 1.0 but (x2, x1) = 2.0 at line 15"),
                Arguments.of("QMATRIX without mirror", BASE.replace("QUADOBJ\n    x1  x1  1.0",
                        "QMATRIX\n    x1  x2  1.0"), 14, "QMATRIX entry (x1, x2) has no symmetric entry (x2, x1)"),
                Arguments.of("unknown section", BASE.replace("BOUNDS", "BOUNDZ"), 11, "unknown section 'BOUNDZ'"),
                Arguments.of("quadratic constraints", BASE.replace("QUADOBJ", "QSECTION"), 13,
                        "section QSECTION (quadratic constraints) is not supported"),
                Arguments.of("section twice", BASE.replace("QUADOBJ\n    x1  x1  1.0\n", "RHS\n"), 13,
                        "section RHS appears twice"),
                Arguments.of("RHS before COLUMNS", BASE.replace("COLUMNS\n    x1  obj  1.0  c1  2.0\n    x2  obj  -1.0  c2  1.0\n", "")
                        .replace("ENDATA", "COLUMNS\nENDATA"), 6, "RHS before COLUMNS"),
                Arguments.of("no objective row", BASE.replace(" N  obj", " G  obj"), 6, "ROWS declares no objective row"),
                Arguments.of("data before any section", "    x1 obj 1\n" + BASE, 1, "data line before any section header"),
                Arguments.of("bad OBJSENSE", BASE.replace("ROWS\n", "OBJSENSE\n    UP\nROWS\n"), 3,
                        "OBJSENSE must be MIN, MAX, MINIMIZE or MAXIMIZE, got 'UP'"),
                Arguments.of("integer marker left open", BASE.replace("    x2  obj", "    M  'MARKER'  'INTORG'\n    x2  obj"), 10,
                        "COLUMNS ends inside an integer MARKER block"),
                Arguments.of("no ENDATA", BASE.replace("ENDATA\n", ""), 0, "the file ends without ENDATA"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void errorNamesLineAndCulprit(String name, String text, int line, String fragment) {
        MpsParseException e = assertThrows(MpsParseException.class,
                () -> MpsReader.parse("bad.qps", "bad", text, MpsFormat.FREE));
        assertEquals(line, e.line(), e::getMessage);
        assertTrue(e.getMessage().startsWith("bad.qps:" + (line > 0 ? line + ": " : " ")), e::getMessage);
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void baseIsValid() {
        MpsModel model = MpsReader.parse("base.qps", "base", BASE, MpsFormat.FREE);
        assertEquals(2, model.columns());
        assertEquals(MpsFormat.FREE, model.format());
    }

    @Test
    void fixedFormatRejectsTextOutsideItsColumns() {
        String text = MpsText.toFixed(BASE).replace("    x1        obj", "    x1       Xobj");
        MpsParseException e = assertThrows(MpsParseException.class,
                () -> MpsReader.parse("bad.qps", "bad", text, MpsFormat.FIXED));
        assertEquals(7, e.line(), e::getMessage);
        assertTrue(e.getMessage().contains("column 14, outside the fixed-format fields"), e::getMessage);
    }

    @Test
    void autoReportsTheAttemptThatGotFurther() {
        // a fixed-format file with a space in a name and an unknown row further down: free format
        // fails at line 4 (three fields), fixed format at line 7 (the unknown row), which is reported
        String text = String.join("\n", "NAME          X", "ROWS", MpsText.fixed("N", "obj"), MpsText.fixed("L", "c 1"),
                "COLUMNS", MpsText.fixed("", "x1", "obj", "1.0"), MpsText.fixed("", "x1", "c 2", "1.0"), "ENDATA", "");
        MpsParseException e = assertThrows(MpsParseException.class,
                () -> MpsReader.parse("bad.qps", "bad", text, MpsFormat.AUTO));
        assertEquals(7, e.line(), e::getMessage);
        assertTrue(e.getMessage().contains("unknown row 'c 2' in COLUMNS"), e::getMessage);
        assertTrue(e.getMessage().contains("read as fixed format; as free format: line 4"), e::getMessage);
    }
}
