package dev.altdiff.examples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one solver-options mixin: every command that has it has its defaults, its aliases and its refusals. */
class SolverOptionsTest {

    /** Every (sub)command that mixes in the solver options, found by walking the command tree. */
    private static List<CommandSpec> withSolverOptions() {
        List<CommandSpec> out = new ArrayList<>();
        List<CommandLine> todo = new ArrayList<>(List.of(AltdiffCommand.commandLine()));
        while (!todo.isEmpty()) {
            CommandLine cl = todo.remove(todo.size() - 1);
            todo.addAll(cl.getSubcommands().values());
            if (cl.getCommandSpec().findOption("--rho") != null) {
                out.add(cl.getCommandSpec());
            }
        }
        return out;
    }

    @Test
    void everyCommandWithTheMixinHasADefaultForEachOption() throws Exception {
        List<CommandSpec> commands = withSolverOptions();
        assertEquals(11, commands.size(), "solve, maros, bench, bench-layer, bench-sparse, bench-speed, demo, 4 train examples");
        for (CommandSpec c : commands) {
            for (String name : List.of("--backend", "--rho", "--tol", "--max-iter", "--truncation",
                    "--infeasibility-tol", "--scaling", "--time-limit")) {
                OptionSpec option = c.findOption(name);
                assertNotNull(option, c.qualifiedName() + " " + name);
                assertNotNull(c.defaultValueProvider().defaultValue(option), c.qualifiedName() + " " + name);
            }
            // the switches have no picocli default (not given: the command's row), see SolverOptions
            for (String name : List.of("--polish", "--adaptive-rho", "--preset")) {
                assertNotNull(c.findOption(name), c.qualifiedName() + " " + name);
                assertNull(c.defaultValueProvider().defaultValue(c.findOption(name)), c.qualifiedName() + " " + name);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"maros, --tol, 1e-7", "maros, --truncation, residuals", "solve, --tol, 1e-7", "bench, --backend, nd4j",
            "bench-layer, --tol, 1e-4", "solve, --max-iter, 10000", "maros, --time-limit, 30", "solve, --time-limit, 0",
            "solve, --x-step, one-run", "bench-layer, --x-step, reused"})
    void helpShowsEachCommandsOwnDefault(String command, String option, String value) {
        Cli.Result r = Cli.run(command, "--help");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().substring(r.out().indexOf("      " + option)).lines().toList();
        StringBuilder description = new StringBuilder(lines.get(0));
        for (int i = 1; i < lines.size() && lines.get(i).startsWith("                     "); i++) {
            description.append(' ').append(lines.get(i).strip()); // the option's continuation lines
        }
        assertTrue(description.toString().contains("default: " + value + ")"), description.toString());
    }

    @Test
    void longAliasesGiveTheSameRun() {
        Cli.Result shortNames = Cli.run("solve", SolveCommandTest.SAMPLE, "--tol", "1e-9", "--max-iter", "500");
        Cli.Result longNames = Cli.run("solve", SolveCommandTest.SAMPLE, "--tolerance", "1e-9", "--max-iterations",
                "500");
        assertEquals(0, shortNames.exit(), shortNames.toString());
        assertEquals(shortNames.json().get("x"), longNames.json().get("x"));
        assertEquals(shortNames.json().get("iterations"), longNames.json().get("iterations"));
    }

    /**
     * --x-step names the form of {@link dev.altdiff.api.XStepForm}: the same solution to the tolerance whichever runs
     * (the same map up to rounding), a clear refusal for an unknown name.
     */
    @Test
    void theXStepFormsGiveTheSameSolution() {
        com.fasterxml.jackson.databind.JsonNode reference = null;
        for (String form : List.of("one-run", "reused", "full", "reduced")) {
            Cli.Result r = Cli.run("solve", SolveCommandTest.SAMPLE, "--tol", "1e-9", "--x-step", form);
            assertEquals(0, r.exit(), r.toString());
            if (reference == null) {
                reference = r.json().get("x");
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode x = r.json().get("x");
            assertEquals(reference.size(), x.size());
            for (int i = 0; i < x.size(); i++) {
                double a = reference.get(i).asDouble();
                assertEquals(a, x.get(i).asDouble(), 1e-6 * (1 + Math.abs(a)), form + " x[" + i + "]");
            }
        }
        Cli.Result bad = Cli.run("solve", SolveCommandTest.SAMPLE, "--x-step", "half");
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("--x-step must be reused, one-run, full or reduced, got half"), bad.err());
    }

    @ParameterizedTest
    @CsvSource({"demo, --tol, 1e-3", "bench, --rho, 2", "bench, --max-iter, 10"})
    void anOptionTheCommandDoesNotUseIsRefusedWithWhatToDoInstead(String command, String option, String value) {
        Cli.Result r = Cli.run(command, option, value);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains(option + " does not apply to altdiff " + command + ": "), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
