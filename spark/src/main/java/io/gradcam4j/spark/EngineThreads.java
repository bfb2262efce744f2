package io.gradcam4j.spark;

import io.gradcam4j.engine.kernels.Parallel;
import org.apache.spark.TaskContext;

/**
 * How many threads the engine's pool ({@link Parallel}) uses in an executor. Spark already runs
 * one task per slot on the executor's cores; an engine pool of all the cores under each of them
 * would put cores x slots threads on the cores. So the engine gets the cores of one slot
 * ({@code spark.task.cpus}, {@link TaskContext#cpus()}): with the default of 1 it runs each task
 * on the task's own thread, and N slots keep N cores busy. The system property
 * {@code gradcam4j.threads} (in {@code spark.executor.extraJavaOptions}) overrides it.
 */
final class EngineThreads {
    private static volatile boolean chosen;

    private EngineThreads() {
    }

    /** Sets the pool from the running task's CPUs, once per JVM. */
    static void fitToTask() {
        if (chosen) {
            return;
        }
        synchronized (EngineThreads.class) {
            TaskContext task = TaskContext.get();
            if (!chosen && task != null) {   // outside a task (the driver) there is nothing to fit
                if (System.getProperty("gradcam4j.threads") == null) {
                    Parallel.useThreads(Math.max(1, task.cpus()));
                }
                chosen = true;
            }
        }
    }
}
