package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.keras.Keras3Fixture.Layout;
import io.gradcam4j.keras.applications.Applications;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models saved by {@link KerasV3Writer} load back with identical outputs, and the files are laid
 * out as Keras 3's saving_lib lays them out: the places of {@link Keras3Fixture} (written down
 * from Keras's rules, independently of the writer) hold the same variables after a round trip.
 * That TF.js reads our archives is tools/reference/saved_keras.js's proof (SavedFileReferenceTest).
 */
class KerasV3WriterTest {
    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSavedMobileNetLoadsBackWithIdenticalOutputs() throws IOException {
        KerasModel model = Applications.seeded(Applications.byName("mobilenet_0.25_128"));
        Path file = dir.resolve("mobilenet.keras");
        KerasV3Writer.save(model, file);

        KerasModel loaded = KerasModelFile.loadModel(file);
        Tensor x = GradientCheck.random(new Random(3), -1f, 1f, 1, 128, 128, 3);
        assertArrayEquals(model.graph().predict(x).data(), loaded.graph().predict(x).data(), 0f);
        assertEquals(model.summary(), loaded.summary());
    }

    @Test
    void theArchiveHoldsKerasThreeMembersStored() throws IOException {
        KerasModel model = KerasModelFile.loadModel(sequentialArchive(), "tiny.keras");
        Path file = dir.resolve("tiny.keras");
        KerasV3Writer.save(model, file);
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName() + " is stored, as Keras's zipfile writes it");
            }
            JsonNode metadata = JSON.readTree(zip.getInputStream(zip.getEntry("metadata.json")));
            assertTrue(metadata.path("keras_version").asText().startsWith("3."), metadata.toString());
            assertTrue(metadata.path("date_saved").asText().matches("\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d"),
                    metadata.toString());
        }
        assertEquals(List.of("metadata.json", "config.json", "model.weights.h5"), names);
    }

    /** The nested Sequential of Keras3Fixture: its variables come back from the places Keras saves them at. */
    @Test
    void variablesAreSavedWhereKerasSavesThem() throws IOException {
        Map<String, Tensor[]> written = Keras3Fixture.sequentialWeights(7);
        KerasModel model = KerasModelFile.loadModel(sequentialArchive(), "tiny.keras");
        Path weights = dir.resolve("tiny.weights.h5");
        KerasV3Writer.saveWeights(model, weights);
        try (HdfFile h5 = new HdfFile(weights)) {
            for (Map.Entry<String, String> place : Keras3Fixture.SEQUENTIAL_PLACES.entrySet()) {
                if (written.get(place.getKey()).length == 0) {
                    continue;
                }
                Group vars = (Group) h5.getByPath(place.getKey() + "/vars");
                assertEquals(place.getValue(), vars.getAttribute("name").getData(), place.getKey() + " names its layer");
                Tensor[] expected = written.get(place.getKey());
                assertEquals(expected.length, vars.getChildren().size(), place.getKey());
                for (int i = 0; i < expected.length; i++) {
                    Dataset d = (Dataset) vars.getChild(Integer.toString(i));
                    assertArrayEquals(expected[i].shape(), d.getDimensions(), place.getKey() + "/vars/" + i);
                }
            }
            // layers without variables get no group, as Keras 3.0-3.9 wrote them (Keras3WeightsFile says why)
            assertNull(((Group) h5.getByPath("layers")).getChild("input_layer"));
            assertNull(((Group) h5.getByPath("layers/sequential/layers")).getChild("flatten"));
        }
        KerasModel loaded = KerasModelFile.loadWeights(weights, JSON.readTree(Keras3Fixture.SEQUENTIAL));
        Tensor x = GradientCheck.random(new Random(5), -1f, 1f, 1, 6, 6, 2);
        assertArrayEquals(model.graph().predict(x).data(), loaded.graph().predict(x).data(), 0f);
    }

    /** A Keras 2 functional config (an .h5's) is written in Keras 3's spelling, which our reader and Keras's read. */
    @Test
    void aKerasTwoConfigIsWrittenInKerasThreesSpelling() throws IOException {
        KerasModel model = Applications.seeded(Applications.byName("mobilenet_0.25_128"));
        Path file = dir.resolve("m.keras");
        KerasV3Writer.save(model, file);
        JsonNode config;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            config = JSON.readTree(zip.getInputStream(zip.getEntry("config.json")));
        }
        assertEquals("keras.src.models.functional", config.path("module").asText());
        assertEquals("Functional", config.path("registered_name").asText());
        JsonNode layers = config.path("config").path("layers");
        JsonNode input = layers.get(0);
        assertEquals("InputLayer", input.path("class_name").asText());
        assertEquals("[null,128,128,3]", input.path("config").path("batch_shape").toString());
        assertFalse(input.path("config").has("batch_input_shape"));
        for (JsonNode layer : layers) {
            String where = layer.path("name").asText();
            assertEquals("keras.layers", layer.path("module").asText(), where);
            assertTrue(layer.has("registered_name") && layer.get("registered_name").isNull(), where);
            if (layer.path("class_name").asText().equals("BatchNormalization")) {
                assertTrue(layer.path("config").path("axis").isInt(), where + ": Keras 3 takes one integer axis");
            }
            if (!layer.path("class_name").asText().equals("InputLayer")) {
                assertEquals("DTypePolicy", layer.path("config").path("dtype").path("class_name").asText(), where);
                JsonNode call = layer.path("inbound_nodes").get(0);
                JsonNode tensor = call.path("args").get(0);
                assertEquals("__keras_tensor__", tensor.path("class_name").asText(), where);
                assertEquals(3, tensor.path("config").path("keras_history").size(), where);
                assertTrue(call.path("kwargs").isObject(), where);
            }
        }
        assertEquals("[null,64,64,8]", outputShapeFedTo(layers, "conv1_bn"),
                "the tensor conv1_bn is called on is described with conv1's output shape");
    }

    /** A custom class runs here as a Java op, but Keras could not rebuild it from the file: refused, naming it. */
    @Test
    void layersThatArePythonCodeAreNotWritten() {
        String config = Keras3Fixture.FUNCTIONAL.replace("""
                {"module": "keras.layers", "class_name": "Add", "registered_name": null,""", """
                {"module": "my_pkg", "class_name": "Sum3", "registered_name": "my_pkg>Sum3",""");
        assertTrue(config.contains("my_pkg>Sum3"), "the test's edit of the config did not apply");
        byte[] archive = Keras3Fixture.archive(config, Keras3Fixture.functionalWeights(11),
                Keras3Fixture.FUNCTIONAL_PLACES, Layout.NESTED, false);
        Path file = dir.resolve("custom.keras");
        KerasModel model = assertDoesNotThrow(() -> {
            Files.write(file, archive);
            return KerasModelFile.loadModel(file, Map.of("sum", new io.gradcam4j.engine.ops.Add()));
        });
        UnsupportedKerasFeatureException e = assertThrows(UnsupportedKerasFeatureException.class,
                () -> KerasV3Writer.save(model, dir.resolve("out.keras")));
        assertTrue(e.getMessage().contains("'sum'") && e.getMessage().contains("Sum3"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out.keras")));
    }

    /**
     * Keras's ShardedH5IOStore rule, worked by hand for the fixture's Sequential and 800-byte
     * shards: conv_a (228 bytes), bn (48) and conv_b (64) fill shard 0 to 340; dense_in's kernel
     * (720) does not fit and opens shard 1, its bias (20) and logits' kernel (60) fill it to 800;
     * logits' bias (12) opens shard 2, so logits straddles shards 1 and 2.
     */
    @Test
    void shardsAreWrittenAsKerasWritesThemAndLoadBack() throws IOException {
        KerasModel model = KerasModelFile.loadModel(sequentialArchive(), "tiny.keras");
        Path index = dir.resolve("tiny.weights.json");
        List<Path> shards = KerasV3Writer.saveShardedWeights(model, index, 800);
        assertEquals(List.of("tiny_00000.weights.h5", "tiny_00001.weights.h5", "tiny_00002.weights.h5"),
                shards.stream().map(p -> p.getFileName().toString()).toList());
        JsonNode json = JSON.readTree(index.toFile());
        assertEquals(JSON.readTree("""
                {"/layers/conv2d/vars": "tiny_00000.weights.h5",
                 "/layers/batch_normalization/vars": "tiny_00000.weights.h5",
                 "/layers/conv2d_1/vars": "tiny_00000.weights.h5",
                 "/layers/sequential/layers/dense/vars": "tiny_00001.weights.h5",
                 "/layers/dense/vars": ["tiny_00001.weights.h5", "tiny_00002.weights.h5"]}"""), json.path("weight_map"));
        assertEquals(1152.0, json.path("metadata").path("total_size").asDouble(), "288 float32 values");
        assertTrue(json.path("metadata").path("total_size").isDouble(), "Keras writes total_size as a float");

        KerasModel loaded = KerasModelFile.loadWeights(index, JSON.readTree(Keras3Fixture.SEQUENTIAL));
        Tensor x = GradientCheck.random(new Random(5), -1f, 1f, 1, 6, 6, 2);
        assertArrayEquals(model.graph().predict(x).data(), loaded.graph().predict(x).data(), 0f);
        for (String[] n : new String[][] {{"logits", "layers/dense"}, {"head_block/dense_in", "layers/sequential/layers/dense"}}) {
            Tensor[] written = Keras3Fixture.sequentialWeights(7).get(n[1]);
            for (int i = 0; i < written.length; i++) {
                assertArrayEquals(written[i].data(), loaded.graph().node(n[0]).op().params().get(i).value().data(),
                        n[0] + " variable " + i);
            }
        }
    }

    @Test
    void aShardedMobileNetLoadsBackWithIdenticalOutputs() throws IOException {
        KerasModel model = Applications.seeded(Applications.byName("mobilenet_0.25_128"));
        Path index = dir.resolve("mobilenet.weights.json");
        // its largest variable, conv_preds' kernel (1 x 1 x 256 x 1000), takes 1,024,000 bytes
        List<Path> shards = KerasV3Writer.saveShardedWeights(model, index, 1_100_000);
        assertEquals(2, shards.size());
        long params = model.graph().nodes().stream().filter(n -> !n.isInput())
                .flatMap(n -> n.op().params().stream()).mapToLong(p -> p.value().size()).sum();
        assertEquals(4.0 * params, JSON.readTree(index.toFile()).path("metadata").path("total_size").asDouble());
        KerasModel loaded = KerasModelFile.loadWeights(index, model.modelConfig());
        Tensor x = GradientCheck.random(new Random(3), -1f, 1f, 1, 128, 128, 3);
        assertArrayEquals(model.graph().predict(x).data(), loaded.graph().predict(x).data(), 0f);
    }

    @Test
    void aShardIndexMustEndInWeightsJsonAndAVariableMustFitAShard() {
        KerasModel model = Applications.seeded(Applications.byName("mobilenet_0.25_128"));
        assertThrows(InvalidRequestException.class, () -> KerasV3Writer.saveShardedWeights(model,
                dir.resolve("m.json"), 1 << 20));
        InvalidRequestException tooSmall = assertThrows(InvalidRequestException.class,
                () -> KerasV3Writer.saveShardedWeights(model, dir.resolve("m.weights.json"), 100));
        assertTrue(tooSmall.getMessage().contains("more than the largest shard"), tooSmall.getMessage());
    }

    /**
     * testdata/saved/mobilenet_0.25_128_seeded.keras, which TF.js reads back (saved_keras.js,
     * SavedFileReferenceTest), must be what the writer writes today from the .h5 beside it: the
     * same config.json and the same variables at the same places.
     */
    @Test
    void theArchiveTfjsReadIsWhatTheWriterWritesToday() throws IOException {
        Path committed = io.gradcam4j.engine.TestData.testdata("saved", "mobilenet_0.25_128_seeded.keras");
        KerasModel model = KerasH5File.loadModel(io.gradcam4j.engine.TestData.testdata("saved",
                "mobilenet_0.25_128_seeded.h5"));
        Path today = dir.resolve("today.keras");
        KerasV3Writer.save(model, today);
        try (ZipFile a = new ZipFile(committed.toFile()); ZipFile b = new ZipFile(today.toFile())) {
            assertEquals(JSON.readTree(a.getInputStream(a.getEntry("config.json"))),
                    JSON.readTree(b.getInputStream(b.getEntry("config.json"))),
                    "config.json has changed: rewrite the fixture (tools/reference/README.md, saved_keras.js)");
        }
        Tensor x = GradientCheck.random(new Random(9), -1f, 1f, 1, 128, 128, 3);
        assertArrayEquals(KerasModelFile.loadModel(committed).graph().predict(x).data(),
                KerasModelFile.loadModel(today).graph().predict(x).data(), 0f);
    }

    private static byte[] sequentialArchive() {
        return Keras3Fixture.archive(Keras3Fixture.SEQUENTIAL, Keras3Fixture.sequentialWeights(7),
                Keras3Fixture.SEQUENTIAL_PLACES, Layout.NESTED, false);
    }

    private static JsonNode find(JsonNode layers, String name) {
        for (JsonNode l : layers) {
            if (l.path("name").asText().equals(name)) {
                return l;
            }
        }
        throw new AssertionError("no layer " + name);
    }

    private static String outputShapeFedTo(JsonNode layers, String name) {
        return find(layers, name).path("inbound_nodes").get(0).path("args").get(0).path("config").path("shape")
                .toString();
    }
}
