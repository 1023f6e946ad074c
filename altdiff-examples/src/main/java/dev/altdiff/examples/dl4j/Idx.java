package dev.altdiff.examples.dl4j;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader of the IDX format of the MNIST files (LeCun et al.): a big-endian magic number
 * {@code 0x0000 TT DD} (TT = 0x08 for unsigned bytes, DD = the number of dimensions), DD big-endian
 * int32 sizes, then the data in row-major order. Files may be gzipped (detected by their first bytes).
 */
public final class Idx {
    private Idx() {
    }

    /**
     * Reads an image file (idx3-ubyte: count × rows × cols unsigned bytes).
     *
     * @return count rows of rows·cols pixels scaled to [0, 1] (value / 255)
     * @throws IOException for an unreadable file or one that is not idx3-ubyte (naming it)
     */
    public static float[][] images(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = header(in, file, 3);
            int count = dims[0];
            int size = dims[1] * dims[2];
            float[][] out = new float[count][size];
            byte[] buf = new byte[size];
            for (int i = 0; i < count; i++) {
                in.readFully(buf);
                for (int j = 0; j < size; j++) {
                    out[i][j] = (buf[j] & 0xff) / 255f;
                }
            }
            return out;
        }
    }

    /**
     * Reads a label file (idx1-ubyte).
     *
     * @return the labels (0..255)
     * @throws IOException for an unreadable file or one that is not idx1-ubyte (naming it)
     */
    public static int[] labels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int count = header(in, file, 1)[0];
            int[] out = new int[count];
            byte[] buf = new byte[count];
            in.readFully(buf);
            for (int i = 0; i < count; i++) {
                out[i] = buf[i] & 0xff;
            }
            return out;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(raw), 1 << 16) : raw;
        return new DataInputStream(in);
    }

    private static int[] header(DataInputStream in, Path file, int expectedDims) throws IOException {
        int magic = in.readInt();
        int type = (magic >>> 8) & 0xff;
        int dims = magic & 0xff;
        if ((magic >>> 16) != 0 || type != 0x08 || dims != expectedDims) {
            throw new IOException(file + ": not an IDX unsigned-byte file with " + expectedDims
                    + " dimensions (magic 0x" + Integer.toHexString(magic) + ")");
        }
        int[] out = new int[dims];
        for (int i = 0; i < dims; i++) {
            out[i] = in.readInt();
            if (out[i] < 0) {
                throw new IOException(file + ": negative dimension " + out[i]);
            }
        }
        return out;
    }
}
