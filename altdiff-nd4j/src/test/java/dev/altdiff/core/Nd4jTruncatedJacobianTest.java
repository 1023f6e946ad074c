package dev.altdiff.core;

import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.nd4j.Nd4jLinearAlgebra;

/** The core's {@link TruncatedJacobianSuite} on the ND4J backend (in the core's package: the suite uses its internals). */
class Nd4jTruncatedJacobianTest extends TruncatedJacobianSuite {
    private static final LinearAlgebra LA = new Nd4jLinearAlgebra();

    @Override protected LinearAlgebra backend() { return LA; }
}
