package dev.altdiff.examples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code altdiff maros DIR}: the table and summary on the test copies of five Maros–Meszaros
 * problems and one Netlib LP, and an honest status (never an exception) for every kind of failure.
 */
class MarosCommandTest {
    static final Path MAROS = Path.of("src", "test", "resources", "maros");
    static final Path NETLIB = Path.of("src", "test", "resources", "netlib");

    @TempDir
    Path dir;

    /** @return the table row of a problem, split into cells */
    static String[] row(Cli.Result r, String name) {
        return r.out().lines().filter(l -> l.startsWith(name + " ") || l.startsWith("| " + name + " |"))
                .findFirst().map(l -> l.replace("|", " ").trim().split("\\s+"))
                .orElseThrow(() -> new AssertionError("no row for " + name + " in\n" + r));
    }

    @Test
    void smallMarosProblemsReachThePublishedObjective() {
        Cli.Result r = Cli.run("maros", MAROS.toString(), "--time-limit", "120");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("solved 5 of 5 within 1e-6 relative objective error"), r::toString);
        assertTrue(r.out().contains("statuses: solved 5"), r::toString);
        for (String name : List.of("hs118", "hs35mod", "hs52", "hs76", "qptest")) {
            String[] cells = row(r, name);
            assertEquals("solved", cells[5], name);
            assertEquals("yes", cells[11], name);
            assertTrue(Double.parseDouble(cells[10]) <= 1e-6, name);
        }
        String[] hs118 = row(r, "hs118");
        assertEquals(List.of("hs118", "15", "17", "0", "59"), List.of(hs118).subList(0, 5), "name n rows p m");
        assertTrue(r.out().startsWith("# altdiff maros "), r::toString);
    }

    /**
     * {@code --scaling 10}: the header names it, and the five small problems are still solved to the
     * published objective (the table is the caller's problem's, mapped back from the scaled run).
     */
    @Test
    void scalingSolvesTheSmallProblems() {
        Cli.Result r = Cli.run("maros", MAROS.toString(), "--scaling", "10", "--time-limit", "120");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().lines().findFirst().orElseThrow().endsWith(", scaling 10"), r::toString);
        assertTrue(r.out().contains("solved 5 of 5 within 1e-6 relative objective error"), r::toString);
        assertEquals(2, Cli.run("maros", MAROS.toString(), "--scaling", "-1").exit());
    }

    /**
     * {@code --polish} adds the column "polish" and a count per outcome; at the loose --tol 1e-5 the
     * polished points of these small problems reach the published objectives within 1e-6.
     */
    @Test
    void polishColumnAndSummary() {
        Cli.Result r = Cli.run("maros", MAROS.toString(), "--tol", "1e-5", "--polish", "--time-limit", "120");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("name ") && l.strip().endsWith(" polish   solver")),
                r::toString);
        for (String name : List.of("hs118", "hs35mod", "hs52", "hs76", "qptest")) {
            String[] cells = row(r, name);
            assertEquals("accepted", cells[12], name);
            assertEquals("yes", cells[11], name);
        }
        assertTrue(r.out().contains("solved 5 of 5 within 1e-6 relative objective error"), r::toString);
        assertTrue(r.out().contains("polish: accepted 5, rejected 0, failed 0, not applied 0"), r::toString);
    }

    /**
     * {@code --gradients} with adaptive ρ: every solved problem's Alt-Diff gradient (the same run again,
     * recorded) agrees with the KKT differentiator at the returned point, cosine ≥ 0.9999 (issue 5's
     * target), and the column holds the cosine.
     */
    @Test
    void gradientsOfSolvedProblemsAgreeWithKkt() {
        Cli.Result r = Cli.run("maros", MAROS.toString(), "--adaptive-rho", "--gradients", "--time-limit", "120");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("name ") && l.strip().endsWith(" grad_cos solver")),
                r::toString);
        assertTrue(r.out().contains("solved 5 of 5 within 1e-6 relative objective error"), r::toString);
        assertTrue(r.out().contains("gradients: 5 checked, 5 with cosine >= 0.9999 against kkt"), r::toString);
        for (String name : List.of("hs118", "hs35mod", "hs52", "hs76", "qptest")) {
            // maros polishes by default, so the polish column comes before grad_cos
            assertTrue(Double.parseDouble(row(r, name)[13]) >= 0.9999, name);
        }
        assertTrue(r.out().contains(", adaptive rho"), r::toString);
    }

    @Test
    void netlibLpWithMarkdownTable() {
        Cli.Result r = Cli.run("maros", NETLIB.toString(), "--markdown", "--time-limit", "120");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("| name | n | rows | p | m | status |"), r::toString);
        String[] sc50b = row(r, "sc50b");
        assertEquals("solved", sc50b[5], r::toString);
        assertTrue(r.out().contains("solved 1 of 1 within 1e-6 relative objective error"), r::toString);
    }

    @Test
    void everyFailureIsReportedAsAStatus() throws Exception {
        Files.copy(MAROS.resolve("QPTEST.QPS"), dir.resolve("QPTEST.QPS"));
        Files.copy(MAROS.resolve("HS76.QPS"), dir.resolve("HS76.QPS"));
        Files.writeString(dir.resolve("broken.qps"), "NAME broken\nROWS\n N obj\nCOLUMNS\n    x obj 1 nowhere 2\nENDATA\n");
        Files.writeString(dir.resolve("concave.qps"), "NAME concave\nROWS\n N obj\n L c\nCOLUMNS\n    x obj 1 c 1\n"
                + "RHS\n    rhs c 1\nQUADOBJ\n    x x -2\nENDATA\n");
        // 600 columns in 40 dense rows: 3 MB of dense blocks with the bounds' rows, too dense (6 %) for the sparse path
        StringBuilder big = new StringBuilder("NAME big\nROWS\n N obj\n");
        for (int i = 0; i < 40; i++) {
            big.append(" L c").append(i).append('\n');
        }
        big.append("COLUMNS\n");
        for (int j = 0; j < 600; j++) {
            big.append("    x").append(j).append(" obj 1\n");
            for (int i = 0; i < 40; i++) {
                big.append("    x").append(j).append(" c").append(i).append(" 1\n");
            }
        }
        Files.writeString(dir.resolve("big.mps"), big.append("RHS\n    rhs c0 1\nENDATA\n"));
        Files.writeString(dir.resolve("notes.txt"), "not a problem file");
        Files.writeString(dir.resolve("ref.csv"), "name,optimal_objective,objective_constant\nqptest,4.3718750e+00,\n"
                + "hs76,-4.6818182e+00,0\nconcave,1,\n");

        Cli.Result r = Cli.run("maros", dir.toString(), "--reference", dir.resolve("ref.csv").toString(),
                "--memory-limit", "1", "--time-limit", "120");
        assertEquals(0, r.exit(), r::toString);
        assertEquals("parse_error", row(r, "broken")[5]);
        assertEquals("invalid", row(r, "concave")[5]);
        assertEquals("too_large", row(r, "big")[5]);
        assertEquals("solved", row(r, "qptest")[5]);
        assertEquals("solved", row(r, "hs76")[5]);
        assertTrue(r.out().contains("broken: " + dir.resolve("broken.qps") + ":5: unknown row 'nowhere'"), r::toString);
        assertTrue(r.out().contains("concave: P is not positive semidefinite"), r::toString);
        assertTrue(r.out().contains("big: dense matrices need about"), r::toString);
        assertTrue(r.out().contains("solved 2 of 5 within 1e-6 relative objective error"), r::toString);
        assertTrue(r.out().contains("statuses: invalid 1, parse_error 1, solved 2, too_large 1"), r::toString);
        assertTrue(!r.out().contains("notes.txt"), "only .qps/.mps files are problems");

        Cli.Result capped = Cli.run("maros", dir.toString(), "--include", "^(qptest|hs76)$", "--max-iter", "3",
                "--no-polish", "--no-reference");
        assertEquals("max_iterations", row(capped, "qptest")[5]);
        assertEquals("3", row(capped, "qptest")[6]);
        assertTrue(capped.out().contains("solved 0 of 2 (solver status; no reference values)"), capped::toString);

        Cli.Result timed = Cli.run("maros", dir.toString(), "--include", "qptest", "--time-limit", "1e-9",
                "--no-polish");
        assertEquals("time_limit", row(timed, "qptest")[5]);
        assertTrue(timed.out().contains("solved 0 of 1 (solver status; no reference values)"), timed::toString);
    }

    /**
     * {@code --solver}: with ADMM capped at 15 iterations (too few for four of the five small problems), the
     * default {@code auto} hands those four to the interior-point method, which solves them to the published
     * objective; the column and the notes say which solver's point is reported and how ADMM's run ended.
     * {@code --solver ipm} alone solves all five; {@code --solver admm} reports ADMM's capped runs.
     */
    @Test
    void solverChoiceAndTheInteriorPointFallback() {
        Cli.Result auto = Cli.run("maros", MAROS.toString(), "--max-iter", "15", "--no-polish", "--time-limit", "120");
        assertEquals(0, auto.exit(), auto::toString);
        assertTrue(auto.out().contains("solved 5 of 5 within 1e-6 relative objective error"), auto::toString);
        assertTrue(auto.out().contains("solver: admm 1, ipm 4"), auto::toString);
        assertEquals("ipm", row(auto, "hs118")[12], auto::toString);
        assertTrue(auto.out().contains("hs118: admm: max_iterations after 15 iterations"), auto::toString);
        assertTrue(auto.out().lines().findFirst().orElseThrow().contains(", solver auto"), auto::toString);

        Cli.Result ipm = Cli.run("maros", MAROS.toString(), "--solver", "ipm", "--time-limit", "120");
        assertTrue(ipm.out().contains("solved 5 of 5 within 1e-6 relative objective error"), ipm::toString);
        assertTrue(ipm.out().contains("solver: ipm 5"), ipm::toString);

        Cli.Result admm = Cli.run("maros", MAROS.toString(), "--solver", "admm", "--max-iter", "15", "--no-polish");
        assertTrue(admm.out().contains("solver: admm 5"), admm::toString);
        assertEquals("max_iterations", row(admm, "hs118")[5], admm::toString);
        assertEquals(2, Cli.run("maros", MAROS.toString(), "--solver", "simplex").exit());
    }

    /**
     * A file whose dense blocks would be large and mostly zero (600 columns, one row, 600 bounds: 720 000
     * dense doubles, 0.2 % nonzero) is read sparse where the backend has sparse matrices (ojalgo) and dense
     * where it has none (nd4j); both solve it.
     */
    @Test
    void largeSparseFilesAreSolvedOnEitherBackend() throws Exception {
        StringBuilder wide = new StringBuilder("NAME wide\nROWS\n N obj\n L c\nCOLUMNS\n");
        for (int j = 0; j < 600; j++) {
            wide.append("    x").append(j).append(" obj ").append(1 + j % 7).append(" c 1\n");
        }
        wide.append("RHS\n    rhs c 1\nBOUNDS\n");
        for (int j = 0; j < 600; j++) {
            wide.append(" UP bnd x").append(j).append(" 2\n");
        }
        Files.writeString(dir.resolve("wide.mps"), wide.append("ENDATA\n"));
        for (String backend : List.of("ojalgo", "nd4j")) {
            Cli.Result r = Cli.run("maros", dir.toString(), "--backend", backend, "--no-reference", "--time-limit", "120");
            assertEquals(0, r.exit(), r::toString);
            assertEquals("solved", row(r, "wide")[5], backend + ": " + r);
        }
    }

    @Test
    void badArgumentsAreUsageErrors() throws Exception {
        assertEquals(2, Cli.run("maros", dir.resolve("absent").toString()).exit());
        assertEquals(2, Cli.run("maros", MAROS.toString(), "--time-limit", "-1").exit());
        assertEquals(2, Cli.run("maros", MAROS.toString(), "--truncation", "sometimes").exit());
        assertEquals(2, Cli.run("maros", MAROS.toString(), "--backend", "abacus").exit());
        Files.writeString(dir.resolve("bad.csv"), "problem,value\nqptest,1\n");
        Cli.Result r = Cli.run("maros", MAROS.toString(), "--reference", dir.resolve("bad.csv").toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("needs the columns name and optimal_objective"), r::toString);
    }
}
