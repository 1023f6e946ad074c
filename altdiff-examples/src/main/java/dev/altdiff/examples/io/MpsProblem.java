package dev.altdiff.examples.io;

import dev.altdiff.api.QuadraticProgram;

import java.util.List;

/**
 * An MPS/QPS file converted to the project's problem form (by {@link QpConversion}), with what is
 * needed to relate the solution back to the file.
 *
 * <p>The file's objective value at x is {@link #fileObjective(double) fileObjective}(½xᵀPx + qᵀx):
 * {@code objectiveConstant + (maximize ? −1 : 1)·(½xᵀPx + qᵀx)}.
 *
 * @param problem           min ½xᵀPx + qᵀx s.t. Ax = b, Gx ≤ h; for OBJSENSE MAX, P and q are the
 *                          file's Q and c negated
 * @param name              the file's NAME
 * @param objectiveConstant c0 of the file, = −(RHS of the objective row), in the file's sense
 * @param maximize          whether the file maximizes
 * @param format            the layout the file was read in (FIXED or FREE)
 * @param columnNames       variable names, in the order of x
 * @param rowNames          the file's constraint row names (N rows excluded), in file order
 * @param equalityNames     one label per row of A: {@code ROW} for an E row (or a range of width 0),
 *                          {@code COLUMN=fixed} for a fixed column (FX, or equal bounds)
 * @param inequalityNames   one label per row of G: {@code ROW<=} (aᵀx ≤ upper side of the row),
 *                          {@code ROW>=} (−aᵀx ≤ −lower side), {@code COLUMN<=ub}, {@code COLUMN>=lb}
 * @param mapping           counts of how rows and bounds were mapped
 * @param warnings          what the reader and the conversion skipped or interpreted by convention
 */
public record MpsProblem(QuadraticProgram problem, String name, double objectiveConstant, boolean maximize,
                         MpsFormat format, List<String> columnNames, List<String> rowNames,
                         List<String> equalityNames, List<String> inequalityNames, Mapping mapping,
                         List<String> warnings) {

    public MpsProblem {
        columnNames = List.copyOf(columnNames);
        rowNames = List.copyOf(rowNames);
        equalityNames = List.copyOf(equalityNames);
        inequalityNames = List.copyOf(inequalityNames);
        warnings = List.copyOf(warnings);
    }

    /**
     * Reads and converts a file: {@link MpsReader#read} then {@link QpConversion#convert}.
     *
     * @throws java.io.IOException when the file cannot be read
     * @throws MpsParseException   when its contents are invalid
     */
    public static MpsProblem read(java.nio.file.Path file, MpsFormat format) throws java.io.IOException {
        return QpConversion.convert(MpsReader.read(file, format));
    }

    /**
     * @param solverObjective ½xᵀPx + qᵀx of the converted problem (what the solver reports)
     * @return the file's objective c0 + cᵀx + ½xᵀQx at the same x
     */
    public double fileObjective(double solverObjective) {
        return objectiveConstant + (maximize ? -solverObjective : solverObjective);
    }

    /**
     * How the file's rows and column bounds became rows of A and G.
     *
     * @param equalityRows      E rows (and ranges of width 0) → one row of A each
     * @param upperRows         rows with a finite upper side (L rows, ranged rows) → aᵀx ≤ u in G
     * @param lowerRows         rows with a finite lower side (G rows, ranged rows) → −aᵀx ≤ −l in G
     * @param rangedRows        rows with a RANGES entry (two rows of G unless of width 0)
     * @param freeRows          constraint rows with no finite side (dropped)
     * @param fixedColumns      columns with lower = upper (FX) → x_j = v as a row of A
     * @param upperBounds       finite upper bounds → x_j ≤ u in G
     * @param lowerBounds       finite lower bounds (including the default 0) → −x_j ≤ −l in G
     * @param freeColumns       columns without finite bounds
     * @param integerColumns    integer columns, read as continuous
     */
    public record Mapping(int equalityRows, int upperRows, int lowerRows, int rangedRows, int freeRows,
                          int fixedColumns, int upperBounds, int lowerBounds, int freeColumns, int integerColumns) {
    }
}
