package dev.altdiff.core;

import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.nd4j.Nd4jLinearAlgebra;

/** The core's {@link ConcurrencySuite} on the ND4J backend. */
class Nd4jConcurrencyTest extends ConcurrencySuite {
    private static final LinearAlgebra LA = new Nd4jLinearAlgebra();

    @Override protected LinearAlgebra backend() { return LA; }
}
