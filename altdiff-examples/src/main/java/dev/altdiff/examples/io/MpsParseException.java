package dev.altdiff.examples.io;

/**
 * An MPS/QPS file that cannot be read: a syntax error, an unknown row or column name, a bad number,
 * a duplicate entry or an unsupported section. The message starts with {@code source:line:} and
 * names the offending row, column or section.
 */
public final class MpsParseException extends RuntimeException {
    private final String source;
    private final int line;

    /**
     * @param source  the file name (for the message)
     * @param line    1-based line number, or 0 when the error concerns the whole file
     * @param message what is wrong
     */
    public MpsParseException(String source, int line, String message) {
        super(source + ":" + (line > 0 ? line + ": " : " ") + message);
        this.source = source;
        this.line = line;
    }

    /** @return the file name the error was found in */
    public String source() { return source; }

    /** @return the 1-based line number, or 0 for an error about the whole file */
    public int line() { return line; }
}
