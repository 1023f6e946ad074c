package dev.altdiff.spark.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code spark train digits --compare} on {@code local[2]} reaches the accuracy of the same training on one JVM. */
class TrainCommandTest {
    private static final Pattern FINAL = Pattern.compile("final test accuracy ([0-9.]+)");

    @Test
    void digitsOnTwoCoresReachTheSingleJvmAccuracy() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new SparkCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertEquals(0, cl.execute("train", "digits", "--master", "local[2]", "--epochs", "3", "--compare"), err.toString());
        List<Double> accuracies = new ArrayList<>();
        Matcher m = FINAL.matcher(out.toString());
        while (m.find()) {
            accuracies.add(Double.parseDouble(m.group(1)));
        }
        assertEquals(2, accuracies.size(), out.toString());
        double distributed = accuracies.get(0);
        double single = accuracies.get(1);
        assertTrue(single > 0.9 && distributed > 0.9, out.toString());
        assertTrue(distributed >= single - 0.02, out.toString());
    }

    @Test
    void anUnknownExampleIsAnError() {
        CommandLine cl = new CommandLine(new SparkCommand());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("train", "cifar"));
        assertTrue(err.toString().contains("digits or mnist"), err.toString());
    }
}
