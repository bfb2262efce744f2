package io.gradcam4j.keras;

import io.gradcam4j.engine.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Small Keras v3 archives written the way Keras's saving_lib writes them (config.json,
 * metadata.json, model.weights.h5 with {@code layers/<snake_case class>[_N]/vars/<i>}), for tests
 * that must run without the shared corpus. The weights are seeded random numbers, distinct for
 * every variable, so a variable read from the wrong place shows.
 */
final class Keras3Fixture {
    /**
     * A Sequential with a nested Sequential: the class counters restart inside it, so the top
     * model's {@code logits} (its first Dense) and the nested {@code dense_in} are both saved as
     * {@code dense}, and {@code conv_b} (the second Conv2D) as {@code conv2d_1}.
     */
    static final String SEQUENTIAL = """
            {"module": "keras", "class_name": "Sequential", "config": {"name": "tiny", "trainable": true,
             "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null},
             "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null,
               "config": {"batch_shape": [null, 6, 6, 2], "dtype": "float32", "sparse": false, "name": "input_layer"}},
              {"module": "keras.layers", "class_name": "Conv2D", "registered_name": null, "build_config": {"input_shape": [null, 6, 6, 2]},
               "config": {"name": "conv_a", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy",
                "config": {"name": "float32"}, "registered_name": null}, "filters": 3, "kernel_size": [3, 3],
                "strides": [1, 1], "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
                "activation": "relu", "use_bias": true, "kernel_initializer": {"module": "keras.initializers",
                "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null}}},
              {"module": "keras.layers", "class_name": "BatchNormalization", "registered_name": null,
               "config": {"name": "bn", "axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": true, "scale": true}},
              {"module": "keras.layers", "class_name": "Conv2D", "registered_name": null,
               "config": {"name": "conv_b", "filters": 4, "kernel_size": [1, 1], "padding": "valid", "activation": "linear",
                "use_bias": true}},
              {"module": "keras", "class_name": "Sequential", "registered_name": null,
               "config": {"name": "head_block", "layers": [
                {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null,
                 "config": {"batch_shape": [null, 6, 6, 4], "dtype": "float32", "name": "input_layer_1"}},
                {"module": "keras.layers", "class_name": "MaxPooling2D", "registered_name": null,
                 "config": {"name": "pool", "pool_size": [2, 2], "strides": [2, 2], "padding": "valid"}},
                {"module": "keras.layers", "class_name": "Flatten", "registered_name": null, "config": {"name": "flat"}},
                {"module": "keras.layers", "class_name": "Dense", "registered_name": null,
                 "config": {"name": "dense_in", "units": 5, "activation": "relu", "use_bias": true}}]}},
              {"module": "keras.layers", "class_name": "Dense", "registered_name": null,
               "config": {"name": "logits", "units": 3, "activation": "softmax", "use_bias": true}}]}}
            """;

    /** Where Keras saves each variable of {@link #SEQUENTIAL}, and which layer it belongs to. */
    static final Map<String, String> SEQUENTIAL_PLACES = places(
            "layers/conv2d", "conv_a", "layers/batch_normalization", "bn", "layers/conv2d_1", "conv_b",
            "layers/sequential", "head_block", "layers/sequential/layers/max_pooling2d", "pool",
            "layers/sequential/layers/flatten", "flat", "layers/sequential/layers/dense", "dense_in",
            "layers/dense", "logits");

    /**
     * A Keras 3 functional model in config.json's spelling ({@code args} with
     * {@code __keras_tensor__} histories), two Dense branches added, then a Dense head: small
     * enough for its output to be computed by hand.
     */
    static final String FUNCTIONAL = """
            {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
             "config": {"name": "branches", "trainable": true, "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "x",
               "config": {"batch_shape": [null, 4], "dtype": "float32", "sparse": false, "name": "x"}, "inbound_nodes": []},
              {"module": "keras.layers", "class_name": "Dense", "registered_name": null, "name": "left",
               "config": {"name": "left", "units": 3, "activation": "relu", "use_bias": true},
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4],
                "dtype": "float32", "keras_history": ["x", 0, 0]}}], "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "Dense", "registered_name": null, "name": "right",
               "config": {"name": "right", "units": 3, "activation": "linear", "use_bias": false},
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4],
                "dtype": "float32", "keras_history": ["x", 0, 0]}}], "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "Add", "registered_name": null, "name": "sum",
               "config": {"name": "sum"},
               "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__", "config": {"shape": [null, 3],
                "dtype": "float32", "keras_history": ["left", 0, 0]}}, {"class_name": "__keras_tensor__",
                "config": {"shape": [null, 3], "dtype": "float32", "keras_history": ["right", 0, 0]}}]], "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "Dense", "registered_name": null, "name": "out",
               "config": {"name": "out", "units": 2, "activation": "linear", "use_bias": true},
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 3],
                "dtype": "float32", "keras_history": ["sum", 0, 0]}}], "kwargs": {}}]}],
             "input_layers": [["x", 0, 0]], "output_layers": [["out", 0, 0]]}}
            """;

    static final Map<String, String> FUNCTIONAL_PLACES = places("layers/input_layer", "x", "layers/dense", "left",
            "layers/dense_1", "right", "layers/add", "sum", "layers/dense_2", "out");

    /** How the weights file is laid out. */
    enum Layout {
        /** Keras 3 on Linux/macOS: nested groups {@code layers/sequential/layers/dense/vars}. */
        NESTED,
        /** tf.keras on Windows: one root group per place, named {@code layers\sequential\layers\dense}. */
        WINDOWS,
        /** tf.keras 2.13: {@code _layer_checkpoint_dependencies} where later versions write {@code layers}. */
        LAYER_CHECKPOINT_DEPENDENCIES
    }

    private Keras3Fixture() {
    }

    private static Map<String, String> places(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    /** The variables of {@link #SEQUENTIAL} by place, seeded. */
    static Map<String, Tensor[]> sequentialWeights(long seed) {
        Random r = new Random(seed);
        Map<String, Tensor[]> vars = new LinkedHashMap<>();
        vars.put("layers/conv2d", new Tensor[] {random(r, 3, 3, 2, 3), random(r, 3)});
        vars.put("layers/batch_normalization", new Tensor[] {random(r, 3), random(r, 3), random(r, 3), positive(r, 3)});
        vars.put("layers/conv2d_1", new Tensor[] {random(r, 1, 1, 3, 4), random(r, 4)});
        vars.put("layers/sequential", new Tensor[0]);
        vars.put("layers/sequential/layers/max_pooling2d", new Tensor[0]);
        vars.put("layers/sequential/layers/flatten", new Tensor[0]);
        vars.put("layers/sequential/layers/dense", new Tensor[] {random(r, 36, 5), random(r, 5)});
        vars.put("layers/dense", new Tensor[] {random(r, 5, 3), random(r, 3)});
        return vars;
    }

    /** The variables of {@link #FUNCTIONAL} by place, seeded ({@code right} has no bias). */
    static Map<String, Tensor[]> functionalWeights(long seed) {
        Random r = new Random(seed);
        Map<String, Tensor[]> vars = new LinkedHashMap<>();
        vars.put("layers/dense", new Tensor[] {random(r, 4, 3), random(r, 3)});
        vars.put("layers/dense_1", new Tensor[] {random(r, 4, 3)});
        vars.put("layers/add", new Tensor[0]);
        vars.put("layers/dense_2", new Tensor[] {random(r, 3, 2), random(r, 2)});
        return vars;
    }

    private static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) r.nextGaussian() * 0.5f;
        }
        return t;
    }

    private static Tensor positive(Random r, int... shape) {
        Tensor t = random(r, shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = 0.5f + Math.abs(t.data()[i]);
        }
        return t;
    }

    /** A whole archive: metadata.json, config.json and model.weights.h5, stored or deflated. */
    static byte[] archive(String config, Map<String, Tensor[]> vars, Map<String, String> names, Layout layout,
                          boolean deflate) {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("metadata.json", "{\"keras_version\": \"3.10.0\", \"date_saved\": \"2025-06-12@12:37:37\"}"
                .getBytes(StandardCharsets.UTF_8));
        members.put("config.json", config.getBytes(StandardCharsets.UTF_8));
        members.put("model.weights.h5", weightsFile(vars, names, layout));
        return zip(members, deflate);
    }

    /**
     * model.weights.h5: for each place with variables its {@code vars} group (with the layer's name
     * as the {@code name} attribute when {@code names} has it) and datasets {@code 0, 1, ...}, and
     * an optimizer group, as Keras writes one. Keras also writes empty {@code vars} groups for
     * layers without variables (the corpus files have them); they are left out here because jHDF
     * (0.11) damages a group without datasets when it happens to be the last one it writes.
     */
    static byte[] weightsFile(Map<String, Tensor[]> vars, Map<String, String> names, Layout layout) {
        try {
            Path tmp = Files.createTempFile("keras3-fixture", ".h5");
            try {
                try (WritableHdfFile hdf = HdfFile.write(tmp)) {
                    Map<String, WritableGroup> groups = new LinkedHashMap<>();
                    for (Map.Entry<String, Tensor[]> e : vars.entrySet()) {
                        if (e.getValue().length == 0) {
                            continue;
                        }
                        WritableGroup g = group(hdf, groups, e.getKey(), layout).putGroup("vars");
                        String name = names.get(e.getKey());
                        if (name != null) {
                            g.putAttribute("name", name);
                        }
                        for (int i = 0; i < e.getValue().length; i++) {
                            g.putDataset(Integer.toString(i), KerasH5Writer.nested(e.getValue()[i]));
                        }
                    }
                    WritableGroup optimizer = hdf.putGroup("optimizer").putGroup("vars");
                    optimizer.putAttribute("name", "adam");
                    optimizer.putDataset("0", new float[] {0f});
                }
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The group for {@code place} ("layers/sequential/layers/dense"), created in the layout's spelling. */
    private static WritableGroup group(WritableHdfFile hdf, Map<String, WritableGroup> groups, String place,
                                       Layout layout) {
        if (layout == Layout.WINDOWS) {
            return hdf.putGroup(place.replace('/', '\\'));
        }
        String spelled = layout == Layout.LAYER_CHECKPOINT_DEPENDENCIES
                ? place.replace("layers", "_layer_checkpoint_dependencies") : place;
        WritableGroup parent = hdf;
        String path = "";
        for (String part : spelled.split("/")) {
            path = path.isEmpty() ? part : path + "/" + part;
            WritableGroup at = parent;
            parent = groups.computeIfAbsent(path, p -> at.putGroup(part));
        }
        return parent;
    }

    /** A zip archive of {@code members} in order, every member stored or every member deflated. */
    static byte[] zip(Map<String, byte[]> members, boolean deflate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                ZipEntry entry = new ZipEntry(m.getKey());
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(m.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(m.getValue().length);
                    entry.setCompressedSize(m.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(m.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
