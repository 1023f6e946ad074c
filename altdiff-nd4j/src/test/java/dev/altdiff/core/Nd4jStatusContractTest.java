package dev.altdiff.core;

import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.nd4j.Nd4jLinearAlgebra;

/** The core's {@link StatusContractSuite} on the ND4J backend. */
class Nd4jStatusContractTest extends StatusContractSuite {
    private static final LinearAlgebra LA = new Nd4jLinearAlgebra();

    @Override protected LinearAlgebra backend() { return LA; }
}
