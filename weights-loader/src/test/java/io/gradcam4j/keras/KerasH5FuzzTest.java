package io.gradcam4j.keras;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ContiguousDataset;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Damaged copies of small real Keras files (../shared/corpus) must load or fail with a
 * {@link KerasFormatException} naming the file: never another exception, an {@link Error}, a
 * hang or a huge allocation. Mutations: truncation, bit flips, 8 bytes overwritten with 0xFF or a
 * large little-endian integer (an absurd dimension or length), zeroed blocks; most land outside
 * the weights' raw data, where the HDF5 structure and the model_config are.
 *
 * <p>Reproduce one case: each failure prints its file, case seed and mutation; run with
 * {@code -Dfuzz.file=<file> -Dfuzz.caseSeed=<seed>}. {@code -Dfuzz.cases=N} sets cases per file,
 * {@code -Dfuzz.seed=S} the run's seed.
 */
class KerasH5FuzzTest {
    private static final String[] FILES = {"dl4j_cnn_batch_norm.h5", "dl4j_sepconv2d.h5", "dl4j_keras1_conv2d_tf.h5",
            "keras3_lenet5_mnist.h5", "cifar10_cnn.h5"};
    /** Cases per file: small files are cheap, large ones spend most time reading weights. */
    private static final int[] CASES = {700, 700, 700, 350, 200};
    private static final long TIMEOUT_MS = 5000;
    private static final long[] LARGE = {0x7fffffffL, 0xffffffffL, 0x100000000L, 1L << 40, 1L << 62, Long.MAX_VALUE,
            -1L, 0x10000L, 0x1000000L};

    @Test
    void damagedFilesLoadOrFailWithATypedErrorNamingTheFile() throws Exception {
        Path models = TestData.sharedCorpus().resolve("models");
        assumeTrue(Files.isDirectory(models), "shared corpus " + models + " is absent; skipping the fuzz test");
        long seed = Long.getLong("fuzz.seed", 0x6a_64_66_35L);
        String onlyFile = System.getProperty("fuzz.file");
        Long onlyCase = Long.getLong("fuzz.caseSeed");
        Path tmp = Files.createTempDirectory("gradcam4j-fuzz");
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, String> examples = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int cases = 0;
        long start = System.nanoTime();
        ExecutorService[] runner = {newRunner()};
        try {
            for (int f = 0; f < FILES.length; f++) {
                if (onlyFile != null && !onlyFile.equals(FILES[f])) {
                    continue;
                }
                Path source = models.resolve(FILES[f]);
                assumeTrue(Files.exists(source), source + " is absent; skipping the fuzz test");
                byte[] original = Files.readAllBytes(source);
                long[][] data = rawDataRanges(source);
                Random fileRandom = new Random(seed + f);
                int n = onlyCase != null ? 1 : Integer.getInteger("fuzz.cases", CASES[f]);
                for (int i = 0; i < n; i++) {
                    long caseSeed = onlyCase != null ? onlyCase : fileRandom.nextLong();
                    Mutant m = mutate(original, data, new Random(caseSeed));
                    String name = FILES[f].replace(".h5", "") + "-case" + i + ".h5";
                    String description = FILES[f] + " caseSeed=" + caseSeed + " (" + m.description + ")";
                    boolean viaFile = i % 10 == 0;     // also exercise the memory-mapped path
                    Path file = tmp.resolve(name);
                    if (viaFile) {
                        Files.write(file, m.bytes);
                    }
                    Future<String> outcome = runner[0].submit(() -> runCase(viaFile ? file : null, m.bytes,
                            viaFile ? file.toString() : name));
                    cases++;
                    try {
                        String[] result = outcome.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).split("\n", 2);
                        outcomes.merge(result[0], 1, Integer::sum);
                        if (result.length > 1) {
                            examples.putIfAbsent(result[0], result[1]);
                        }
                    } catch (TimeoutException e) {
                        outcome.cancel(true);
                        runner[0].shutdownNow();
                        runner[0] = newRunner();       // the stuck thread is a daemon; go on with a new one
                        failures.add("HANG (> " + TIMEOUT_MS + " ms): " + description);
                    } catch (ExecutionException e) {
                        failures.add(e.getCause().getClass().getName() + ": " + e.getCause().getMessage()
                                + "\n    at " + top(e.getCause()) + "\n    mutation: " + description);
                        outcomes.merge("FAILED", 1, Integer::sum);
                    } finally {
                        if (viaFile) {
                            Files.deleteIfExists(file);
                        }
                    }
                }
            }
        } finally {
            runner[0].shutdownNow();
            Files.deleteIfExists(tmp);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        StringBuilder summary = new StringBuilder("KerasH5FuzzTest: " + cases + " damaged files in " + ms + " ms\n");
        outcomes.forEach((k, v) -> summary.append(String.format("  %5d  %s%n", v, k)));
        if (Boolean.getBoolean("fuzz.examples")) {
            examples.forEach((k, v) -> summary.append("  e.g. ").append(k).append(":\n      ").append(v).append('\n'));
        }
        System.out.print(summary);
        failures.forEach(s -> System.out.println("FAILURE " + s));
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases + " damaged files were not handled; first: " + failures.get(0)
                    + "\n" + summary);
        }
    }

    private static ExecutorService newRunner() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * One case: an outcome label, or an exception that fails the test (any Throwable that is not a
     * KerasFormatException or an UnsupportedKerasFeatureException naming the file, thrown as an
     * AssertionError so the caller reports it).
     */
    private static String runCase(Path file, byte[] bytes, String name) throws Exception {
        KerasModel model;
        try {
            model = file != null ? KerasH5File.loadModel(file) : KerasH5File.loadModel(bytes, name);
        } catch (KerasFormatException | UnsupportedKerasFeatureException e) {
            if (e.getMessage() == null || !e.getMessage().contains(name)) {
                throw new AssertionError("message does not name the file " + name + ": " + e.getMessage(), e);
            }
            return "refused: " + kind(e) + "\n" + e.getMessage();
        }
        int[] shape = model.inputShape();
        int[] batch = new int[shape.length + 1];
        batch[0] = 1;
        for (int i = 0; i < shape.length; i++) {
            batch[i + 1] = shape[i] < 0 ? 32 : shape[i];
        }
        if (Tensor.sizeOf(batch) > 4_000_000) {
            return "loaded; input " + Arrays.toString(batch) + " too large to predict";
        }
        try {
            Tensor out = model.graph().predict(Tensor.zeros(batch));
            for (float v : out.data()) {
                if (!Float.isFinite(v)) {
                    // Weights are finite (checked at load) but a damaged exponent can make one huge.
                    return "loaded; predict gives non-finite output (weights damaged to huge values)";
                }
            }
            return "loaded; predict finite";
        } catch (KerasFormatException | IllegalArgumentException | IllegalStateException e) {
            // a damaged config value (a size, a pool) the shapes no longer agree with
            return "loaded; predict refused: " + e.getClass().getSimpleName();
        }
    }

    /** A coarse label for the summary: the exception class and what kind of damage it reports. */
    private static String kind(io.gradcam4j.engine.errors.Gradcam4jException e) {
        String m = e.getMessage();
        String[][] kinds = {
                {"not an HDF5 file", "not an HDF5 file"}, {"is empty", "empty"}, {"truncated", "truncated"},
                {"not valid JSON", "model_config not JSON"}, {"dimensions are damaged", "absurd dimensions"},
                {"its size is damaged", "absurd attribute size"}, {"past the end", "data past end of file"},
                {"must be finite", "non-finite weight"}, {"does not exist", "missing object"},
                {"weights must be floating point", "non-float weight"}, {"cannot be read", "unreadable HDF5 object"},
                {"cannot build the model", "config value the layer builders reject"},
                {"should be a string", "attribute of wrong type"}, {"should list names", "attribute of wrong type"},
                {"weights-only", "no model_config"}, {"does not support", "HDF5 feature jHDF does not read"},
                {"unsupported layer class", "damaged class name"}};
        for (String[] k : kinds) {
            if (m.contains(k[0])) {
                return e.getClass().getSimpleName() + " / " + k[1];
            }
        }
        return e.getClass().getSimpleName() + " / model_config or weights disagree with the layers";
    }

    private static String top(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        return st.length == 0 ? "?" : st[0] + (st.length > 1 ? " <- " + st[1] : "");
    }

    private record Mutant(byte[] bytes, String description) {
    }

    /** One random damage; positions prefer the HDF5 structure and attributes over raw weight data. */
    static Mutant mutate(byte[] original, long[][] data, Random r) {
        byte[] b = original.clone();
        int kind = r.nextInt(5);
        switch (kind) {
            case 0 -> {
                int length = r.nextBoolean() ? r.nextInt(b.length) : b.length - 1 - r.nextInt(Math.min(b.length, 4096));
                return new Mutant(Arrays.copyOf(b, length), "truncated to " + length + " of " + b.length + " bytes");
            }
            case 1 -> {
                int flips = 1 + r.nextInt(16);
                StringBuilder d = new StringBuilder(flips + " bit flips at");
                for (int i = 0; i < flips; i++) {
                    int at = position(b.length, data, r);
                    int bit = r.nextInt(8);
                    b[at] ^= (byte) (1 << bit);
                    d.append(' ').append(at).append('.').append(bit);
                }
                return new Mutant(b, d.toString());
            }
            case 2, 3 -> {
                int at = Math.min(position(b.length, data, r), b.length - 8);
                long value = kind == 2 ? -1L : r.nextInt(3) == 0 ? (r.nextLong() >>> r.nextInt(40))
                        : LARGE[r.nextInt(LARGE.length)];
                for (int i = 0; i < 8; i++) {
                    b[at + i] = (byte) (value >>> (8 * i));
                }
                return new Mutant(b, "8 bytes at " + at + " set to little-endian 0x" + Long.toHexString(value));
            }
            default -> {
                int at = position(b.length, data, r);
                int length = Math.min(b.length - at, 1 + r.nextInt(r.nextBoolean() ? 64 : 4096));
                Arrays.fill(b, at, at + length, (byte) 0);
                return new Mutant(b, length + " bytes zeroed at " + at);
            }
        }
    }

    /** A random byte position; 9 times in 10 outside the raw data of contiguous datasets. */
    private static int position(int length, long[][] data, Random r) {
        int at = r.nextInt(length);
        if (r.nextInt(10) == 0) {
            return at;
        }
        for (int tries = 0; tries < 50 && inside(at, data); tries++) {
            at = r.nextInt(length);
        }
        return at;
    }

    private static boolean inside(long at, long[][] data) {
        for (long[] range : data) {
            if (at >= range[0] && at < range[1]) {
                return true;
            }
        }
        return false;
    }

    /** The byte ranges of the raw data of the file's contiguous datasets. */
    private static long[][] rawDataRanges(Path file) throws IOException {
        List<long[]> ranges = new ArrayList<>();
        try (HdfFile hdf = new HdfFile(file)) {
            collect(hdf, ranges);
        }
        return ranges.toArray(new long[0][]);
    }

    private static void collect(Group g, List<long[]> ranges) {
        for (Node n : g) {
            if (n instanceof Group child) {
                collect(child, ranges);
            } else if (n instanceof ContiguousDataset c && c.getDataAddress() >= 0) {
                ranges.add(new long[] {c.getDataAddress(), c.getDataAddress() + ((Dataset) c).getSizeInBytes()});
            }
        }
    }
}
