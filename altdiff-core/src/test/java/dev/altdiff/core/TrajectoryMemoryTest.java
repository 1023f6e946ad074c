package dev.altdiff.core;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A differentiated run whose record would outgrow the heap stops with a clear {@code too_large} refusal
 * (BatchLoop's record check), not an {@link OutOfMemoryError}: run in a child JVM with a 64 MB heap.
 */
class TrajectoryMemoryTest {
    @Test
    void aRecordThatWouldNotFitIsRefusedBeforeTheHeapIsSpent() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                TrajectoryMemoryProbe.class.getName());
        pb.redirectErrorStream(true);
        Process process = pb.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "child JVM finished");
        String text = new String(output, StandardCharsets.UTF_8);
        List<String> lines = text.lines().filter(l -> l.startsWith("REFUSED") || l.startsWith("FINISHED")
                || l.startsWith("OOM")).toList();
        assertEquals(0, process.exitValue(), text);
        assertEquals(1, lines.size(), text);
        String line = lines.get(0);
        assertTrue(line.startsWith("REFUSED TooLargeException: trajectory is too large: the recorded trajectory"), line);
        assertTrue(line.contains("iterations so far") && line.contains("-Xmx") && line.contains("forwardOnly"), line);
    }
}
