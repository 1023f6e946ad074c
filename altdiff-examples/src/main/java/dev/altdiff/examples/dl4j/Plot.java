package dev.altdiff.examples.dl4j;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Minimal line charts written as PNG with java.awt (headless): one or two panels side by side,
 * each with one or more named series, linear axes with min/max labels.
 */
public final class Plot {
    /** A named series of (x, y) points. */
    public record Series(String name, double[] x, double[] y, Color color) {
    }

    /** A panel: title, axis labels, series. */
    public record Panel(String title, String xLabel, String yLabel, List<Series> series) {
    }

    private Plot() {
    }

    /** Writes the panels side by side (480×360 each) to {@code file} (parent folders created). */
    public static void write(Path file, List<Panel> panels) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = 480;
        int hgt = 360;
        BufferedImage img = new BufferedImage(w * panels.size(), hgt, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            draw(g, panels.get(i), i * w, w, hgt);
        }
        g.dispose();
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        ImageIO.write(img, "png", file.toFile());
    }

    /** The learning curves of a classifier run: minibatch cross-entropy and per-epoch test accuracy. */
    public static void learningCurves(Path file, String title, History h) throws IOException {
        learningCurves(file, title, "cross-entropy", "test accuracy", h);
    }

    /**
     * The learning curves of a run: minibatch and epoch-mean training loss (left), the per-epoch test
     * metric {@link History.Epoch#testAccuracy()} (right).
     */
    public static void learningCurves(Path file, String title, String lossName, String metricName, History h)
            throws IOException {
        List<Double> losses = h.batchLosses();
        double[] bx = new double[losses.size()];
        double[] by = new double[losses.size()];
        int per = h.epochs().isEmpty() ? 1 : h.epochs().get(0).batches();
        for (int i = 0; i < bx.length; i++) {
            bx[i] = (i + 1) / (double) per;
            by[i] = losses.get(i);
        }
        List<History.Epoch> epochs = h.epochs();
        double[] ex = new double[epochs.size()];
        double[] acc = new double[epochs.size()];
        double[] el = new double[epochs.size()];
        for (int i = 0; i < ex.length; i++) {
            ex[i] = epochs.get(i).epoch();
            acc[i] = epochs.get(i).testAccuracy();
            el[i] = epochs.get(i).trainLoss();
        }
        write(file, List.of(
                new Panel(title + ": training loss", "epoch", lossName,
                        List.of(new Series("minibatch", bx, by, new Color(120, 160, 220)),
                                new Series("epoch mean", ex, el, new Color(200, 60, 40)))),
                new Panel(title + ": " + metricName, "epoch", metricName,
                        List.of(new Series("test", ex, acc, new Color(40, 140, 60))))));
    }

    private static void draw(Graphics2D g, Panel p, int x0, int w, int h) {
        int left = x0 + 60;
        int right = x0 + w - 20;
        int top = 40;
        int bottom = h - 50;
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (Series s : p.series()) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    xmin = Math.min(xmin, s.x()[i]);
                    xmax = Math.max(xmax, s.x()[i]);
                    ymin = Math.min(ymin, s.y()[i]);
                    ymax = Math.max(ymax, s.y()[i]);
                }
            }
        }
        if (!(xmax > xmin)) {
            xmin = Double.isFinite(xmin) ? xmin - 1 : 0;
            xmax = xmin + 2;
        }
        if (!(ymax > ymin)) {
            ymin = Double.isFinite(ymin) ? ymin - 0.5 : 0;
            ymax = ymin + 1;
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(p.title(), left, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(left, top, right - left, bottom - top);
        g.drawString(fmt(xmin), left, bottom + 15);
        g.drawString(fmt(xmax), right - 30, bottom + 15);
        g.drawString(p.xLabel(), (left + right) / 2 - 15, bottom + 32);
        g.drawString(fmt(ymax), x0 + 5, top + 10);
        g.drawString(fmt(ymin), x0 + 5, bottom);
        g.drawString(p.yLabel(), left, top - 4);
        int legendY = top + 15;
        for (Series s : p.series()) {
            g.setColor(s.color());
            g.setStroke(new BasicStroke(s.x().length > 50 ? 1f : 2f));
            List<int[]> pts = new ArrayList<>();
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    pts.add(new int[]{left + (int) Math.round((s.x()[i] - xmin) / (xmax - xmin) * (right - left)),
                            bottom - (int) Math.round((s.y()[i] - ymin) / (ymax - ymin) * (bottom - top))});
                }
            }
            for (int i = 1; i < pts.size(); i++) {
                g.drawLine(pts.get(i - 1)[0], pts.get(i - 1)[1], pts.get(i)[0], pts.get(i)[1]);
            }
            if (s.x().length <= 50) {
                for (int[] pt : pts) {
                    g.fillOval(pt[0] - 3, pt[1] - 3, 6, 6);
                }
            }
            g.drawString(s.name(), right - 110, legendY);
            legendY += 14;
        }
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.3g", v);
    }
}
