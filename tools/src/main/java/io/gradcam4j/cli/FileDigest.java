package io.gradcam4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The SHA-256 of a model file, computed on a background thread. Reports name the exact weights an
 * explanation came from, but hashing 88 MB in a JVM that has not compiled the hash yet takes about
 * 0.2–0.3 s; started before the model is read, it is ready by the time a report is written.
 */
final class FileDigest {
    private final Path file;
    private final CompletableFuture<String> hex;

    private FileDigest(Path file) {
        this.file = file;
        this.hex = new CompletableFuture<>();
        Thread t = new Thread(this::compute, "gradcam4j-sha256");
        t.setDaemon(true);
        t.start();
    }

    /** Starts hashing {@code file}; {@link #hex()} waits for the result. */
    static FileDigest start(Path file) {
        return new FileDigest(file);
    }

    /** The digest as 64 lower-case hex digits; an I/O failure while hashing is rethrown here. */
    String hex() {
        try {
            return hex.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException("could not hash " + file + ": " + io.getMessage(), io);
            }
            throw e;
        }
    }

    private void compute() {
        try {
            hex.complete(sha256(file));
        } catch (Throwable t) {   // whatever it is, hex() must not wait for ever
            hex.completeExceptionally(t);
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
