package io.gradcam4j.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The audit job submitted to a standalone master with two workers on loopback (separate JVMs,
 * {@link StandaloneCluster}): the same table as on local[2], row for row, and the executors, not
 * the driver, did the work.
 */
@Tag("cluster")
class StandaloneClusterTest {

    @Test
    void clusterRowsEqualLocalRows(@TempDir Path dir) throws IOException, InterruptedException {
        Path images = dir.resolve("images");
        AuditJobTest.copyTree(LibraryReference.HELDOUT.resolve("triangle"), images.resolve("triangle"));
        AuditJobTest.copyTree(LibraryReference.HELDOUT.resolve("cross"), images.resolve("cross"));
        AuditJobTest.copyTree(LibraryReference.HELDOUT_MASKS, dir.resolve("masks"));
        Files.write(images.resolve("cross/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});

        List<Row> local = audit(LocalSpark.get(), dir, "local");
        LocalSpark.stop();   // one SparkContext per JVM

        String classpath = StandaloneCluster.moduleClasspath();
        try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, classpath)) {
            SparkSession spark = SparkSession.builder().master(cluster.url()).appName("gradcam4j-cluster-test")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.executor.memory", "512m")
                    .config("spark.executor.cores", "1")
                    .config("spark.cores.max", "2")
                    .config("spark.executor.extraClassPath", classpath)
                    .config("spark.executor.extraJavaOptions", "--add-modules jdk.incubator.vector")
                    .config("spark.sql.shuffle.partitions", "2")
                    // the scheduler waits for both executors before the first job (a slow worker
                    // otherwise leaves the whole job to the other one)
                    .config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                    .config("spark.scheduler.maxRegisteredResourcesWaitingTime", "180s")
                    .getOrCreate();
            try {
                assertEquals(2, awaitExecutors(spark, 2, cluster), "two executors, one per worker");
                List<Row> remote = audit(spark, dir, "cluster");
                assertEquals(local.size(), remote.size());
                assertEquals(81, remote.size());
                for (int i = 0; i < local.size(); i++) {
                    assertEquals(local.get(i), remote.get(i), "row " + i + " (" + local.get(i).get(0) + ")");
                }
            } finally {
                spark.stop();
            }
        }
    }

    /**
     * Waits until {@code wanted} executors have registered with the driver, and returns how many did:
     * on a loaded machine a worker can take tens of seconds to start its executor's JVM.
     */
    private static int awaitExecutors(SparkSession spark, int wanted, StandaloneCluster cluster)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        int executors = 0;
        while (System.nanoTime() < deadline) {
            executors = spark.sparkContext().getExecutorMemoryStatus().size() - 1;   // minus the driver
            if (executors >= wanted) {
                return executors;
            }
            Thread.sleep(250);
        }
        System.err.println("only " + executors + " of " + wanted + " executors registered in 3 minutes:\n"
                + cluster.logTails());
        return executors;
    }

    /** The job's table, ordered by image. */
    private static List<Row> audit(SparkSession spark, Path dir, String out) throws IOException {
        AuditJob.run(spark, AuditArguments.parse(new String[] {"--model", LibraryReference.DEMO_RECORD.toString(),
                "--images", dir.resolve("images").toString(), "--masks", dir.resolve("masks").toString(),
                "--out", dir.resolve(out).toString(), "--batch-size", "6"}));
        return spark.read().parquet(dir.resolve(out).resolve("images").toString()).orderBy("image").collectAsList();
    }
}
