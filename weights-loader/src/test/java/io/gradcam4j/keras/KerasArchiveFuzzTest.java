package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.errors.Gradcam4jException;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.keras.Keras3Fixture.Layout;
import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.dataset.ContiguousDataset;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import java.util.zip.Deflater;
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
 * layouts, stored and deflated, and the Keras 3 functional model), so the fuzz always runs, plus
 * cifar10_bn_dropout.keras when ../shared/corpus is present. Mutations: of the zip (truncation,
 * bit flips and large values in its records, sizes, offsets, member names, compression methods,
 * flags, member data), of config.json (a value replaced, removed or duplicated anywhere in the
 * tree, layer classes and modules, the text cut or nested thousands deep), of metadata.json, of
 * model.weights.h5 (as KerasH5FuzzTest: truncation, bit flips, large integers, zeroed blocks,
 * mostly outside the weights' raw data; and links, external and virtual data), and hostile
 * members (a deflate bomb, declared honestly or not). Inner members are zipped again with correct
 * CRCs so that their own readers are reached.
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
    private static final long[] LARGE = {0x7fffffffL, 0xffffffffL, 0x80000000L, 0x10000L, 0x1000000L, -1L,
            1L << 40, Long.MAX_VALUE};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Values or magnitudes this large (in a weight or the config) may overflow float32 arithmetic. */
    private static final double HUGE = 1e18;

    /**
     * One archive to damage: its members, where model.weights.h5 keeps raw data (rarely mutated),
     * and whether jHDF wrote that file (Hdf5Surgery rewrites only jHDF's object headers).
     */
    private record Seed(String name, Map<String, byte[]> members, boolean deflated, long[][] rawData, int cases,
                        boolean jhdfWeights) {
        byte[] archive() {
            return Keras3Fixture.zip(members, deflated);
        }
    }

    private record Mutant(byte[] bytes, String description) {
    }

    /** A deflate stream of 128 MiB of zeros (about 128 KB), made once: the bomb members use it. */
    private static byte[] zerosDeflated;

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
                if (onlySeed != null && !onlySeed.equals(seed.name)) {
                    continue;
                }
                Random seedRandom = new Random(runSeed + s);
                int n = onlyCase != null ? 1 : Integer.getInteger("fuzz.cases", seed.cases);
                for (int i = 0; i < n; i++) {
                    long caseSeed = onlyCase != null ? onlyCase : seedRandom.nextLong();
                    Mutant m = mutate(seed, new Random(caseSeed));
                    String name = seed.name + "-case" + i + ".keras";
                    String description = seed.name + " caseSeed=" + caseSeed + " (" + m.description + ")";
                    boolean viaFile = i % 10 == 0;       // also the memory-mapped path
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
                            examples.putIfAbsent(result[0], result[1] + "\n      after: " + m.description);
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
        Path corpus = TestData.sharedCorpus().resolve("models").resolve("cifar10_bn_dropout.keras");
        if (Files.exists(corpus)) {
            Map<String, byte[]> members = new LinkedHashMap<>();
            try (ZipFile zip = new ZipFile(corpus.toFile())) {
                for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                    members.put(e.getName(), zip.getInputStream(e).readAllBytes());
                }
            }
            seeds.add(new Seed("cifar10_bn_dropout", members, false, rawData(members.get(KerasV3File.WEIGHTS)),
                    CORPUS_CASES, false));
        } else {
            System.out.println("KerasArchiveFuzzTest: " + corpus + " is absent; fuzzing the generated archives only");
        }
        return seeds;
    }

    private static Seed seed(String name, String config, byte[] weights, boolean deflated, int cases) {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put(KerasV3File.METADATA, "{\"keras_version\": \"3.10.0\", \"date_saved\": \"2025-06-12@12:37:37\"}"
                .getBytes(StandardCharsets.UTF_8));
        members.put(KerasV3File.CONFIG, config.getBytes(StandardCharsets.UTF_8));
        members.put(KerasV3File.WEIGHTS, weights);
        return new Seed(name, members, deflated, rawData(weights), cases, true);
    }

    /** Byte ranges of the contiguous datasets' raw data in an HDF5 file. */
    private static long[][] rawData(byte[] h5) {
        List<long[]> ranges = new ArrayList<>();
        try (HdfFile hdf = HdfFile.fromBytes(h5)) {
            collect(hdf, ranges);
        }
        return ranges.toArray(new long[0][]);
    }

    private static void collect(Group g, List<long[]> ranges) {
        for (io.jhdf.api.Node n : g) {
            if (n instanceof Group child) {
                collect(child, ranges);
            } else if (n instanceof ContiguousDataset c && c.getDataAddress() >= 0) {
                ranges.add(new long[] {c.getDataAddress(), c.getDataAddress() + c.getSizeInBytes()});
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Mutations
    // ---------------------------------------------------------------------------------------------

    static Mutant mutate(Seed seed, Random r) {
        int family = r.nextInt(100);
        if (family < 35) {
            return zipMutation(seed.archive(), r);
        }
        if (family < 60) {
            return rezipped(seed, KerasV3File.CONFIG, configMutation(seed.members.get(KerasV3File.CONFIG), r));
        }
        if (family < 64) {
            return rezipped(seed, KerasV3File.METADATA, metadataMutation(r));
        }
        if (family < 94) {
            return rezipped(seed, KerasV3File.WEIGHTS, weightsMutation(seed.members.get(KerasV3File.WEIGHTS),
                    seed.rawData, r));
        }
        return hostile(seed, r);
    }

    /** An inner member replaced, the archive zipped again (correct CRCs: the member's reader is reached). */
    private static Mutant rezipped(Seed seed, String member, Mutant inner) {
        Map<String, byte[]> members = new LinkedHashMap<>(seed.members);
        members.put(member, inner.bytes);
        return new Mutant(Keras3Fixture.zip(members, seed.deflated), member + ": " + inner.description);
    }

    // ---- the zip itself

    private static Mutant zipMutation(byte[] archive, Random r) {
        byte[] b = archive.clone();
        List<int[]> records = zipRecords(b);
        int[] record = records.get(r.nextInt(records.size()));       // {start, fixed length, kind}
        switch (r.nextInt(8)) {
            case 0 -> {
                int length = r.nextBoolean() ? r.nextInt(b.length) : b.length - 1 - r.nextInt(Math.min(b.length, 200));
                return new Mutant(Arrays.copyOf(b, length), "zip truncated to " + length + " of " + b.length);
            }
            case 1 -> {
                int flips = 1 + r.nextInt(4);
                StringBuilder d = new StringBuilder("zip record bit flips at");
                for (int i = 0; i < flips; i++) {
                    int at = record[0] + r.nextInt(record[1]);
                    int bit = r.nextInt(8);
                    b[at] ^= (byte) (1 << bit);
                    d.append(' ').append(at).append('.').append(bit);
                }
                return new Mutant(b, d.toString());
            }
            case 2, 3 -> {
                int[] fields = sizeFields(record[2]);
                int field = record[0] + fields[r.nextInt(fields.length)];
                long value = r.nextInt(3) == 0 ? r.nextInt(b.length + 100) : LARGE[r.nextInt(LARGE.length)];
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(field, (int) value);
                return new Mutant(b, "zip 4-byte field at " + field + " set to " + value);
            }
            case 4 -> {
                int nameAt = record[0] + record[1];
                int length = record[2] == 2 ? u16(b, record[0] + 28) : record[2] == 1 ? u16(b, record[0] + 26) : 0;
                if (length == 0) {
                    return zipMutation(archive, r);
                }
                int at = nameAt + r.nextInt(length);
                byte[] choices = {'/', '\\', '.', 0, (byte) 0xff, (byte) 0xc3, 'x'};
                b[at] = choices[r.nextInt(choices.length)];
                return new Mutant(b, "zip member name byte at " + at + " set to " + b[at]);
            }
            case 5 -> {
                int method = record[2] == 2 ? 10 : record[2] == 1 ? 8 : -1;
                if (method < 0) {
                    return zipMutation(archive, r);
                }
                int[] methods = {0, 8, 12, 14, 99, 9};
                int m = methods[r.nextInt(methods.length)];
                b[record[0] + method] = (byte) m;
                b[record[0] + method + 1] = 0;
                return new Mutant(b, "zip compression method at " + (record[0] + method) + " set to " + m);
            }
            case 6 -> {
                int flags = record[2] == 2 ? 8 : record[2] == 1 ? 6 : -1;
                if (flags < 0) {
                    return zipMutation(archive, r);
                }
                int bit = new int[] {0, 3, 6, 11, 13}[r.nextInt(5)];
                b[record[0] + flags + bit / 8] ^= (byte) (1 << (bit % 8));
                return new Mutant(b, "zip flag bit " + bit + " flipped at " + (record[0] + flags));
            }
            default -> {
                int at = r.nextInt(b.length);
                int length = Math.min(b.length - at, 1 + r.nextInt(64));
                for (int i = 0; i < length; i++) {
                    b[at + i] = (byte) r.nextInt(256);
                }
                return new Mutant(b, length + " random bytes at " + at);
            }
        }
    }

    /** The archive's records: {start, fixed length, kind} with kind 1 local header, 2 central entry, 3 end record. */
    private static List<int[]> zipRecords(byte[] b) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i + 4 <= b.length; i++) {
            if (b[i] == 'P' && b[i + 1] == 'K') {
                if (b[i + 2] == 3 && b[i + 3] == 4 && i + 30 <= b.length) {
                    out.add(new int[] {i, 30, 1});
                } else if (b[i + 2] == 1 && b[i + 3] == 2 && i + 46 <= b.length) {
                    out.add(new int[] {i, 46, 2});
                } else if (b[i + 2] == 5 && b[i + 3] == 6 && i + 22 <= b.length) {
                    out.add(new int[] {i, 22, 3});
                }
            }
        }
        return out;
    }

    /** Offsets of the 4-byte size and offset fields of a record of {@code kind}. */
    private static int[] sizeFields(int kind) {
        return switch (kind) {
            case 1 -> new int[] {14, 18, 22};              // crc, compressed, size
            case 2 -> new int[] {16, 20, 24, 42};          // crc, compressed, size, local header offset
            default -> new int[] {12, 16, 8};              // directory size, directory offset, entry counts
        };
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    // ---- config.json

    private static final List<JsonNode> VALUES = List.of(NODES.nullNode(), NODES.booleanNode(true),
            NODES.numberNode(-1), NODES.numberNode(0), NODES.numberNode(1), NODES.numberNode(3),
            NODES.numberNode(Integer.MAX_VALUE), NODES.numberNode(Integer.MIN_VALUE), NODES.numberNode(9.9e307),
            NODES.numberNode(1e30), NODES.numberNode(-1e-30), NODES.numberNode(1e5), NODES.textNode(""),
            NODES.textNode("relu"), NODES.textNode("same"), NODES.textNode("float16"), NODES.textNode("Lambda"),
            NODES.arrayNode(), NODES.arrayNode().add(0).add(0), NODES.arrayNode().add(100000).add(100000),
            NODES.objectNode(), NODES.objectNode().put("class_name", "Conv2D"));
    private static final String[] CLASSES = {"Conv2D", "Dense", "BatchNormalization", "MaxPooling2D", "Flatten",
            "Add", "Sequential", "Functional", "InputLayer", "Lambda", "Scale", "", "DepthwiseConv2D", "Reshape",
            "GlobalAveragePooling2D", "Dropout", "Concatenate", "Softmax", "Rescaling", "Resizing"};

    private static Mutant configMutation(byte[] config, Random r) {
        String text = new String(config, StandardCharsets.UTF_8);
        if (r.nextInt(5) == 0) {
            return textMutation(text, r);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        String description;
        if (r.nextInt(3) == 0) {
            description = layerMutation(root, r);
        } else {
            JsonNode parent = containers.get(r.nextInt(containers.size()));
            description = valueMutation(parent, r);
        }
        return new Mutant(root.toString().getBytes(StandardCharsets.UTF_8), description);
    }

    private static void collectContainers(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode() && node.size() > 0) {
            out.add(node);
        }
        for (JsonNode child : node) {
            collectContainers(child, out);
        }
    }

    /** One value of an object or array replaced, removed or duplicated. */
    private static String valueMutation(JsonNode parent, Random r) {
        JsonNode value = VALUES.get(r.nextInt(VALUES.size()));
        if (parent instanceof ObjectNode o) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            String key = keys.get(r.nextInt(keys.size()));
            if (r.nextInt(4) == 0) {
                o.remove(key);
                return "config key '" + key + "' removed";
            }
            o.set(key, value.deepCopy());
            return "config key '" + key + "' set to " + value;
        }
        ArrayNode a = (ArrayNode) parent;
        int i = r.nextInt(a.size());
        switch (r.nextInt(3)) {
            case 0 -> {
                a.remove(i);
                return "config array element " + i + " removed";
            }
            case 1 -> {
                a.insert(i, a.get(i).deepCopy());
                return "config array element " + i + " duplicated";
            }
            default -> {
                a.set(i, value.deepCopy());
                return "config array element " + i + " set to " + value;
            }
        }
    }

    /** A layer entry's class, module, name, inputs or a number of its config changed. */
    private static String layerMutation(JsonNode root, Random r) {
        List<ObjectNode> layers = new ArrayList<>();
        collectLayers(root, layers);
        ObjectNode layer = layers.get(r.nextInt(layers.size()));
        String name = layer.path("config").path("name").asText();
        switch (r.nextInt(6)) {
            case 0 -> {
                String cls = CLASSES[r.nextInt(CLASSES.length)];
                layer.put("class_name", cls);
                return "layer '" + name + "' class set to '" + cls + "'";
            }
            case 1 -> {
                layer.put("module", r.nextBoolean() ? "my_layers" : null);
                layer.put("registered_name", r.nextBoolean() ? "Custom>" + layer.path("class_name").asText() : null);
                return "layer '" + name + "' module and registered name changed";
            }
            case 2 -> {
                String other = layers.get(r.nextInt(layers.size())).path("config").path("name").asText();
                ((ObjectNode) layer.path("config")).put("name", other);
                return "layer '" + name + "' renamed '" + other + "'";
            }
            case 3 -> {
                String[] keys = {"filters", "units", "kernel_size", "pool_size", "strides", "rate", "epsilon", "axis",
                    "batch_shape", "padding", "activation", "use_bias", "scale", "center", "dtype"};
                String key = keys[r.nextInt(keys.length)];
                JsonNode value = VALUES.get(r.nextInt(VALUES.size()));
                if (layer.path("config").isObject()) {
                    ((ObjectNode) layer.path("config")).set(key, value.deepCopy());
                }
                return "layer '" + name + "' config '" + key + "' set to " + value;
            }
            case 4 -> {
                JsonNode nodes = layer.path("inbound_nodes");
                if (nodes.isArray() && nodes.size() > 0) {
                    String other = layers.get(r.nextInt(layers.size())).path("config").path("name").asText();
                    for (JsonNode t : nodes.findParents("keras_history")) {
                        ((ArrayNode) t.get("keras_history")).set(0, NODES.textNode(other));
                    }
                    return "layer '" + name + "' now reads layer '" + other + "' (maybe itself: a cycle)";
                }
                layer.set("inbound_nodes", NODES.arrayNode().add(NODES.objectNode().put("args", "x")));
                return "layer '" + name + "' given damaged inbound nodes";
            }
            default -> {
                ((ObjectNode) layer.path("config")).set("dtype", NODES.objectNode().put("module", "keras")
                        .put("class_name", "DTypePolicy").set("config", NODES.objectNode().put("name",
                                new String[] {"bfloat16", "int8", "mixed_float16", "float64", "uint8"}[r.nextInt(5)])));
                return "layer '" + name + "' dtype policy changed";
            }
        }
    }

    private static void collectLayers(JsonNode node, List<ObjectNode> out) {
        if (node.isObject() && node.has("class_name") && node.path("config").isObject()
                && node.path("config").has("name")) {
            out.add((ObjectNode) node);
        }
        for (JsonNode child : node) {
            collectLayers(child, out);
        }
    }

    private static Mutant textMutation(String text, Random r) {
        switch (r.nextInt(3)) {
            case 0 -> {
                int at = r.nextInt(text.length());
                return new Mutant(text.substring(0, at).getBytes(StandardCharsets.UTF_8), "config text cut at " + at);
            }
            case 1 -> {
                char[] c = text.toCharArray();
                String replacements = "{}[]\":,0-9e.aZ \u00e9\u0000";
                int flips = 1 + r.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    c[r.nextInt(c.length)] = replacements.charAt(r.nextInt(replacements.length()));
                }
                return new Mutant(new String(c).getBytes(StandardCharsets.UTF_8), flips + " config characters changed");
            }
            default -> {
                int depth = 1000 + r.nextInt(100_000);
                int at = text.indexOf("\"layers\": [") + 11;
                String deep = "[".repeat(depth) + "]".repeat(depth) + ", ";
                return new Mutant((text.substring(0, at) + deep + text.substring(at)).getBytes(StandardCharsets.UTF_8),
                        "config layers list given a value nested " + depth + " deep");
            }
        }
    }

    private static Mutant metadataMutation(Random r) {
        String[] versions = {"\"1.2.2\"", "\"abc\"", "3", "null", "\"\"", "\"99.0\"", "\"2.13.1\"", "[\"3.1\"]"};
        String v = versions[r.nextInt(versions.length)];
        String text = r.nextInt(4) == 0 ? "not json" : "{\"keras_version\": " + v + "}";
        return new Mutant(text.getBytes(StandardCharsets.UTF_8), "metadata " + text);
    }

    // ---- model.weights.h5

    private static Mutant weightsMutation(byte[] original, long[][] rawData, Random r) {
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
                    int at = position(b.length, rawData, r);
                    int bit = r.nextInt(8);
                    b[at] ^= (byte) (1 << bit);
                    d.append(' ').append(at).append('.').append(bit);
                }
                return new Mutant(b, d.toString());
            }
            case 2, 3 -> {
                int at = Math.min(position(b.length, rawData, r), b.length - 8);
                long value = kind == 2 ? -1L : r.nextInt(3) == 0 ? (r.nextLong() >>> r.nextInt(40))
                        : LARGE[r.nextInt(LARGE.length)];
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
                return new Mutant(b, "8 bytes at " + at + " set to little-endian 0x" + Long.toHexString(value));
            }
            default -> {
                int at = position(b.length, rawData, r);
                int length = Math.min(b.length - at, 1 + r.nextInt(r.nextBoolean() ? 64 : 4096));
                Arrays.fill(b, at, at + length, (byte) 0);
                return new Mutant(b, length + " bytes zeroed at " + at);
            }
        }
    }

    /** A random byte position; 9 times in 10 outside the raw data of contiguous datasets. */
    private static int position(int length, long[][] rawData, Random r) {
        int at = r.nextInt(length);
        for (int tries = 0; r.nextInt(10) != 0 && tries < 50 && inside(at, rawData); tries++) {
            at = r.nextInt(length);
        }
        return at;
    }

    private static boolean inside(long at, long[][] ranges) {
        for (long[] range : ranges) {
            if (at >= range[0] && at < range[1]) {
                return true;
            }
        }
        return false;
    }

    // ---- hostile members

    private static Mutant hostile(Seed seed, Random r) {
        int kind = r.nextInt(4);
        if (kind == 2 && !seed.jhdfWeights) {
            kind = 0;               // Hdf5Surgery rewrites jHDF's object headers only
        }
        switch (kind) {
            case 0, 1 -> {
                // model.weights.h5 replaced by 128 MiB of zeros deflated to ~128 KB, its size declared
                // honestly (a bomb) or as some small number (the inflated bytes then overflow it)
                boolean honest = r.nextBoolean();
                long declared = honest ? 128L << 20 : 1 + r.nextInt(1 << 20);
                byte[] archive = withRawMember(seed.members, KerasV3File.WEIGHTS, zerosDeflated(), declared, 0);
                return new Mutant(archive, "model.weights.h5 a deflate bomb declaring " + declared + " bytes");
            }
            case 2 -> {
                byte[] weights = seed.members.get(KerasV3File.WEIGHTS);
                String dataset = firstDataset(weights);
                byte[] h5 = switch (r.nextInt(4)) {
                    case 0 -> Hdf5Surgery.virtualDataset(weights, dataset);
                    case 1 -> Hdf5Surgery.externalStorage(weights, dataset);
                    case 2 -> Hdf5Surgery.softLink(weights, parent(dataset), "0");
                    default -> Hdf5Surgery.externalLink(weights, parent(dataset), "0");
                };
                Map<String, byte[]> members = new LinkedHashMap<>(seed.members);
                members.put(KerasV3File.WEIGHTS, h5);
                return new Mutant(Keras3Fixture.zip(members, seed.deflated), "model.weights.h5 " + dataset
                        + " made virtual, external or a link");
            }
            default -> {
                // config.json: 8 MiB of blanks at deflate's best ratio, declared honestly, with its CRC:
                // inflated (under the limits), then refused as JSON that holds nothing
                return new Mutant(withRawMember(seed.members, KerasV3File.CONFIG, spacesDeflated(), BLANKS,
                        blanksCrc()), "config.json " + BLANKS + " blanks, deflated");
            }
        }
    }

    /** The first dataset of a weights file under layers/ (the vars of the first layer with weights). */
    private static String firstDataset(byte[] weights) {
        try (HdfFile hdf = HdfFile.fromBytes(weights)) {
            return find(hdf, "");
        }
    }

    private static String find(Group g, String path) {
        for (io.jhdf.api.Node n : g) {
            String p = path.isEmpty() ? n.getName() : path + "/" + n.getName();
            if (n instanceof Group child && !p.startsWith("optimizer")) {
                String found = find(child, p);
                if (found != null) {
                    return found;
                }
            } else if (!(n instanceof Group) && n.getName().equals("0")) {
                return p;
            }
        }
        return null;
    }

    private static String parent(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    private static synchronized byte[] zerosDeflated() {
        if (zerosDeflated == null) {
            zerosDeflated = deflate(new byte[1 << 20], 128);
        }
        return zerosDeflated;
    }

    private static final int BLANKS = 8 << 20;

    private static byte[] blanks() {
        byte[] spaces = new byte[BLANKS];
        Arrays.fill(spaces, (byte) ' ');
        return spaces;
    }

    private static byte[] spacesDeflated() {
        return deflate(blanks(), 1);
    }

    private static long blanksCrc() {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(blanks());
        return crc.getValue();
    }

    /** {@code block} repeated {@code times}, deflated raw (as in a zip member). */
    private static byte[] deflate(byte[] block, int times) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        for (int i = 0; i < times; i++) {
            d.setInput(block);
            while (!d.needsInput()) {
                out.write(buffer, 0, d.deflate(buffer));
            }
        }
        d.finish();
        while (!d.finished()) {
            out.write(buffer, 0, d.deflate(buffer));
        }
        d.end();
        return out.toByteArray();
    }

    /**
     * The seed's members (stored) with {@code member} replaced by already-deflated bytes that
     * declare {@code declaredSize} and {@code declaredCrc}: written by hand, since java.util.zip
     * would compute the true size.
     */
    private static byte[] withRawMember(Map<String, byte[]> members, String member, byte[] deflated, long declaredSize,
                                        long declaredCrc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        int count = 0;
        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            boolean raw = m.getKey().equals(member);
            byte[] data = raw ? deflated : m.getValue();
            long size = raw ? declaredSize : data.length;
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(m.getValue());
            int crcValue = (int) (raw ? declaredCrc : crc.getValue());
            byte[] name = m.getKey().getBytes(StandardCharsets.UTF_8);
            int offset = out.size();
            ByteBuffer local = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN).putInt(0x04034b50)
                    .putShort((short) 20).putShort((short) 0).putShort((short) (raw ? 8 : 0)).putInt(0)
                    .putInt(crcValue).putInt(data.length).putInt((int) size).putShort((short) name.length)
                    .putShort((short) 0);
            out.writeBytes(local.array());
            out.writeBytes(name);
            out.writeBytes(data);
            ByteBuffer entry = ByteBuffer.allocate(46).order(ByteOrder.LITTLE_ENDIAN).putInt(0x02014b50)
                    .putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) (raw ? 8 : 0))
                    .putInt(0).putInt(crcValue).putInt(data.length).putInt((int) size)
                    .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt(offset);
            central.writeBytes(entry.array());
            central.writeBytes(name);
            count++;
        }
        int directory = out.size();
        out.writeBytes(central.toByteArray());
        out.writeBytes(ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN).putInt(0x06054b50).putShort((short) 0)
                .putShort((short) 0).putShort((short) count).putShort((short) count).putInt(central.size())
                .putInt(directory).putShort((short) 0).array());
        return out.toByteArray();
    }
}
