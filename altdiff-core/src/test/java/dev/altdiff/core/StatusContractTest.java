package dev.altdiff.core;

import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;

/** The {@link StatusContractSuite} on the ojAlgo backend. */
class StatusContractTest extends StatusContractSuite {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    @Override protected LinearAlgebra backend() { return LA; }
}
