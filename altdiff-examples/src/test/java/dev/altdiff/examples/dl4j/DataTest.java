package dev.altdiff.examples.dl4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IDX reader, the bundled digits and Sudoku sets. */
class DataTest {

    @Test
    void idxImagesAndLabelsPlainAndGzipped(@TempDir Path dir) throws IOException {
        Path images = dir.resolve("img");
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(images)))) {
            out.writeInt(0x803);
            out.writeInt(2);
            out.writeInt(1);
            out.writeInt(2);
            out.write(new byte[]{0, (byte) 255, 51, 102});
        }
        float[][] x = Idx.images(images);
        assertEquals(2, x.length);
        assertArrayEquals(new float[]{0f, 1f}, x[0], 0f);
        assertArrayEquals(new float[]{0.2f, 0.4f}, x[1], 1e-7f);
        Path labels = dir.resolve("lab");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(labels))) {
            out.writeInt(0x801);
            out.writeInt(3);
            out.write(new byte[]{7, 0, 9});
        }
        assertArrayEquals(new int[]{7, 0, 9}, Idx.labels(labels));
        IOException e = assertThrows(IOException.class, () -> Idx.images(labels));
        assertTrue(e.getMessage().contains("not an IDX unsigned-byte file with 3 dimensions"), e.getMessage());
    }

    @Test
    void bundledSets() throws IOException {
        Classification digits = Classification.digits();
        assertEquals(1797, digits.size());
        int[] counts = new int[10];
        for (int y : digits.y()) {
            counts[y]++;
        }
        for (int c : counts) {
            assertTrue(c > 170 && c < 190, "class count " + c);
        }
        Sudoku.Data sudoku = Sudoku.load();
        assertEquals(10_000, sudoku.size());
        // first row: puzzle 0300001040000002, solution 1324241342313142
        assertEquals(-1.0, sudoku.q()[0][4 * 1 + 2]);
        assertEquals(0.0, sudoku.q()[0][0] + sudoku.q()[0][1] + sudoku.q()[0][2] + sudoku.q()[0][3]);
        assertEquals(1.0, sudoku.solution()[0][0]);
        double total = 0;
        for (double v : sudoku.solution()[0]) {
            total += v;
        }
        assertEquals(16.0, total);
    }
}
