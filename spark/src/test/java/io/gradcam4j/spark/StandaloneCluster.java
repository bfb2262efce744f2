package io.gradcam4j.spark;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on loopback, each daemon in its own JVM started from the module's
 * classpath (no Spark installation): a master ({@code org.apache.spark.deploy.master.Master}) and
 * workers ({@code org.apache.spark.deploy.worker.Worker}) of one core each. The workers start
 * their executors from the application's {@code spark.executor.extraClassPath}; without a Spark
 * home holding {@code jars/}, they need {@code SPARK_TESTING} and the Scala version to build
 * the executor's command, as Spark's own tests run them.
 */
final class StandaloneCluster implements AutoCloseable {
    private final List<Process> daemons = new ArrayList<>();
    private final int port;
    private final Path logs;

    private StandaloneCluster(Path dir) throws IOException {
        this.port = freePort();
        this.logs = dir;
    }

    /** Starts a master and {@code workers} workers, and waits until every worker has registered. */
    static StandaloneCluster start(Path dir, int workers, String classpath) throws IOException, InterruptedException {
        StandaloneCluster c = new StandaloneCluster(dir);
        try {
            c.daemons.add(c.launch("master", classpath, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", Integer.toString(c.port), "--webui-port", Integer.toString(freePort())));
            for (int w = 0; w < workers; w++) {
                Path work = Files.createDirectories(dir.resolve("worker" + w));
                c.daemons.add(c.launch("worker" + w, classpath, "org.apache.spark.deploy.worker.Worker", "--host",
                        "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", Integer.toString(freePort()),
                        "--work-dir", work.toString(), c.url()));
            }
            c.awaitRegistered(workers);
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    String url() {
        return "spark://127.0.0.1:" + port;
    }

    private Process launch(String name, String classpath, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", classpath));
        command.addAll(JavaOptions.SPARK_ON_JAVA_17);
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_TESTING", "1");
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_HOME", Files.createDirectories(logs.resolve("spark-home")).toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    /** Waits for the master's log to count the workers (Spark logs "Registering worker" for each). */
    private void awaitRegistered(int workers) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        Path log = logs.resolve("master.log");
        while (System.nanoTime() < deadline) {
            for (Process p : daemons) {
                if (!p.isAlive()) {
                    throw new IOException("a Spark daemon stopped (exit " + p.exitValue() + "):\n" + logTails());
                }
            }
            if (Files.exists(log) && Files.readAllLines(log).stream().filter(l -> l.contains("Registering worker"))
                    .count() >= workers) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IOException("the workers did not register with the master within 3 minutes:\n" + logTails());
    }

    /** The last lines of each daemon's and executor's log, for a failure's message (the test's folder is deleted after it). */
    String logTails() throws IOException {
        StringBuilder sb = new StringBuilder();
        // the daemons' logs, and each executor's stderr under its worker's work dir
        try (var files = Files.walk(logs)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log") || f.endsWith("stderr")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                sb.append("== ").append(logs.relativize(f)).append('\n');
                lines.subList(Math.max(0, lines.size() - 25), lines.size()).forEach(l -> sb.append(l).append('\n'));
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (Process p : daemons) {
            p.destroy();
        }
        for (Process p : daemons) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** This module's classpath as the build wrote it: its classes and Spark (target/classpath.txt). */
    static String moduleClasspath() throws IOException {
        Path target = LibraryReference.ROOT.resolve("spark/target");
        return target.resolve("classes") + File.pathSeparator
                + Files.readString(target.resolve("classpath.txt")).strip();
    }
}
