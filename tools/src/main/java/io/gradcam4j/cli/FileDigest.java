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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The SHA-256 of a model file, computed on a background thread once asked to begin. Reports name
 * the exact weights an explanation came from, but hashing 88 MB in a JVM that has not compiled the
 * hash yet takes 0.1–0.4 s of a core. While the model is read and its first image explained, both
 * cores are taken by that work and by the JIT; so {@code explain} begins the hash after the
 * explanation is computed, and it overlaps the writing of the images.
 */
final class FileDigest {
    private final Path file;
    private final CompletableFuture<String> hex = new CompletableFuture<>();
    private final AtomicBoolean begun = new AtomicBoolean();

    private FileDigest(Path file) {
        this.file = file;
    }

    /** The digest of {@code file}, not yet begun. */
    static FileDigest of(Path file) {
        return new FileDigest(file);
    }

    /** No file (weights seeded, {@code --weights none}): {@link #hex()} is null. */
    static FileDigest none() {
        FileDigest d = new FileDigest(null);
        d.begun.set(true);
        d.hex.complete(null);
        return d;
    }

    /** Begins hashing on a daemon thread, unless it has begun already. */
    FileDigest beginInBackground() {
        if (begun.compareAndSet(false, true)) {
            Thread t = new Thread(this::compute, "gradcam4j-sha256");
            t.setDaemon(true);
            try {
                t.start();
            } catch (Throwable e) {   // no thread to be had: hash here, or hex() would wait for ever
                compute();
            }
        }
        return this;
    }

    /**
     * The digest as 64 lower-case hex digits, hashing on this thread if nothing has begun it (null
     * when there is no file); an I/O failure while hashing is rethrown here.
     */
    String hex() {
        if (begun.compareAndSet(false, true)) {
            compute();
        }
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
