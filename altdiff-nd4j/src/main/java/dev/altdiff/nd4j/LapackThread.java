package dev.altdiff.nd4j;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one thread every LAPACK call of this backend runs on. OpenBLAS's LU (dgetrf, n ≥ 100) needs
 * more than the JVM's default 1 MB thread stack (it overflows between 2 and 4 MB and kills the JVM
 * with SIGSEGV, no hs_err file); this thread is created with {@link #STACK_SIZE}, so no caller needs
 * {@code -Xss}. Calls from all threads are serialized here; OpenBLAS still uses its own worker
 * threads inside each call.
 */
final class LapackThread {
    /** Requested stack of the LAPACK thread: 64 MB (16× what dgetrf was measured to need). */
    static final long STACK_SIZE = 64L << 20;
    static final String NAME = "altdiff-nd4j-lapack";

    private static volatile Thread worker;

    private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(null, task, NAME, STACK_SIZE);
        t.setDaemon(true);
        worker = t;
        return t;
    });

    private LapackThread() {
    }

    /** @return whether the calling thread is the LAPACK thread */
    static boolean isCurrent() {
        return Thread.currentThread() == worker;
    }

    /** Runs {@code call} on the LAPACK thread and waits for it (directly when already there). */
    static <T> T run(Callable<T> call) {
        if (isCurrent()) {
            return callDirectly(call);
        }
        Future<T> future = EXECUTOR.submit(call);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true; // a native call cannot be abandoned half-way: wait for it
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static <T> T callDirectly(Callable<T> call) {
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
