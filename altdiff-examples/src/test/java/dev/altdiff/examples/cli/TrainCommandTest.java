package dev.altdiff.examples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code altdiff train}: short runs of the digits, MNIST (synthetic IDX files) and energy (synthetic loads) examples,
 * and usage errors.
 */
class TrainCommandTest {

    @Test
    void digitsShortRunPrintsEpochsAndWritesThePlot(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("curves.png");
        Cli.Result r = Cli.run("train", "digits", "--epochs", "1", "--hidden", "16", "--equalities", "4",
                "--inequalities", "4", "--plot", png.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("epoch 1: train loss"), r.toString());
        assertTrue(r.out().contains("final test accuracy"), r.toString());
        assertTrue(r.err().contains("epoch 1/1 ["), "progress bar on stderr: " + r);
        byte[] bytes = Files.readAllBytes(png);
        assertEquals('P', bytes[1]);
    }

    @Test
    void mnistReadsIdxFiles(@TempDir Path dir) throws IOException {
        Random random = new Random(3);
        writeImages(dir.resolve("train-images-idx3-ubyte"), 20, random);
        writeLabels(dir.resolve("train-labels-idx1-ubyte"), 20, random);
        writeImages(dir.resolve("t10k-images-idx3-ubyte"), 10, random);
        writeLabels(dir.resolve("t10k-labels-idx1-ubyte"), 10, random);
        Cli.Result r = Cli.run("train", "mnist", "--data", dir.toString(), "--epochs", "1", "--batch-size", "10",
                "--no-progress", "--plot", dir.resolve("m.png").toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("mnist: 20 training and 10 test examples, 784 features"), r.toString());
        assertTrue(r.out().contains("Alt-Diff QP (n=200, p=50, m=50, P=0.1 I"), r.toString());
        assertTrue(r.out().contains("(2 batches of 10)"), r.toString());
        assertTrue(Files.size(dir.resolve("m.png")) > 1000);
    }

    @Test
    void mnistWithoutDataSaysHowToFetchIt(@TempDir Path dir) {
        Cli.Result r = Cli.run("train", "mnist", "--data", dir.resolve("none").toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("scripts/fetch-mnist.sh"), r.toString());
    }

    @Test
    void energyShortRunOnSyntheticLoads(@TempDir Path dir) throws IOException {
        // 40 days of hourly "load" and temperature from 2012-01-01 00:00 EST, in the PJM files' format
        StringBuilder text = new StringBuilder();
        Random random = new Random(5);
        for (int h = 0; h < 40 * 24; h++) {
            double temp = 40 + 10 * Math.sin(h * 2 * Math.PI / 24) + 3 * random.nextGaussian();
            double load = 1.6 + 0.4 * Math.sin((h % 24 - 6) * Math.PI / 12) + 0.005 * (temp - 40) + 0.05 * random.nextGaussian();
            text.append(String.format(java.util.Locale.ROOT, " %.8e %.8e %.8e%n", 1325394000.0 + 3600.0 * h, load, temp));
        }
        Path data = dir.resolve("pjm");
        Files.createDirectories(data);
        Files.writeString(data.resolve("pjm_load_data_synthetic.txt"), text);
        Path png = dir.resolve("e.png");
        Cli.Result r = Cli.run("train", "energy", "--data", data.toString(), "--nll-epochs", "1", "--epochs", "1",
                "--hidden", "8", "--batch-size", "16", "--plot", png.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("energy: " + data + "; 31 training days (2012-01-02 .. 2012-02-01), 8 held-out days"),
                r.toString());
        assertTrue(r.out().contains("nll epoch 1: train NLL per hour"), r.toString());
        assertTrue(r.out().contains("task epoch 1: train task cost per day"), r.toString());
        assertTrue(r.out().contains("(2 batches of 16)"), r.toString());
        assertTrue(r.out().contains("held-out task cost per day: likelihood net"), r.toString());
        assertTrue(r.err().contains("task epoch 1/1 ["), "progress bar on stderr: " + r);
        assertTrue(Files.size(png) > 1000);

        r = Cli.run("train", "energy", "--data", dir.resolve("none").toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("cannot read the PJM data") && r.err().contains("--data DIR"), r.toString());
        r = Cli.run("train", "energy", "--data", data.toString(), "--nll-epochs", "0");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--from-scratch"), r.toString());
    }

    @Test
    void usageErrors() {
        Cli.Result r = Cli.run("train");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("missing example"), r.toString());
        r = Cli.run("train", "digits", "--backend", "nope");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("no backend named 'nope'"), r.toString());
        r = Cli.run("train", "digits", "--epochs", "0");
        assertEquals(2, r.exit(), r.toString());
        r = Cli.run("train", "digits", "--equalities", "-1");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("equalities"), r.toString());
    }

    private static void writeImages(Path file, int count, Random random) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(0x00000803);
            out.writeInt(count);
            out.writeInt(28);
            out.writeInt(28);
            byte[] pixels = new byte[784];
            for (int i = 0; i < count; i++) {
                random.nextBytes(pixels);
                out.write(pixels);
            }
        }
    }

    private static void writeLabels(Path file, int count, Random random) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(0x00000801);
            out.writeInt(count);
            for (int i = 0; i < count; i++) {
                out.writeByte(random.nextInt(10));
            }
        }
    }
}
