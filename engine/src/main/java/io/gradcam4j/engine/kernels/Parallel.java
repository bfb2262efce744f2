package io.gradcam4j.engine.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's one thread pool: {@code threads - 1} workers, and the calling thread works too.
 * A range is cut into chunks that the threads claim one at a time from a shared counter, each
 * a share of what is left (see {@link Job}), so an idle thread takes what a descheduled one has
 * not started: a busy neighbour on one core slows a layer down instead of stalling it behind a
 * barrier.
 *
 * <p>A worker that has finished a job polls for the next one for {@link #SPIN_NANOS} before it
 * parks. A forward pass is hundreds of short parallel loops (Xception at batch 1: a layer every
 * 0.3 ms), and waking a parked thread took 30 to 50 microseconds on the 2-core machines we
 * measure on: with the ForkJoinPool this class used before, a loop of 37 microseconds of work
 * took 66 on two threads, here 20 (the inference runtimes we compare with poll the same way).
 *
 * <p>One job runs at a time. A loop started while another is running (from a second
 * application thread, or from inside a loop's body) runs on its own calling thread.
 *
 * <p>The thread count defaults to the number of processors and can be set with the system
 * property {@code gradcam4j.threads}.
 */
public final class Parallel {
    /** How long an idle worker polls for the next job before it parks. */
    static final long SPIN_NANOS = 250_000;
    /** More workers than this only contend for the same cores. */
    public static final int MAX_THREADS = 1024;

    private static volatile Workers workers = new Workers(threadCount());

    private Parallel() {
    }

    /** A body that handles the index range [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    public static int threads() {
        return workers.threads;
    }

    /** Whether {@code t} is one of the engine's worker threads (of the current pool or one replaced). */
    public static boolean isWorker(Thread t) {
        return t instanceof Workers.Worker;
    }

    /**
     * Replaces the pool with one of {@code n} threads, for a whole program run (a benchmark's
     * {@code --threads}); work already running finishes on the old pool.
     */
    public static synchronized void useThreads(int n) {
        if (n < 1 || n > MAX_THREADS) {
            throw new IllegalArgumentException("the thread count must be between 1 and " + MAX_THREADS + ", got " + n);
        }
        if (n != workers.threads) {
            Workers old = workers;
            workers = new Workers(n);
            old.shutDown();
        }
    }

    /**
     * Runs {@code body} over [0, n) in chunks of at least {@code grain} indices, and returns when
     * every chunk has run. Small ranges run on the calling thread. The first exception a chunk
     * throws is thrown here, after the chunks already started have ended (the rest do not run).
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int g = Math.max(1, grain);
        Workers w = workers;
        if (n <= g || w.threads == 1 || !w.busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            Job job = new Job(++w.jobs, body, n, Math.max(g, n / (w.threads * 16)), 2 * w.threads);
            w.start(job);
            job.work();
            job.awaitEnd();
            job.rethrow();
        } finally {
            w.job = null;   // the body and the arrays it holds are garbage once the loop ends
            w.busy.set(false);
        }
    }

    /**
     * One parallel loop: the next index to claim, how many indices have not ended, the first
     * failure. A thread claims a {@code 1/parts} share of what is left (at least {@code minChunk}):
     * large chunks first, few claims, and small ones at the end, so that the threads finish
     * together (equal chunks of an eighth left one thread idle for half a chunk on average).
     */
    private static final class Job {
        /** Which job of its pool this is: a worker remembers the number, not the job. */
        final long number;
        private final RangeBody body;
        private final int n;
        private final int minChunk;
        private final int parts;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger unfinished;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(long number, RangeBody body, int n, int minChunk, int parts) {
            this.number = number;
            this.body = body;
            this.n = n;
            this.minChunk = minChunk;
            this.parts = parts;
            this.unfinished = new AtomicInteger(n);
        }

        /** Runs chunks until none is left to claim; after a failure the rest are counted, not run. */
        void work() {
            for (int from = next.get(); from < n; from = next.get()) {
                int to = from + Math.min(n - from, Math.max(minChunk, (n - from) / parts));
                if (!next.compareAndSet(from, to)) {
                    continue;   // another thread claimed it first
                }
                try {
                    if (failure.get() == null) {
                        body.run(from, to);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    unfinished.addAndGet(from - to);
                }
            }
        }

        /** Waits for the chunks other threads claimed: polls, then sleeps in short naps. */
        void awaitEnd() {
            long start = System.nanoTime();
            while (unfinished.get() > 0) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(20_000);
                }
            }
        }

        void rethrow() {
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);   // a body cannot throw checked ones, but a sneaky throw can
            }
        }
    }

    /** The worker threads of one pool size. */
    private static final class Workers {
        final int threads;
        final AtomicBoolean busy = new AtomicBoolean();
        private final Worker[] all;
        /** The running job, null between jobs. */
        volatile Job job;
        /** Jobs started so far (only the thread that holds {@link #busy} counts). */
        long jobs;
        private volatile boolean shutDown;

        Workers(int threads) {
            this.threads = threads;
            all = new Worker[threads - 1];
            for (int i = 0; i < all.length; i++) {
                all[i] = new Worker(i + 1);
                all[i].start();
            }
        }

        /** Publishes the job, then wakes the workers that have parked. */
        void start(Job j) {
            job = j;
            for (Worker w : all) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
        }

        void shutDown() {
            shutDown = true;
            for (Worker w : all) {
                LockSupport.unpark(w);
            }
        }

        final class Worker extends Thread {
            /** Set before the worker parks and checks for a job once more: a start() that misses it finds it set. */
            volatile boolean parked;

            Worker(int number) {
                super("gradcam4j-worker-" + number);
                setDaemon(true);
            }

            @Override
            public void run() {
                long done = 0;   // the number of the last job this worker worked on
                long idleSince = System.nanoTime();
                while (!shutDown) {
                    if (hasNew(done)) {
                        Job j = job;
                        if (j != null) {
                            done = j.number;
                            j.work();
                        }
                        idleSince = System.nanoTime();
                    } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (!hasNew(done) && !shutDown) {
                            LockSupport.park(this);
                        }
                        parked = false;
                        idleSince = System.nanoTime();
                    }
                }
            }

            private boolean hasNew(long done) {
                Job j = job;
                return j != null && j.number != done;
            }
        }
    }

    private static int threadCount() {
        String prop = System.getProperty("gradcam4j.threads");
        if (prop != null && !prop.isBlank()) {
            int t = Integer.parseInt(prop.trim());
            if (t < 1) {
                throw new IllegalArgumentException("gradcam4j.threads must be at least 1, got " + t);
            }
            return t;
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
