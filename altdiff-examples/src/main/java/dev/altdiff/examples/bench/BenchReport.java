package dev.altdiff.examples.bench;

import dev.altdiff.examples.bench.BenchSuite.Family;
import dev.altdiff.examples.bench.BenchSuite.Method;
import dev.altdiff.examples.bench.BenchSuite.Row;
import dev.altdiff.examples.demo.PaperDemo;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Writes the results of a {@link BenchSuite} run: {@value #CSV} (one line per row, machine
 * readable), {@value #MARKDOWN} (the environment, one table per problem, the notes, the plots) and
 * the PNG plots (XChart): per dense family, forward + backward time against n (log–log, one series
 * per method), and per family the relative error of ∂(1ᵀx)/∂b against the truncation tolerance ε
 * (log–log, one series per size and mode, with the line error = ε for reference).
 */
public final class BenchReport {
    public static final String CSV = "results.csv";
    public static final String MARKDOWN = "results.md";
    /** The CSV header; the columns of {@link Row} in order. */
    public static final String CSV_HEADER = "family,n,p,m,method,tolerance,status,iterations,forward_ms,backward_ms,total_ms,"
            + "peak_rss_mb,working_set_mb,rel_err_x,rel_err_jac_b,rel_err_grad_b,cos_grad_b,cos_grad_q,cos_grad_h";

    private BenchReport() {
    }

    /**
     * Writes the CSV, the Markdown and the plots into {@code dir} (created if needed).
     *
     * @param command the command line that produced the results, quoted in the Markdown
     * @return the files written
     */
    public static List<Path> write(Path dir, BenchSuite.Result result, String command) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        files.add(Files.writeString(dir.resolve(CSV), csv(result.rows()), StandardCharsets.UTF_8));
        List<String> plots = plots(dir, result);
        plots.forEach(p -> files.add(dir.resolve(p)));
        files.add(Files.writeString(dir.resolve(MARKDOWN), markdown(result, command, plots), StandardCharsets.UTF_8));
        return files;
    }

    static String csv(List<Row> rows) {
        StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
        for (Row r : rows) {
            out.append(String.join(",", r.family().id, Integer.toString(r.size().n()), Integer.toString(r.size().p()),
                    Integer.toString(r.size().m()), r.method().id, num(r.tolerance()), csvText(r.status()),
                    Integer.toString(r.iterations()), num(r.forwardMs()), num(r.backwardMs()), num(r.totalMs()),
                    num(r.peakRssMb()), num(r.workingSetMb()), num(r.relErrX()), num(r.relErrJacB()),
                    num(r.relErrGradB()), num(r.cosB()), num(r.cosQ()), num(r.cosH()))).append('\n');
        }
        return out.toString();
    }

    /** The environment of this JVM: cores, JVM, OS, CPU model (Linux), heap limit. */
    static List<String> environment() {
        Runtime rt = Runtime.getRuntime();
        List<String> lines = new ArrayList<>();
        lines.add("cores: " + rt.availableProcessors() + cpuModel());
        lines.add("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vm.vendor") + "), max heap " + (rt.maxMemory() >> 20) + " MiB");
        lines.add("OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        return lines;
    }

    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(cpuinfo)) {
                for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
                    if (line.startsWith("model name")) {
                        return " (" + line.substring(line.indexOf(':') + 1).strip() + ")";
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
        return "";
    }

    public static String markdown(BenchSuite.Result result, String command, List<String> plots) {
        BenchSuite.Config c = result.config();
        StringBuilder out = new StringBuilder("# altdiff bench results\n\n");
        if (!result.complete()) {
            out.append("**Partial results:** ").append(result.casesDone()).append(" of ")
                    .append(c.cases().size()).append(" problems finished when this was written.\n\n");
        }
        out.append("Command: `").append(command).append("`  \n");
        out.append("Date: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(", wall time ")
                .append(String.format(Locale.ROOT, "%.1f s", result.seconds())).append("  \n");
        for (String line : environment()) {
            out.append(line).append("  \n");
        }
        out.append(String.format(Locale.ROOT, "Load average (1 min) before / after: %.2f / %.2f  %n",
                result.loadBefore(), result.loadAfter()));
        out.append("Backend: ").append(c.la().name()).append(c.families().contains(Family.ENTROPY)
                        ? " (entropy family: " + c.entropyLa().name() + ")" : "")
                .append(", seed ").append(c.seed()).append(", ")
                .append(c.warmups()).append(" warm-up and ").append(c.repeats())
                .append(" timed pass(es) per row, times are medians; forward mode while p + m <= ")
                .append(c.forwardLimit()).append(" and reverse mode's K <= ").append(c.forwardMaxIterations())
                .append(c.adaptiveRho() ? "; Alt-Diff rows of the QP families with adaptive rho (from 1)"
                        : "; Alt-Diff with the paper's fixed rho = 1")
                .append("\n\n");
        out.append("""
                Columns: iterations K; forward (solve) and backward (gradient of 1'x) time in ms; peak RSS: the \
                process's peak resident memory during the row (includes the heap committed for earlier rows); \
                model: the method's working set from its algorithm (leading terms, MiB); errors against the KKT \
                row: relative error of x, of the Jacobian dx/db (forward mode only), of dl/db, and cosine \
                similarity of dl/db, dl/dq, dl/dh, where l = 1'x (sparsemax: l = v'x, v standard normal); an \
                empty cosine means KKT's gradient of that block is zero. KKT's tolerance is its forward solve's \
                residual tolerance (entropy: relative change); the notes give each reference point's residuals. \
                Entropy tables: the objective's parameter is y, so the q column holds the cosine of dl/dy \
                ("cos grad y"), and memory is modelled for its Newton x-step (Woodbury form).

                """);
        Map<String, List<Row>> byCase = new LinkedHashMap<>();
        for (Row r : result.rows()) {
            byCase.computeIfAbsent(r.family().id + " " + r.size(), k -> new ArrayList<>()).add(r);
        }
        for (List<Row> rows : byCase.values()) {
            Row first = rows.get(0);
            out.append("## ").append(first.family().id).append(" n=").append(first.size().n()).append(" p=")
                    .append(first.size().p()).append(" m=").append(first.size().m()).append("\n\n")
                    .append(first.family().description).append("\n\n");
            out.append("| method | eps | status | iters | fwd ms | bwd ms | peak RSS MiB | model MiB | rel err x"
                    + " | rel err dx/db | rel err grad b | cos grad b | cos grad "
                    + (first.family() == Family.ENTROPY ? "y" : "q") + " | cos grad h |\n");
            out.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Row r : rows) {
                out.append("| ").append(r.method().label).append(" | ").append(BenchSuite.tol(r.tolerance()))
                        .append(" | ").append(r.status().replace("|", "/")).append(" | ").append(r.iterations())
                        .append(" | ").append(fixed(r.forwardMs(), 1)).append(" | ").append(fixed(r.backwardMs(), 1))
                        .append(" | ").append(fixed(r.peakRssMb(), 0)).append(" | ").append(significant(r.workingSetMb()))
                        .append(" | ").append(sci(r.relErrX())).append(" | ").append(sci(r.relErrJacB()))
                        .append(" | ").append(sci(r.relErrGradB())).append(" | ").append(fixed(r.cosB(), 6))
                        .append(" | ").append(fixed(r.cosQ(), 6)).append(" | ").append(fixed(r.cosH(), 6))
                        .append(" |\n");
            }
            out.append('\n');
        }
        out.append("## Notes\n\n");
        for (String note : result.notes()) {
            out.append("* ").append(note).append('\n');
        }
        out.append('\n');
        if (!plots.isEmpty()) {
            out.append("## Plots\n\n");
            for (String p : plots) {
                out.append("![").append(p).append("](").append(p).append(")\n\n");
            }
        }
        return out.toString();
    }

    /** Writes the plots; returns their file names. */
    static List<String> plots(Path dir, BenchSuite.Result result) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> names = new ArrayList<>();
        List<Double> tolerances = result.config().tolerances();
        double loosest = tolerances.stream().mapToDouble(d -> d).max().orElseThrow();
        double tightest = tolerances.stream().mapToDouble(d -> d).min().orElseThrow();
        for (Family f : result.config().families()) {
            List<Row> rows = result.rows().stream().filter(r -> r.family() == f && !r.status().startsWith("failed"))
                    .toList();
            if (rows.isEmpty()) {
                continue;
            }
            if (f != Family.SPARSEMAX) {
                String backend = (f == Family.ENTROPY ? result.config().entropyLa() : result.config().la()).name();
                XYChart time = chart("time vs n: " + f.id + " (" + backend + ")", "n (variables)",
                        "forward + backward time [ms]", false);
                addSeries(time, "KKT", rows, r -> r.method() == Method.KKT, r -> r.size().n(), Row::totalMs);
                for (Method m : List.of(Method.REVERSE, Method.FORWARD)) {
                    for (double eps : loosest == tightest ? List.of(loosest) : List.of(loosest, tightest)) {
                        addSeries(time, m.label + " eps=" + BenchSuite.tol(eps), rows,
                                r -> r.method() == m && r.tolerance() == eps, r -> r.size().n(), Row::totalMs);
                    }
                }
                names.add(save(time, dir, "time-vs-n-" + f.id));
            }
            XYChart error = chart("gradient error vs tolerance: " + f.id, "truncation tolerance eps",
                    "rel. error of dl/db vs KKT (l = 1'x; sparsemax v'x)", true);
            for (PaperDemo.Size size : rows.stream().map(Row::size).distinct().toList()) {
                for (Method m : List.of(Method.REVERSE, Method.FORWARD)) {
                    addSeries(error, m.label + " " + size, rows, r -> r.method() == m && r.size().equals(size),
                            Row::tolerance, Row::relErrGradB);
                }
            }
            double[] eps = tolerances.stream().mapToDouble(d -> d).sorted().toArray();
            if (!error.getSeriesMap().isEmpty()) {
                XYSeries bound = error.addSeries("error = eps (reference)", eps, eps);
                bound.setMarker(SeriesMarkers.NONE);
                bound.setLineColor(Color.GRAY);
                bound.setLineStyle(SeriesLines.DASH_DASH);
                names.add(save(error, dir, "grad-error-vs-tol-" + f.id));
            }
        }
        return names;
    }

    /** A log–log chart; {@code decadesOnly}: tick labels at powers of 10 only (for data over many decades). */
    private static XYChart chart(String title, String xTitle, String yTitle, boolean decadesOnly) {
        XYChart chart = new XYChartBuilder().width(800).height(560).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
                .build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisLogarithmicDecadeOnly(decadesOnly);
        chart.getStyler().setYAxisLogarithmicDecadeOnly(decadesOnly);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(7);
        return chart;
    }

    /** Adds the rows matching {@code filter} as a series, skipping points a log axis cannot show. */
    private static void addSeries(XYChart chart, String name, List<Row> rows, java.util.function.Predicate<Row> filter,
                                  ToDoubleFunction<Row> x, ToDoubleFunction<Row> y) {
        List<double[]> points = rows.stream().filter(filter).map(r -> new double[] {x.applyAsDouble(r),
                y.applyAsDouble(r)}).filter(p -> p[0] > 0 && p[1] > 0 && Double.isFinite(p[0])
                && Double.isFinite(p[1])).sorted((a, b) -> Double.compare(a[0], b[0])).toList();
        if (points.isEmpty()) {
            return;
        }
        XYSeries series = chart.addSeries(name, points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray());
        if (name.startsWith(Method.FORWARD.label)) { // dashed, so that reverse mode shows where the two coincide
            series.setLineStyle(SeriesLines.DASH_DASH);
        }
    }

    private static String save(XYChart chart, Path dir, String base) throws IOException {
        BitmapEncoder.saveBitmap(chart, dir.resolve(base).toString(), BitmapEncoder.BitmapFormat.PNG);
        return base + ".png";
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String csvText(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String fixed(double v, int digits) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String significant(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String sci(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2e", v);
    }
}
