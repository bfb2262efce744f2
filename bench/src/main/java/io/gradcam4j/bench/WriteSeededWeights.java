package io.gradcam4j.bench;

import io.gradcam4j.keras.KerasH5Writer;
import io.gradcam4j.keras.applications.Applications;

import java.nio.file.Path;

/**
 * Writes an application's seeded weights in the keras.applications layout, a stand-in for the
 * official file where it cannot be downloaded (same layers, shapes and size: 88 MB for
 * Xception). Used by {@code bench/compare/coldstart.sh}:
 * {@code java -cp bench/target/benchmarks.jar io.gradcam4j.bench.WriteSeededWeights xception FILE.h5}.
 */
public final class WriteSeededWeights {
    private WriteSeededWeights() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: WriteSeededWeights APPLICATION FILE.h5  (application: " + Applications.NAMES + ")");
            System.exit(2);
        }
        KerasH5Writer.saveWeights(Applications.seeded(Applications.byName(args[0])), Path.of(args[1]));
    }
}
