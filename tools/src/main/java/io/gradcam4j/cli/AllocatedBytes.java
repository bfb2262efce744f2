package io.gradcam4j.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import io.gradcam4j.engine.kernels.Parallel;

/**
 * Bytes allocated on the Java heap while a task runs, by the threads that run a graph: the
 * calling thread and the workers of the engine's pool ({@link Parallel#isWorker}). HotSpot
 * counts allocation per thread.
 * {@code bench} reports the allocation of a forward pass with it: a model that runs in its
 * workspace allocates one or two megabytes (Xception 1.7 MB), while a vector kernel that C2
 * compiled without its intrinsics boxes every vector and allocates tens of megabytes to
 * gigabytes, which is the one sign of that failure besides the time.
 *
 * <p>Only those threads are counted because every other thread can start and end at any moment
 * (HotSpot retires idle compiler threads, tests start their own), and a thread that ends takes its
 * count with it: counting all threads made the count unknown in 2 of 4 fresh-clone test runs.
 */
final class AllocatedBytes {
    private AllocatedBytes() {
    }

    /** How often {@link #perRun} measures again when an engine pool worker ended during a measurement. */
    static final int ATTEMPTS = 3;

    /**
     * Bytes allocated per run of {@code task} over {@code runs} runs by the calling thread and the
     * engine's pool workers. An engine worker only ends when the pool is replaced
     * ({@link Parallel#useThreads}), so one that ends during a measurement is rare and costs a
     * second measurement.
     * Empty when the JVM does not count per thread, or engine workers ended in every attempt.
     */
    static OptionalLong perRun(Runnable task, int runs) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            OptionalLong bytes = perRunOnce(task, runs);
            if (bytes.isPresent() || byGraphThread().isEmpty()) {
                return bytes;
            }
        }
        return OptionalLong.empty();
    }

    /** One measurement: empty when a counted thread that was alive at its start ended before its end. */
    static OptionalLong perRunOnce(Runnable task, int runs) {
        Optional<Map<Long, Long>> before = byGraphThread();
        for (int i = 0; i < runs; i++) {
            task.run();
        }
        Optional<Map<Long, Long>> after = byGraphThread();
        if (before.isEmpty() || after.isEmpty() || !after.get().keySet().containsAll(before.get().keySet())) {
            return OptionalLong.empty();
        }
        long sum = 0;
        for (Map.Entry<Long, Long> t : after.get().entrySet()) {
            sum += t.getValue() - before.get().getOrDefault(t.getKey(), 0L);   // a new worker started at 0
        }
        return sum < 0 ? OptionalLong.empty() : OptionalLong.of(sum / Math.max(1, runs));
    }

    /**
     * Allocated bytes of the calling thread and of each live engine pool worker, by thread id, or
     * empty where the JVM does not count them.
     */
    static Optional<Map<Long, Long>> byGraphThread() {
        try {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            if (!(threads instanceof com.sun.management.ThreadMXBean counting)
                    || !counting.isThreadAllocatedMemorySupported() || !counting.isThreadAllocatedMemoryEnabled()) {
                return Optional.empty();
            }
            List<Long> ids = graphThreadIds();
            long[] bytes = counting.getThreadAllocatedBytes(ids.stream().mapToLong(Long::longValue).toArray());
            Map<Long, Long> byId = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                if (bytes[i] >= 0) {    // -1: the thread ended since it was listed
                    byId.put(ids.get(i), bytes[i]);
                }
            }
            return Optional.of(byId);
        } catch (LinkageError noManagementModule) {   // a runtime without jdk.management
            return Optional.empty();
        }
    }

    /** The calling thread and the live workers of the engine's pool. */
    @SuppressWarnings("deprecation")   // Thread.getId: threadId() is Java 19+
    private static List<Long> graphThreadIds() {
        Thread caller = Thread.currentThread();
        List<Long> ids = new java.util.ArrayList<>();
        ids.add(caller.getId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t != caller && Parallel.isWorker(t)) {
                ids.add(t.getId());
            }
        }
        return ids;
    }
}
