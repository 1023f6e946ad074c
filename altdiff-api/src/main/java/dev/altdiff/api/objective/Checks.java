package dev.altdiff.api.objective;

import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.Limits;

/** Validation helpers of the built-in objectives. */
final class Checks {
    private Checks() {
    }

    static double[] finite(String name, double[] v) {
        if (v == null || v.length == 0) {
            throw new InvalidProblemException(name, -1, -1, name + " must be a non-empty vector");
        }
        for (int i = 0; i < v.length; i++) {
            Limits.value(name, i, -1, v[i]);
        }
        return v;
    }

    static void length(String name, double[] v, int n) {
        if (v == null || v.length != n) {
            throw new InvalidProblemException(name, -1, -1, name + " has length "
                    + (v == null ? "null" : v.length) + ", expected " + n);
        }
    }
}
