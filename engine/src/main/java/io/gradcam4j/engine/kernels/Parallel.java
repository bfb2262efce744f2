package io.gradcam4j.engine.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The engine's one thread pool. Work is split into small chunks by recursive halving, so an
 * idle worker steals what a descheduled one has not started: a busy neighbour on one core
 * slows a layer down instead of stalling it behind a barrier.
 *
 * <p>The thread count defaults to the number of processors and can be set with the system
 * property {@code gradcam4j.threads}.
 */
public final class Parallel {
    private static volatile ForkJoinPool pool = new ForkJoinPool(threadCount());

    private Parallel() {
    }

    /** A body that handles the index range [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    public static int threads() {
        return pool.getParallelism();
    }

    /**
     * Replaces the pool with one of {@code n} threads, for a whole program run (a benchmark's
     * {@code --threads}); work already running finishes on the old pool.
     */
    /** More workers than this only contend for the same cores. */
    public static final int MAX_THREADS = 1024;

    public static synchronized void useThreads(int n) {
        if (n < 1 || n > MAX_THREADS) {
            // ForkJoinPool itself refuses more than 32767 with a bare IllegalArgumentException
            throw new IllegalArgumentException("the thread count must be between 1 and " + MAX_THREADS + ", got " + n);
        }
        if (n != pool.getParallelism()) {
            ForkJoinPool old = pool;
            pool = new ForkJoinPool(n);
            old.shutdown();
        }
    }

    /**
     * Runs {@code body} over [0, n) in chunks of at least {@code grain} indices. Small ranges run
     * on the calling thread.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int g = Math.max(1, grain);
        ForkJoinPool p = pool;
        if (n <= g || p.getParallelism() == 1) {
            body.run(0, n);
            return;
        }
        // Aim for several chunks per thread so that stealing can balance uneven progress.
        int chunk = Math.max(g, n / (p.getParallelism() * 4));
        p.invoke(new Chunk(body, 0, n, chunk));
    }

    private static final class Chunk extends RecursiveAction {
        private final RangeBody body;
        private final int from;
        private final int to;
        private final int chunk;

        Chunk(RangeBody body, int from, int to, int chunk) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.chunk = chunk;
        }

        @Override
        protected void compute() {
            if (to - from <= chunk) {
                body.run(from, to);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new Chunk(body, from, mid, chunk), new Chunk(body, mid, to, chunk));
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
