package io.gradcam4j.cli;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AllocatedBytesTest {
    private static volatile Object sink;

    @Test
    void countsWhatARunAllocates() {
        assumeTrue(AllocatedBytes.byThread().isPresent(), "this JVM does not count allocation per thread");
        OptionalLong perRun = AllocatedBytes.perRun(() -> sink = new float[4_000_000], 2);   // 16 MB a run
        long bytes = perRun.orElseThrow();
        assertTrue(bytes >= 16_000_000 && bytes < 17_000_000, "16 MB a run, counted " + bytes);
    }

    @Test
    void countsWhatOtherThreadsAllocate() throws Exception {
        assumeTrue(AllocatedBytes.byThread().isPresent(), "this JVM does not count allocation per thread");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            pool.submit(() -> { }).get();   // the worker exists before the count starts
            long bytes = AllocatedBytes.perRun(() -> {
                try {
                    pool.submit(() -> sink = new float[2_000_000]).get();   // 8 MB on the worker
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, 2).orElseThrow();
            assertTrue(bytes >= 8_000_000 && bytes < 9_000_000, "8 MB a run on another thread, counted " + bytes);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aThreadThatEndsMakesTheCountUnknown() throws InterruptedException {
        assumeTrue(AllocatedBytes.byThread().isPresent(), "this JVM does not count allocation per thread");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try {
                release.await();   // alive when the count starts
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker.start();
        OptionalLong bytes = AllocatedBytes.perRunOnce(() -> {
            release.countDown();
            try {
                worker.join();     // gone when it ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 1);
        assertTrue(bytes.isEmpty(), "a thread that ended took its count with it; got " + bytes);
    }

    /** A thread that retires during one measurement (an idle pool worker) costs a second measurement, not the count. */
    @Test
    void aThreadThatEndsOnceIsMeasuredAgain() {
        assumeTrue(AllocatedBytes.byThread().isPresent(), "this JVM does not count allocation per thread");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread retiring = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        retiring.start();
        long bytes = AllocatedBytes.perRun(() -> {
            sink = new float[1_000_000];   // 4 MB a run
            release.countDown();
            try {
                retiring.join();           // ends during the first measurement only
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 2).orElseThrow();
        assertTrue(bytes >= 4_000_000 && bytes < 5_000_000, "4 MB a run, counted " + bytes);
    }
}
