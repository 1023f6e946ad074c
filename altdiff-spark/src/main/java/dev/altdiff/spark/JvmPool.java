package dev.altdiff.spark;

import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Objects built once per executor JVM and reused by its tasks: a task borrows one for its key (a
 * broadcast id, a configuration), uses it alone, and gives it back. Objects that are not thread-safe
 * (a {@link dev.altdiff.core.BatchLayer} serializes its calls, a DL4J network holds its activations)
 * are thus never shared by two task threads at once, and an executor with k task slots builds at most
 * k of them per key. Static: one pool per class loader, i.e. per executor JVM.
 */
public final class JvmPool {
    private static final Map<String, Queue<Object>> IDLE = new ConcurrentHashMap<>();

    private JvmPool() {
    }

    /**
     * Runs {@code use} on an object of {@code key}: an idle one, else a new one from {@code build}
     * (which must give interchangeable objects for equal keys); returned to the pool afterwards, also
     * when {@code use} throws.
     */
    @SuppressWarnings("unchecked")
    public static <T, R> R with(String key, Supplier<T> build, Function<T, R> use) {
        Objects.requireNonNull(key, "key");
        Queue<Object> idle = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
        Object pooled = idle.poll();
        T object = pooled != null ? (T) pooled : build.get();
        try {
            return use.apply(object);
        } finally {
            idle.add(object);
        }
    }

    /** Drops the idle objects of {@code key}, passing each to {@code close} (e.g. when a broadcast is destroyed). */
    @SuppressWarnings("unchecked")
    public static <T> void evict(String key, Consumer<T> close) {
        Queue<Object> idle = IDLE.remove(key);
        if (idle != null) {
            idle.forEach(o -> close.accept((T) o));
        }
    }

    /** @return how many idle objects the key has (what tests use to see reuse) */
    public static int idle(String key) {
        Queue<Object> idle = IDLE.get(key);
        return idle == null ? 0 : idle.size();
    }
}
