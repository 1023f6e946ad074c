package dev.altdiff.core;

import dev.altdiff.api.Differentiator;
import dev.altdiff.api.Layer;
import dev.altdiff.api.Settings;
import dev.altdiff.api.linalg.LinearAlgebra;
import dev.altdiff.api.objective.ProgramDifferentiator;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The plain factory (no dependency injection needed): finds backends, QP differentiators and
 * general-program differentiators on the class path with {@link ServiceLoader} and builds layers from
 * their names.
 * <pre>{@code
 *   Layer layer = AltDiff.layer("altdiff", "ojalgo", Settings.DEFAULTS);
 * }</pre>
 * For Guice, install {@link AltDiffModule} instead.
 */
public final class AltDiff {
    private AltDiff() {
    }

    /** @return every backend on the class path, by name (sorted) */
    public static Map<String, LinearAlgebra> backends() {
        return load(LinearAlgebra.class, LinearAlgebra::name);
    }

    /** @return every QP differentiator on the class path, by name (sorted) */
    public static Map<String, Differentiator> differentiators() {
        return load(Differentiator.class, Differentiator::name);
    }

    /** @return every general-program differentiator on the class path, by name (sorted) */
    public static Map<String, ProgramDifferentiator> programDifferentiators() {
        return load(ProgramDifferentiator.class, ProgramDifferentiator::name);
    }

    /** @throws IllegalArgumentException naming the available backends when none has this name */
    public static LinearAlgebra backend(String name) {
        return pick("backend", backends(), name);
    }

    /** @throws IllegalArgumentException naming the available differentiators when none has this name */
    public static Differentiator differentiator(String name) {
        return pick("differentiator", differentiators(), name);
    }

    /** @throws IllegalArgumentException naming the available ones when no general-program differentiator has this name */
    public static ProgramDifferentiator programDifferentiator(String name) {
        return pick("differentiator of general programs", programDifferentiators(), name);
    }

    /** @return a layer of the named differentiator on the named backend */
    public static Layer layer(String differentiator, String backend, Settings settings) {
        return new Layer(differentiator(differentiator), backend(backend), settings);
    }

    private static <T> Map<String, T> load(Class<T> type, Function<T, String> nameOf) {
        Map<String, T> byName = new TreeMap<>();
        for (T service : ServiceLoader.load(type)) {
            String name = nameOf.apply(service);
            T previous = byName.putIfAbsent(name, service);
            if (previous != null && previous.getClass() != service.getClass()) {
                throw new IllegalStateException("two " + type.getSimpleName() + " services are named '" + name + "': "
                        + previous.getClass().getName() + " and " + service.getClass().getName());
            }
        }
        return byName;
    }

    private static <T> T pick(String kind, Map<String, T> available, String name) {
        T found = available.get(name);
        if (found == null) {
            throw new IllegalArgumentException("no " + kind + " named '" + name + "'; available: "
                    + String.join(", ", available.keySet()));
        }
        return found;
    }
}
