package dev.altdiff.core;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.altdiff.api.Differentiator;
import dev.altdiff.api.Layer;
import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.ojalgo.OjAlgoLinearAlgebra;
import dev.altdiff.testkit.RandomQp;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiscoveryTest {
    @Test
    void plainFactoryFindsServicesByName() {
        assertInstanceOf(OjAlgoLinearAlgebra.class, AltDiff.backend("ojalgo"));
        assertInstanceOf(AltDiffDifferentiator.class, AltDiff.differentiator("altdiff"));
        Layer layer = AltDiff.layer("altdiff", "ojalgo", Settings.PAPER);
        assertEquals(4, layer.forward(RandomQp.paper(3, 4, 1, 1, 1)).solution().x().length);
    }

    @Test
    void unknownNamesListWhatIsAvailable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AltDiff.backend("cublas"));
        assertTrue(e.getMessage().contains("no backend named 'cublas'; available: ojalgo"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AltDiff.differentiator("nope"));
        assertTrue(e.getMessage().contains("available: altdiff"), e.getMessage());
    }

    @Test
    void guiceModuleBindsMapsAndLayer() {
        Injector injector = Guice.createInjector(new AltDiffModule("altdiff", "ojalgo", Settings.PAPER.withRho(2)));
        Map<String, LinearAlgebra> backends = injector.getInstance(Key.get(new TypeLiteral<Map<String, LinearAlgebra>>() { }));
        Map<String, Differentiator> methods = injector.getInstance(Key.get(new TypeLiteral<Map<String, Differentiator>>() { }));
        assertTrue(backends.containsKey("ojalgo"));
        assertTrue(methods.containsKey("altdiff"));
        Layer layer = injector.getInstance(Layer.class);
        assertEquals(2.0, layer.settings().rho());
        assertEquals("ojalgo", layer.backend().name());
        assertEquals(5, layer.forward(RandomQp.paper(4, 5, 2, 2, 1)).solution().x().length);
    }
}
