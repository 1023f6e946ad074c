package dev.altdiff.examples.io;

import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.examples.io.MpsFormat;
import dev.altdiff.examples.io.MpsParseException;
import dev.altdiff.examples.io.MpsProblem;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads the problem file of {@code altdiff solve}: MPS/QPS when the name ends in {@code .mps} or
 * {@code .qps} (any case; {@link dev.altdiff.examples.io.MpsReader}), JSON ({@link QpJson}) otherwise.
 */
public final class ProblemFiles {
    private ProblemFiles() {
    }

    /**
     * A problem as read.
     *
     * @param problem the problem in the project's form
     * @param mps     the MPS/QPS metadata (objective constant, sense, names), or null for JSON
     * @param program a general program (JSON with an "objective" key; problem is then null), else null
     */
    public record Loaded(QuadraticProgram problem, MpsProblem mps, dev.altdiff.api.objective.ConvexProgram program) {
        Loaded(QuadraticProgram problem, MpsProblem mps) {
            this(problem, mps, null);
        }
    }

    /** @return whether the file is read as MPS/QPS */
    static boolean isMps(String file) {
        String lower = file.toLowerCase(Locale.ROOT);
        return lower.endsWith(".mps") || lower.endsWith(".qps");
    }

    /**
     * @param format   the MPS layout (ignored for JSON)
     * @param maxBytes the size limit of the file ({@link InputFiles})
     * @throws InvalidInputException for an unreadable or malformed file (or one that is not a regular file)
     * @throws dev.altdiff.api.InvalidProblemException for invalid problem data, a
     *         {@link dev.altdiff.api.TooLargeException} for a file over the limit
     */
    public static Loaded read(String file, MpsFormat format, long maxBytes) {
        if (!isMps(file)) {
            QpJson.Parsed parsed = QpJson.read(file, maxBytes);
            return new Loaded(parsed.qp(), null, parsed.program());
        }
        Path path = InputFiles.check(file, "problem file", maxBytes);
        try {
            MpsProblem mps = QpConversion.convert(MpsReader.read(path.toString(), MpsReader.defaultName(path),
                    () -> InputFiles.open(file, "problem file", maxBytes), format)); // streamed, line by line
            return new Loaded(mps.problem(), mps);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("cannot read problem file " + file + ": no such file", e);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read problem file " + file + ": " + e, e);
        } catch (MpsParseException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }
}
