package dev.altdiff.core;

import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;

/** {@link ReverseSweepSuite} on the ojAlgo backend. */
class ReverseSweepTest extends ReverseSweepSuite {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    @Override protected LinearAlgebra backend() { return LA; }
}
