package dev.altdiff.kkt;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.altdiff.api.Settings;
import dev.altdiff.api.objective.ConvexProgram;
import dev.altdiff.api.objective.DifferentiableProgramSolution;
import dev.altdiff.api.objective.ObjectiveGradients;
import dev.altdiff.api.objective.ProgramDifferentiator;
import dev.altdiff.core.AltDiff;
import dev.altdiff.core.AltDiffModule;
import dev.altdiff.testkit.EntropyProblem;
import dev.altdiff.testkit.Gaussian;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.altdiff.kkt.Fixtures.LA;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The differentiators of general programs are found by name like the QP ones, through the factory
 * and through Guice, and the two agree on an entropy problem.
 */
class ProgramDifferentiatorTest {

    @Test
    void bothNamesAreFoundByTheFactoryAndByGuice() {
        assertEquals(List.of("altdiff", "kkt"), List.copyOf(AltDiff.programDifferentiators().keySet()));
        Map<String, ProgramDifferentiator> bound = Guice.createInjector(new AltDiffModule())
                .getInstance(Key.get(new TypeLiteral<Map<String, ProgramDifferentiator>>() { }));
        assertEquals(AltDiff.programDifferentiators().keySet(), bound.keySet());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AltDiff.programDifferentiator("nope"));
        assertTrue(e.getMessage().contains("available: altdiff, kkt"), e.getMessage());
    }

    @Test
    void altdiffAgreesWithTheKktReferenceOnEntropy() {
        ConvexProgram program = EntropyProblem.generate(3, 20, 4, 6, EntropyProblem.Draw.PLANTED);
        Settings tight = Settings.PAPER.withTolerance(1e-10).withMaxIterations(100_000);
        double[] v = Gaussian.vector(new Random(3), 20);
        DifferentiableProgramSolution altdiff = AltDiff.programDifferentiator("altdiff").solve(program, tight, LA);
        DifferentiableProgramSolution kkt = AltDiff.programDifferentiator("kkt").solve(program, tight, LA);
        assertArrayEquals(altdiff.solution().x(), kkt.solution().x(), 1e-12, "the same ADMM solution");
        ObjectiveGradients a = altdiff.backward(v);
        ObjectiveGradients k = kkt.backward(v);
        assertTrue(Fixtures.cosine(a.theta(), k.theta()) > 0.9999, "theta");
        assertTrue(Fixtures.cosine(a.b(), k.b()) > 0.9999, "b");
        assertTrue(Fixtures.cosine(a.h(), k.h()) > 0.9999, "h");
    }
}
