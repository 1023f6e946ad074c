package dev.altdiff.nd4j;

import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.testkit.LinearAlgebraConformanceTest;

/** The backend contract for ND4J. */
class Nd4jConformanceTest extends LinearAlgebraConformanceTest {
    private static final LinearAlgebra BACKEND = new Nd4jLinearAlgebra();

    @Override protected LinearAlgebra backend() { return BACKEND; }
}
