package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.Gradcam4jException;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.engine.errors.ResourceLimitException;
import io.gradcam4j.engine.ops.Rescaling;
import io.gradcam4j.keras.Keras3Fixture.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keras v3 archives written here the way Keras writes them (Keras3Fixture): each variable must
 * land in the layer Keras saved it for, whatever the layout spelling, and each damaged or refused
 * archive must fail with a typed error naming the file and what is wrong. Runs without the corpus.
 */
class KerasArchiveTest {
    private static final Map<String, Tensor[]> WEIGHTS = Keras3Fixture.sequentialWeights(7);

    @TempDir
    Path dir;

    private static byte[] sequential(Layout layout, boolean deflate) {
        return Keras3Fixture.archive(Keras3Fixture.SEQUENTIAL, WEIGHTS, Keras3Fixture.SEQUENTIAL_PLACES, layout,
                deflate);
    }

    /** The params of graph node {@code node}, in the layer's Keras weight order. */
    private static List<Tensor> params(KerasModel model, String node) {
        return model.graph().node(node).op().params().stream().map(p -> p.value()).toList();
    }

    private static void assertPlaced(KerasModel model) {
        String[][] nodes = {{"conv_a", "layers/conv2d"}, {"bn", "layers/batch_normalization"},
            {"conv_b", "layers/conv2d_1"}, {"head_block/dense_in", "layers/sequential/layers/dense"},
            {"logits", "layers/dense"}};
        for (String[] n : nodes) {
            List<Tensor> got = params(model, n[0]);
            Tensor[] written = WEIGHTS.get(n[1]);
            assertEquals(written.length, got.size(), n[0]);
            for (int i = 0; i < written.length; i++) {
                assertArrayEquals(written[i].shape(), got.get(i).shape(), n[0] + " weight " + i);
                assertArrayEquals(written[i].data(), got.get(i).data(), n[0] + " weight " + i + " comes from "
                        + n[1] + "/vars/" + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void everyVariableIsReadFromThePlaceKerasSavedItAt(Layout layout) {
        for (boolean deflate : new boolean[] {false, true}) {
            KerasModel model = KerasModelFile.loadModel(sequential(layout, deflate), "tiny.keras");
            assertPlaced(model);
            float[] p = model.graph().predict(Tensor.zeros(1, 6, 6, 2)).data();
            assertEquals(1f, p[0] + p[1] + p[2], 1e-5f, "softmax output");
        }
    }

    /** The Keras 3 functional spelling (args, __keras_tensor__ histories), checked against arithmetic done here. */
    @Test
    void aKeras3FunctionalModelComputesWhatItsConfigSays() {
        Map<String, Tensor[]> w = Keras3Fixture.functionalWeights(11);
        byte[] archive = Keras3Fixture.archive(Keras3Fixture.FUNCTIONAL, w, Keras3Fixture.FUNCTIONAL_PLACES,
                Layout.NESTED, false);
        KerasModel model = KerasModelFile.loadModel(archive, "branches.keras");
        float[] x = {0.5f, -1f, 2f, 0.25f, -0.3f, 0.7f, 0.1f, -2f};
        float[] got = model.graph().predict(Tensor.of(x, 2, 4)).data();
        float[] left = dense(x, 2, w.get("layers/dense")[0], w.get("layers/dense")[1], true);
        float[] right = dense(x, 2, w.get("layers/dense_1")[0], null, false);
        float[] sum = new float[left.length];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = left[i] + right[i];
        }
        float[] expected = dense(sum, 2, w.get("layers/dense_2")[0], w.get("layers/dense_2")[1], false);
        assertArrayEquals(expected, got, 1e-5f);
    }

    /** Keras 3 serializes a call written {@code layer(inputs=x)} with the tensor among the kwargs. */
    @Test
    void aLayerCalledWithItsInputAsAKeywordReadsItFromKwargs() {
        Map<String, Tensor[]> w = Keras3Fixture.functionalWeights(11);
        String keywords = Keras3Fixture.FUNCTIONAL.replace("""
                "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 3],
                    "dtype": "float32", "keras_history": ["sum", 0, 0]}}], "kwargs": {}}]}],""",
                """
                "inbound_nodes": [{"args": [], "kwargs": {"inputs": {"class_name": "__keras_tensor__", "config": {
                    "shape": [null, 3], "dtype": "float32", "keras_history": ["sum", 0, 0]}}}}]}],""");
        assertTrue(!keywords.equals(Keras3Fixture.FUNCTIONAL), "the test's edit of the config did not apply");
        float[] x = {0.5f, -1f, 2f, 0.25f};
        float[] positional = KerasModelFile.loadModel(Keras3Fixture.archive(Keras3Fixture.FUNCTIONAL, w,
                Keras3Fixture.FUNCTIONAL_PLACES, Layout.NESTED, false), "a.keras").graph().predict(Tensor.of(x, 1, 4)).data();
        float[] keyword = KerasModelFile.loadModel(Keras3Fixture.archive(keywords, w, Keras3Fixture.FUNCTIONAL_PLACES,
                Layout.NESTED, false), "k.keras").graph().predict(Tensor.of(x, 1, 4)).data();
        assertArrayEquals(positional, keyword);
    }

    /** y = x W + b (relu optional) by loops, independent of the engine. */
    private static float[] dense(float[] x, int batch, Tensor kernel, Tensor bias, boolean relu) {
        int in = kernel.dim(0);
        int out = kernel.dim(1);
        float[] y = new float[batch * out];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias.data()[o];
                for (int i = 0; i < in; i++) {
                    s += x[b * in + i] * kernel.data()[i * out + o];
                }
                y[b * out + o] = (float) (relu ? Math.max(s, 0) : s);
            }
        }
        return y;
    }

    /** Keras 3 saves Normalization's count as an int64 scalar: read as a number, not refused as a weight. */
    @Test
    void normalizationKeepsItsIntegerCounter() throws IOException {
        String config = """
                {"module": "keras", "class_name": "Sequential", "config": {"name": "n", "layers": [
                 {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 1, 2, 3], "name": "in"}},
                 {"module": "keras.layers", "class_name": "Normalization", "config": {"name": "norm", "axis": -1}}]}}""";
        float[] mean = {1f, -2f, 0.5f};
        float[] variance = {4f, 0.25f, 1f};
        Path h5 = dir.resolve("norm.weights.h5");
        try (io.jhdf.WritableHdfFile hdf = io.jhdf.HdfFile.write(h5)) {
            io.jhdf.api.WritableGroup vars = hdf.putGroup("layers").putGroup("normalization").putGroup("vars");
            vars.putAttribute("name", "norm");
            vars.putDataset("0", mean);
            vars.putDataset("1", variance);
            vars.putDataset("2", 1000L);
        }
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("config.json", config.getBytes(StandardCharsets.UTF_8));
        members.put("model.weights.h5", Files.readAllBytes(h5));
        KerasModel model = KerasModelFile.loadModel(Keras3Fixture.zip(members, false), "norm.keras");
        float[] x = {3f, -1f, 2.5f, -1f, -2.5f, 0.5f};
        float[] y = model.graph().predict(Tensor.of(x, 1, 1, 2, 3)).data();
        for (int i = 0; i < x.length; i++) {
            assertEquals((x[i] - mean[i % 3]) / Math.sqrt(variance[i % 3]), y[i], 1e-6, "value " + i);
        }
    }

    @Test
    void theFirstBytesDecideTheFormatNotTheName() throws IOException {
        Path zipNamedH5 = dir.resolve("model.h5");
        Files.write(zipNamedH5, sequential(Layout.NESTED, false));
        assertPlaced(KerasH5File.loadModel(zipNamedH5));
        assertPlaced(KerasModelFile.loadModel(zipNamedH5));

        // an HDF5 full-model file named .keras, as tf.keras 2.x wrote them
        Path h5 = dir.resolve("legacy.h5");
        KerasH5Writer.save(flatModel(), h5);
        Path hdf5NamedKeras = dir.resolve("legacy.keras");
        Files.move(h5, hdf5NamedKeras);
        assertEquals("conv_a", KerasModelFile.loadModel(hdf5NamedKeras).layers().get(1).name());
    }

    /** KerasH5Writer writes flat models only: the fixture's conv_a alone. */
    private static KerasModel flatModel() {
        String config = """
                {"class_name": "Sequential", "config": {"name": "flat", "layers": [
                 {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 6, 6, 2], "name": "input_layer"}},
                 {"class_name": "Conv2D", "config": {"name": "conv_a", "filters": 3, "kernel_size": [3, 3],
                  "padding": "same", "activation": "relu"}}]}}""";
        Tensor[] w = WEIGHTS.get("layers/conv2d");
        try {
            return new ModelConfigReader(new KerasLayers(KerasOrigin.KERAS_2),
                    n -> n.equals("conv_a") ? List.of(w) : List.of()).readModel(new ObjectMapper().readTree(config));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aWeightsFileAloneLoadsOntoAKnownArchitecture() throws IOException {
        Path weights = dir.resolve("tiny.weights.h5");
        Files.write(weights, Keras3Fixture.weightsFile(WEIGHTS, Map.of(), Layout.NESTED));
        assertPlaced(KerasModelFile.loadWeights(weights, new ObjectMapper().readTree(Keras3Fixture.SEQUENTIAL)));

        // what the caller asks for is wrong: not an architecture, an op for a layer the model lacks
        InvalidRequestException notAModel = assertThrows(InvalidRequestException.class,
                () -> KerasModelFile.loadWeights(weights, new ObjectMapper().readTree("{\"layers\": []}")));
        assertMessage(notAModel, "tiny.weights.h5", "not a Keras model config");
        InvalidRequestException misspelt = assertThrows(InvalidRequestException.class, () -> KerasModelFile.loadWeights(
                weights, new ObjectMapper().readTree(Keras3Fixture.SEQUENTIAL), Map.of("conv_c", new Rescaling(
                        new float[] {1f}, new float[] {0f}))));
        assertMessage(misspelt, "tiny.weights.h5", "[conv_c]", "conv_a", "dense_in");
        assertEquals(Gradcam4jException.Kind.INVALID_REQUEST, misspelt.kind());

        // an index of sharded weights that names no shard: the layers with weights find none
        Path sharded = dir.resolve("tiny.weights.json");
        Files.writeString(sharded, "{\"metadata\": {\"total_size\": 4}, \"weight_map\": {}}");
        assertMessage(assertThrows(CorruptModelFileException.class, () -> KerasModelFile.loadWeights(sharded,
                new ObjectMapper().readTree(Keras3Fixture.SEQUENTIAL))), "tiny.weights.json",
                "/layers/conv2d/vars", "is missing");
    }

    // ---- refused: the archive's config and weights disagree, or hold Python code

    @Test
    void aNameAttributeThatDisagreesWithTheConfigIsDamage() {
        Map<String, String> swapped = new LinkedHashMap<>(Keras3Fixture.SEQUENTIAL_PLACES);
        swapped.put("layers/conv2d", "conv_b");
        byte[] archive = Keras3Fixture.archive(Keras3Fixture.SEQUENTIAL, WEIGHTS, swapped, Layout.NESTED, false);
        CorruptModelFileException e = assertThrows(CorruptModelFileException.class,
                () -> KerasModelFile.loadModel(archive, "swapped.keras"));
        assertMessage(e, "swapped.keras", "/layers/conv2d/vars", "'conv_b'", "'conv_a'");
    }

    @Test
    void missingVariablesAreNamedWithTheirPlace() {
        Map<String, Tensor[]> w = new LinkedHashMap<>(WEIGHTS);
        w.remove("layers/conv2d_1");
        byte[] archive = Keras3Fixture.archive(Keras3Fixture.SEQUENTIAL, w, Map.of(), Layout.NESTED, false);
        CorruptModelFileException e = assertThrows(CorruptModelFileException.class,
                () -> KerasModelFile.loadModel(archive, "short.keras"));
        assertMessage(e, "short.keras", "/layers/conv2d_1/vars", "is missing", "'conv_b' (Conv2D)", "2 weights");
    }

    @Test
    void aCustomClassIsRefusedByNameUnlessAJavaOpIsSupplied() throws IOException {
        String config = Keras3Fixture.SEQUENTIAL.replace("""
                {"module": "keras.layers", "class_name": "BatchNormalization", "registered_name": null,""",
                """
                {"module": "my_layers", "class_name": "Scale", "registered_name": "Custom>Scale",""");
        Map<String, Tensor[]> w = new LinkedHashMap<>(WEIGHTS);
        w.put("layers/scale", w.remove("layers/batch_normalization"));
        byte[] archive = Keras3Fixture.archive(config, w, Map.of(), Layout.NESTED, false);
        UnsupportedKerasFeatureException e = assertThrows(UnsupportedKerasFeatureException.class,
                () -> KerasModelFile.loadModel(archive, "custom.keras"));
        assertMessage(e, "custom.keras", "layer 'bn'", "custom class 'Scale'", "Custom>Scale", "module \"my_layers\"");
        assertEquals(Gradcam4jException.Kind.UNSUPPORTED, e.kind());

        Path file = dir.resolve("custom.keras");
        Files.write(file, archive);
        Op doubled = new Rescaling(new float[] {2f}, new float[] {0f});
        KerasModel model = KerasModelFile.loadModel(file, Map.of("bn", doubled));
        assertEquals(doubled, model.graph().node("bn").op());
    }

    @Test
    void customActivationsQuantizedPoliciesAndSubclassedModelsAreRefusedByName() {
        String activation = Keras3Fixture.SEQUENTIAL.replace("\"activation\": \"relu\", \"use_bias\": true, "
                + "\"kernel_initializer\"", "\"activation\": {\"module\": null, \"class_name\": \"function\", "
                + "\"config\": \"mish_ish\", \"registered_name\": \"mish_ish\"}, \"use_bias\": true, \"kernel_initializer\"");
        assertMessage(refused(activation), "custom activation 'mish_ish'", "layer 'conv_a'", "registered as 'mish_ish'",
                "from module null");

        String quantized = Keras3Fixture.SEQUENTIAL.replace("\"name\": \"conv_a\", \"trainable\": true, \"dtype\": {"
                + "\"module\": \"keras\", \"class_name\": \"DTypePolicy\",\n    \"config\": {\"name\": \"float32\"}",
                "\"name\": \"conv_a\", \"trainable\": true, \"dtype\": {\"module\": \"keras\", \"class_name\": "
                + "\"QuantizedDTypePolicy\",\n    \"config\": {\"name\": \"int8_from_float32\"}");
        assertMessage(refused(quantized), "int8_from_float32", "QuantizedDTypePolicy", "layer 'conv_a'");

        String subclassed = Keras3Fixture.SEQUENTIAL.replaceFirst("\"module\": \"keras\", \"class_name\": "
                + "\"Sequential\"", "\"module\": null, \"class_name\": \"MyNet\", \"registered_name\": \"MyNet\"");
        assertMessage(refused(subclassed), "class 'MyNet'", "subclassed model");
    }

    /** An InputLayer's dtype is the input's: models taking uint8 images are Keras's own, not quantized. */
    @Test
    void anInputOfIntegersIsNotADtypePolicy() {
        String uint8 = Keras3Fixture.SEQUENTIAL.replace("\"batch_shape\": [null, 6, 6, 2], \"dtype\": \"float32\"",
                "\"batch_shape\": [null, 6, 6, 2], \"dtype\": \"uint8\"");
        assertTrue(!uint8.equals(Keras3Fixture.SEQUENTIAL));
        assertPlaced(KerasModelFile.loadModel(Keras3Fixture.archive(uint8, WEIGHTS, Map.of(), Layout.NESTED, false),
                "uint8.keras"));
    }

    private static UnsupportedKerasFeatureException refused(String config) {
        assertTrue(!config.equals(Keras3Fixture.SEQUENTIAL), "the test's edit of the config did not apply");
        byte[] archive = Keras3Fixture.archive(config, WEIGHTS, Map.of(), Layout.NESTED, false);
        return assertThrows(UnsupportedKerasFeatureException.class, () -> KerasModelFile.loadModel(archive, "r.keras"));
    }

    // ---- refused: HDF5 features Keras refuses in weights files

    @Test
    void linksAndDataOutsideTheWeightsFileAreRefusedAsKerasRefusesThem() {
        byte[] weights = Keras3Fixture.weightsFile(WEIGHTS, Map.of(), Layout.NESTED);
        String dataset = "layers/conv2d/vars/0";
        Map<String, byte[]> variants = new LinkedHashMap<>();
        variants.put("virtual dataset", Hdf5Surgery.virtualDataset(weights, dataset));
        variants.put("external storage", Hdf5Surgery.externalStorage(weights, dataset));
        variants.put("soft or external link", Hdf5Surgery.softLink(weights, "layers/conv2d/vars", "0"));
        variants.put("soft or external link ", Hdf5Surgery.externalLink(weights, "layers/conv2d/vars", "0"));
        variants.forEach((what, h5) -> {
            Map<String, byte[]> members = new LinkedHashMap<>();
            members.put("config.json", Keras3Fixture.SEQUENTIAL.getBytes(StandardCharsets.UTF_8));
            members.put("model.weights.h5", h5);
            byte[] archive = Keras3Fixture.zip(members, false);
            UnsupportedKerasFeatureException e = assertThrows(UnsupportedKerasFeatureException.class,
                    () -> KerasModelFile.loadModel(archive, "outside.keras"), what);
            assertMessage(e, "outside.keras", "/layers/conv2d/vars", what.trim(), "Keras refuses");
        });
    }

    // ---- refused: damaged or hostile zip archives

    @Test
    void aDeflatedMemberDeclaringFarMoreThanItStoresIsRefusedBeforeInflating() {
        byte[] archive = sequential(Layout.NESTED, true);
        byte[] bomb = setSizes(archive, "model.weights.h5", -1, 3L << 30);
        long start = System.nanoTime();
        ResourceLimitException e = assertThrows(ResourceLimitException.class,
                () -> KerasModelFile.loadModel(bomb, "bomb.keras"));
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "refused before inflating");
        assertMessage(e, "bomb.keras", "model.weights.h5", "decompression bomb");

        byte[] liar = setSizes(archive, "config.json", -1, 100);
        assertMessage(assertThrows(CorruptModelFileException.class, () -> KerasModelFile.loadModel(liar, "liar.keras")),
                "liar.keras", "zip member config.json", "inflates to more than its declared 100 bytes");
    }

    @Test
    void damagedArchivesNameTheirDamage() {
        byte[] stored = sequential(Layout.NESTED, false);
        Map<String, Consumer<byte[]>> damage = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        damage.put("crc", b -> b[indexOf(b, "\"layers\"")] ^= 1);
        expected.put("crc", "zip member config.json: fails its CRC-32 check");
        damage.put("sizes", b -> setSizesIn(b, "config.json", 10, 10));
        expected.put("sizes", "zip member config.json: fails its CRC-32 check");
        damage.put("stored size", b -> setSizesIn(b, "config.json", -1, 10));
        expected.put("stored size", "is stored uncompressed but declares 10 bytes");
        damage.put("renamed", b -> b[indexOf(b, "config.json")] = 'k');
        expected.put("renamed", "has a local header named 'konfig.json'");
        for (String what : damage.keySet()) {
            byte[] b = stored.clone();
            damage.get(what).accept(b);
            assertMessage(assertThrows(CorruptModelFileException.class, () -> KerasModelFile.loadModel(b, "d.keras"),
                    what), "d.keras", expected.get(what));
        }
        byte[] truncated = java.util.Arrays.copyOf(stored, stored.length - 30);
        assertMessage(assertThrows(CorruptModelFileException.class,
                () -> KerasModelFile.loadModel(truncated, "t.keras")), "t.keras", "zip end record", "truncated");
    }

    @Test
    void archivesWithoutAKerasModelInsideAreRefused() {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("readme.txt", "hello".getBytes(StandardCharsets.UTF_8));
        assertMessage(assertThrows(CorruptModelFileException.class,
                () -> KerasModelFile.loadModel(Keras3Fixture.zip(members, false), "a.keras")), "a.keras",
                "no config.json", "readme.txt");
        members.put("config.json", Keras3Fixture.SEQUENTIAL.getBytes(StandardCharsets.UTF_8));
        members.put("model.weights.npz", new byte[] {1, 2, 3});
        assertMessage(assertThrows(UnsupportedKerasFeatureException.class,
                () -> KerasModelFile.loadModel(Keras3Fixture.zip(members, false), "n.keras")), "n.keras",
                "model.weights.npz");
        members.remove("model.weights.npz");
        members.put("config.json", "{\"class_name\": \"Sequential\", \"config\": ".getBytes(StandardCharsets.UTF_8));
        assertMessage(assertThrows(CorruptModelFileException.class,
                () -> KerasModelFile.loadModel(Keras3Fixture.zip(members, false), "j.keras")), "j.keras",
                "zip member config.json", "is not valid JSON");
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
    }

    // ---- zip surgery

    private static int indexOf(byte[] b, String s) {
        byte[] needle = s.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= b.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(s + " not found");
    }

    private static byte[] setSizes(byte[] archive, String member, long compressed, long size) {
        byte[] b = archive.clone();
        setSizesIn(b, member, compressed, size);
        return b;
    }

    /** Sets a member's sizes (-1: unchanged) in its central directory entry, where readers take them from. */
    private static void setSizesIn(byte[] b, String member, long compressed, long size) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = b.length - 22; at >= 0; at--) {
            if (bb.getInt(at) == 0x02014b50 && new String(b, at + 46, bb.getShort(at + 28), StandardCharsets.UTF_8)
                    .equals(member)) {
                if (compressed >= 0) {
                    bb.putInt(at + 20, (int) compressed);
                }
                if (size >= 0) {
                    bb.putInt(at + 24, (int) size);
                }
                return;
            }
        }
        throw new AssertionError("no central directory entry for " + member);
    }
}
