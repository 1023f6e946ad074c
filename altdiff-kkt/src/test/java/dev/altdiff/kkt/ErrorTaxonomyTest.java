package dev.altdiff.kkt;

import dev.altdiff.api.AltDiffError;
import dev.altdiff.api.InvalidProblemException;
import dev.altdiff.api.NotDifferentiableException;
import dev.altdiff.api.QuadraticProgram;
import dev.altdiff.api.Settings;
import dev.altdiff.api.UnsupportedOptionException;
import dev.altdiff.core.AltDiff;
import dev.altdiff.core.AltDiffDifferentiator;
import dev.altdiff.testkit.Gaussian;
import dev.altdiff.testkit.PlantedQp;
import dev.altdiff.testkit.SparseQp;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.altdiff.kkt.Fixtures.LA;
import static dev.altdiff.kkt.Fixtures.TIGHT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one taxonomy of errors ({@link AltDiffError}) where the library throws them: each kind carries
 * what it promises and still is the JDK exception of the same meaning.
 */
class ErrorTaxonomyTest {

    @Test
    void invalidInputNamesTheBlockAndIsAnIllegalArgument() {
        InvalidProblemException e = assertThrows(InvalidProblemException.class,
                () -> QuadraticProgram.builder(2).q(new double[]{1, Double.NaN}).build());
        assertEquals(AltDiffError.Kind.INVALID_INPUT, e.kind());
        assertEquals("q", e.block());
        assertEquals(1, e.row());
        assertInstanceOf(IllegalArgumentException.class, e);
    }

    @Test
    void anOptionAPathDoesNotSupportNamesTheOptionAndTheAlternative() {
        QuadraticProgram sparse = SparseQp.bandedLocal(60, 1);
        UnsupportedOptionException forward = assertThrows(UnsupportedOptionException.class,
                () -> new AltDiffDifferentiator(AltDiffDifferentiator.Mode.FORWARD).solve(sparse, Settings.PAPER, LA));
        assertEquals(AltDiffError.Kind.UNSUPPORTED_OPTION, forward.kind());
        assertEquals("mode forward", forward.option());
        assertEquals("reverse mode", forward.alternative());
        UnsupportedOptionException kkt = assertThrows(UnsupportedOptionException.class,
                () -> AltDiff.differentiator("kkt").solve(sparse, Settings.PAPER, LA));
        assertEquals("differentiator kkt", kkt.option());
        assertEquals("the altdiff differentiator", kkt.alternative());
        assertTrue(kkt.getMessage().contains("instead: the altdiff differentiator"), kkt.getMessage());
        assertInstanceOf(UnsupportedOperationException.class, kkt);
    }

    @Test
    void aSolutionWithoutADerivativeIsNotDifferentiable() {
        PlantedQp planted = PlantedQp.generate(1, 8, 2, 8, 0.1, true, 1); // one weakly active row
        KktSolution solution = new KktDifferentiator().solve(planted.problem(), TIGHT, LA);
        NotDifferentiableException e = assertThrows(NotDifferentiableException.class,
                () -> solution.backward(Gaussian.vector(new Random(1), 8)));
        assertEquals(AltDiffError.Kind.NOT_DIFFERENTIABLE, e.kind());
        assertInstanceOf(SingularKktException.class, e);
        assertInstanceOf(ArithmeticException.class, e);
    }
}
