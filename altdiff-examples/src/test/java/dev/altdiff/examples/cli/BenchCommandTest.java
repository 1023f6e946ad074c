package dev.altdiff.examples.cli;

import dev.altdiff.core.AltDiff;
import dev.altdiff.examples.bench.BenchReport;
import dev.altdiff.examples.bench.BenchSuite;
import dev.altdiff.examples.bench.MemoryProbe;
import dev.altdiff.examples.bench.Trial;
import dev.altdiff.examples.demo.PaperDemo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code altdiff bench} on tiny problems, in-process: the files it writes, their structure and
 * sane values (never timings), and usage errors.
 */
class BenchCommandTest {

    @Test
    void writesCsvMarkdownAndPlots(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("results");
        Cli.Result r = Cli.run("bench", "--backend", "ojalgo", "--sizes", "12x4x3,20x6x5", "--sparsemax-n", "8",
                "--entropy-sizes", "16x3x2", "--tolerances", "1e-2,1e-4", "--repeats", "1", "--warmups", "0",
                "--forward-limit", "10", "--out", out.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("] ") && r.err().contains("done"), "progress bar on stderr: " + r);

        List<String> lines = Files.readAllLines(out.resolve(BenchReport.CSV));
        assertEquals(BenchReport.CSV_HEADER, lines.get(0));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertEquals(header.size(), cells.length, line);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < cells.length; i++) {
                row.put(header.get(i), cells[i]);
            }
            rows.add(row);
        }
        // paper and wellcond: 12x4x3 (p+m = 7 <= 10): KKT + 2 tolerances x 2 modes; 20x6x5 (11 > 10): KKT + 2
        // reverse; sparsemax 8x1x16 (17 > 10): KKT + 2 reverse; entropy 16x3x2: KKT + 2 reverse (no forward mode)
        assertEquals(2 * (5 + 3) + 3 + 3, rows.size(), String.join("\n", lines));
        for (Map<String, String> row : rows) {
            // the Alt-Diff rows run the paper's rule, which may stop short of the termination test
            assertTrue(row.get("status").equals("solved") || !row.get("method").equals("kkt")
                    && row.get("status").equals("truncated"), row.toString());
            assertTrue(Integer.parseInt(row.get("iterations")) >= 1, row.toString());
            assertTrue(Double.parseDouble(row.get("forward_ms")) >= 0 && Double.parseDouble(row.get("backward_ms")) >= 0);
            assertTrue(Double.parseDouble(row.get("working_set_mb")) > 0, row.toString());
            boolean kkt = row.get("method").equals("kkt");
            for (String cos : List.of("cos_grad_b", "cos_grad_q", "cos_grad_h")) {
                if (kkt) {
                    assertEquals("", row.get(cos), "the reference has no error columns: " + row);
                } else if (!(cos.equals("cos_grad_h") && row.get(cos).isEmpty())) { // empty: KKT's dl/dh = 0 (no active inequality)
                    double c = Double.parseDouble(row.get(cos));
                    assertTrue(c >= -1 - 1e-12 && c <= 1 + 1e-12, row.toString());
                }
            }
            if (!kkt) {
                assertTrue(Double.parseDouble(row.get("rel_err_x")) < 1, row.toString());
            }
            assertEquals(row.get("method").equals("forward"), !row.get("rel_err_jac_b").isEmpty(),
                    "the Jacobian error is a forward-mode column: " + row);
            assertFalse((row.get("family").equals("sparsemax") || row.get("family").equals("entropy"))
                    && row.get("method").equals("forward"), row.toString());
        }
        // the truncation bound at work: a tighter tolerance gives a smaller gradient error
        for (String family : List.of("paper", "wellcond", "sparsemax", "entropy")) {
            List<Double> errors = rows.stream().filter(x -> x.get("family").equals(family)
                            && x.get("method").equals("reverse") && !x.get("n").equals("12"))
                    .map(x -> Double.parseDouble(x.get("rel_err_grad_b"))).toList();
            assertEquals(2, errors.size(), family);
            assertTrue(errors.get(1) < errors.get(0), family + ": " + errors);
        }
        assertTrue(r.out().contains("forward-mode rows left out: p + m = 11 > --forward-limit 10"), r.toString());

        String md = Files.readString(out.resolve(BenchReport.MARKDOWN));
        assertTrue(md.contains("Command: `altdiff bench --backend ojalgo"), md);
        assertTrue(md.contains("cores: "), md);
        assertTrue(md.contains("JVM: "), md);
        for (String section : List.of("## paper n=12 p=4 m=3", "## paper n=20 p=6 m=5", "## wellcond n=12 p=4 m=3",
                "## sparsemax n=8 p=1 m=16", "## entropy n=16 p=3 m=2", "## Notes", "cos grad y |",
                "entropy 16x3x2: KKT reference point: ADMM (rho = 1, Newton x-step) to relative change <= 1e-4",
                "paper 12x4x3: KKT reference point: ADMM (adaptive rho from 1) in stages")) {
            assertTrue(md.contains(section), section + " in\n" + md);
        }
        assertEquals(rows.size(), md.lines().filter(l -> l.startsWith("| KKT") || l.startsWith("| Alt-Diff")).count());

        for (String png : List.of("time-vs-n-paper", "time-vs-n-wellcond", "grad-error-vs-tol-paper",
                "grad-error-vs-tol-wellcond", "grad-error-vs-tol-sparsemax", "time-vs-n-entropy",
                "grad-error-vs-tol-entropy")) {
            Path file = out.resolve(png + ".png");
            BufferedImage image = ImageIO.read(file.toFile());
            assertNotNull(image, file + " decodes");
            assertTrue(image.getWidth() >= 400 && image.getHeight() >= 300, file.toString());
            assertTrue(md.contains("](" + png + ".png)"), png + " linked from the Markdown");
        }
        assertFalse(Files.exists(out.resolve("time-vs-n-sparsemax.png")), "sparsemax has no size series");
    }

    @Test
    void forwardModeOnlyWhereReverseModeStoppedWithinTheIterationCap(@TempDir Path dir) throws IOException {
        Cli.Result r = Cli.run("bench", "--backend", "ojalgo", "--families", "paper", "--sizes", "12x4x3",
                "--tolerances", "1e-1,1e-6", "--repeats", "1", "--warmups", "0", "--forward-max-iterations", "10",
                "--out", dir.toString());
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = Files.readAllLines(dir.resolve(BenchReport.CSV));
        List<String> forward = lines.stream().filter(l -> l.contains(",forward,")).toList();
        assertEquals(1, forward.size(), String.join("\n", lines)); // eps = 1e-1 stops within 10 iterations, 1e-6 not
        assertTrue(forward.get(0).contains(",0.100000,"), forward.toString());
        assertTrue(r.out().contains("forward-mode rows left out at eps = 1e-06 (K = "), r.toString());
    }

    /**
     * {@code --adaptive-rho}: the header says so, and on the well-conditioned family (where ρ = 1 is
     * badly balanced) reverse mode at ε = 1e-6 stops in fewer iterations than with the fixed ρ.
     */
    @Test
    void adaptiveRhoRows(@TempDir Path dir) throws IOException {
        int[] iterations = new int[2];
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("run" + i);
            List<String> args = new java.util.ArrayList<>(List.of("bench", "--backend", "ojalgo", "--families",
                    "wellcond", "--sizes", "60x20x10", "--tolerances", "1e-6", "--repeats", "1", "--warmups", "0",
                    "--forward-limit", "0", "--out", out.toString()));
            if (i == 1) {
                args.add("--adaptive-rho");
            }
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertEquals(0, r.exit(), r.toString());
            String md = Files.readString(out.resolve(BenchReport.MARKDOWN));
            assertTrue(md.contains(i == 1 ? "with adaptive rho" : "fixed rho = 1"), md);
            List<String> header = List.of(Files.readAllLines(out.resolve(BenchReport.CSV)).get(0).split(","));
            String reverse = Files.readAllLines(out.resolve(BenchReport.CSV)).stream()
                    .filter(l -> l.contains(",reverse,")).findFirst().orElseThrow();
            iterations[i] = Integer.parseInt(reverse.split(",")[header.indexOf("iterations")]);
        }
        assertTrue(iterations[1] < iterations[0], "adaptive " + iterations[1] + " vs fixed " + iterations[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--sizes=12x4", "--entropy-sizes=10", "--families=paper,lp", "--tolerances=1e-3,0",
            "--repeats=0", "--warmups=-1", "--sparsemax-n=0", "--backend=nosuch", "--entropy-backend=nosuch"})
    void usageErrors(String option) {
        Cli.Result r = Cli.run("bench", "--backend", "ojalgo", option);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().lines().findFirst().orElse("").matches(".*(bad|unknown|must|backend).*"), r.toString());
    }

    @Test
    void casesRunSmallestFirstAndAPartialReportSaysSo() {
        BenchSuite.Config config = new BenchSuite.Config(
                List.of(BenchSuite.Family.PAPER, BenchSuite.Family.SPARSEMAX, BenchSuite.Family.ENTROPY,
                        BenchSuite.Family.WELLCOND),
                PaperDemo.Size.parseList("30x10x5,10x3x2"), List.of(20), PaperDemo.Size.parseList("25x5x5"),
                List.of(1e-3), AltDiff.backend("ojalgo"), AltDiff.backend("ojalgo"), 0, 0, 1, 700, 300, false);
        assertEquals(List.of("paper 10x3x2", "wellcond 10x3x2", "sparsemax 20x1x40", "entropy 25x5x5",
                "paper 30x10x5", "wellcond 30x10x5"), config.cases().stream().map(BenchSuite.Case::toString).toList());
        assertEquals(5 * 3 + 2, config.trials()); // entropy: KKT + reverse mode, no forward mode
        BenchSuite.Result partial = new BenchSuite.Result(config, List.of(), List.of(), 1.0, 0.5, 0.5, 2);
        assertFalse(partial.complete());
        assertTrue(BenchReport.markdown(partial, "altdiff bench", List.of())
                .contains("**Partial results:** 2 of 6 problems finished"));
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, Trial.median(new double[] {3, 1, 2}));
        assertEquals(2.5, Trial.median(new double[] {4, 1, 2, 3}));
        assertEquals(7.0, Trial.median(new double[] {7}));
    }

    @Test
    void workingSetModelGrowsWithWhatEachMethodStores() {
        double reverse = MemoryProbe.workingSetMb(BenchSuite.Method.REVERSE, 1000, 500, 200, 100);
        double forward = MemoryProbe.workingSetMb(BenchSuite.Method.FORWARD, 1000, 500, 200, 100);
        double kkt = MemoryProbe.workingSetMb(BenchSuite.Method.KKT, 1000, 500, 200, 100);
        double admm = (2.0 * 1000 * 1000 + 2.0 * 700 * 1000) * 8 / (1 << 20);
        assertEquals(admm + 100.0 * ((1000 + 500 + 200) * 8 + 200) / (1 << 20), reverse, 1e-9); // masks as bytes
        assertTrue(kkt > forward && forward > reverse, kkt + " " + forward + " " + reverse);
        assertTrue(MemoryProbe.workingSetMb(BenchSuite.Method.REVERSE, 1000, 500, 200, 200) > reverse);
    }
}
