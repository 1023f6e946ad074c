package dev.altdiff.examples.io;

import dev.altdiff.api.Block;
import dev.altdiff.api.QuadraticProgram;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property-style: seeded random models written as free-format text (and re-laid in fixed format)
 * read back to the same problem in both layouts, and the converted problem means what the file
 * says: at random points x, the objective is c0 + cᵀx + ½xᵀQx, every row of A is aᵀx − r for an
 * equality (or x_j − v for a fixed column), and the rows of G labelled with a file row or column are
 * exactly its finite sides (aᵀx − u, l − aᵀx).
 */
class MpsRoundTripTest {
    private static final String[] BOUND_TYPES = {"UP", "LO", "FX", "FR", "MI", "PL", "BV", "LI", "UI"};

    /** A random model, as text and as the numbers the text stands for. */
    static final class Spec {
        final int n;
        final int rows;
        final char[] type;
        final double[][] a;
        final double[] lo;
        final double[] hi;
        final double[] lb;
        final double[] ub;
        final double[] c;
        final double[][] q;
        final double c0;
        final String text;

        Spec(long seed) {
            Random r = new Random(seed);
            n = 1 + r.nextInt(7);
            rows = r.nextInt(6);
            type = new char[rows];
            a = new double[rows][n];
            lo = new double[rows];
            hi = new double[rows];
            lb = new double[n];
            ub = new double[n];
            c = new double[n];
            q = new double[n][n];
            c0 = r.nextInt(21) - 10;
            StringBuilder t = new StringBuilder("NAME          RAND" + seed + "\nROWS\n N  OBJ\n");
            for (int i = 0; i < rows; i++) {
                type[i] = "ELG".charAt(r.nextInt(3));
                t.append(' ').append(type[i]).append("  R").append(i).append('\n');
            }
            t.append("COLUMNS\n");
            for (int j = 0; j < n; j++) {
                List<String> entries = new ArrayList<>();
                if (r.nextBoolean()) {
                    c[j] = half(r);
                    entries.add("OBJ " + num(c[j]));
                }
                for (int i = 0; i < rows; i++) {
                    if (r.nextInt(3) > 0) {
                        a[i][j] = half(r);
                        entries.add("R" + i + " " + num(a[i][j]));
                    }
                }
                if (entries.isEmpty()) {
                    entries.add("OBJ 0");
                }
                for (int k = 0; k < entries.size(); k += 2) {
                    t.append("    C").append(j).append(' ').append(entries.get(k));
                    if (k + 1 < entries.size()) {
                        t.append(' ').append(entries.get(k + 1));
                    }
                    t.append('\n');
                }
            }
            t.append("RHS\n");
            if (c0 != 0) {
                t.append("    RHS OBJ ").append(num(-c0)).append('\n');
            }
            double[] rhs = new double[rows];
            for (int i = 0; i < rows; i++) {
                rhs[i] = r.nextBoolean() ? half(r) : 0;
                if (rhs[i] != 0) {
                    t.append("    RHS R").append(i).append(' ').append(num(rhs[i])).append('\n');
                }
                lo[i] = type[i] == 'L' ? Double.NEGATIVE_INFINITY : rhs[i];
                hi[i] = type[i] == 'G' ? Double.POSITIVE_INFINITY : rhs[i];
            }
            t.append("RANGES\n");
            for (int i = 0; i < rows; i++) {
                if (r.nextInt(3) == 0) {
                    double range = half(r);
                    t.append("    RNG R").append(i).append(' ').append(num(range)).append('\n');
                    switch (type[i]) {
                        case 'L' -> lo[i] = rhs[i] - Math.abs(range);
                        case 'G' -> hi[i] = rhs[i] + Math.abs(range);
                        default -> {
                            if (range >= 0) {
                                hi[i] = rhs[i] + range;
                            } else {
                                lo[i] = rhs[i] + range;
                            }
                        }
                    }
                }
            }
            t.append("BOUNDS\n");
            for (int j = 0; j < n; j++) {
                lb[j] = 0;
                ub[j] = Double.POSITIVE_INFINITY;
                boolean lowerGiven = false;
                int count = r.nextInt(3);
                for (int k = 0; k < count; k++) {
                    String bt = BOUND_TYPES[r.nextInt(BOUND_TYPES.length)];
                    double v = half(r);
                    boolean valued = !(bt.equals("FR") || bt.equals("MI") || bt.equals("PL") || bt.equals("BV"));
                    t.append(' ').append(bt).append(" BND C").append(j);
                    if (valued) {
                        t.append(' ').append(num(v));
                    }
                    t.append('\n');
                    switch (bt) {
                        case "UP", "UI" -> {
                            ub[j] = v;
                            if (v < 0 && !lowerGiven && lb[j] == 0) {
                                lb[j] = Double.NEGATIVE_INFINITY;
                            }
                        }
                        case "LO", "LI" -> {
                            lb[j] = v;
                            lowerGiven = true;
                        }
                        case "FX" -> {
                            lb[j] = v;
                            ub[j] = v;
                            lowerGiven = true;
                        }
                        case "FR" -> {
                            lb[j] = Double.NEGATIVE_INFINITY;
                            ub[j] = Double.POSITIVE_INFINITY;
                            lowerGiven = true;
                        }
                        case "MI" -> {
                            lb[j] = Double.NEGATIVE_INFINITY;
                            lowerGiven = true;
                        }
                        case "PL" -> ub[j] = Double.POSITIVE_INFINITY;
                        default -> { // BV
                            lb[j] = 0;
                            ub[j] = 1;
                            lowerGiven = true;
                        }
                    }
                }
            }
            t.append("QUADOBJ\n");
            for (int j = 0; j < n; j++) {
                for (int k = 0; k <= j; k++) {
                    if (r.nextInt(3) == 0) {
                        double v = k == j ? 1 + r.nextInt(4) : half(r);
                        q[j][k] = v;
                        q[k][j] = v;
                        // the lower triangle (row j >= column k), or sometimes the upper
                        t.append(r.nextBoolean() ? "    C" + j + " C" + k : "    C" + k + " C" + j)
                                .append(' ').append(num(v)).append('\n');
                    }
                }
            }
            t.append("ENDATA\n");
            text = t.toString();
        }

        private static double half(Random r) {
            return (r.nextInt(17) - 8) / 2.0;
        }

        private static String num(double v) {
            return v == Math.rint(v) ? String.format(Locale.ROOT, "%.1f", v) : Double.toString(v);
        }

        double fileObjective(double[] x) {
            double f = c0;
            for (int j = 0; j < n; j++) {
                f += c[j] * x[j];
                for (int k = 0; k < n; k++) {
                    f += 0.5 * x[j] * q[j][k] * x[k];
                }
            }
            return f;
        }

        double rowValue(int i, double[] x) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += a[i][j] * x[j];
            }
            return s;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
            26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40})
    void randomModelMeansWhatItsFileSays(long seed) {
        Spec spec = new Spec(seed);
        MpsProblem free = QpConversion.convert(MpsReader.parse("rand.qps", "rand", spec.text, MpsFormat.FREE));
        MpsProblem fixed = QpConversion.convert(MpsReader.parse("rand.qps", "rand", MpsText.toFixed(spec.text),
                MpsFormat.FIXED));
        MpsProblem auto = QpConversion.convert(MpsReader.parse("rand.qps", "rand", spec.text, MpsFormat.AUTO));
        MpsProblem sparse = QpConversion.convert(MpsReader.parse("rand.qps", "rand", spec.text, MpsFormat.FREE),
                QpConversion.Storage.SPARSE);
        assertTrue(sparse.problem().isSparse() || !free.problem().hasP() && free.problem().p() + free.problem().m() == 0);
        for (MpsProblem other : List.of(fixed, auto, sparse)) {
            for (Block block : Block.values()) {
                assertArrayEquals(free.problem().rowMajor(block), other.problem().rowMajor(block), 0.0,
                        block + " differs between layouts\n" + spec.text);
            }
            assertEquals(free.equalityNames(), other.equalityNames());
            assertEquals(free.inequalityNames(), other.inequalityNames());
            assertEquals(free.objectiveConstant(), other.objectiveConstant(), 0.0);
        }
        QuadraticProgram qp = free.problem();
        Random r = new Random(-seed);
        for (int trial = 0; trial < 3; trial++) {
            double[] x = new double[spec.n];
            for (int j = 0; j < spec.n; j++) {
                x[j] = r.nextGaussian() * 3;
            }
            assertEquals(spec.fileObjective(x), free.fileObjective(qp.objective(x)), 1e-9, spec.text);
            checkConstraints(spec, free, x);
        }
    }

    /** Every file row and bound appears in A or G as exactly its finite sides. */
    private static void checkConstraints(Spec spec, MpsProblem mp, double[] x) {
        QuadraticProgram qp = mp.problem();
        Map<String, Double> residuals = new HashMap<>();
        double[][] a = qp.A();
        double[] b = qp.b();
        for (int i = 0; i < qp.p(); i++) {
            residuals.put(mp.equalityNames().get(i), dot(a[i], x) - b[i]);
        }
        double[][] g = qp.G();
        double[] h = qp.h();
        for (int i = 0; i < qp.m(); i++) {
            residuals.put(mp.inequalityNames().get(i), dot(g[i], x) - h[i]);
        }
        int expectedRows = 0;
        for (int i = 0; i < spec.rows; i++) {
            String name = "R" + i;
            double v = spec.rowValue(i, x);
            if (spec.lo[i] == spec.hi[i]) {
                expect(residuals, name, v - spec.hi[i], spec);
                expectedRows++;
                continue;
            }
            if (Double.isFinite(spec.hi[i])) {
                expect(residuals, name + "<=", v - spec.hi[i], spec);
                expectedRows++;
            }
            if (Double.isFinite(spec.lo[i])) {
                expect(residuals, name + ">=", spec.lo[i] - v, spec);
                expectedRows++;
            }
        }
        for (int j = 0; j < spec.n; j++) {
            String name = "C" + j;
            if (spec.lb[j] == spec.ub[j]) {
                expect(residuals, name + "=fixed", x[j] - spec.lb[j], spec);
                expectedRows++;
                continue;
            }
            if (Double.isFinite(spec.ub[j])) {
                expect(residuals, name + "<=ub", x[j] - spec.ub[j], spec);
                expectedRows++;
            }
            if (Double.isFinite(spec.lb[j])) {
                expect(residuals, name + ">=lb", spec.lb[j] - x[j], spec);
                expectedRows++;
            }
        }
        assertEquals(expectedRows, residuals.size(), () -> "extra rows: " + residuals.keySet() + "\n" + spec.text);
    }

    private static void expect(Map<String, Double> residuals, String label, double value, Spec spec) {
        Double actual = residuals.get(label);
        assertTrue(actual != null, () -> "no row " + label + " in " + residuals.keySet() + "\n" + spec.text);
        assertEquals(value, actual, 1e-9, () -> label + "\n" + spec.text);
    }

    private static double dot(double[] u, double[] v) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            s += u[i] * v[i];
        }
        return s;
    }
}
