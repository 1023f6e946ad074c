package dev.altdiff.nd4j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The safe start-up, in child JVMs started without {@code -Xss} (so with the JVM's default 1 MB
 * thread stacks) and with a chosen {@code OPENBLAS_CORETYPE}, since OpenBLAS reads it once, when
 * the native library loads.
 */
class StartupTest {

    private static List<String> probe(String coretype) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                StartupProbe.class.getName());
        Map<String, String> env = pb.environment();
        env.remove("OPENBLAS_CORETYPE");
        if (coretype != null) {
            env.put("OPENBLAS_CORETYPE", coretype);
        }
        pb.redirectErrorStream(true);
        Process process = pb.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
        List<String> lines = new String(output, StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("STARTED") || l.startsWith("REFUSED")).toList();
        assertEquals(0, process.exitValue(), "child JVM exit status (139 = SIGSEGV); output: " + lines);
        return lines;
    }

    private static boolean cpuHasAvx512() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        return Files.isReadable(cpuinfo) && Files.readString(cpuinfo).contains(" avx512f");
    }

    @Test
    void withHaswellKernelsItStartsAndLuNeedsNoXss() throws Exception {
        List<String> lines = probe("Haswell");
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("STARTED "), lines.get(0));
        double residual = Double.parseDouble(lines.get(0).substring("STARTED ".length()));
        assertTrue(residual < 1e-8, "LU solve of order 300: max error " + residual);
    }

    /**
     * What every AVX-512 machine gets without the variable: OpenBLAS 0.3.19 picks its SkylakeX
     * kernels, and dpotrf fails on, or returns wrong factors of, good matrices of order ≥ 64. (On a
     * CPU without AVX-512 OpenBLAS does not use those kernels, so there is nothing to reproduce.)
     */
    @Test
    void withTheAvx512KernelsItRefusesToStartAndSaysWhatToSet() throws Exception {
        assumeTrue(cpuHasAvx512(), "needs an AVX-512 CPU");
        assumeTrue(BUNDLED_OPENBLAS.equals(openblasVersion()), "OpenBLAS " + openblasVersion() + " is not the bundled one");
        List<String> lines = probe("SkylakeX");
        assertEquals(2, lines.size(), lines.toString());
        for (String line : lines) {
            assertTrue(line.startsWith("REFUSED Nd4jStartupException: "), line);
            assertTrue(line.contains("OPENBLAS_CORETYPE=Haswell"), line);
            assertTrue(line.contains("OPENBLAS_CORETYPE is now 'SkylakeX'"), line);
        }
        assertTrue(lines.get(0).contains("Cholesky"), lines.get(0));
    }

    /** With -Dopenblas.version=0.3.31-1.5.13 -Djavacpp.version=1.5.13 the AVX-512 kernels are correct. */
    @Test
    void aNewerOpenBlasStartsWithTheAvx512Kernels() throws Exception {
        assumeTrue(cpuHasAvx512(), "needs an AVX-512 CPU");
        assumeTrue(!BUNDLED_OPENBLAS.equals(openblasVersion()), "runs only with a newer OpenBLAS");
        List<String> lines = probe("SkylakeX");
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("STARTED "), lines.get(0));
    }

    /** The OpenBLAS that ND4J 1.0.0-M2.1 depends on, with the AVX-512 defect. */
    private static final String BUNDLED_OPENBLAS = "0.3.19-1.5.7";

    private static String openblasVersion() throws IOException {
        return org.bytedeco.javacpp.Loader.getVersion("org.bytedeco", "openblas");
    }
}
