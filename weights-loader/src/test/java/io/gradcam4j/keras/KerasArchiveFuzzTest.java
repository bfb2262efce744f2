package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.errors.Gradcam4jException;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.keras.Keras3Fixture.Layout;
import io.gradcam4j.keras.KerasArchiveMutations.Mutant;
import io.gradcam4j.keras.KerasArchiveMutations.Seed;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Damaged and hostile Keras v3 archives must load or fail with a typed error
 * ({@link Gradcam4jException}: {@link KerasFormatException} or a resource limit) naming the file:
 * never another exception, an {@link Error}, a hang or a huge allocation; and a model that loads
 * must predict finite numbers, unless the damage itself asks for values beyond float32 (a weight
 * or a config number of 1e18 or more, which the case's label reports).
 *
 * <p>The seeds are archives written here (Keras3Fixture: the Sequential in the nested and Windows
 * layouts, stored and deflated, and the Keras 3 functional model; the Sequential saved again by
 * KerasV3Writer), so the fuzz always runs, plus
 * cifar10_bn_dropout.keras when ../shared/corpus is present. The damage: KerasArchiveMutations
 * (the zip, config.json, metadata.json, model.weights.h5, hostile members).
 *
 * <p>Reproduce one case: each failure prints its seed archive, case seed and mutation; run with
 * {@code -Dfuzz.archive=<seed name> -Dfuzz.caseSeed=<seed>}. {@code -Dfuzz.cases=N} sets cases per
 * seed archive, {@code -Dfuzz.seed=S} the run's seed, {@code -Dfuzz.examples=true} prints one
 * message per outcome.
 */
class KerasArchiveFuzzTest {
    private static final long TIMEOUT_MS = 5000;
    private static final int CASES = 700;
    private static final int CORPUS_CASES = 250;
    /** Values or magnitudes this large (in a weight or the config) may overflow float32 arithmetic. */
    private static final double HUGE = 1e18;

    @Test
    void damagedArchivesLoadOrFailWithATypedErrorNamingTheFile() throws Exception {
        List<Seed> seeds = seeds();
        long runSeed = Long.getLong("fuzz.seed", 0x6b_65_72_61_73L);
        String onlySeed = System.getProperty("fuzz.archive");
        Long onlyCase = Long.getLong("fuzz.caseSeed");
        Path tmp = Files.createTempDirectory("gradcam4j-keras-fuzz");
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, String> examples = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int cases = 0;
        long start = System.nanoTime();
        ExecutorService[] runner = {newRunner()};
        try {
            for (int s = 0; s < seeds.size(); s++) {
                Seed seed = seeds.get(s);
                if (onlySeed != null && !onlySeed.equals(seed.name())) {
                    continue;
                }
                Random seedRandom = new Random(runSeed + s);
                int n = onlyCase != null ? 1 : Integer.getInteger("fuzz.cases", seed.cases());
                for (int i = 0; i < n; i++) {
                    long caseSeed = onlyCase != null ? onlyCase : seedRandom.nextLong();
                    Mutant m = KerasArchiveMutations.mutate(seed, new Random(caseSeed));
                    String name = seed.name() + "-case" + i + ".keras";
                    String description = seed.name() + " caseSeed=" + caseSeed + " (" + m.description() + ")";
                    boolean viaFile = i % 10 == 0;       // also the memory-mapped path
                    Path file = tmp.resolve(name);
                    if (viaFile) {
                        Files.write(file, m.bytes());
                    }
                    Future<String> outcome = runner[0].submit(() -> runCase(viaFile ? file : null, m.bytes(),
                            viaFile ? file.toString() : name));
                    cases++;
                    try {
                        String[] result = outcome.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).split("\n", 2);
                        outcomes.merge(result[0], 1, Integer::sum);
                        if (result.length > 1) {
                            examples.putIfAbsent(result[0], result[1] + "\n      after: " + m.description());
                        }
                    } catch (TimeoutException e) {
                        outcome.cancel(true);
                        runner[0].shutdownNow();
                        runner[0] = newRunner();        // the stuck thread is a daemon; go on with a new one
                        failures.add("HANG (> " + TIMEOUT_MS + " ms): " + description);
                        outcomes.merge("FAILED: hang", 1, Integer::sum);
                    } catch (ExecutionException e) {
                        Throwable t = e.getCause();
                        failures.add(t.getClass().getName() + ": " + t.getMessage() + "\n    at " + top(t)
                                + "\n    mutation: " + description);
                        outcomes.merge("FAILED: " + t.getClass().getSimpleName(), 1, Integer::sum);
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
        StringBuilder summary = new StringBuilder("KerasArchiveFuzzTest: " + cases + " damaged archives from "
                + seeds.size() + " seeds in " + ms + " ms\n");
        outcomes.forEach((k, v) -> summary.append(String.format("  %5d  %s%n", v, k)));
        if (Boolean.getBoolean("fuzz.examples")) {
            examples.forEach((k, v) -> summary.append("  e.g. ").append(k).append(":\n      ").append(v).append('\n'));
        }
        System.out.print(summary);
        failures.forEach(f -> System.out.println("FAILURE " + f));
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases + " damaged archives were not handled; first: " + failures.get(0)
                    + "\n" + summary);
        }
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.startsWith("loaded")), "no mutant loaded: " + summary);
        assertTrue(outcomes.keySet().stream().filter(k -> k.startsWith("refused")).count() >= 10,
                "the mutations reach too few kinds of refusal: " + summary);
    }

    private static ExecutorService newRunner() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "keras-archive-fuzz-case");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * One case: an outcome label (first line) and its message, or an exception that fails the test
     * (anything but a typed error naming the file, rethrown as an AssertionError).
     */
    private static String runCase(Path file, byte[] bytes, String name) throws Exception {
        KerasModel model;
        try {
            model = file != null ? KerasModelFile.loadModel(file) : KerasModelFile.loadModel(bytes, name);
        } catch (Gradcam4jException e) {
            if (e.getMessage() == null || !e.getMessage().contains(name)) {
                throw new AssertionError("message does not name the file " + name + ": " + e.getMessage(), e);
            }
            return "refused: " + e.kind().json() + " / " + e.getClass().getSimpleName() + " / " + kind(e.getMessage())
                    + "\n" + e.getMessage();
        }
        int[] shape = model.inputShape();
        int[] batch = new int[shape.length + 1];
        batch[0] = 1;
        for (int i = 0; i < shape.length; i++) {
            batch[i + 1] = shape[i] < 0 ? 8 : shape[i];
        }
        if (Arrays.stream(batch).asLongStream().reduce(1, (a, b) -> a * b) > 4_000_000) {
            return "loaded; input " + Arrays.toString(batch) + " too large to predict";
        }
        Tensor out;
        try {
            out = model.graph().predict(Tensor.zeros(batch));
        } catch (Gradcam4jException | IllegalArgumentException | IllegalStateException e) {
            // a damaged config value (a size, a pool, an axis) the shapes no longer agree with
            return "loaded; predict refused: " + e.getClass().getSimpleName() + "\n" + e.getMessage();
        }
        for (float v : out.data()) {
            if (!Float.isFinite(v)) {
                double weight = largestWeight(model);
                double config = largestNumber(model.modelConfig());
                if (weight < HUGE && config < HUGE) {
                    throw new AssertionError("output " + v + " from weights and config of moderate size (largest "
                            + "|weight| " + weight + ", largest config number " + config + ")");
                }
                return "loaded; output not finite: the damage asks for values beyond float32 (|weight| up to "
                        + "1e18+ or a config number of 1e18+)\nlargest |weight| " + weight + ", config number " + config;
            }
        }
        return "loaded; predict finite";
    }

    private static double largestWeight(KerasModel model) {
        double largest = 0;
        for (Node n : model.graph().nodes()) {
            for (Param p : n.isInput() ? List.<Param>of() : n.op().params()) {
                for (float v : p.value().data()) {
                    largest = Math.max(largest, Math.abs(v));
                }
            }
        }
        return largest;
    }

    private static double largestNumber(JsonNode node) {
        double largest = node.isNumber() ? Math.abs(node.asDouble()) : 0;
        for (JsonNode child : node) {
            largest = Math.max(largest, largestNumber(child));
        }
        return largest;
    }

    /** A coarse label for the summary: what kind of damage the message reports. */
    private static String kind(String m) {
        String[][] kinds = {
                {"zip end record", "zip end record"}, {"zip central directory", "zip central directory"},
                {"CRC-32", "CRC mismatch"}, {"local header", "zip local header"}, {"decompression bomb", "deflate bomb"},
                {"inflates to", "deflate size lies"}, {"more than deflate can produce", "deflate size lies"},
                {"not valid deflate", "bad deflate data"}, {"stored uncompressed but", "stored size lies"},
                {"past the start of the central directory", "member past its end"},
                {"compression method", "compression method"}, {"encrypted", "encrypted member"},
                {"appears twice", "duplicate member"}, {"not valid UTF-8", "member name not UTF-8"}, {"split", "split archive"}, {"zip64", "zip64"},
                {"allowed for it", "member over its size limit"}, {"has no config.json", "no config.json"},
                {"has no model.weights.h5", "no model.weights.h5"}, {"not valid JSON", "JSON syntax"},
                {"should hold a JSON object", "JSON not an object"}, {"keras_version", "metadata version"},
                {"custom class", "custom class"}, {"custom activation", "custom activation"},
                {"dtype policy", "dtype policy"}, {"subclassed model", "not a Sequential/Functional"},
                {"two layers named", "duplicate layer name"}, {"Lambda", "Lambda"},
                {"unsupported layer class", "unknown layer class"}, {"holds the weights of layer", "name attribute"},
                {"outside the file", "external/virtual data"}, {"link", "HDF5 link"},
                {"is missing: layer", "missing vars"}, {"Keras names a layer's", "vars not 0..n-1"},
                {"not an HDF5 file", "weights not HDF5"}, {"truncated", "truncated HDF5"},
                {"dimensions are damaged", "absurd dimensions"}, {"must be finite", "non-finite weight"},
                {"floating point", "non-float weight"}, {"cannot be read", "unreadable HDF5 object"},
                {"cannot build the model", "config value the builders reject"}, {"but the config implies", "weight shape"},
                {"weights but its config uses", "weight count"}, {"expects weight", "weight count"}};
        for (String[] k : kinds) {
            if (m.contains(k[0])) {
                return k[1];
            }
        }
        return "config the layers reject";
    }

    private static String top(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        return st.length == 0 ? "?" : st[0] + (st.length > 1 ? " <- " + st[1] : "");
    }

    // ---------------------------------------------------------------------------------------------
    // Seeds
    // ---------------------------------------------------------------------------------------------

    private static List<Seed> seeds() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        Map<String, Tensor[]> weights = Keras3Fixture.sequentialWeights(3);
        seeds.add(seed("sequential-stored", Keras3Fixture.SEQUENTIAL, Keras3Fixture.weightsFile(weights,
                Keras3Fixture.SEQUENTIAL_PLACES, Layout.NESTED), false, CASES));
        seeds.add(seed("sequential-windows-deflated", Keras3Fixture.SEQUENTIAL, Keras3Fixture.weightsFile(weights,
                Keras3Fixture.SEQUENTIAL_PLACES, Layout.WINDOWS), true, CASES));
        seeds.add(seed("functional-stored", Keras3Fixture.FUNCTIONAL, Keras3Fixture.weightsFile(
                Keras3Fixture.functionalWeights(5), Keras3Fixture.FUNCTIONAL_PLACES, Layout.NESTED), false, CASES));
        seeds.add(writtenHere(weights));
        Path corpus = TestData.sharedCorpus().resolve("models").resolve("cifar10_bn_dropout.keras");
        if (Files.exists(corpus)) {
            Map<String, byte[]> members = new LinkedHashMap<>();
            try (ZipFile zip = new ZipFile(corpus.toFile())) {
                for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                    members.put(e.getName(), zip.getInputStream(e).readAllBytes());
                }
            }
            seeds.add(new Seed("cifar10_bn_dropout", members, false, KerasArchiveMutations.rawData(members.get(KerasV3File.WEIGHTS)),
                    CORPUS_CASES, false));
        } else {
            System.out.println("KerasArchiveFuzzTest: " + corpus + " is absent; fuzzing the generated archives only");
        }
        return seeds;
    }

    /** The nested Sequential as KerasV3Writer saves it (its config in Keras 3 spelling, its own weights layout). */
    private static Seed writtenHere(Map<String, Tensor[]> weights) throws IOException {
        KerasModel model = KerasModelFile.loadModel(Keras3Fixture.archive(Keras3Fixture.SEQUENTIAL, weights,
                Keras3Fixture.SEQUENTIAL_PLACES, Layout.NESTED, false), "tiny.keras");
        Path file = Files.createTempFile("gradcam4j-fuzz-seed", ".keras");
        try {
            KerasV3Writer.save(model, file);
            Map<String, byte[]> members = new LinkedHashMap<>();
            try (ZipFile zip = new ZipFile(file.toFile())) {
                for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                    members.put(e.getName(), zip.getInputStream(e).readAllBytes());
                }
            }
            return new Seed("written-by-KerasV3Writer", members, false,
                    KerasArchiveMutations.rawData(members.get(KerasV3File.WEIGHTS)), CORPUS_CASES, true);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Seed seed(String name, String config, byte[] weights, boolean deflated, int cases) {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put(KerasV3File.METADATA, "{\"keras_version\": \"3.10.0\", \"date_saved\": \"2025-06-12@12:37:37\"}"
                .getBytes(StandardCharsets.UTF_8));
        members.put(KerasV3File.CONFIG, config.getBytes(StandardCharsets.UTF_8));
        members.put(KerasV3File.WEIGHTS, weights);
        return new Seed(name, members, deflated, KerasArchiveMutations.rawData(weights), cases, true);
    }
}
