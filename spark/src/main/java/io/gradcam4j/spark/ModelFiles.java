package io.gradcam4j.spark;

import org.apache.spark.SparkFiles;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Where a model file is on this JVM, and its SHA-256. */
final class ModelFiles {

    private ModelFiles() {
    }

    /** A local path from a plain path or a {@code file:} URI (as Spark writes paths). */
    static Path localPath(String path) {
        return path.startsWith("file:") ? Path.of(URI.create(path)) : Path.of(path);
    }

    /**
     * The file on this executor: at the driver's path when the executors see it (a shared or
     * copied folder), else the copy Spark shipped ({@code spark-submit --files},
     * {@code SparkContext.addFile}) under the same file name.
     */
    static Path locate(String driverPath) throws IOException {
        Path p = localPath(driverPath);
        if (Files.isRegularFile(p)) {
            return p;
        }
        Path shipped = shippedCopy(p.getFileName().toString());
        if (shipped != null) {
            return shipped;
        }
        throw new IOException("model file " + driverPath + " is not visible on this executor: put it on a path "
                + "every executor sees, or ship it with spark-submit --files (SparkContext.addFile)");
    }

    private static Path shippedCopy(String name) {
        try {
            Path p = Path.of(SparkFiles.get(name));
            return Files.isRegularFile(p) ? p : null;
        } catch (RuntimeException noSparkEnv) {   // outside Spark (the driver before a context exists)
            return null;
        }
    }

    static Path requireFile(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new IOException((Files.isDirectory(p) ? "is a folder, not a model file: " : "not found: ") + p);
        }
        return p;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
