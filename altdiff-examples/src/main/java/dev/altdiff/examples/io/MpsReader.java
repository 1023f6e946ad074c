package dev.altdiff.examples.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads MPS (linear) and QPS (quadratic, the Maros–Meszaros extension) files in fixed or free
 * format into an {@link MpsModel}; see there for how the sections give the model's numbers.
 *
 * <p>Sections: NAME, OBJSENSE (MIN/MAX/MINIMIZE/MAXIMIZE, on the header line or the next line),
 * OBJNAME (picks the objective among several N rows), ROWS, COLUMNS (with integer MARKER lines),
 * RHS, RANGES, BOUNDS, QUADOBJ (lower triangle, mirrored; the upper triangle is accepted too, but
 * each off-diagonal pair only once), QMATRIX (full symmetric matrix), ENDATA. Comment lines start
 * with {@code *}; blank lines are skipped; CR line ends are accepted. Anything else (QSECTION,
 * QCMATRIX, SOS, CSECTION, …) is rejected with an {@link MpsParseException} naming it.
 *
 * <p>Errors are strict and name the file, line, section, row and column: an unknown row or column,
 * a duplicate row, a duplicate matrix, RHS, RANGES or Q entry, a bad number, a wrong number of
 * fields, semi-continuous (SC) bounds, an asymmetric QMATRIX, a file without ENDATA.
 *
 * <p>A file is read line by line, never whole, and not past ENDATA.
 *
 * <p>Thread-safe: a reader holds no state between calls.
 */
public final class MpsReader {
    /** Numbers at least this large in RHS, RANGES and BOUNDS mean infinity. */
    public static final double INFINITY_THRESHOLD = 1e30;

    private MpsReader() {
    }

    /**
     * Reads a file (UTF-8 or ASCII) line by line: memory holds one line and the model being built,
     * never the whole text. With {@link MpsFormat#AUTO} a file that does not parse as free format is
     * read a second time, as fixed format.
     *
     * @param file   the MPS/QPS file
     * @param format its layout, or {@link MpsFormat#AUTO} to detect it
     * @throws IOException       when the file cannot be read
     * @throws MpsParseException when its contents are invalid
     */
    public static MpsModel read(Path file, MpsFormat format) throws IOException {
        return read(file.toString(), defaultName(file), () -> Files.newInputStream(file), format);
    }

    /** @return the file's name up to its first dot: the model's name when the NAME line gives none */
    static String defaultName(Path file) {
        String base = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        int dot = base.indexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    /** The bytes of a file, opened afresh for every pass over it. */
    @FunctionalInterface
    interface Source {
        InputStream open() throws IOException;
    }

    /**
     * Reads the bytes {@code bytes} opens, line by line (ISO-8859-1, so that any byte is a character).
     *
     * @param source      the file name, for error messages
     * @param defaultName the model's name when the NAME line gives none
     * @param bytes       opens the file (once, or twice for {@link MpsFormat#AUTO})
     * @param format      its layout, or {@link MpsFormat#AUTO} to detect it
     * @throws IOException       when the file cannot be read
     * @throws MpsParseException when its contents are invalid
     */
    static MpsModel read(String source, String defaultName, Source bytes, MpsFormat format) throws IOException {
        return parse(source, defaultName, () -> new BufferedReader(new InputStreamReader(bytes.open(),
                StandardCharsets.ISO_8859_1)), format);
    }

    /**
     * Parses the text of a file.
     *
     * @param source      the file name, for error messages
     * @param defaultName the model's name when the NAME line gives none
     * @param text        the whole file
     * @param format      its layout, or {@link MpsFormat#AUTO} to detect it
     * @throws MpsParseException when the text is invalid
     */
    public static MpsModel parse(String source, String defaultName, String text, MpsFormat format) {
        try {
            return parse(source, defaultName, () -> new BufferedReader(new StringReader(text)), format);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
    }

    /** Opens the lines of a file afresh for every pass over it. */
    @FunctionalInterface
    private interface Lines {
        BufferedReader open() throws IOException;
    }

    private static MpsModel parse(String source, String defaultName, Lines lines, MpsFormat format)
            throws IOException {
        if (format != MpsFormat.AUTO) {
            return parseOnce(source, defaultName, lines, format);
        }
        try {
            return parseOnce(source, defaultName, lines, MpsFormat.FREE);
        } catch (MpsParseException free) {
            try {
                return parseOnce(source, defaultName, lines, MpsFormat.FIXED);
            } catch (MpsParseException fixed) {
                MpsParseException further = fixed.line() > free.line() ? fixed : free;
                MpsParseException other = further == fixed ? free : fixed;
                MpsParseException e = new MpsParseException(source, further.line(), body(further)
                        + " (read as " + (further == fixed ? "fixed" : "free") + " format; as "
                        + (further == fixed ? "free" : "fixed") + " format: "
                        + (other.line() > 0 ? "line " + other.line() + ": " : "") + body(other) + ")");
                e.addSuppressed(other);
                throw e;
            }
        }
    }

    private static MpsModel parseOnce(String source, String defaultName, Lines lines, MpsFormat format)
            throws IOException {
        try (BufferedReader in = lines.open()) {
            return new Parser(source, defaultName, format).parse(in);
        }
    }

    /** @return the message without its "source:line: " prefix */
    private static String body(MpsParseException e) {
        String prefix = e.source() + ":" + (e.line() > 0 ? e.line() + ": " : " ");
        String message = e.getMessage();
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private enum Section { START, NAME, OBJSENSE, OBJNAME, ROWS, COLUMNS, RHS, RANGES, BOUNDS, QUADOBJ, QMATRIX }

    /** One pass over the lines in one layout. */
    private static final class Parser {
        private final String source;
        private final MpsFormat format;
        private final List<String> warnings = new ArrayList<>();
        private int lineNo;
        private Section section = Section.START;

        private String name;
        private boolean maximize;
        private boolean senseSeen;
        private String objectiveName;
        private boolean objectiveNamed; // from OBJNAME
        private boolean objectiveDeclared;
        private final Set<String> declaredRows = new HashSet<>();
        private final Set<String> freeRows = new HashSet<>();
        private final Map<String, Integer> rowIndex = new HashMap<>();
        private final List<String> rowNames = new ArrayList<>();
        private final List<Character> rowTypes = new ArrayList<>();
        private final Map<String, Integer> colIndex = new HashMap<>();
        private final List<String> colNames = new ArrayList<>();
        private final List<Boolean> colInteger = new ArrayList<>();
        private final List<Double> cList = new ArrayList<>();
        private final Set<String> seenSections = new HashSet<>();
        private boolean integerMarker;

        private int[] eRow = new int[64];
        private int[] eCol = new int[64];
        private double[] eVal = new double[64];
        private int entries;
        private final Set<Long> entrySeen = new HashSet<>();

        private double[] rhs;
        private boolean[] rhsSeen;
        private double[] range;
        private boolean[] rangeSeen;
        private String rhsSet;
        private String rangeSet;
        private String boundSet;
        private final Set<String> skippedSets = new HashSet<>();
        private double objectiveRhs;
        private boolean objectiveRhsSeen;

        private double[] lower;
        private double[] upper;
        private boolean[] lowerGiven;
        private final Map<Long, double[]> quad = new HashMap<>(); // key (row ≥ col) -> {value, line}
        private final Map<Long, double[]> qmatrixUpper = new HashMap<>(); // QMATRIX entries row < col
        private int negativeUpperWarnings;

        Parser(String source, String defaultName, MpsFormat format) {
            this.source = source;
            this.format = format;
            this.name = defaultName;
        }

        /** Reads lines until ENDATA (what follows it is not read) or the end of the input. */
        MpsModel parse(BufferedReader in) throws IOException {
            boolean ended = false;
            lineNo = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank() || line.charAt(0) == '*') {
                    continue;
                }
                if (!Character.isWhitespace(line.charAt(0))) {
                    if (header(line)) {
                        ended = true;
                        break;
                    }
                    continue;
                }
                data(line);
            }
            if (!ended) {
                throw error(0, "the file ends without ENDATA");
            }
            return build();
        }

        private MpsParseException error(String message) {
            return new MpsParseException(source, lineNo, message);
        }

        private MpsParseException error(int line, String message) {
            return new MpsParseException(source, line, message);
        }

        /** @return true at ENDATA */
        private boolean header(String line) {
            String[] tokens = line.trim().split("\\s+");
            String keyword = tokens[0].toUpperCase(Locale.ROOT);
            Section next;
            switch (keyword) {
                case "NAME" -> {
                    String rest = line.length() > 4 ? line.substring(4).trim() : "";
                    if (!rest.isEmpty()) {
                        name = rest;
                    }
                    next = Section.NAME;
                }
                case "OBJSENSE" -> {
                    next = Section.OBJSENSE;
                    if (tokens.length > 2) {
                        throw error("OBJSENSE takes one value (MIN or MAX), got: " + line.trim());
                    }
                    if (tokens.length == 2) {
                        sense(tokens[1]);
                    }
                }
                case "OBJSENCE" -> throw error("unknown section OBJSENCE (did you mean OBJSENSE?)");
                case "OBJNAME" -> {
                    next = Section.OBJNAME;
                    if (tokens.length > 2) {
                        throw error("OBJNAME takes one row name, got: " + line.trim());
                    }
                    if (tokens.length == 2) {
                        objectiveName(tokens[1]);
                    }
                }
                case "ROWS" -> next = Section.ROWS;
                case "COLUMNS" -> next = Section.COLUMNS;
                case "RHS" -> next = Section.RHS;
                case "RANGES" -> next = Section.RANGES;
                case "BOUNDS" -> next = Section.BOUNDS;
                case "QUADOBJ" -> next = Section.QUADOBJ;
                case "QMATRIX" -> next = Section.QMATRIX;
                case "ENDATA" -> {
                    requireRows("ENDATA");
                    return true;
                }
                case "QSECTION", "QCMATRIX" -> throw error("section " + keyword
                        + " (quadratic constraints) is not supported: only a quadratic objective (QUADOBJ or QMATRIX)");
                case "SOS", "CSECTION", "INDICATORS", "GENCONS", "PWLOBJ", "PWLNAM", "PWLCON", "BRANCH" ->
                        throw error("section " + keyword + " is not supported");
                default -> throw error("unknown section '" + tokens[0] + "'");
            }
            if (next != Section.NAME && next != Section.OBJSENSE && next != Section.OBJNAME && tokens.length > 1) {
                throw error("unexpected text after the section header " + keyword + ": " + line.trim());
            }
            if (!seenSections.add(keyword)) {
                throw error("section " + keyword + " appears twice");
            }
            if (next == Section.QUADOBJ && seenSections.contains("QMATRIX")
                    || next == Section.QMATRIX && seenSections.contains("QUADOBJ")) {
                throw error("the file has both QUADOBJ and QMATRIX: give the quadratic objective once");
            }
            if (next.ordinal() >= Section.COLUMNS.ordinal()) {
                requireRows(keyword);
            }
            if (next.ordinal() > Section.COLUMNS.ordinal() && !seenSections.contains("COLUMNS")) {
                throw error(keyword + " before COLUMNS");
            }
            if (next.ordinal() > Section.COLUMNS.ordinal() && rhs == null) {
                startValues();
            }
            if (section == Section.COLUMNS && integerMarker) {
                throw error("COLUMNS ends inside an integer MARKER block ('INTORG' without 'INTEND')");
            }
            section = next;
            return false;
        }

        private void requireRows(String where) {
            if (!seenSections.contains("ROWS")) {
                throw error(where + " before ROWS: the file has no ROWS section");
            }
            if (objectiveName == null) {
                throw error(where + ": ROWS declares no objective row (type N)");
            }
            if (!objectiveDeclared) {
                throw error(where + ": the OBJNAME row '" + objectiveName + "' is not declared in ROWS (type N)");
            }
        }

        private void startValues() {
            int m = rowNames.size();
            int n = colNames.size();
            rhs = new double[m];
            rhsSeen = new boolean[m];
            range = new double[m];
            rangeSeen = new boolean[m];
            lower = new double[n];
            upper = new double[n];
            lowerGiven = new boolean[n];
            Arrays.fill(upper, Double.POSITIVE_INFINITY);
        }

        private void sense(String value) {
            if (senseSeen) {
                throw error("OBJSENSE is given twice");
            }
            senseSeen = true;
            switch (value.toUpperCase(Locale.ROOT)) {
                case "MAX", "MAXIMIZE" -> maximize = true;
                case "MIN", "MINIMIZE" -> maximize = false;
                default -> throw error("OBJSENSE must be MIN, MAX, MINIMIZE or MAXIMIZE, got '" + value + "'");
            }
        }

        private void objectiveName(String row) {
            if (objectiveNamed) {
                throw error("OBJNAME is given twice");
            }
            if (!rowNames.isEmpty() || objectiveName != null) {
                throw error("OBJNAME must come before ROWS");
            }
            objectiveNamed = true;
            objectiveName = row;
        }

        private void data(String line) {
            switch (section) {
                case START -> throw error("data line before any section header: " + line.trim());
                case NAME -> throw error("unexpected data line after NAME: " + line.trim());
                case OBJSENSE -> {
                    String[] t = line.trim().split("\\s+");
                    if (t.length != 1) {
                        throw error("OBJSENSE takes one value (MIN or MAX), got: " + line.trim());
                    }
                    sense(t[0]);
                }
                case OBJNAME -> {
                    String[] t = line.trim().split("\\s+");
                    if (t.length != 1) {
                        throw error("OBJNAME takes one row name, got: " + line.trim());
                    }
                    objectiveName(t[0]);
                }
                case ROWS -> row(line);
                case COLUMNS -> column(line);
                case RHS -> rhsOrRange(line, true);
                case RANGES -> rhsOrRange(line, false);
                case BOUNDS -> bound(line);
                case QUADOBJ, QMATRIX -> quadratic(line);
            }
        }

        // ---------------------------------------------------------------- fields

        private static final int[][] FIXED_FIELDS = {{1, 3}, {4, 12}, {14, 22}, {24, 36}, {39, 47}, {49, 61}};

        /** The six fixed-format fields (null when blank), checking that nothing lies outside them. */
        private String[] fixedFields(String line) {
            String l = stripTrailing(line);
            if (l.length() > 61) {
                throw error("text beyond column 61 in fixed format: '" + l.substring(61).trim() + "'");
            }
            String[] f = new String[6];
            int prevEnd = 0;
            for (int i = 0; i < 6; i++) {
                int from = FIXED_FIELDS[i][0];
                int to = FIXED_FIELDS[i][1];
                for (int k = prevEnd; k < Math.min(from, l.length()); k++) {
                    if (!Character.isWhitespace(l.charAt(k))) {
                        throw error("character '" + l.charAt(k) + "' in column " + (k + 1)
                                + ", outside the fixed-format fields (columns 2-3, 5-12, 15-22, 25-36, 40-47, 50-61)");
                    }
                }
                prevEnd = to;
                if (from < l.length()) {
                    String s = l.substring(from, Math.min(to, l.length())).trim();
                    f[i] = s.isEmpty() ? null : s;
                }
            }
            return f;
        }

        private static String stripTrailing(String s) {
            int end = s.length();
            while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
                end--;
            }
            return s.substring(0, end);
        }

        private static String[] tokens(String line) {
            return line.trim().split("\\s+");
        }

        private double number(String text, String what) {
            if (text == null) {
                throw error("missing number for " + what);
            }
            double v;
            try {
                v = Double.parseDouble(text.replace('d', 'e').replace('D', 'e'));
            } catch (NumberFormatException e) {
                throw error("bad number '" + text + "' for " + what);
            }
            if (Double.isNaN(v) || text.toLowerCase(Locale.ROOT).contains("inf") || text.toLowerCase(Locale.ROOT).contains("nan")) {
                throw error("bad number '" + text + "' for " + what + " (write infinite bounds as 1e30 or use FR/MI/PL)");
            }
            return v;
        }

        /** A matrix coefficient: finite and below the infinity threshold. */
        private double coefficient(String text, String what) {
            double v = number(text, what);
            if (!(Math.abs(v) < INFINITY_THRESHOLD)) {
                throw error("coefficient " + text + " for " + what + " is infinite (|v| >= 1e30)");
            }
            return v;
        }

        /** A RHS, range or bound value: ±infinity beyond the threshold. */
        private static double extended(double v) {
            if (v >= INFINITY_THRESHOLD) {
                return Double.POSITIVE_INFINITY;
            }
            if (v <= -INFINITY_THRESHOLD) {
                return Double.NEGATIVE_INFINITY;
            }
            return v;
        }

        // ---------------------------------------------------------------- ROWS

        private void row(String line) {
            String type;
            String rowName;
            if (format == MpsFormat.FIXED) {
                String[] f = fixedFields(line);
                if (f[2] != null || f[3] != null || f[4] != null || f[5] != null) {
                    throw error("ROWS line has more than a type and a name: " + line.trim());
                }
                type = f[0];
                rowName = f[1];
            } else {
                String[] t = tokens(line);
                if (t.length != 2) {
                    throw error("ROWS line must be 'type name', got " + t.length + " fields: " + line.trim());
                }
                type = t[0];
                rowName = t[1];
            }
            if (type == null || rowName == null) {
                throw error("ROWS line needs a type and a name: " + line.trim());
            }
            if (!declaredRows.add(rowName)) {
                throw error("row '" + rowName + "' is declared twice");
            }
            switch (type.toUpperCase(Locale.ROOT)) {
                case "N" -> {
                    if (objectiveNamed) {
                        if (rowName.equals(objectiveName)) {
                            objectiveDeclared = true;
                        } else {
                            freeRows.add(rowName);
                            warnings.add("N row '" + rowName + "' (not the OBJNAME objective) is dropped");
                        }
                    } else if (objectiveName == null) {
                        objectiveName = rowName;
                        objectiveDeclared = true;
                    } else {
                        freeRows.add(rowName);
                        warnings.add("N row '" + rowName + "' (not the first N row, the objective) is dropped");
                    }
                }
                case "E", "L", "G" -> {
                    if (objectiveNamed && rowName.equals(objectiveName)) {
                        throw error("OBJNAME row '" + rowName + "' is declared with type " + type + ", not N");
                    }
                    rowIndex.put(rowName, rowNames.size());
                    rowNames.add(rowName);
                    rowTypes.add(Character.toUpperCase(type.charAt(0)));
                }
                default -> throw error("unknown row type '" + type + "' for row '" + rowName + "' (expected N, E, L or G)");
            }
        }

        // ---------------------------------------------------------------- COLUMNS

        private void column(String line) {
            if (line.contains("'MARKER'")) {
                marker(line);
                return;
            }
            String col;
            String[] rows;
            String[] values;
            if (format == MpsFormat.FIXED) {
                String[] f = fixedFields(line);
                if (f[0] != null) {
                    throw error("COLUMNS line has text in columns 2-3: " + line.trim());
                }
                col = f[1];
                if (f[4] == null && f[5] == null) {
                    rows = new String[] {f[2]};
                    values = new String[] {f[3]};
                } else {
                    rows = new String[] {f[2], f[4]};
                    values = new String[] {f[3], f[5]};
                }
            } else {
                String[] t = tokens(line);
                if (t.length != 3 && t.length != 5) {
                    throw error("COLUMNS line must be 'column row value [row value]', got " + t.length
                            + " fields: " + line.trim());
                }
                col = t[0];
                rows = t.length == 3 ? new String[] {t[1]} : new String[] {t[1], t[3]};
                values = t.length == 3 ? new String[] {t[2]} : new String[] {t[2], t[4]};
            }
            if (col == null) {
                throw error("COLUMNS line without a column name: " + line.trim());
            }
            Integer j = colIndex.get(col);
            if (j == null) {
                j = colNames.size();
                colIndex.put(col, j);
                colNames.add(col);
                colInteger.add(integerMarker);
                cList.add(0.0);
            }
            for (int k = 0; k < rows.length; k++) {
                String row = rows[k];
                if (row == null) {
                    throw error("COLUMNS line for column '" + col + "' has a value without a row name: " + line.trim());
                }
                double v = coefficient(values[k], "column '" + col + "', row '" + row + "'");
                if (row.equals(objectiveName)) {
                    long key = -1L - j;
                    if (!entrySeen.add(key)) {
                        throw error("duplicate entry for column '" + col + "' in objective row '" + row + "'");
                    }
                    cList.set(j, v);
                } else if (freeRows.contains(row)) {
                    continue;
                } else {
                    Integer i = rowIndex.get(row);
                    if (i == null) {
                        throw error("unknown row '" + row + "' in COLUMNS (column '" + col + "')");
                    }
                    if (!entrySeen.add(((long) i << 32) | j)) {
                        throw error("duplicate entry for column '" + col + "', row '" + row + "'");
                    }
                    add(i, j, v);
                }
            }
        }

        private void marker(String line) {
            String[] t = tokens(line);
            String kind = null;
            for (String s : t) {
                if (s.equals("'INTORG'") || s.equals("'INTEND'")) {
                    kind = s;
                }
            }
            if (kind == null) {
                throw error("MARKER line without 'INTORG' or 'INTEND': " + line.trim());
            }
            if (kind.equals("'INTORG'")) {
                if (integerMarker) {
                    throw error("'INTORG' marker inside an integer block");
                }
                integerMarker = true;
            } else {
                if (!integerMarker) {
                    throw error("'INTEND' marker without a preceding 'INTORG'");
                }
                integerMarker = false;
            }
        }

        private void add(int i, int j, double v) {
            if (entries == eVal.length) {
                eRow = Arrays.copyOf(eRow, 2 * entries);
                eCol = Arrays.copyOf(eCol, 2 * entries);
                eVal = Arrays.copyOf(eVal, 2 * entries);
            }
            eRow[entries] = i;
            eCol[entries] = j;
            eVal[entries] = v;
            entries++;
        }

        // ---------------------------------------------------------------- RHS, RANGES

        private void rhsOrRange(String line, boolean isRhs) {
            String what = isRhs ? "RHS" : "RANGES";
            String set;
            String[] rows;
            String[] values;
            if (format == MpsFormat.FIXED) {
                String[] f = fixedFields(line);
                if (f[0] != null) {
                    throw error(what + " line has text in columns 2-3: " + line.trim());
                }
                set = f[1] == null ? "" : f[1];
                if (f[4] == null && f[5] == null) {
                    rows = new String[] {f[2]};
                    values = new String[] {f[3]};
                } else {
                    rows = new String[] {f[2], f[4]};
                    values = new String[] {f[3], f[5]};
                }
            } else {
                String[] t = tokens(line);
                int off;
                switch (t.length) {
                    case 2, 4 -> {
                        set = "";
                        off = 0;
                    }
                    case 3, 5 -> {
                        set = t[0];
                        off = 1;
                    }
                    default -> throw error(what + " line must be '[set] row value [row value]', got " + t.length
                            + " fields: " + line.trim());
                }
                int pairs = (t.length - off) / 2;
                rows = new String[pairs];
                values = new String[pairs];
                for (int k = 0; k < pairs; k++) {
                    rows[k] = t[off + 2 * k];
                    values[k] = t[off + 2 * k + 1];
                }
            }
            String chosen = isRhs ? rhsSet : rangeSet;
            if (chosen == null) {
                if (isRhs) {
                    rhsSet = set;
                } else {
                    rangeSet = set;
                }
            } else if (!chosen.equals(set)) {
                if (skippedSets.add(what + ":" + set)) {
                    warnings.add(what + " set '" + set + "' skipped (only the first set, '" + chosen + "', is used)");
                }
                return;
            }
            for (int k = 0; k < rows.length; k++) {
                String row = rows[k];
                if (row == null) {
                    throw error(what + " line has a value without a row name: " + line.trim());
                }
                double v = extended(number(values[k], what + " of row '" + row + "'"));
                if (row.equals(objectiveName)) {
                    if (!isRhs) {
                        warnings.add("RANGES entry on the objective row '" + row + "' ignored (line " + lineNo + ")");
                        continue;
                    }
                    if (objectiveRhsSeen) {
                        throw error("duplicate RHS entry for the objective row '" + row + "'");
                    }
                    if (Double.isInfinite(v)) {
                        throw error("RHS of the objective row '" + row + "' (the negated objective constant) is infinite");
                    }
                    objectiveRhsSeen = true;
                    objectiveRhs = v;
                    continue;
                }
                if (freeRows.contains(row)) {
                    continue;
                }
                Integer i = rowIndex.get(row);
                if (i == null) {
                    throw error("unknown row '" + row + "' in " + what);
                }
                if (isRhs) {
                    if (rhsSeen[i]) {
                        throw error("duplicate RHS entry for row '" + row + "'");
                    }
                    rhsSeen[i] = true;
                    rhs[i] = v;
                } else {
                    if (rangeSeen[i]) {
                        throw error("duplicate RANGES entry for row '" + row + "'");
                    }
                    rangeSeen[i] = true;
                    range[i] = v;
                }
            }
        }

        // ---------------------------------------------------------------- BOUNDS

        private void bound(String line) {
            String type;
            String set;
            String col;
            String value;
            if (format == MpsFormat.FIXED) {
                String[] f = fixedFields(line);
                if (f[4] != null || f[5] != null) {
                    throw error("BOUNDS line has text beyond column 36: " + line.trim());
                }
                type = f[0];
                set = f[1] == null ? "" : f[1];
                col = f[2];
                value = f[3];
            } else {
                String[] t = tokens(line);
                type = t[0];
                boolean needsValue = needsValue(type);
                int fields = t.length;
                if (needsValue ? fields == 4 : fields == 3 || fields == 4) {
                    set = t[1];
                    col = t[2];
                    value = fields == 4 ? t[3] : null;
                } else if (needsValue ? fields == 3 : fields == 2) {
                    set = "";
                    col = t[1];
                    value = needsValue ? t[2] : null;
                } else {
                    throw error("BOUNDS line must be 'type [set] column" + (needsValue ? " value" : "")
                            + "', got " + fields + " fields: " + line.trim());
                }
            }
            if (type == null) {
                throw error("BOUNDS line without a bound type: " + line.trim());
            }
            if (col == null) {
                throw error("BOUNDS line without a column name: " + line.trim());
            }
            if (boundSet == null) {
                boundSet = set;
            } else if (!boundSet.equals(set)) {
                if (skippedSets.add("BOUNDS:" + set)) {
                    warnings.add("BOUNDS set '" + set + "' skipped (only the first set, '" + boundSet + "', is used)");
                }
                return;
            }
            Integer j = colIndex.get(col);
            if (j == null) {
                throw error("unknown column '" + col + "' in BOUNDS (" + type + ")");
            }
            String t = type.toUpperCase(Locale.ROOT);
            String what = t + " bound of column '" + col + "'";
            if (needsValue(t) && value == null) {
                throw error("missing value for the " + what);
            }
            switch (t) {
                case "UP", "UI" -> {
                    double v = extended(number(value, what));
                    upper[j] = v;
                    if (t.equals("UI")) {
                        colInteger.set(j, true);
                    }
                    if (v < 0 && !lowerGiven[j] && lower[j] == 0) {
                        lower[j] = Double.NEGATIVE_INFINITY;
                        negativeUpperWarnings++;
                        if (negativeUpperWarnings <= 5) {
                            warnings.add("negative " + t + " bound " + value + " on column '" + col
                                    + "' without a lower bound: lower bound set to -infinity (line " + lineNo + ")");
                        }
                    }
                }
                case "LO", "LI" -> {
                    lower[j] = extended(number(value, what));
                    lowerGiven[j] = true;
                    if (t.equals("LI")) {
                        colInteger.set(j, true);
                    }
                }
                case "FX" -> {
                    double v = number(value, what);
                    if (!(Math.abs(v) < INFINITY_THRESHOLD)) {
                        throw error("FX bound of column '" + col + "' is infinite: " + value);
                    }
                    lower[j] = v;
                    upper[j] = v;
                    lowerGiven[j] = true;
                }
                case "FR" -> {
                    lower[j] = Double.NEGATIVE_INFINITY;
                    upper[j] = Double.POSITIVE_INFINITY;
                    lowerGiven[j] = true;
                }
                case "MI" -> {
                    lower[j] = Double.NEGATIVE_INFINITY;
                    lowerGiven[j] = true;
                }
                case "PL" -> upper[j] = Double.POSITIVE_INFINITY;
                case "BV" -> {
                    lower[j] = 0;
                    upper[j] = 1;
                    lowerGiven[j] = true;
                    colInteger.set(j, true);
                }
                case "SC" -> throw error("semi-continuous bound (SC) on column '" + col + "' is not supported");
                default -> throw error("unknown bound type '" + type + "' for column '" + col
                        + "' (expected UP, LO, FX, FR, MI, PL, BV, LI or UI)");
            }
        }

        private static boolean needsValue(String type) {
            return switch (type.toUpperCase(Locale.ROOT)) {
                case "FR", "MI", "PL", "BV" -> false;
                default -> true;
            };
        }

        // ---------------------------------------------------------------- QUADOBJ, QMATRIX

        private void quadratic(String line) {
            String what = section == Section.QUADOBJ ? "QUADOBJ" : "QMATRIX";
            String c1;
            String c2;
            String value;
            if (format == MpsFormat.FIXED) {
                String[] f = fixedFields(line);
                if (f[0] != null || f[4] != null || f[5] != null) {
                    throw error(what + " line must be 'column column value' in columns 5-36: " + line.trim());
                }
                c1 = f[1];
                c2 = f[2];
                value = f[3];
            } else {
                String[] t = tokens(line);
                if (t.length != 3) {
                    throw error(what + " line must be 'column column value', got " + t.length + " fields: " + line.trim());
                }
                c1 = t[0];
                c2 = t[1];
                value = t[2];
            }
            if (c1 == null || c2 == null) {
                throw error(what + " line needs two column names: " + line.trim());
            }
            Integer j1 = colIndex.get(c1);
            if (j1 == null) {
                throw error("unknown column '" + c1 + "' in " + what);
            }
            Integer j2 = colIndex.get(c2);
            if (j2 == null) {
                throw error("unknown column '" + c2 + "' in " + what);
            }
            double v = coefficient(value, what + " entry (" + c1 + ", " + c2 + ")");
            int r = Math.max(j1, j2);
            int c = Math.min(j1, j2);
            long key = ((long) r << 32) | c;
            if (section == Section.QUADOBJ) {
                double[] previous = quad.putIfAbsent(key, new double[] {v, lineNo});
                if (previous != null) {
                    throw error("QUADOBJ entry (" + c1 + ", " + c2 + ") given twice (first at line " + (int) previous[1]
                            + "); QUADOBJ lists each entry of one triangle once, QMATRIX the full matrix");
                }
            } else {
                Map<Long, double[]> target = j1 >= j2 ? quad : qmatrixUpper;
                double[] previous = target.putIfAbsent(key, new double[] {v, lineNo});
                if (previous != null) {
                    throw error("QMATRIX entry (" + c1 + ", " + c2 + ") given twice (first at line " + (int) previous[1] + ")");
                }
            }
        }

        /** QMATRIX: every off-diagonal entry needs its mirror with the same value. */
        private void checkQmatrix() {
            for (Map.Entry<Long, double[]> e : qmatrixUpper.entrySet()) {
                long key = e.getKey();
                double[] lowerEntry = quad.get(key);
                String a = colNames.get((int) (key >>> 32));
                String b = colNames.get((int) key);
                double v = e.getValue()[0];
                int line = (int) e.getValue()[1];
                if (lowerEntry == null) {
                    throw error(line, "QMATRIX entry (" + b + ", " + a + ") has no symmetric entry (" + a + ", " + b
                            + "): QMATRIX lists the full symmetric matrix (QUADOBJ lists one triangle)");
                }
                double w = lowerEntry[0];
                if (Math.abs(v - w) > 1e-12 * Math.max(Math.abs(v), Math.abs(w))) {
                    throw error(line, "QMATRIX is not symmetric: (" + b + ", " + a + ") = " + v + " but (" + a + ", "
                            + b + ") = " + w + " at line " + (int) lowerEntry[1]);
                }
            }
            for (Map.Entry<Long, double[]> e : quad.entrySet()) {
                long key = e.getKey();
                int r = (int) (key >>> 32);
                int c = (int) key;
                if (r != c && !qmatrixUpper.containsKey(key)) {
                    throw error((int) e.getValue()[1], "QMATRIX entry (" + colNames.get(r) + ", " + colNames.get(c)
                            + ") has no symmetric entry (" + colNames.get(c) + ", " + colNames.get(r)
                            + "): QMATRIX lists the full symmetric matrix (QUADOBJ lists one triangle)");
                }
            }
        }

        // ---------------------------------------------------------------- build

        private MpsModel build() {
            if (rhs == null) {
                startValues();
            }
            if (seenSections.contains("QMATRIX")) {
                checkQmatrix();
            }
            int m = rowNames.size();
            int n = colNames.size();
            if (n == 0) {
                throw error(0, "the file has no columns (COLUMNS is missing or empty)");
            }
            double[] rowLower = new double[m];
            double[] rowUpper = new double[m];
            for (int i = 0; i < m; i++) {
                double r = rhs[i];
                char type = rowTypes.get(i);
                double lo = switch (type) {
                    case 'E', 'G' -> r;
                    default -> Double.NEGATIVE_INFINITY;
                };
                double hi = switch (type) {
                    case 'E', 'L' -> r;
                    default -> Double.POSITIVE_INFINITY;
                };
                if (rangeSeen[i]) {
                    double rg = range[i];
                    switch (type) {
                        case 'L' -> lo = r - Math.abs(rg);
                        case 'G' -> hi = r + Math.abs(rg);
                        default -> {
                            if (rg >= 0) {
                                hi = r + rg;
                            } else {
                                lo = r + rg;
                            }
                        }
                    }
                }
                if (Double.isInfinite(r) && type == 'E') {
                    throw error(0, "RHS of equality row '" + rowNames.get(i) + "' is infinite");
                }
                if (hi == Double.NEGATIVE_INFINITY || lo == Double.POSITIVE_INFINITY) {
                    throw error(0, "row '" + rowNames.get(i) + "' has an infinite RHS on its only side (RHS "
                            + r + "): no x satisfies it");
                }
                rowLower[i] = lo;
                rowUpper[i] = hi;
            }
            for (int j = 0; j < n; j++) {
                if (upper[j] == Double.NEGATIVE_INFINITY || lower[j] == Double.POSITIVE_INFINITY) {
                    throw error(0, "column '" + colNames.get(j) + "' has bounds [" + lower[j] + ", " + upper[j]
                            + "]: no value satisfies them");
                }
            }
            boolean[] integer = new boolean[n];
            double[] c = new double[n];
            int integers = 0;
            for (int j = 0; j < n; j++) {
                integer[j] = colInteger.get(j);
                c[j] = cList.get(j);
                if (integer[j]) {
                    integers++;
                }
            }
            if (integers > 0) {
                warnings.add(integers + " integer column(s) read as continuous (the continuous relaxation)");
            }
            if (negativeUpperWarnings > 5) {
                warnings.add((negativeUpperWarnings - 5) + " more negative UP bounds without a lower bound:"
                        + " lower bound set to -infinity");
            }
            int size = quad.size();
            int[] qr = new int[size];
            int[] qc = new int[size];
            double[] qv = new double[size];
            long[] sorted = quad.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
            for (int k = 0; k < size; k++) {
                qr[k] = (int) (sorted[k] >>> 32);
                qc[k] = (int) sorted[k];
                qv[k] = quad.get(sorted[k])[0];
            }
            char[] types = new char[m];
            for (int i = 0; i < m; i++) {
                types[i] = rowTypes.get(i);
            }
            return new MpsModel(name, format, maximize, objectiveName, 0.0 - objectiveRhs,
                    colNames, rowNames, types, rowLower, rowUpper, lower, upper, integer, c,
                    Arrays.copyOf(eRow, entries), Arrays.copyOf(eCol, entries), Arrays.copyOf(eVal, entries),
                    qr, qc, qv, warnings);
        }
    }
}
