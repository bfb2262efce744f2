package io.gradcam4j.engine.kernels;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool runs every index once, on several threads, and survives failures, nesting and concurrent callers. */
class ParallelTest {
    private int threadsBefore;

    @BeforeEach
    void twoThreads() {
        threadsBefore = Parallel.threads();
        Parallel.useThreads(2);
    }

    @AfterEach
    void restore() {
        Parallel.useThreads(threadsBefore);
    }

    @Test
    void everyIndexRunsOnceInChunksOfAtLeastTheGrain() {
        for (int n : new int[] {1, 2, 7, 1000, 100_003}) {
            for (int grain : new int[] {1, 64}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(n);
                List<int[]> chunks = java.util.Collections.synchronizedList(new ArrayList<>());
                Parallel.forRange(n, grain, (from, to) -> {
                    chunks.add(new int[] {from, to});
                    for (int i = from; i < to; i++) {
                        runs.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, runs.get(i), "n " + n + ", grain " + grain + ": index " + i);
                }
                long shortChunks = chunks.stream().filter(c -> c[1] - c[0] < Math.min(grain, n)).count();
                assertTrue(shortChunks <= 1, "n " + n + ", grain " + grain + ": only the last chunk may be short");
            }
        }
    }

    @Test
    void slowChunksRunOnMoreThanOneThread() {
        Set<String> names = ConcurrentHashMap.newKeySet();
        // 3 ms an index: the calling thread's first chunk (a quarter, 50 indices) takes 150 ms, time
        // enough for the worker to wake and claim the next
        Parallel.forRange(200, 1, (from, to) -> {
            names.add(Thread.currentThread().getName());
            sleep(3L * (to - from));
        });
        assertEquals(2, names.size(), "threads that ran chunks: " + names);
    }

    @Test
    void theFirstFailureIsThrownAndThePoolGoesOn() {
        IllegalArgumentException thrown = new IllegalArgumentException("index 500");
        IllegalArgumentException caught = assertThrows(IllegalArgumentException.class,
                () -> Parallel.forRange(1000, 1, (from, to) -> {
                    if (from <= 500 && 500 < to) {
                        throw thrown;
                    }
                }));
        assertSame(thrown, caught);
        int[] sum = new int[1];
        AtomicIntegerArray runs = new AtomicIntegerArray(100);
        Parallel.forRange(100, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                runs.incrementAndGet(i);
            }
        });
        for (int i = 0; i < 100; i++) {
            sum[0] += runs.get(i);
        }
        assertEquals(100, sum[0]);
    }

    @Test
    void aLoopInsideALoopRunsOnItsCallingThread() {
        AtomicIntegerArray runs = new AtomicIntegerArray(50 * 40);
        Parallel.forRange(50, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i;
                Parallel.forRange(40, 1, (f, t) -> {
                    for (int j = f; j < t; j++) {
                        runs.incrementAndGet(row * 40 + j);
                    }
                });
            }
        });
        for (int i = 0; i < runs.length(); i++) {
            assertEquals(1, runs.get(i), "index " + i);
        }
    }

    @Test
    void concurrentCallersEachGetTheirWholeRange() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> sums = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                sums.add(callers.submit(() -> {
                    long total = 0;
                    for (int round = 0; round < 200; round++) {
                        long[] parts = new long[1000];
                        Parallel.forRange(1000, 1, (from, to) -> {
                            for (int i = from; i < to; i++) {
                                parts[i] = i;
                            }
                        });
                        for (long p : parts) {
                            total += p;
                        }
                    }
                    return total;
                }));
            }
            for (Future<Long> s : sums) {
                assertEquals(200L * (999 * 1000 / 2), s.get());
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void oneThreadRunsOnTheCaller() {
        Parallel.useThreads(1);
        assertEquals(1, Parallel.threads());
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        Parallel.forRange(100, 1, (from, to) -> ran.add(Thread.currentThread()));
        assertEquals(Set.of(Thread.currentThread()), ran);
        assertThrows(IllegalArgumentException.class, () -> Parallel.useThreads(0));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
