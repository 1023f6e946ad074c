package dev.altdiff.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the altdiff command in-process with captured standard output and error. */
public final class Cli {
    /** A strict parser: rejects NaN/Infinity tokens, so a printed non-finite number fails the parse. */
    private static final ObjectMapper STRICT = new ObjectMapper();

    private Cli() {
    }

    public record Result(int exit, String out, String err) {
        /** @return standard output parsed as exactly one JSON value */
        JsonNode json() {
            try {
                return STRICT.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        @Override public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    public static Result run(String... args) {
        CommandLine cl = AltdiffCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Writes text to dir/name and returns the path as a string. */
    static String write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
