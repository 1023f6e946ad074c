package dev.altdiff.core;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.MapBinder;
import dev.altdiff.api.Differentiator;
import dev.altdiff.api.Layer;
import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ProgramDifferentiator;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * Guice wiring: binds every backend and differentiator found by {@link java.util.ServiceLoader} into
 * {@code Map<String, LinearAlgebra>}, {@code Map<String, Differentiator>} and
 * {@code Map<String, ProgramDifferentiator>} (MapBinder, keyed by name), plus the {@link Settings} and a {@link Layer} built from the names given here. Other
 * modules can add entries with {@code MapBinder.newMapBinder(binder(), String.class, Differentiator.class)}.
 */
public final class AltDiffModule extends AbstractModule {
    private final String differentiator;
    private final String backend;
    private final Settings settings;

    /** The paper's method on the ojAlgo backend with default settings. */
    public AltDiffModule() {
        this(AltDiffDifferentiator.NAME, "ojalgo", Settings.DEFAULTS);
    }

    /** @param differentiator name of the layer's differentiator; @param backend name of its backend */
    public AltDiffModule(String differentiator, String backend, Settings settings) {
        this.differentiator = differentiator;
        this.backend = backend;
        this.settings = settings;
    }

    @Override protected void configure() {
        MapBinder<String, LinearAlgebra> backends = MapBinder.newMapBinder(binder(), String.class, LinearAlgebra.class);
        AltDiff.backends().forEach((name, la) -> backends.addBinding(name).toInstance(la));
        MapBinder<String, Differentiator> methods = MapBinder.newMapBinder(binder(), String.class, Differentiator.class);
        AltDiff.differentiators().forEach((name, method) -> methods.addBinding(name).toInstance(method));
        MapBinder<String, ProgramDifferentiator> programs = MapBinder.newMapBinder(binder(), String.class,
                ProgramDifferentiator.class);
        AltDiff.programDifferentiators().forEach((name, method) -> programs.addBinding(name).toInstance(method));
        bind(Settings.class).toInstance(settings);
    }

    @Provides @Singleton
    Layer layer(Map<String, Differentiator> methods, Map<String, LinearAlgebra> backends, Settings settings) {
        Differentiator method = methods.get(differentiator);
        LinearAlgebra la = backends.get(backend);
        if (method == null || la == null) {
            throw new IllegalArgumentException("unknown " + (method == null ? "differentiator '" + differentiator
                    + "', available " + methods.keySet() : "backend '" + backend + "', available " + backends.keySet()));
        }
        return new Layer(method, la, settings);
    }
}
