package dev.altdiff.examples.dl4j;

import dev.altdiff.api.Settings;
import dev.altdiff.api.Truncation;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The energy-scheduling example's pieces: the expected cost and its derivatives (finite
 * differences), the SQP schedule (KKT conditions of the nonlinear problem), the gradient through
 * the last QP (finite differences of the whole schedule), and the task cost.
 */
class EnergyTest {
    private static final ExpectedCost COST = ExpectedCost.paper();

    @Test
    void normalDistributionFunction() {
        assertEquals(0.5, ExpectedCost.cdf(0), 1e-15);
        assertEquals(0.9750021048517795, ExpectedCost.cdf(1.96), 1e-14);
        assertEquals(0.15865525393145707, ExpectedCost.cdf(-1), 1e-14);
        assertEquals(3.1671241833119857e-05, ExpectedCost.cdf(-4), 1e-17);
        assertEquals(1.2798125438858352e-12, ExpectedCost.cdf(-7), 1e-20);
        for (double a = -8; a <= 8; a += 0.37) {
            double e = 1e-5;
            double fd = (ExpectedCost.cdf(a + e) - ExpectedCost.cdf(a - e)) / (2 * e);
            assertEquals(ExpectedCost.pdf(a), fd, 1e-9, "a = " + a);
        }
    }

    @Test
    void expectedCostMatchesMonteCarloAndItsDerivatives() {
        double mu = 1.7;
        double sigma = 0.15;
        // E[cost(z, y)] by quadrature over y (trapezoid on ±10σ)
        for (double z : new double[]{1.5, 1.7, 1.9, 2.1}) {
            double sum = 0;
            int k = 200_000;
            double lo = mu - 10 * sigma;
            double w = 20 * sigma / k;
            for (int i = 0; i <= k; i++) {
                double y = lo + i * w;
                double wt = (i == 0 || i == k ? 0.5 : 1) * w;
                sum += wt * ExpectedCost.pdf((y - mu) / sigma) / sigma * COST.cost(z, y);
            }
            assertEquals(sum, COST.value(z, mu, sigma), 1e-6, "z = " + z);
        }
        double e = 1e-6;
        for (double z = 1.0; z <= 2.5; z += 0.05) {
            assertEquals((COST.value(z + e, mu, sigma) - COST.value(z - e, mu, sigma)) / (2 * e),
                    COST.first(z, mu, sigma), 1e-6, "f' at " + z);
            assertEquals((COST.first(z + e, mu, sigma) - COST.first(z - e, mu, sigma)) / (2 * e),
                    COST.second(z, mu, sigma), 1e-4, "f'' at " + z);
            assertEquals((COST.first(z, mu + e, sigma) - COST.first(z, mu - e, sigma)) / (2 * e),
                    COST.firstDMu(z, mu, sigma), 1e-4, "df'/dmu at " + z);
            assertEquals((COST.first(z, mu, sigma + e) - COST.first(z, mu, sigma - e)) / (2 * e),
                    COST.firstDSigma(z, mu, sigma), 1e-4, "df'/dsigma at " + z);
            double scale = Math.max(1, Math.abs(COST.secondDMu(z, mu, sigma)));
            assertEquals((COST.second(z, mu + e, sigma) - COST.second(z, mu - e, sigma)) / (2 * e) / scale,
                    COST.secondDMu(z, mu, sigma) / scale, 1e-5, "df''/dmu at " + z);
            scale = Math.max(1, Math.abs(COST.secondDSigma(z, mu, sigma)));
            assertEquals((COST.second(z, mu, sigma + e) - COST.second(z, mu, sigma - e)) / (2 * e) / scale,
                    COST.secondDSigma(z, mu, sigma) / scale, 1e-5, "df''/dsigma at " + z);
            assertTrue(COST.second(z, mu, sigma) > 1);
        }
    }

    @Test
    void taskCost() {
        assertEquals(50 * 0.2 + 0.5 * 0.04, COST.cost(1.0, 1.2), 1e-12);
        assertEquals(0.5 * 0.3 + 0.5 * 0.09, COST.cost(1.5, 1.2), 1e-12);
        assertEquals(0, COST.cost(1.2, 1.2), 0);
        assertEquals(COST.cost(1.0, 1.2) + COST.cost(1.5, 1.2), COST.dayCost(new double[]{1.0, 1.5}, new double[]{1.2, 1.2}),
                1e-12);
        assertEquals(-50 - 0.2, COST.costDerivative(1.0, 1.2), 1e-12);
        assertEquals(0.5 + 0.3, COST.costDerivative(1.5, 1.2), 1e-12);
    }

    /** A day whose forecast jumps by more than the ramp allows, so that ramp rows bind. */
    private static double[][][] day(long seed, int batch) {
        Random r = new Random(seed);
        double[][] mu = new double[batch][24];
        double[][] sigma = new double[batch][24];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < 24; t++) {
                mu[b][t] = 1.5 + 0.6 * Math.sin(2 * Math.PI * (t + 3 * b) / 24) + (t == 12 ? 1.2 : 0) + 0.05 * r.nextGaussian();
                sigma[b][t] = 0.05 + 0.2 * r.nextDouble();
            }
        }
        return new double[][][]{mu, sigma};
    }

    private static Scheduler scheduler(double tolerance) {
        return new Scheduler(COST, 24, ExpectedCost.RAMP, "ojalgo",
                new Settings(1.0, tolerance, 20_000, Truncation.RELATIVE_CHANGE), 50, 1e-9);
    }

    @Test
    void sqpReachesTheKktPointOfTheExpectedCost() {
        double[][][] d = day(3, 4);
        try (Scheduler s = scheduler(1e-12)) {
            Scheduler.Result r = s.schedule(d[0], d[1], true);
            assertEquals(0, r.unsolved());
            assertTrue(r.sqpIterations() > 1 && r.sqpIterations() < 50, "SQP iterations " + r.sqpIterations());
            double[][] g = s.g();
            double[] h = s.h();
            int binding = 0;
            for (int b = 0; b < 4; b++) {
                double[] z = r.z()[b];
                double[] nu = r.nu()[b];
                for (int t = 0; t < 24; t++) {
                    double grad = COST.first(z[t], d[0][b][t], d[1][b][t]);
                    for (int i = 0; i < g.length; i++) {
                        grad += g[i][t] * nu[i];
                    }
                    assertEquals(0, grad, 1e-6, "stationarity, sample " + b + " hour " + t);
                }
                for (int i = 0; i < g.length; i++) {
                    double gz = 0;
                    for (int t = 0; t < 24; t++) {
                        gz += g[i][t] * z[t];
                    }
                    assertTrue(gz <= h[i] + 1e-7, "feasibility row " + i);
                    assertTrue(nu[i] >= -1e-9, "nu >= 0, row " + i);
                    assertEquals(0, nu[i] * (h[i] - gz), 1e-7, "complementarity row " + i);
                    if (nu[i] > 1e-3) {
                        binding++;
                    }
                }
                // the hourly minimisers of f (f' = 0, by bisection) violate the ramps: the schedule differs from them
                double gap = 0;
                for (int t = 0; t < 24; t++) {
                    double lo = d[0][b][t] - 10;
                    double hi = d[0][b][t] + 10;
                    for (int i = 0; i < 200; i++) {
                        double mid = 0.5 * (lo + hi);
                        if (COST.first(mid, d[0][b][t], d[1][b][t]) > 0) {
                            hi = mid;
                        } else {
                            lo = mid;
                        }
                    }
                    gap = Math.max(gap, Math.abs(z[t] - lo));
                }
                assertTrue(gap > 0.05, "the ramps do not bind: " + gap);
            }
            assertTrue(binding >= 4, "binding ramp rows: " + binding);
            // optimality against feasible perturbations: no feasible neighbour is better
            double best = COST.expected(r.z()[0], d[0][0], d[1][0]);
            Random rnd = new Random(5);
            for (int k = 0; k < 200; k++) {
                double[] z = r.z()[0].clone();
                for (int t = 0; t < 24; t++) {
                    z[t] += 1e-3 * rnd.nextGaussian();
                }
                boolean feasible = true;
                for (int t = 0; t + 1 < 24; t++) {
                    feasible &= Math.abs(z[t + 1] - z[t]) <= ExpectedCost.RAMP;
                }
                if (feasible) {
                    assertTrue(COST.expected(z, d[0][0], d[1][0]) >= best - 1e-9);
                }
            }
        }
    }

    @Test
    void gradientThroughTheLastQpMatchesFiniteDifferences() {
        double[][][] d = day(11, 2);
        double[][] y = new double[2][24];
        Random r = new Random(2);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 24; t++) {
                y[b][t] = d[0][b][t] + 0.3 * r.nextGaussian();
            }
        }
        try (Scheduler s = scheduler(1e-13)) {
            Scheduler.Result res = s.schedule(d[0], d[1], true);
            double[][] dz = new double[2][24];
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 24; t++) {
                    dz[b][t] = COST.costDerivative(res.z()[b][t], y[b][t]);
                }
            }
            double[][][] grad = s.backward(res, dz);
            double e = 1e-6;
            int checked = 0;
            for (int b = 0; b < 2; b++) {
                for (int t : new int[]{0, 5, 11, 12, 13, 20}) {
                    for (int which = 0; which < 2; which++) {
                        double[][] plus = copy(d[which]);
                        double[][] minus = copy(d[which]);
                        plus[b][t] += e;
                        minus[b][t] -= e;
                        double lp = loss(s, which == 0 ? plus : d[0], which == 1 ? plus : d[1], y);
                        double lm = loss(s, which == 0 ? minus : d[0], which == 1 ? minus : d[1], y);
                        double fd = (lp - lm) / (2 * e);
                        double an = grad[which][b][t];
                        assertEquals(fd, an, 1e-4 * Math.max(1, Math.abs(fd)),
                                (which == 0 ? "dl/dmu" : "dl/dsigma") + " sample " + b + " hour " + t);
                        checked++;
                    }
                }
            }
            assertEquals(24, checked);
        }
    }

    private static double loss(Scheduler s, double[][] mu, double[][] sigma, double[][] y) {
        Scheduler.Result r = s.schedule(mu, sigma, false);
        double sum = 0;
        for (int b = 0; b < y.length; b++) {
            sum += COST.dayCost(r.z()[b], y[b]);
        }
        return sum;
    }

    private static double[][] copy(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }

    private static Energy.Days slice() throws IOException, URISyntaxException {
        return Energy.load(Path.of(EnergyTest.class.getResource("/pjm/pjm_load_data_2012-slice.txt").toURI()).getParent());
    }

    @Test
    void loadsTheDataSlice() throws Exception {
        Energy.Days days = slice();
        // 2011-12-31 .. 2012-02-10 (local time) in the slice; the first day has no previous day
        assertEquals(LocalDate.of(2012, 1, 1), days.dates()[0]);
        assertEquals(LocalDate.of(2012, 2, 10), days.dates()[days.size() - 1]);
        assertEquals(41, days.size());
        assertEquals(Energy.FEATURES, days.features()[0].length);
        assertEquals(106, Energy.FEATURES);
        // the first line: 2011-12-31 00:00 EST (1.32530760e+09), load 1.503; the next hour 1.423
        assertEquals(1.503, days.features()[0][0], 1e-12);
        assertEquals(1.423, days.features()[0][1], 1e-12);
        for (int i = 1; i < days.size(); i++) {
            assertEquals(days.dates()[i - 1].plusDays(1), days.dates()[i]);
            double[] x = days.features()[i];
            for (int t = 0; t < 24; t++) {
                assertEquals(days.load()[i - 1][t], x[t], 0, "previous day's load");
                assertEquals(x[24 + t] * x[24 + t], x[48 + t], 1e-9, "temperature squared");
                assertTrue(days.load()[i][t] > 0.5 && days.load()[i][t] < 3.5);
            }
            double weekday = 0;
            for (int k = 0; k < 7; k++) {
                weekday += x[96 + k];
            }
            assertEquals(1, weekday, 0);
            assertEquals(1, x[96 + days.dates()[i].getDayOfWeek().getValue() - 1], 0);
            assertEquals(1, x[104] * x[104] + x[105] * x[105], 1e-12);
        }
        assertTrue(Energy.holiday(LocalDate.of(2012, 11, 22)));
        assertTrue(Energy.holiday(LocalDate.of(2012, 5, 28)));
        assertTrue(Energy.holiday(LocalDate.of(2012, 9, 3)));
        assertTrue(Energy.holiday(LocalDate.of(2016, 7, 4)));
        assertTrue(!Energy.holiday(LocalDate.of(2012, 11, 29)));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Energy.load(Path.of("no/such/folder")));
    }

    @Test
    void fillsMissingAndDuplicateHours() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        long start = 1325394000L; // 2012-01-01 00:00 EST
        for (int h = 0; h < 72; h++) {
            if (h == 30 || h == 31) {
                continue; // day 2, hours 6 and 7 missing: forward-filled from hour 5
            }
            lines.add(" " + (start + 3600L * h) + " " + (1 + h / 100.0) + " " + (30 + h));
            if (h == 40) {
                lines.add(" " + (start + 3600L * h) + " 9.0 99"); // a duplicate hour: the first value is kept
            }
        }
        Energy.Days days = Energy.parse(lines);
        assertEquals(2, days.size());
        assertEquals(1 + 29 / 100.0, days.load()[0][6], 1e-12);
        assertEquals(1 + 29 / 100.0, days.load()[0][7], 1e-12);
        assertEquals(1 + 40 / 100.0, days.load()[0][16], 1e-12);
        assertEquals(1 + 24 / 100.0, days.features()[1][0], 1e-12);
    }

    /** Finite differences of the NLL in the raw outputs. */
    @Test
    void likelihoodErrorMatchesFiniteDifferences() {
        Random r = new Random(4);
        Energy.Scaling s = scaling();
        double[][] raw = new double[2][48];
        double[][] y = new double[2][24];
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 48; j++) {
                raw[b][j] = r.nextGaussian();
            }
            for (int t = 0; t < 24; t++) {
                y[b][t] = 1.5 + 0.3 * r.nextGaussian();
            }
        }
        double[] loss = new double[1];
        double[][] eps = Energy.nllError(Energy.forecast(raw, s), y, s, loss);
        double e = 1e-6;
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 48; j += 5) {
                double[][] plus = copy(raw);
                double[][] minus = copy(raw);
                plus[b][j] += e;
                minus[b][j] -= e;
                double[] lp = new double[1];
                double[] lm = new double[1];
                Energy.nllError(Energy.forecast(plus, s), y, s, lp);
                Energy.nllError(Energy.forecast(minus, s), y, s, lm);
                assertEquals((lp[0] - lm[0]) / (2 * e), eps[b][j], 1e-7, "output " + j);
            }
        }
    }

    /** Finite differences of the task cost of the schedule in the raw network outputs (softplus, scaling, SQP). */
    @Test
    void taskErrorMatchesFiniteDifferences() {
        Random r = new Random(8);
        Energy.Scaling s = scaling();
        double[][] raw = new double[1][48];
        double[][] y = new double[1][24];
        for (int t = 0; t < 24; t++) {
            raw[0][t] = (t == 12 ? 3 : 0.5) * Math.sin(t / 3.0);
            raw[0][24 + t] = -1 + 0.3 * r.nextGaussian();
            y[0][t] = s.yMean()[t] + s.yStd()[t] * raw[0][t] + 0.2 * r.nextGaussian();
        }
        try (Scheduler sch = scheduler(1e-13)) {
            Energy.Forecast f = Energy.forecast(raw, s);
            Scheduler.Result res = sch.schedule(f.mu(), f.sigma(), true);
            double[][] dz = new double[1][24];
            for (int t = 0; t < 24; t++) {
                dz[0][t] = COST.costDerivative(res.z()[0][t], y[0][t]);
            }
            double[][][] g = sch.backward(res, dz);
            double[][] eps = Energy.taskError(f, g[0], g[1], s);
            double e = 1e-6;
            for (int j : new int[]{0, 7, 12, 13, 30, 36, 37, 47}) {
                double[][] plus = copy(raw);
                double[][] minus = copy(raw);
                plus[0][j] += e;
                minus[0][j] -= e;
                double fd = (taskLoss(sch, plus, s, y) - taskLoss(sch, minus, s, y)) / (2 * e);
                assertEquals(fd, eps[0][j], 1e-4 * Math.max(1, Math.abs(fd)), "output " + j);
            }
        }
    }

    private static double taskLoss(Scheduler sch, double[][] raw, Energy.Scaling s, double[][] y) {
        Energy.Forecast f = Energy.forecast(raw, s);
        return COST.dayCost(sch.schedule(f.mu(), f.sigma(), false).z()[0], y[0]);
    }

    private static Energy.Scaling scaling() {
        double[] xm = new double[Energy.FEATURES];
        double[] xs = new double[Energy.FEATURES];
        java.util.Arrays.fill(xs, 1);
        double[] ym = new double[24];
        double[] ys = new double[24];
        for (int t = 0; t < 24; t++) {
            ym[t] = 1.6 + 0.3 * Math.sin(t / 4.0);
            ys[t] = 0.25 + 0.01 * t;
        }
        return new Energy.Scaling(xm, xs, ym, ys);
    }

    /**
     * A short run on the 41 days of the slice (33 train, 8 test; far too few to generalise): the likelihood phase lowers the NLL,
     * the end-to-end phase (from the likelihood net) lowers the training task cost, and both report
     * finite held-out task costs.
     */
    @Test
    void shortTrainingRunOnTheSlice() throws Exception {
        Energy.Days all = slice();
        Energy.Days train = all.range(0, 33);
        Energy.Days test = all.range(33, all.size());
        Energy.Scaling s = Energy.Scaling.fit(train);
        try (Scheduler sch = new Scheduler(COST, 24, ExpectedCost.RAMP, "ojalgo",
                new Settings(1.0, 1e-6, 5000, Truncation.RELATIVE_CHANGE), 20, 1e-4)) {
            MultiLayerNetwork nll = new MultiLayerNetwork(Energy.configuration(Energy.FEATURES, 32, 1e-2, 3));
            nll.init();
            java.io.PrintWriter log = new java.io.PrintWriter(System.out, true);
            History hn = Energy.train(nll, Energy.Objective.NLL, s, train, test, sch, 5, 11, 1, 1, null, log);
            assertTrue(hn.last().trainLoss() < hn.epochs().get(0).trainLoss(), "NLL did not fall");
            MultiLayerNetwork task = new MultiLayerNetwork(Energy.configuration(Energy.FEATURES, 32, 1e-3, 3));
            task.init();
            task.setParams(nll.params().dup());
            double before = Energy.evaluate(task, s, train, sch).taskCost();
            History ht = Energy.train(task, Energy.Objective.TASK, s, train, test, sch, 3, 11, 2, 1, null, log);
            double after = Energy.evaluate(task, s, train, sch).taskCost();
            System.out.printf("slice: training task cost %.3f -> %.3f per day; held-out %.3f (likelihood) -> %.3f (task)%n",
                    before, after, hn.last().testAccuracy(), ht.last().testAccuracy());
            assertTrue(after < before, "training task cost did not fall: " + before + " -> " + after);
            assertTrue(Double.isFinite(ht.last().testAccuracy()) && ht.last().testAccuracy() > 0);
            assertEquals(0, ht.last().unsolved());
            assertEquals(3, ht.last().batches());
        }
    }
}
