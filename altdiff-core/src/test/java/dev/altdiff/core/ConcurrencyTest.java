package dev.altdiff.core;

import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;

/** {@link ConcurrencySuite} on the ojAlgo backend. */
class ConcurrencyTest extends ConcurrencySuite {
    private static final LinearAlgebra LA = new OjAlgoLinearAlgebra();

    @Override protected LinearAlgebra backend() { return LA; }
}
