package io.gradcam4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of this JVM (an executor, or the driver in local mode), each loaded once and shared
 * by every task that runs here, keyed by the SHA-256 of its weights file: a hundred partitions
 * read and parse the file once, not a hundred times. The engine's graphs are safe to run from
 * several task threads at once (each run keeps its activations to itself).
 */
final class ExecutorModels {
    private static final Map<String, ExplainerModel> LOADED = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    /** The model {@code spec} names, loaded on first use in this JVM. */
    static ExplainerModel get(ModelSpec spec) throws IOException {
        try {
            return LOADED.computeIfAbsent(spec.cacheKey(), key -> {
                try {
                    return ExplainerModel.load(spec, verifiedFile(spec));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * The weights file as this JVM sees it, checked to be the driver's: a different file at the
     * same path on one host would otherwise give that host's rows another model's answers.
     */
    private static Path verifiedFile(ModelSpec spec) throws IOException {
        if (spec.weightsFile() == null) {
            return null;   // seeded weights: nothing to read
        }
        Path file = ModelFiles.locate(spec.weightsFile());
        String here = ModelFiles.sha256(file);
        if (!here.equals(spec.sha256())) {
            throw new IOException("model file " + file + " on this executor has SHA-256 " + here + ", the driver's "
                    + spec.weightsFile() + " has " + spec.sha256() + ": every executor must see the same file");
        }
        return file;
    }
}
