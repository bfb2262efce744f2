package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.Gradcam4jException;
import io.gradcam4j.keras.Keras3Fixture.Layout;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sharded weights written here by hand, in the format of Keras's ShardedH5IOStore (not by our
 * writer): each variable must be read from the shard the index names, a layer's variables from
 * two shards when they straddle them, and an index that is damaged or names a file outside its
 * folder must fail with a typed error naming the index.
 */
class ShardedWeightsTest {
    private static final Map<String, Tensor[]> WEIGHTS = Keras3Fixture.sequentialWeights(7);

    @TempDir
    Path dir;

    private JsonNode architecture() throws IOException {
        return new ObjectMapper().readTree(Keras3Fixture.SEQUENTIAL);
    }

    /**
     * Shard a: conv_a, bn, and variable 0 of logits; shard b: conv_b, dense_in and variable 1 of
     * logits (the straddling layer, listed under both shards as Keras lists it).
     */
    private Path handWrittenShards(String logitsShards) throws IOException {
        writeShard(dir.resolve("tiny_00000.weights.h5"), Map.of("layers/conv2d", new int[] {0, 1},
                "layers/batch_normalization", new int[] {0, 1, 2, 3}, "layers/dense", new int[] {0}));
        writeShard(dir.resolve("tiny_00001.weights.h5"), Map.of("layers/conv2d_1", new int[] {0, 1},
                "layers/sequential/layers/dense", new int[] {0, 1}, "layers/dense", new int[] {1}));
        Path index = dir.resolve("tiny.weights.json");
        Files.writeString(index, """
                {
                    "metadata": {"total_size": 1152.0},
                    "weight_map": {
                        "/layers/conv2d/vars": "tiny_00000.weights.h5",
                        "/layers/batch_normalization/vars": "tiny_00000.weights.h5",
                        "/layers/conv2d_1/vars": "tiny_00001.weights.h5",
                        "/layers/sequential/layers/dense/vars": "tiny_00001.weights.h5",
                        "/layers/dense/vars": %s
                    }
                }""".formatted(logitsShards));
        return index;
    }

    /** One shard: the listed variables of each place, as {@code <place>/vars/<i>}. */
    private static void writeShard(Path file, Map<String, int[]> variables) {
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            Map<String, WritableGroup> groups = new LinkedHashMap<>();
            for (Map.Entry<String, int[]> e : variables.entrySet()) {
                WritableGroup g = hdf;
                String path = "";
                for (String part : (e.getKey() + "/vars").split("/")) {
                    path = path + "/" + part;
                    WritableGroup parent = g;
                    g = groups.computeIfAbsent(path, p -> parent.putGroup(part));
                }
                for (int i : e.getValue()) {
                    g.putDataset(Integer.toString(i), KerasH5Writer.nested(WEIGHTS.get(e.getKey())[i]));
                }
            }
        }
    }

    @Test
    void everyVariableComesFromTheShardTheIndexNames() throws IOException {
        Path index = handWrittenShards("[\"tiny_00000.weights.h5\", \"tiny_00001.weights.h5\"]");
        KerasModel model = KerasModelFile.loadWeights(index, architecture());
        String[][] nodes = {{"conv_a", "layers/conv2d"}, {"bn", "layers/batch_normalization"},
            {"conv_b", "layers/conv2d_1"}, {"head_block/dense_in", "layers/sequential/layers/dense"},
            {"logits", "layers/dense"}};
        for (String[] n : nodes) {
            var params = model.graph().node(n[0]).op().params();
            assertEquals(WEIGHTS.get(n[1]).length, params.size(), n[0]);
            for (int i = 0; i < params.size(); i++) {
                assertArrayEquals(WEIGHTS.get(n[1])[i].data(), params.get(i).value().data(), n[0] + " variable " + i);
            }
        }
        // the same weights in one archive give the same outputs
        KerasModel whole = KerasModelFile.loadModel(Keras3Fixture.archive(Keras3Fixture.SEQUENTIAL, WEIGHTS,
                Keras3Fixture.SEQUENTIAL_PLACES, Layout.NESTED, false), "tiny.keras");
        Tensor x = Tensor.zeros(1, 6, 6, 2);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = (float) Math.sin(i);
        }
        assertArrayEquals(whole.graph().predict(x).data(), model.graph().predict(x).data(), 0f);
    }

    @Test
    void aStraddlingLayerListedUnderOneShardOnlyIsMissingAVariable() throws IOException {
        Path index = handWrittenShards("\"tiny_00000.weights.h5\"");
        Exception e = assertThrows(KerasFormatException.class, () -> KerasModelFile.loadWeights(index, architecture()));
        assertTrue(e.getMessage().contains("logits") || e.getMessage().contains("/layers/dense"), e.getMessage());
    }

    @Test
    void shardsOutsideTheIndexFolderAreRefused() throws IOException {
        Path inner = Files.createDirectories(dir.resolve("inner"));
        handWrittenShards("[\"tiny_00000.weights.h5\", \"tiny_00001.weights.h5\"]");
        Files.copy(dir.resolve("tiny_00000.weights.h5"), inner.resolve("tiny_00000.weights.h5"));
        Files.copy(dir.resolve("tiny_00001.weights.h5"), inner.resolve("tiny_00001.weights.h5"));
        for (String escape : new String[] {"../tiny_00001.weights.h5", "/etc/passwd", "..", "sub/x.h5",
            "..\\\\tiny_00001.weights.h5", "C:x.h5", ""}) {
            Path index = inner.resolve("escape.weights.json");
            Files.writeString(index, "{\"weight_map\": {\"/layers/conv2d/vars\": \"tiny_00000.weights.h5\", "
                    + "\"/layers/dense/vars\": [\"tiny_00000.weights.h5\", \"" + escape + "\"]}}");
            CorruptModelFileException e = assertThrows(CorruptModelFileException.class,
                    () -> KerasModelFile.loadWeights(index, architecture()), escape);
            assertTrue(e.getMessage().contains("escape.weights.json") && e.getMessage().contains("not a file in the "
                    + "index's folder"), e.getMessage());
        }
        // a link in the folder that leads out of it
        Path index = inner.resolve("link.weights.json");
        Files.delete(inner.resolve("tiny_00001.weights.h5"));
        Files.createSymbolicLink(inner.resolve("tiny_00001.weights.h5"), dir.resolve("tiny_00001.weights.h5"));
        Files.writeString(index, Files.readString(dir.resolve("tiny.weights.json"))
                .replace("\"tiny_00000.weights.h5\"]", "\"tiny_00001.weights.h5\"]"));
        CorruptModelFileException link = assertThrows(CorruptModelFileException.class,
                () -> KerasModelFile.loadWeights(index, architecture()));
        assertTrue(link.getMessage().contains("link out of the index's folder"), link.getMessage());
    }

    @Test
    void aMissingShardOrADamagedIndexIsATypedError() throws IOException {
        Path index = handWrittenShards("[\"tiny_00000.weights.h5\", \"tiny_00002.weights.h5\"]");
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> KerasModelFile.loadWeights(index, architecture()));
        assertTrue(missing.getMessage().contains("tiny_00002.weights.h5") && missing.getMessage().contains(
                "tiny.weights.json"), missing.getMessage());

        String[][] damaged = {
            {"{\"weight_map\": [1, 2]}", "no \"weight_map\" object"},
            {"{\"metadata\": {}}", "no \"weight_map\" object"},
            {"{\"weight_map\": {\"/layers/conv2d/vars\": 7}}", "should name a shard file"},
            {"{\"weight_map\": {\"/layers/conv2d/vars\": []}}", "should name a shard file"},
            {"{\"weight_map\": {\"/layers/conv2d/vars\": [\"a.h5\", null]}}", "among its shards"},
            {"{\"weight_map\": {\"/layers/conv2d/vars\": \"tiny_0", "not valid JSON"},
        };
        for (String[] d : damaged) {
            Files.writeString(index, d[0]);
            Gradcam4jException e = assertThrows(CorruptModelFileException.class,
                    () -> KerasModelFile.loadWeights(index, architecture()), d[0]);
            assertTrue(e.getMessage().contains("tiny.weights.json") && e.getMessage().contains(d[1]), e.getMessage());
        }
    }
}
