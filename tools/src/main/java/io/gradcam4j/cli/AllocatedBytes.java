package io.gradcam4j.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.OptionalLong;

/**
 * Bytes allocated on the Java heap by the JVM's live threads so far, where the JVM counts them
 * (HotSpot does; others may not). {@code bench} reports the allocation of a forward pass with it:
 * a model that runs in its workspace allocates about a megabyte, while a vector kernel that C2
 * compiled without its intrinsics boxes every vector and allocates gigabytes, which is the one
 * sign of that failure besides the time.
 */
final class AllocatedBytes {
    private AllocatedBytes() {
    }

    /** The sum over the live threads, or empty where the JVM does not count per thread. */
    static OptionalLong total() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!(threads instanceof com.sun.management.ThreadMXBean counting)
                || !counting.isThreadAllocatedMemorySupported() || !counting.isThreadAllocatedMemoryEnabled()) {
            return OptionalLong.empty();
        }
        long sum = 0;
        for (long bytes : counting.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, bytes);   // -1 for a thread that ended meanwhile
        }
        return OptionalLong.of(sum);
    }

    /**
     * Bytes allocated per run of {@code task} over {@code runs} runs, or empty where the JVM does
     * not count. A thread that ends during the runs takes its count with it, hence the floor at 0.
     */
    static OptionalLong perRun(Runnable task, int runs) {
        OptionalLong before = total();
        for (int i = 0; i < runs; i++) {
            task.run();
        }
        OptionalLong after = total();
        if (before.isEmpty() || after.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(0, after.getAsLong() - before.getAsLong()) / Math.max(1, runs));
    }
}
