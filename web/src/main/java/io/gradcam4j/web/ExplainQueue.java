package io.gradcam4j.web;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The one thread that touches models, and the bounded line of work waiting for it.
 *
 * <p>A loaded model is not safe to run from several threads at once: its graph keeps its
 * inference plans and a {@code Workspace} that recycles activation arrays between passes. So every
 * load, layer listing and explanation runs here, one at a time, and each request sees the model
 * exactly as a single-threaded command-line run does (the engine still uses every core inside one
 * pass, through its own fork-join pool). At most {@code capacity} jobs wait; one more is refused
 * at once with 503 and {@code Retry-After}, so a burst, or one user's slow Score-CAM, delays the
 * others by a bounded amount instead of piling up memory and threads.
 */
final class ExplainQueue implements AutoCloseable {
    private final ThreadPoolExecutor worker;
    private final Map<String, ExplainJob> jobs = new ConcurrentHashMap<>();
    private final int capacity;

    ExplainQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the queue must hold at least one job, got " + capacity);
        }
        this.capacity = capacity;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity), r -> {
            Thread t = new Thread(r, "gradcam-explain");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Runs {@code work} on the model thread and waits for its result.
     *
     * @param jobId the id the page polls and cancels it by, or null for work that is not followed
     * @throws ApiException 503 when the queue is full, 409 when the id is in use or the job was cancelled
     */
    <T> T run(String jobId, Function<ExplainJob, T> work) throws Exception {
        ExplainJob job = new ExplainJob(jobId);
        if (jobId != null && jobs.putIfAbsent(jobId, job) != null) {
            throw new ApiException(409, "invalid-request", "job id " + jobId + " is already in use");
        }
        try {
            Future<T> result;
            try {
                result = worker.submit(() -> {
                    job.checkCancelled();   // cancelled while it waited
                    job.started();
                    return work.apply(job);
                });
            } catch (RejectedExecutionException full) {
                throw new ApiException(503, "busy", "the server is busy: " + capacity
                        + " explanations are waiting; try again shortly", 2);
            }
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ExplainJob.Cancelled) {
                throw new ApiException(409, "cancelled", "the explanation was cancelled");
            }
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            io.gradcam4j.cli.Failure f = io.gradcam4j.cli.Failure.of(e.getCause());   // out of memory, stack overflow
            throw new ApiException(ApiErrors.status(f.kind()), f.kind(), f.message());
        } finally {
            job.finished();
            if (jobId != null) {
                jobs.remove(jobId, job);
            }
        }
    }

    /** The job with this id while it is queued or running, or null. */
    ExplainJob job(String id) {
        return jobs.get(id);
    }

    /** Jobs waiting (not the one running). */
    int waiting() {
        return worker.getQueue().size();
    }

    int capacity() {
        return capacity;
    }

    @Override
    public void close() {
        jobs.values().forEach(ExplainJob::cancel);
        worker.shutdownNow();
    }
}
