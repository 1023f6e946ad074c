package dev.altdiff.examples.io;

import java.util.Locale;

/** Test helper: fixed-format lines, and the fixed-format layout of a free-format file. */
final class MpsText {
    private MpsText() {
    }

    /**
     * One fixed-format data line from up to six fields: type (columns 2-3), name (5-12), name (15-22),
     * number (25-36, right-aligned), name (40-47), number (50-61, right-aligned).
     */
    static String fixed(String... f) {
        String[] v = new String[6];
        for (int i = 0; i < 6; i++) {
            v[i] = i < f.length && f[i] != null ? f[i] : "";
        }
        String line = String.format(Locale.ROOT, " %-2s %-8s  %-8s  %12s   %-8s  %12s", v[0], v[1], v[2], v[3], v[4], v[5]);
        return line.stripTrailing();
    }

    /**
     * The same file in fixed format: header lines are kept, data lines are re-laid in the fixed
     * columns by section (names must fit in 8 characters, numbers in 12).
     */
    static String toFixed(String free) {
        StringBuilder out = new StringBuilder();
        String section = "";
        for (String line : free.split("\n", -1)) {
            if (line.isBlank() || line.startsWith("*") || !Character.isWhitespace(line.charAt(0))) {
                if (!line.isBlank() && !line.startsWith("*")) {
                    section = line.trim().split("\\s+")[0];
                }
                out.append(line).append('\n');
                continue;
            }
            String[] t = line.trim().split("\\s+");
            String fixed = switch (section) {
                case "ROWS" -> fixed(t[0], t[1]);
                case "COLUMNS" -> line.contains("'MARKER'") ? fixed("", t[0], t[1], "", t[2])
                        : t.length == 3 ? fixed("", t[0], t[1], t[2]) : fixed("", t[0], t[1], t[2], t[3], t[4]);
                case "RHS", "RANGES" -> t.length == 3 ? fixed("", t[0], t[1], t[2])
                        : fixed("", t[0], t[1], t[2], t[3], t[4]);
                case "BOUNDS" -> t.length == 3 ? fixed(t[0], t[1], t[2]) : fixed(t[0], t[1], t[2], t[3]);
                case "QUADOBJ", "QMATRIX" -> fixed("", t[0], t[1], t[2]);
                default -> line;
            };
            out.append(fixed).append('\n');
        }
        return out.toString();
    }
}
