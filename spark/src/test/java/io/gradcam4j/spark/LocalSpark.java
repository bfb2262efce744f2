package io.gradcam4j.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] session for the tests of this JVM (a Spark session costs seconds to start). */
final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {
    }

    static synchronized SparkSession get() {
        if (session == null || session.sparkContext().isStopped()) {
            session = SparkSession.builder().master("local[2]").appName("gradcam4j-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    /** Stops the session, so that a test can start one on another master (one SparkContext per JVM). */
    static synchronized void stop() {
        if (session != null) {
            session.stop();
            session = null;
        }
    }
}
