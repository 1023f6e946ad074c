package dev.altdiff.examples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code altdiff bench-speed} on tiny sizes: the rates, one row per phase, the accuracy lines, usage errors. */
class BenchSpeedCommandTest {

    @Test
    void printsThePhasesOfEachCaseWithTheirPresetAndAccuracy() {
        Cli.Result r = Cli.run("bench-speed", "--sizes", "40x10x8", "--layer-size", "12x3x4", "--batches", "3",
                "--repeats", "1", "--warmup", "0");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("bench-speed: backend ojalgo, preset default"), r.toString());
        assertTrue(lines.get(1).startsWith("machine rates: ojalgo dgemm "), r.toString());
        // rows: case (the layer's as "layer NxPxM/B=b"), preset, iterations, phase, ms, GFLOP, ...
        Pattern row = Pattern.compile("^(?:layer )?(\\S+)\\s+default\\s+\\d+\\s+(\\S+)\\s+([0-9.]+)\\s+([0-9.eE+-]+)\\s");
        List<String> phases = new java.util.ArrayList<>();
        for (String line : lines) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                phases.add(m.group(1) + " " + m.group(2));
                assertTrue(Double.parseDouble(m.group(3)) > 0 && Double.parseDouble(m.group(4)) > 0, line);
            }
        }
        assertEquals(List.of("40x10x8 set-up", "40x10x8 reused", "40x10x8 forward", "40x10x8 backward",
                "40x10x8 bwd-qbh", "12x3x4/B=3 forward", "12x3x4/B=3 backward", "12x3x4/B=3 fwd-qbh",
                "12x3x4/B=3 bwd-qbh"), phases, r.toString());
        // each case's fixed-data call against its floor: a positive time, a positive floor, their ratio
        Matcher floor = Pattern.compile("fwd\\+bwd of q, b, h \\(set-up reused\\): ([0-9.]+) ms, floor ([0-9.]+) ms:"
                + " ([0-9.]+)x the floor").matcher(r.out());
        for (int c = 0; c < 2; c++) {
            assertTrue(floor.find(), r.toString());
            double ms = Double.parseDouble(floor.group(1));
            double floorMs = Double.parseDouble(floor.group(2));
            assertTrue(ms > 0 && floorMs > 0, floor.group());
            assertEquals(ms / floorMs, Double.parseDouble(floor.group(3)), 0.01 + 0.01 * ms / floorMs, floor.group());
        }
        Matcher cosines = Pattern.compile("cos q ([0-9.]+), b ([0-9.]+), h ([0-9.]+) vs KKT; status solved")
                .matcher(r.out());
        assertTrue(cosines.find(), r.toString());
        for (int g = 1; g <= 3; g++) { // ε = 1e-7 on a well-posed problem: the gradients are the KKT ones
            assertTrue(Double.parseDouble(cosines.group(g)) > 0.99999, r.toString());
        }
        assertTrue(r.out().contains("samples/s forward+backward, ") && r.out().contains("set-up reused"), r.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--batches=0", "--layer-size=4x1x1,5x1x1", "--sizes=0x1x1", "--repeats=0",
            "--backend=nope", "--preset=fast", "--warmup=-1"})
    void badOptionsAreUsageErrors(String option) {
        Cli.Result r = Cli.run("bench-speed", option);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Usage"), r.toString());
    }
}
