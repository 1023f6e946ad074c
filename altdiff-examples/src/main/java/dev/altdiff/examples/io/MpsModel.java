package dev.altdiff.examples.io;

import java.util.List;

/**
 * An MPS/QPS file as read, before conversion: sparse, in the file's own terms. Built by
 * {@link MpsReader}; converted to the project's problem form by {@link QpConversion}.
 *
 * <p>The model is
 * <pre>
 *   minimize (or maximize)  c0 + cᵀx + ½ xᵀQx
 *   subject to              rowLower_i ≤ a_iᵀx ≤ rowUpper_i   (every constraint row i)
 *                           lower_j ≤ x_j ≤ upper_j           (every column j)
 * </pre>
 * with infinite sides as {@link Double#POSITIVE_INFINITY}/{@link Double#NEGATIVE_INFINITY}. How the
 * file's sections give these numbers:
 * <ul>
 *   <li>c0 = −(the RHS entry of the objective row), the Maros–Meszaros convention
 *       (f(x) = c0 + cᵀx + ½xᵀQx; the same convention gives Netlib E226 its constant 7.113);</li>
 *   <li>row intervals from the row type and RHS r (default 0): E [r, r], L [−∞, r], G [r, +∞]; a
 *       RANGES entry R makes L [r − |R|, r], G [r, r + |R|], E [r, r + R] for R ≥ 0 and [r + R, r]
 *       for R &lt; 0 (a RANGES entry on the objective row is ignored, with a warning);</li>
 *   <li>column bounds default to [0, +∞); BOUNDS types UP, LO, FX, FR, MI (lower −∞), PL (upper
 *       +∞), BV ([0, 1]), LI, UI (integer lower/upper bound). An UP bound below 0 on a column whose
 *       lower bound was not given sets the lower bound to −∞ (the CPLEX/Gurobi convention; a
 *       warning is recorded);</li>
 *   <li>integer columns (BV, LI, UI, or between {@code 'MARKER' 'INTORG'}/{@code 'INTEND'} lines)
 *       are read as continuous: the model is the continuous relaxation ({@link #integerColumns()}
 *       counts them, and a warning is recorded);</li>
 *   <li>numbers with |v| ≥ 1e30 in RHS, RANGES and BOUNDS mean infinity;</li>
 *   <li>Q from QUADOBJ (each off-diagonal entry once, mirrored) or QMATRIX (the full matrix, whose
 *       symmetric entries must agree).</li>
 * </ul>
 * Only the first RHS, RANGES and BOUNDS set is used; entries of further sets are skipped with a
 * warning. N rows other than the objective are dropped (a warning is recorded).
 */
public final class MpsModel {
    private final String name;
    private final MpsFormat format;
    private final boolean maximize;
    private final String objectiveName;
    private final double objectiveConstant;
    private final List<String> columnNames;
    private final List<String> rowNames;
    private final char[] rowTypes;
    private final double[] rowLower;
    private final double[] rowUpper;
    private final double[] lower;
    private final double[] upper;
    private final boolean[] integer;
    private final double[] c;
    private final int[] entryRow;
    private final int[] entryCol;
    private final double[] entryValue;
    private final int[] quadRow;
    private final int[] quadCol;
    private final double[] quadValue;
    private final List<String> warnings;

    MpsModel(String name, MpsFormat format, boolean maximize, String objectiveName, double objectiveConstant,
             List<String> columnNames, List<String> rowNames, char[] rowTypes, double[] rowLower, double[] rowUpper,
             double[] lower, double[] upper, boolean[] integer, double[] c,
             int[] entryRow, int[] entryCol, double[] entryValue,
             int[] quadRow, int[] quadCol, double[] quadValue, List<String> warnings) {
        this.name = name;
        this.format = format;
        this.maximize = maximize;
        this.objectiveName = objectiveName;
        this.objectiveConstant = objectiveConstant;
        this.columnNames = List.copyOf(columnNames);
        this.rowNames = List.copyOf(rowNames);
        this.rowTypes = rowTypes;
        this.rowLower = rowLower;
        this.rowUpper = rowUpper;
        this.lower = lower;
        this.upper = upper;
        this.integer = integer;
        this.c = c;
        this.entryRow = entryRow;
        this.entryCol = entryCol;
        this.entryValue = entryValue;
        this.quadRow = quadRow;
        this.quadCol = quadCol;
        this.quadValue = quadValue;
        this.warnings = List.copyOf(warnings);
    }

    /** @return the NAME of the file (the file's base name when the NAME line gives none) */
    public String name() { return name; }

    /** @return the layout the file was read in ({@link MpsFormat#FIXED} or {@link MpsFormat#FREE}) */
    public MpsFormat format() { return format; }

    /** @return whether the objective is maximized (OBJSENSE MAX) */
    public boolean maximize() { return maximize; }

    /** @return the name of the objective row */
    public String objectiveName() { return objectiveName; }

    /** @return c0 = −(RHS of the objective row), 0 when there is none */
    public double objectiveConstant() { return objectiveConstant; }

    /** @return number of columns (variables) */
    public int columns() { return columnNames.size(); }

    /** @return number of constraint rows (N rows excluded) */
    public int rows() { return rowNames.size(); }

    /** @return the column names, in file order */
    public List<String> columnNames() { return columnNames; }

    /** @return the constraint row names, in file order (N rows excluded) */
    public List<String> rowNames() { return rowNames; }

    /** @return row i's type as declared in ROWS: 'E', 'L' or 'G' */
    public char rowType(int i) { return rowTypes[i]; }

    /** @return the lower side of row i's interval (−∞ when none) */
    public double rowLower(int i) { return rowLower[i]; }

    /** @return the upper side of row i's interval (+∞ when none) */
    public double rowUpper(int i) { return rowUpper[i]; }

    /** @return column j's lower bound (−∞ when none) */
    public double lower(int j) { return lower[j]; }

    /** @return column j's upper bound (+∞ when none) */
    public double upper(int j) { return upper[j]; }

    /** @return whether column j was marked integer in the file (it is read as continuous) */
    public boolean integer(int j) { return integer[j]; }

    /** @return how many columns were marked integer (and are read as continuous) */
    public int integerColumns() {
        int count = 0;
        for (boolean b : integer) {
            if (b) {
                count++;
            }
        }
        return count;
    }

    /** @return the objective's linear coefficients c (a copy) */
    public double[] objective() { return c.clone(); }

    /** @return number of constraint matrix entries given in COLUMNS (objective row excluded) */
    public int entries() { return entryValue.length; }

    /** @return the row of constraint entry k */
    public int entryRow(int k) { return entryRow[k]; }

    /** @return the column of constraint entry k */
    public int entryColumn(int k) { return entryCol[k]; }

    /** @return the value of constraint entry k */
    public double entryValue(int k) { return entryValue[k]; }

    /** @return number of entries of Q's lower triangle (row ≥ column) */
    public int quadraticEntries() { return quadValue.length; }

    /** @return the row of lower-triangle entry k of Q (≥ its column) */
    public int quadraticRow(int k) { return quadRow[k]; }

    /** @return the column of lower-triangle entry k of Q */
    public int quadraticColumn(int k) { return quadCol[k]; }

    /** @return the value of lower-triangle entry k of Q (the entry above the diagonal is the same) */
    public double quadraticValue(int k) { return quadValue[k]; }

    /** @return whether the file has a quadratic objective (a non-empty QUADOBJ or QMATRIX) */
    public boolean quadratic() { return quadValue.length > 0; }

    /** @return what the reader skipped or interpreted by convention, one line each */
    public List<String> warnings() { return warnings; }
}
