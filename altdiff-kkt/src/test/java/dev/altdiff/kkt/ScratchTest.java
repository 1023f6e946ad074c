package dev.altdiff.kkt;

import dev.altdiff.api.*;
import dev.altdiff.core.*;
import org.junit.jupiter.api.Test;
import java.util.Random;
import java.util.Arrays;
import static dev.altdiff.kkt.Fixtures.*;

class ScratchTest {
    static void tryIt(String what, KktSolution s, double[] v) {
        try {
            Gradients g = s.backward(v);
            System.out.println(what + ": OK q=" + Arrays.toString(g.q()).substring(0, Math.min(80, Arrays.toString(g.q()).length())) + " h=" + (g.h() == null ? "-" : String.format("%.2e", normInf(g.h()))));
        } catch (RuntimeException e) {
            System.out.println(what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
    @Test void explore() {
        for (int seed = 1; seed <= 4; seed++) {
            PlantedQp pq = PlantedQp.generate(seed, 8, 2, 8, 0.1, true, 1);
            int weak = -1;
            for (int i = 0; i < 8; i++) if (!pq.active()[i] && pq.nu()[i] == 0 && Math.abs(Fixtures.dot(pq.problem().G()[i], pq.x()) - pq.problem().h()[i]) == 0) weak = i;
            double[] v = RandomQp.gaussian(new Random(1), 8);
            System.out.println("weak row " + weak);
            tryIt("at truth", KktDifferentiator.at(pq.problem(), pq.x(), pq.lambda(), pq.nu(), LA), v);
            for (Settings s : new Settings[]{TIGHT, Settings.DEFAULTS, Settings.DEFAULTS.withTolerance(1e-10)}) {
                KktSolution ks = new KktDifferentiator().solve(pq.problem(), s, LA);
                System.out.printf("  nu_w=%.2e r_w=%.2e s_w=%.2e%n", ks.solution().nu()[weak], Fixtures.dot(pq.problem().G()[weak], ks.solution().x()) - pq.problem().h()[weak], ks.solution().s()[weak]);
                tryIt("admm " + s.tolerance() + " " + s.truncation(), ks, v);
            }
        }
        // duplicate equality rows
        PlantedQp pq = PlantedQp.generate(5, 6, 2, 6, 0.1, true);
        double[][] a = pq.problem().A();
        double[][] a3 = {a[0], a[1], a[0].clone()};
        double[] b = pq.problem().b();
        QuadraticProgram dup = QuadraticProgram.builder(6).P(pq.problem().P()).q(pq.problem().q()).equalities(a3, new double[]{b[0], b[1], b[0]}).inequalities(pq.problem().G(), pq.problem().h()).build();
        tryIt("duplicate rows", new KktDifferentiator().solve(dup, TIGHT, LA), new double[]{1, 2, 3, 4, 5, 6});
        double[][] a4 = {a[0], a[1], new double[6]};
        for (int j = 0; j < 6; j++) a4[2][j] = 0.3 * a[0][j] - 0.7 * a[1][j];
        QuadraticProgram dep = QuadraticProgram.builder(6).P(pq.problem().P()).q(pq.problem().q()).equalities(a4, new double[]{b[0], b[1], 0.3 * b[0] - 0.7 * b[1]}).inequalities(pq.problem().G(), pq.problem().h()).build();
        tryIt("dependent rows", new KktDifferentiator().solve(dep, TIGHT, LA), new double[]{1, 2, 3, 4, 5, 6});
        // degenerate vertex: 3 active constraints in 2D
        QuadraticProgram dv = QuadraticProgram.builder(2).P(new double[][]{{1, 0}, {0, 1}}).q(new double[]{-1, -1}).inequalities(new double[][]{{1, 0}, {0, 1}, {1, 1}}, new double[]{0, 0, 0}).build();
        KktSolution ks = new KktDifferentiator().solve(dv, TIGHT, LA);
        System.out.println("degenerate vertex nu=" + Arrays.toString(ks.solution().nu()) + " x=" + Arrays.toString(ks.solution().x()));
        tryIt("degenerate vertex", ks, new double[]{1, 2});
        tryIt("degenerate vertex at", KktDifferentiator.at(dv, new double[]{0, 0}, new double[0], new double[]{0.5, 0.5, 0.5}, LA), new double[]{1, 2});
        // weakly active in 1D: min ½x² − x, x ≤ 1
        QuadraticProgram w1 = QuadraticProgram.builder(1).P(new double[][]{{1}}).q(new double[]{-1}).inequalities(new double[][]{{1}}, new double[]{1}).build();
        KktSolution k1 = new KktDifferentiator().solve(w1, TIGHT, LA);
        System.out.println("1d nu=" + Arrays.toString(k1.solution().nu()) + " x=" + Arrays.toString(k1.solution().x()));
        tryIt("1d weak", k1, new double[]{1});
    }
}
