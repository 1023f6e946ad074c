package dev.altdiff.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fuzz corpus of {@code altdiff solve} (issue 18): the cases of {@code fuzz/manifest.tsv}
 * (written by {@code scripts/fuzz-corpus.py}), how to run one (in-process through picocli, or in a
 * child JVM with a small heap and a timeout) and how to classify what came back. {@link #main} runs
 * every case in child JVMs against a given jar and prints the table of categories × outcomes (the
 * "before/after" table of {@code docs/robustness.md}).
 */
final class FuzzCorpus {
    /** Heap of the child JVMs: the memory cases must be refused, not fill a large heap. */
    static final String CHILD_HEAP = "-Xmx256m";
    /** Wall-clock limit of one child run; a run past it is a hang. */
    static final long CHILD_TIMEOUT_S = 60;

    private static final ObjectMapper STRICT = new ObjectMapper();
    private static final Pattern GEN = Pattern.compile("\\{gen:([a-z-]+):(\\d+)}");
    private static final Pattern STACK_TRACE = Pattern.compile("(?m)^\\s+at [\\w$.]+\\(|Exception in thread");

    private FuzzCorpus() {
    }

    /**
     * One case of the manifest.
     *
     * @param exit     the documented exit status, or -1 for "0 or 3" (a solver status that depends on numerics)
     * @param fragment text the JSON on stdout must contain (case-insensitive; may be empty)
     * @param child    whether it runs in a child JVM with {@link #CHILD_HEAP}
     * @param args     the arguments after {@code solve}, with {@code @name} and {@code {gen:…}} unresolved
     */
    record Case(String id, String category, int exit, String fragment, boolean child, List<String> args) {
        @Override public String toString() {
            return id;
        }

        /** @return the arguments with corpus files and generated files resolved */
        List<String> resolve(Path cases, Path scratch) {
            List<String> out = new ArrayList<>();
            out.add("solve");
            for (String a : args) {
                Matcher gen = GEN.matcher(a);
                if (a.startsWith("@")) {
                    out.add(cases.resolve(a.substring(1)).toString());
                } else if (gen.matches()) {
                    out.add(generate(scratch, gen.group(1), Integer.parseInt(gen.group(2))).toString());
                } else {
                    out.add(a);
                }
            }
            return out;
        }

        boolean accepts(int status) {
            return exit < 0 ? status == ExitCode.OK || status == ExitCode.NOT_SOLVED : status == exit;
        }
    }

    /** What came back from one run. */
    record Outcome(int exit, String out, String err, boolean timedOut) {
        /** @return stdout as exactly one JSON object, or null */
        JsonNode json() {
            try {
                JsonNode node = STRICT.readTree(out);
                return node != null && node.isObject() ? node : null;
            } catch (IOException e) {
                return null;
            }
        }

        /** @return clean, uncaught error, hang or internal error (the columns of the before/after table) */
        String kind() {
            if (timedOut) {
                return "hang";
            }
            JsonNode json = json();
            if (json == null || exit != ExitCode.OK && exit != ExitCode.INVALID_INPUT
                    && exit != ExitCode.NOT_SOLVED && exit != ExitCode.FAILURE) {
                return "uncaught error";
            }
            if (exit == ExitCode.FAILURE || "internal_error".equals(json.path("status").asText())) {
                return "internal error";
            }
            return STACK_TRACE.matcher(err).find() ? "uncaught error" : "clean";
        }

        @Override public String toString() {
            return "exit " + exit + (timedOut ? " (timed out)" : "") + "\n--- stdout\n" + clip(out) + "\n--- stderr\n"
                    + clip(err);
        }
    }

    private static String clip(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "… (" + s.length() + " chars)" : s;
    }

    /** @return the folder of the corpus files (test resources) */
    static Path casesDir() {
        try {
            return Path.of(FuzzCorpus.class.getResource("/fuzz/cases").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the manifest's cases, in file order */
    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        try (InputStream in = FuzzCorpus.class.getResourceAsStream("/fuzz/manifest.tsv")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                List<String> args = f[5].isEmpty() ? List.of() : List.of(f[5].split(" "));
                out.add(new Case(f[0], f[1], f[2].equals("-") ? -1 : Integer.parseInt(f[2]), f[3],
                        f[4].equals("child"), args));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Writes a large input that does not belong in the repository (once per folder and kind/size).
     * zeros-json: a sparse QP with P = I, q = 0 (about 20 bytes per variable); dense-row: n variables,
     * one dense inequality row; mps-wide: one row, n columns; mps-tall: n rows, 2 columns.
     */
    static Path generate(Path dir, String kind, int size) {
        Path file = dir.resolve(kind + "-" + size + (kind.startsWith("mps") ? ".mps" : ".json"));
        if (Files.exists(file)) {
            return file;
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            switch (kind) {
                case "zeros-json" -> {
                    w.write("{\"format\":\"altdiff-qp/1\",\"n\":" + size + ",\"P\":{\"rows\":" + size + ",\"cols\":"
                            + size + ",\"i\":[");
                    sequence(w, size, k -> Integer.toString(k));
                    w.write("],\"j\":[");
                    sequence(w, size, k -> Integer.toString(k));
                    w.write("],\"x\":[");
                    sequence(w, size, k -> "1");
                    w.write("]},\"q\":[");
                    sequence(w, size, k -> "0.0");
                    w.write("]}");
                }
                case "dense-row" -> {
                    w.write("{\"format\":\"altdiff-qp/1\",\"n\":" + size + ",\"G\":[[");
                    sequence(w, size, k -> "1");
                    w.write("]],\"h\":[1]}");
                }
                case "mps-wide" -> {
                    w.write("NAME WIDE\nROWS\n N obj\n L c1\nCOLUMNS\n");
                    for (int k = 0; k < size; k++) {
                        w.write(" x" + k + " obj 1 c1 1\n");
                    }
                    w.write("RHS\n rhs c1 1\nENDATA\n");
                }
                case "mps-tall" -> {
                    w.write("NAME TALL\nROWS\n N obj\n");
                    for (int k = 0; k < size; k++) {
                        w.write(" L r" + k + "\n");
                    }
                    w.write("COLUMNS\n");
                    for (int k = 0; k < size; k++) {
                        w.write(" x r" + k + " 1\n");
                    }
                    w.write(" y obj 1\n");
                    w.write("RHS\n");
                    for (int k = 0; k < size; k++) {
                        w.write(" rhs r" + k + " 1\n");
                    }
                    w.write("BOUNDS\n UP b y 1\nENDATA\n");
                }
                default -> throw new IllegalArgumentException("unknown generated input " + kind);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static void sequence(BufferedWriter w, int size, java.util.function.IntFunction<String> entry)
            throws IOException {
        for (int k = 0; k < size; k++) {
            if (k > 0) {
                w.write(',');
            }
            w.write(entry.apply(k));
        }
    }

    /**
     * Runs {@code altdiff ARGS} in a child JVM.
     *
     * @param launcher the command before the arguments (java, its options, -cp … main class, or -jar …)
     */
    static Outcome runChild(List<String> launcher, List<String> args, Map<String, String> env, long timeoutS)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("OPENBLAS_CORETYPE", "Haswell");
        pb.environment().remove("ALTDIFF_DEBUG");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("fuzz-out", ".txt");
        Path err = Files.createTempFile("fuzz-err", ".txt");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
            Process p = pb.start();
            p.getOutputStream().close();
            boolean done = p.waitFor(timeoutS, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
            return new Outcome(done ? p.exitValue() : -1, read(out), read(err), !done);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return new String(bytes, 0, Math.min(bytes.length, 1 << 26), StandardCharsets.UTF_8);
    }

    /** @return the launcher of the test class path's command line in a small heap */
    static List<String> testLauncher() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), CHILD_HEAP, "-Xss8m",
                "-cp", cp, AltdiffCommand.class.getName());
    }

    /**
     * Runs every case of the corpus in child JVMs against a jar and prints the table of categories ×
     * outcomes, then the cases that were not clean.
     *
     * @param args the jar ({@code altdiff-examples/target/altdiff.jar} or an older build) and a scratch folder
     */
    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path scratch = Files.createDirectories(Path.of(args[1]));
        List<String> launcher = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), CHILD_HEAP,
                "-Xss8m", "-jar", jar.toString());
        String[] kinds = {"clean", "uncaught error", "hang", "internal error"};
        Map<String, int[]> table = new TreeMap<>();
        List<String> notClean = new ArrayList<>();
        int mismatches = 0;
        for (Case c : cases()) {
            Outcome o = runChild(launcher, c.resolve(casesDir(), scratch), Map.of(), args.length > 2
                    ? Long.parseLong(args[2]) : CHILD_TIMEOUT_S);
            String kind = o.kind();
            int[] row = table.computeIfAbsent(c.category(), k -> new int[kinds.length + 1]);
            row[List.of(kinds).indexOf(kind)]++;
            boolean expected = kind.equals("clean") && c.accepts(o.exit())
                    && o.out().toLowerCase(Locale.ROOT).contains(c.fragment().toLowerCase(Locale.ROOT));
            if (!expected) {
                row[kinds.length]++;
                mismatches++;
            }
            if (!kind.equals("clean") || !expected) {
                String firstErr = o.err().lines().findFirst().orElse("");
                notClean.add(c.id() + "\t" + kind + "\texit " + o.exit() + "\t"
                        + clip(o.out().strip()).replace('\n', ' ')
                        + "\t" + firstErr);
            }
            System.err.println(c.id() + " " + kind + " " + o.exit());
        }
        System.out.println("| category | cases | clean | uncaught error | hang | internal error | not as documented |");
        System.out.println("|---|---|---|---|---|---|---|");
        int[] total = new int[kinds.length + 1];
        for (Map.Entry<String, int[]> e : table.entrySet()) {
            int[] r = e.getValue();
            int n = r[0] + r[1] + r[2] + r[3];
            System.out.println("| " + e.getKey() + " | " + n + " | " + r[0] + " | " + r[1] + " | " + r[2] + " | " + r[3]
                    + " | " + r[4] + " |");
            for (int k = 0; k < total.length; k++) {
                total[k] += r[k];
            }
        }
        System.out.println("| **all** | " + (total[0] + total[1] + total[2] + total[3]) + " | " + total[0] + " | "
                + total[1] + " | " + total[2] + " | " + total[3] + " | " + total[4] + " |");
        System.out.println();
        notClean.forEach(System.out::println);
        System.out.println(mismatches + " not as documented");
    }
}
