package dev.altdiff.examples.cli;

import dev.altdiff.api.Block;
import dev.altdiff.api.DifferentiableSolution;
import dev.altdiff.api.Differentiator;
import dev.altdiff.api.Gradients;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.Solution;
import dev.altdiff.api.Status;
import dev.altdiff.api.linalg.LinearAlgebra;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A test-only differentiator (registered in src/test/resources as {@code test-fake}) for outcomes
 * the real solvers do not produce on demand. The problem's name selects the outcome: a
 * {@link Status} name ("primal_infeasible", …) reports that status; "nan-x" puts a NaN into x,
 * "inf-grad" an infinity into the q gradient.
 */
public final class FakeDifferentiator implements Differentiator {
    @Override public String name() { return "test-fake"; }

    @Override public Set<Block> blocks() { return EnumSet.of(Block.q); }

    @Override public DifferentiableSolution solve(QuadraticProgram problem, Settings settings, LinearAlgebra backend) {
        String name = problem.name();
        Status status = Arrays.stream(Status.values()).filter(s -> s.jsonName().equals(name)).findFirst()
                .orElse(Status.SOLVED);
        double[] x = new double[problem.n()];
        if (name.equals("nan-x")) {
            x[0] = Double.NaN;
        }
        Solution solution = new Solution(x, new double[problem.p()], new double[problem.m()], new double[problem.m()],
                status, 1, 0, 0, 0);
        return new DifferentiableSolution() {
            @Override public Solution solution() { return solution; }

            @Override public Gradients backward(double[] v) {
                double[] gq = new double[v.length];
                if (name.toLowerCase(Locale.ROOT).equals("inf-grad")) {
                    gq[0] = Double.POSITIVE_INFINITY;
                }
                return new Gradients(null, gq, null, null, null, null);
            }
        };
    }
}
