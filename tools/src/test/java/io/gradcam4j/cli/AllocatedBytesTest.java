package io.gradcam4j.cli;

import io.gradcam4j.engine.kernels.Parallel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AllocatedBytesTest {
    private static volatile Object sink;

    @BeforeEach
    void countingJvm() {
        assumeTrue(AllocatedBytes.byGraphThread().isPresent(), "this JVM does not count allocation per thread");
    }

    @Test
    void countsWhatARunAllocates() {
        OptionalLong perRun = AllocatedBytes.perRun(() -> sink = new float[4_000_000], 2);   // 16 MB a run
        long bytes = perRun.orElseThrow();
        assertTrue(bytes >= 16_000_000 && bytes < 17_000_000, "16 MB a run, counted " + bytes);
    }

    /** Work split over the engine's pool is counted whichever thread runs each part. */
    @Test
    void countsWhatTheEnginePoolAllocates() {
        int threadsBefore = Parallel.threads();
        Parallel.useThreads(2);
        try {
            Set<Thread> ran = ConcurrentHashMap.newKeySet();
            long bytes = AllocatedBytes.perRun(() -> Parallel.forRange(4, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    ran.add(Thread.currentThread());
                    sink = new float[500_000];   // 2 MB a part, 8 MB a run
                    sleep(20);                   // long enough for the worker to wake and take parts too
                }
            }), 2).orElseThrow();
            assertTrue(ran.stream().anyMatch(Parallel::isWorker), "a worker ran parts: " + ran);
            assertTrue(bytes >= 8_000_000 && bytes < 9_000_000, "8 MB a run over the engine's pool, counted " + bytes);
        } finally {
            Parallel.useThreads(threadsBefore);
        }
    }

    /**
     * The failure this count had: a thread the JVM or a library ends during the count (HotSpot
     * retires idle compiler threads). A thread alive at the start that ends, and one that starts,
     * allocates and ends, both during the count, change nothing.
     */
    @Test
    void threadsOutsideTheEngineNeitherCountNorSpoilTheCount() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        Thread alreadyRunning = new Thread(() -> {
            awaitQuietly(release);
            sink = new float[2_000_000];   // 8 MB not ours
        });
        alreadyRunning.start();
        long bytes = AllocatedBytes.perRunOnce(() -> {
            sink = new float[1_000_000];   // 4 MB ours
            release.countDown();
            Thread startedAndEnded = new Thread(() -> sink = new float[2_000_000]);
            startedAndEnded.start();
            joinQuietly(startedAndEnded);
            joinQuietly(alreadyRunning);
        }, 1).orElseThrow();
        assertTrue(!alreadyRunning.isAlive(), "the unrelated thread ended during the count");
        assertTrue(bytes >= 4_000_000 && bytes < 5_000_000, "4 MB of the caller only, counted " + bytes);
    }

    /** A pool worker that ends during a measurement took its count with it: that measurement is unknown. */
    @Test
    void aPoolWorkerThatEndsMakesThatMeasurementUnknown() {
        int threadsBefore = Parallel.threads();
        Parallel.useThreads(2);   // its worker is alive when the count starts
        try {
            List<Thread> workers = Thread.getAllStackTraces().keySet().stream().filter(Parallel::isWorker).toList();
            assertTrue(!workers.isEmpty(), "the engine has a worker");
            OptionalLong bytes = AllocatedBytes.perRunOnce(() -> {
                Parallel.useThreads(3);   // a new pool: the old one's worker ends
                workers.forEach(AllocatedBytesTest::joinQuietly);
            }, 1);
            assertTrue(bytes.isEmpty(), "a worker that ended took its count with it; got " + bytes);
        } finally {
            Parallel.useThreads(threadsBefore);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
