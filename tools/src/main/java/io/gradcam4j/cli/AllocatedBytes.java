package io.gradcam4j.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Bytes allocated on the Java heap by the JVM's threads while a task runs, where the JVM counts
 * them per thread (HotSpot does). {@code bench} reports the allocation of a forward pass with it:
 * a model that runs in its workspace allocates one or two megabytes (Xception 1.7 MB), while a
 * vector kernel that C2 compiled without its intrinsics boxes every vector and allocates tens of
 * megabytes to gigabytes, which is the one sign of that failure besides the time.
 */
final class AllocatedBytes {
    private AllocatedBytes() {
    }

    /** How often {@link #perRun} measures again when a thread ended during a measurement. */
    static final int ATTEMPTS = 3;

    /**
     * Bytes allocated per run of {@code task} over {@code runs} runs, by all threads. A thread
     * that ends during a measurement takes its count with it, so that measurement is discarded
     * and the runs are measured again: idle pool workers retire at unpredictable moments (a
     * count unknown in 2 of 4 fresh-clone test runs), and a second retirement in a row is rare.
     * Empty when the JVM does not count per thread, or threads ended in every attempt.
     */
    static OptionalLong perRun(Runnable task, int runs) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            OptionalLong bytes = perRunOnce(task, runs);
            if (bytes.isPresent() || byThread().isEmpty()) {
                return bytes;
            }
        }
        return OptionalLong.empty();
    }

    /** One measurement: empty when a thread that was alive at its start ended before its end. */
    static OptionalLong perRunOnce(Runnable task, int runs) {
        Optional<Map<Long, Long>> before = byThread();
        for (int i = 0; i < runs; i++) {
            task.run();
        }
        Optional<Map<Long, Long>> after = byThread();
        if (before.isEmpty() || after.isEmpty() || !after.get().keySet().containsAll(before.get().keySet())) {
            return OptionalLong.empty();
        }
        long sum = 0;
        for (Map.Entry<Long, Long> t : after.get().entrySet()) {
            sum += t.getValue() - before.get().getOrDefault(t.getKey(), 0L);
        }
        return sum < 0 ? OptionalLong.empty() : OptionalLong.of(sum / Math.max(1, runs));
    }

    /** Allocated bytes of each live thread, or empty where the JVM does not count them. */
    static Optional<Map<Long, Long>> byThread() {
        try {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            if (!(threads instanceof com.sun.management.ThreadMXBean counting)
                    || !counting.isThreadAllocatedMemorySupported() || !counting.isThreadAllocatedMemoryEnabled()) {
                return Optional.empty();
            }
            long[] ids = threads.getAllThreadIds();
            long[] bytes = counting.getThreadAllocatedBytes(ids);
            Map<Long, Long> byId = new HashMap<>();
            for (int i = 0; i < ids.length; i++) {
                if (bytes[i] >= 0) {    // -1: the thread ended between the two calls
                    byId.put(ids[i], bytes[i]);
                }
            }
            return Optional.of(byId);
        } catch (LinkageError noManagementModule) {   // a runtime without jdk.management
            return Optional.empty();
        }
    }
}
