package dev.altdiff.examples.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Published optimal objective values, read from a CSV file with a header line. Required columns:
 * {@code name} and {@code optimal_objective}; optional: {@code file} (the problem's file name) and
 * {@code objective_constant}. Other columns are ignored; fields are plain (no quoting), blank lines
 * and lines starting with {@code #} are skipped.
 *
 * <p>The reference for a problem is {@code optimal_objective + objective_constant} (a blank
 * constant is 0). The constant column is for collections whose published values leave out the
 * file's objective constant (Netlib E226: the readme value −18.751929066 excludes c0 = 7.113); the
 * Maros–Meszaros values already include it.
 *
 * <p>A problem is looked up by its file name (case-insensitive) when the CSV has a {@code file}
 * column, and otherwise (or when the file is not listed) by {@code name} against the file's base
 * name (case-insensitive).
 */
public final class ReferenceValues {
    private final Map<String, Double> byFile = new HashMap<>();
    private final Map<String, Double> byName = new HashMap<>();

    private ReferenceValues() {
    }

    /**
     * @throws IOException       when the file cannot be read
     * @throws MpsParseException for a malformed CSV (reported with its line number)
     */
    public static ReferenceValues read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        ReferenceValues values = new ReferenceValues();
        String source = csv.toString();
        int nameCol = -1;
        int fileCol = -1;
        int optCol = -1;
        int constCol = -1;
        boolean header = true;
        for (int k = 0; k < lines.size(); k++) {
            String line = lines.get(k).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (header) {
                for (int i = 0; i < f.length; i++) {
                    switch (f[i].strip().toLowerCase(Locale.ROOT)) {
                        case "name" -> nameCol = i;
                        case "file" -> fileCol = i;
                        case "optimal_objective" -> optCol = i;
                        case "objective_constant" -> constCol = i;
                        default -> { }
                    }
                }
                if (nameCol < 0 || optCol < 0) {
                    throw new MpsParseException(source, k + 1,
                            "reference CSV header needs the columns name and optimal_objective, got: " + line);
                }
                header = false;
                continue;
            }
            String name = field(f, nameCol);
            String opt = field(f, optCol);
            if (name.isEmpty() || opt.isEmpty()) {
                throw new MpsParseException(source, k + 1, "missing name or optimal_objective: " + line);
            }
            double value = parse(source, k + 1, opt, "optimal_objective of " + name);
            String constant = field(f, constCol);
            if (!constant.isEmpty()) {
                value += parse(source, k + 1, constant, "objective_constant of " + name);
            }
            if (values.byName.put(name.toLowerCase(Locale.ROOT), value) != null) {
                throw new MpsParseException(source, k + 1, "problem '" + name + "' is listed twice");
            }
            String file = field(f, fileCol);
            if (!file.isEmpty()) {
                values.byFile.put(file.toLowerCase(Locale.ROOT), value);
            }
        }
        if (header) {
            throw new MpsParseException(source, 0, "reference CSV is empty (no header line)");
        }
        return values;
    }

    private static String field(String[] f, int col) {
        return col >= 0 && col < f.length ? f[col].strip() : "";
    }

    private static double parse(String source, int line, String text, String what) {
        try {
            double v = Double.parseDouble(text);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MpsParseException(source, line, "bad number '" + text + "' for " + what);
    }

    /** @return the reference objective for a problem file, if listed */
    public Optional<Double> lookup(Path problemFile) {
        String file = problemFile.getFileName().toString();
        Double v = byFile.get(file.toLowerCase(Locale.ROOT));
        if (v == null) {
            int dot = file.indexOf('.');
            v = byName.get((dot > 0 ? file.substring(0, dot) : file).toLowerCase(Locale.ROOT));
        }
        return Optional.ofNullable(v);
    }

    /** @return how many problems are listed */
    public int size() {
        return byName.size();
    }

    /**
     * The relative objective error used by {@code altdiff maros}: |f − f*| / max(1, |f*|) (absolute
     * below 1, so that optimal values near zero, such as HS268's 5.7e-7, are not held to an
     * impossible relative accuracy).
     */
    public static double relativeError(double objective, double reference) {
        return Math.abs(objective - reference) / Math.max(1.0, Math.abs(reference));
    }
}
