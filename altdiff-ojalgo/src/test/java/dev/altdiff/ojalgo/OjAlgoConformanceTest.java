package dev.altdiff.ojalgo;

import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.testkit.LinearAlgebraConformanceTest;

/** The backend contract for ojAlgo. */
class OjAlgoConformanceTest extends LinearAlgebraConformanceTest {
    private static final LinearAlgebra BACKEND = new OjAlgoLinearAlgebra();

    @Override protected LinearAlgebra backend() { return BACKEND; }
}
