package dev.altdiff.examples.io;

import dev.altdiff.api.TooLargeException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The checks every input file of the CLI passes before it is read (the problem file and the
 * {@code --dx} file): it must exist, be a regular file (not a directory, a device such as
 * {@code /dev/zero}, or a pipe) and hold at most a size limit of bytes, so that no input is read
 * without bound. The limit is {@code --max-input-bytes}, else the system property
 * {@value #MAX_BYTES_PROPERTY}, else {@value #DEFAULT_MAX_BYTES} bytes (1 GiB). A file over it is
 * refused with {@link TooLargeException} (status {@code too_large}); the stream {@link #open} returns
 * also stops at the limit, should the file grow while it is read.
 */
public final class InputFiles {
    /** The system property of the default limit, in bytes. */
    public static final String MAX_BYTES_PROPERTY = "altdiff.maxInputBytes";
    /** The default limit: 1 GiB. */
    static final long DEFAULT_MAX_BYTES = 1L << 30;

    private InputFiles() {
    }

    /** @return the limit from {@value #MAX_BYTES_PROPERTY}, or the default when unset */
    public static long defaultMaxBytes() {
        String value = System.getProperty(MAX_BYTES_PROPERTY);
        if (value == null) {
            return DEFAULT_MAX_BYTES;
        }
        try {
            long limit = Long.parseLong(value.strip());
            if (limit > 0) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException("bad system property " + MAX_BYTES_PROPERTY + "=" + value
                + ": expected a number of bytes > 0");
    }

    /**
     * @param file     the file as given
     * @param what     "problem file" or "gradient file", for messages
     * @param maxBytes the limit
     * @return the path of a regular file of at most maxBytes bytes
     * @throws InvalidInputException when it is missing, unreadable or not a regular file
     * @throws TooLargeException     when it holds more than maxBytes bytes
     */
    static Path check(String file, String what, long maxBytes) {
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw new InvalidInputException("invalid " + what + " path '" + file + "': " + e.getReason(), e);
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidInputException("cannot read " + what + " " + file + ": no such file", e);
        } catch (IOException | SecurityException e) {
            throw new InvalidInputException("cannot read " + what + " " + file + ": " + e, e);
        }
        if (!attributes.isRegularFile()) {
            String kind = attributes.isDirectory() ? "a directory" : "a device, pipe or other special file";
            throw new InvalidInputException("cannot read " + what + " " + file + ": not a regular file (" + kind + ")");
        }
        if (attributes.size() > maxBytes) {
            throw tooLarge(file, what, attributes.size(), maxBytes);
        }
        return path;
    }

    private static TooLargeException tooLarge(String file, String what, long size, long maxBytes) {
        return new TooLargeException("file", size, what + " " + file + " is too large: " + (size > maxBytes
                ? size + " bytes" : "more than " + maxBytes + " bytes") + ", over the limit of " + maxBytes
                + " bytes (raise it with --max-input-bytes or -D" + MAX_BYTES_PROPERTY + ")");
    }

    /**
     * @return the checked file's bytes as a stream that fails once more than maxBytes are read
     * @throws InvalidInputException, TooLargeException as {@link #check}
     */
    static InputStream open(String file, String what, long maxBytes) throws IOException {
        Path path = check(file, what, maxBytes);
        return new FilterInputStream(Files.newInputStream(path)) {
            private long read;

            @Override public int read() throws IOException {
                int b = super.read();
                count(b < 0 ? 0 : 1);
                return b;
            }

            @Override public int read(byte[] buffer, int off, int len) throws IOException {
                int k = super.read(buffer, off, len);
                count(Math.max(k, 0));
                return k;
            }

            private void count(int k) {
                read += k;
                if (read > maxBytes) {
                    throw tooLarge(file, what, read, maxBytes);
                }
            }
        };
    }
}
