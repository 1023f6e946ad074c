package dev.altdiff.core;

import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;

/** {@link TruncatedJacobianSuite} on the ojAlgo backend. */
class TruncatedJacobianTest extends TruncatedJacobianSuite {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    @Override protected LinearAlgebra backend() { return LA; }
}
