package dev.altdiff.examples.dl4j;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line text progress bar, redrawn in place with a carriage return:
 * {@code epoch 2/5 [##########..........]  50%  11/22  loss 0.4312  85.3 ms/batch}.
 */
public final class Progress {
    private final PrintWriter out;
    private final int width;

    /** @param out where to draw (usually standard error); null draws nothing */
    public Progress(PrintWriter out, int width) {
        this.out = out;
        this.width = width;
    }

    /** Redraws the bar for step done of total. */
    public void update(String label, int done, int total, String suffix) {
        if (out == null) {
            return;
        }
        int filled = total == 0 ? width : (int) ((long) width * done / total);
        StringBuilder bar = new StringBuilder(width);
        for (int i = 0; i < width; i++) {
            bar.append(i < filled ? '#' : '.');
        }
        out.print(String.format(Locale.ROOT, "\r%s [%s] %3d%%  %d/%d  %s", label, bar,
                total == 0 ? 100 : 100 * done / total, done, total, suffix));
        out.flush();
    }

    /** Ends the bar's line. */
    public void finish() {
        if (out != null) {
            out.println();
            out.flush();
        }
    }
}
