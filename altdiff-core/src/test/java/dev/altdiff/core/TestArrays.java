package dev.altdiff.core;

import java.util.ArrayList;
import java.util.List;

/** Array helpers shared by the general-objective path's tests (directions for differences, flattening). */
final class TestArrays {
    private TestArrays() {
    }

    /** @return x + t·d, new */
    static double[] axpy(double[] x, double t, double[] d) {
        double[] out = x.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += t * d[i];
        }
        return out;
    }

    /** @return x + t·d row by row, new */
    static double[][] axpy(double[][] x, double t, double[][] d) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = axpy(x[i], t, d[i]);
        }
        return out;
    }

    /** @return the rows of a side by side (row-major) */
    static double[] flat(double[][] a) {
        int c = a[0].length;
        double[] out = new double[a.length * c];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * c, c);
        }
        return out;
    }

    /** @return ⟨g, d⟩ in one block of a general program's gradient: "y" (θ), "b", "h", "A" or "G" */
    static double inner(dev.altdiff.api.objective.ObjectiveGradients g, String block, double[] dy, double[] db,
                        double[] dh, double[][] dA, double[][] dG) {
        return switch (block) {
            case "y" -> Vectors.dot(g.theta(), dy);
            case "b" -> Vectors.dot(g.b(), db);
            case "h" -> Vectors.dot(g.h(), dh);
            case "A" -> Vectors.dot(flat(g.A()), flat(dA));
            default -> Vectors.dot(flat(g.G()), flat(dG));
        };
    }

    /** @return the ρ of each iteration of a general run */
    static List<Double> rhos(GeneralAdmm.Run run) {
        List<Double> out = new ArrayList<>();
        for (GeneralData d : run.trajectory().data()) {
            out.add(d.rho);
        }
        return out;
    }
}
