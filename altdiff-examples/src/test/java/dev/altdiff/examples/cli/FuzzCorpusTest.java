package dev.altdiff.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input never crashes, hangs or exhausts memory (issue 18). Every case of the fuzz corpus
 * ({@link FuzzCorpus}, {@code fuzz/manifest.tsv}) must give exactly one JSON object on standard
 * output, its documented exit status, a message with the manifest's fragment (naming what is wrong),
 * no stack trace on standard error, within a time bound. Most run in-process through picocli; the
 * memory cases, and every 25th of the others, run in a child JVM with {@value FuzzCorpus#CHILD_HEAP}
 * and a timeout. Seeded random mutations of the corpus's valid files keep the same contract (their
 * exit status is 0, 2 or 3, never 1).
 */
class FuzzCorpusTest {
    private static final Duration IN_PROCESS_LIMIT = Duration.ofSeconds(30);

    @TempDir
    static Path scratch;

    private static Path cases;

    @BeforeAll
    static void corpus() {
        cases = FuzzCorpus.casesDir();
    }

    static Stream<FuzzCorpus.Case> inProcess() {
        return FuzzCorpus.cases().stream().filter(c -> !c.child());
    }

    static Stream<FuzzCorpus.Case> inChild() {
        List<FuzzCorpus.Case> all = FuzzCorpus.cases();
        return IntStream.range(0, all.size()).filter(k -> all.get(k).child() || k % 25 == 0).mapToObj(all::get);
    }

    @Test
    void theCorpusCoversEveryCategoryWithAtLeast300Cases() {
        List<FuzzCorpus.Case> all = FuzzCorpus.cases();
        assertTrue(all.size() >= 300, "cases: " + all.size());
        for (String category : List.of("files", "syntax", "nesting", "dimensions", "types", "numerics", "triplets",
                "dx", "options", "mps", "general", "backends")) {
            assertTrue(all.stream().filter(c -> c.category().equals(category)).count() >= 10, category);
        }
        assertTrue(all.stream().anyMatch(c -> c.args().contains("nd4j")), "nd4j");
        assertTrue(all.stream().anyMatch(c -> c.args().contains("kkt")), "kkt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inProcess")
    void inProcessCaseKeepsTheContract(FuzzCorpus.Case c) {
        List<String> args = c.resolve(cases, scratch);
        Cli.Result r = assertTimeoutPreemptively(IN_PROCESS_LIMIT, () -> Cli.run(args.toArray(String[]::new)));
        check(c, new FuzzCorpus.Outcome(r.exit(), r.out(), r.err(), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inChild")
    void childCaseKeepsTheContractInASmallHeap(FuzzCorpus.Case c) throws Exception {
        FuzzCorpus.Outcome o = FuzzCorpus.runChild(FuzzCorpus.testLauncher(), c.resolve(cases, scratch), Map.of(),
                FuzzCorpus.CHILD_TIMEOUT_S);
        check(c, o);
    }

    /** An OutOfMemoryError past every estimate: one JSON object, exit 1, the heap option named; a trace if asked. */
    @Test
    void outOfMemoryIsOneJsonObjectNamingTheHeapOption() throws Exception {
        List<String> args = List.of("solve", FuzzCorpus.generate(scratch, "zeros-json", 300_000).toString(),
                "--max-iter", "20");
        List<String> launcher = new ArrayList<>(FuzzCorpus.testLauncher());
        launcher.set(launcher.indexOf(FuzzCorpus.CHILD_HEAP), "-Xmx16m");
        FuzzCorpus.Outcome o = FuzzCorpus.runChild(launcher, args, Map.of(), FuzzCorpus.CHILD_TIMEOUT_S);
        assertFalse(o.timedOut(), o::toString);
        JsonNode json = o.json();
        assertNotNull(json, o::toString);
        assertEquals(ExitCode.FAILURE, o.exit(), o::toString);
        assertEquals("out_of_memory", json.path("status").asText(), o::toString);
        assertTrue(json.path("error").asText().contains("ALTDIFF_JAVA_OPTS=-Xmx"), o::toString);
        assertFalse(o.err().contains("\tat "), o::toString);

        FuzzCorpus.Outcome debug = FuzzCorpus.runChild(launcher, args, Map.of("ALTDIFF_DEBUG", "1"),
                FuzzCorpus.CHILD_TIMEOUT_S);
        assertEquals("out_of_memory", debug.json().path("status").asText(), debug::toString);
        assertTrue(debug.err().contains("java.lang.OutOfMemoryError"), debug::toString);
    }

    static IntStream seeds() {
        return IntStream.range(0, 120);
    }

    /** Random byte-level mutations of the corpus's valid files: malformed, but never an error of the program. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void mutatedValidFilesKeepTheContract(int seed) throws IOException {
        List<FuzzCorpus.Case> valid = FuzzCorpus.cases().stream()
                .filter(c -> c.exit() == 0 && !c.child() && c.args().size() == 1 && c.args().get(0).startsWith("@"))
                .toList();
        Random random = new Random(seed);
        FuzzCorpus.Case base = valid.get(random.nextInt(valid.size()));
        String name = base.args().get(0).substring(1);
        byte[] mutated = Mutations.apply(Files.readAllBytes(cases.resolve(name)), random);
        Path file = scratch.resolve("mutant-" + seed + name.substring(name.lastIndexOf('.')));
        Files.write(file, mutated);
        Cli.Result r = assertTimeoutPreemptively(IN_PROCESS_LIMIT, () -> Cli.run("solve", file.toString()));
        FuzzCorpus.Outcome o = new FuzzCorpus.Outcome(r.exit(), r.out(), r.err(), false);
        String context = "mutant of " + name + ":\n" + new String(mutated, StandardCharsets.ISO_8859_1) + "\n" + o;
        assertEquals("clean", o.kind(), context);
        assertTrue(r.exit() == 0 || r.exit() == 2 || r.exit() == 3, context);
        if (r.exit() == 2) {
            assertFalse(o.json().path("error").asText().isBlank(), context);
        }
    }

    private static void check(FuzzCorpus.Case c, FuzzCorpus.Outcome o) {
        assertFalse(o.timedOut(), () -> c + " timed out\n" + o);
        JsonNode json = o.json();
        assertNotNull(json, () -> c + ": stdout is not exactly one JSON object\n" + o);
        assertTrue(c.accepts(o.exit()), () -> c + ": exit " + o.exit() + ", expected "
                + (c.exit() < 0 ? "0 or 3" : c.exit()) + "\n" + o);
        assertEquals("clean", o.kind(), () -> c + "\n" + o);
        assertTrue(o.out().toLowerCase(Locale.ROOT).contains(c.fragment().toLowerCase(Locale.ROOT)),
                () -> c + ": the JSON does not name \"" + c.fragment() + "\"\n" + o);
        if (o.exit() == ExitCode.INVALID_INPUT) {
            String status = json.path("status").asText();
            assertTrue(status.equals("invalid_input") || status.equals("too_large"), () -> c + "\n" + o);
            assertFalse(json.path("error").asText().isBlank(), () -> c + "\n" + o);
        }
    }

    /** Seeded byte-level mutations: flips, deletions, duplications and insertions of hostile tokens. */
    static final class Mutations {
        private static final String[] TOKENS = {"1e308", "-1e308", "NaN", "-", "[", "]", "{", "}", "\"", ",", ":",
                "null", "2147483647", "1e-400", "0.5", "\u0000", "\n", "99999999999999999999", "[[[[", "true"};

        private Mutations() {
        }

        static byte[] apply(byte[] in, Random random) {
            byte[] out = in;
            int count = 1 + random.nextInt(4);
            for (int k = 0; k < count; k++) {
                out = once(out, random);
            }
            return out;
        }

        private static byte[] once(byte[] in, Random random) {
            if (in.length == 0) {
                return TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
            }
            int at = random.nextInt(in.length);
            switch (random.nextInt(4)) {
                case 0 -> {
                    byte[] out = in.clone();
                    out[at] = (byte) random.nextInt(256);
                    return out;
                }
                case 1 -> {
                    int len = Math.min(in.length - at, 1 + random.nextInt(8));
                    byte[] out = new byte[in.length - len];
                    System.arraycopy(in, 0, out, 0, at);
                    System.arraycopy(in, at + len, out, at, in.length - at - len);
                    return out;
                }
                case 2 -> {
                    int len = Math.min(in.length - at, 1 + random.nextInt(16));
                    byte[] out = new byte[in.length + len];
                    System.arraycopy(in, 0, out, 0, at + len);
                    System.arraycopy(in, at, out, at + len, in.length - at);
                    return out;
                }
                default -> {
                    byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
                    byte[] out = new byte[in.length + token.length];
                    System.arraycopy(in, 0, out, 0, at);
                    System.arraycopy(token, 0, out, at, token.length);
                    System.arraycopy(in, at, out, at + token.length, in.length - at);
                    return out;
                }
            }
        }
    }
}
