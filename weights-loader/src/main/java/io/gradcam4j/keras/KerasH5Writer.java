package io.gradcam4j.keras;

import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.Gradcam4jException;
import io.gradcam4j.engine.graph.Node;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Saves a model as a Keras 2 full-model {@code .h5} ({@code model.save('m.h5')} layout): root
 * attributes {@code model_config}, {@code keras_version}, {@code backend}; group
 * {@code /model_weights} with {@code layer_names}; per layer a group with {@code weight_names}
 * ({@code <layer>/kernel:0}...) and the datasets at {@code <layer>/<layer>/kernel:0}. Keras, this
 * loader and the reference generator (TF.js) read it back. Layers without weights get no
 * {@code weight_names} attribute, which Keras's loader reads as an empty list.
 */
public final class KerasH5Writer {
    /** The dataset that stands in a layer group without weights (see {@link #writeLayer}). */
    static final String NO_WEIGHTS_MARKER = "gradcam4j_no_weights";

    /** The Keras release whose h5 layout this writes. */
    public static final String KERAS_VERSION = "2.15.0";

    private KerasH5Writer() {
    }

    /** The whole model as Keras's {@code model.save("file.h5")} writes it: architecture and weights. */
    public static void save(KerasModel model, Path file) throws IOException {
        List<String> names = layerNames(model);
        write(file, hdf -> {
            hdf.putAttribute("model_config", model.modelConfig().toString());
            hdf.putAttribute("keras_version", KERAS_VERSION);
            hdf.putAttribute("backend", "tensorflow");
            WritableGroup weights = hdf.putGroup("model_weights");
            writeWeights(weights, model, names);
        }, KerasH5File::loadModel);
    }

    /**
     * The weights only, as {@code model.save_weights("file.h5")} writes them and keras.applications
     * publishes them: the file {@link WeightsOnlyFile} reads onto an architecture.
     */
    public static void saveWeights(KerasModel model, Path file) throws IOException {
        List<String> names = layerNames(model);
        write(file, hdf -> writeWeights(hdf, model, names), KerasH5File::readWeightsOnly);
    }

    private static List<String> layerNames(KerasModel model) {
        List<String> names = new ArrayList<>();
        for (var layer : ModelConfigReader.layersOf(model.modelConfig())) {
            if (ModelConfigReader.isModel(layer)) {
                throw new UnsupportedKerasFeatureException("saving models that contain nested models is not supported ('"
                        + ModelConfigReader.modelName(layer) + "')");
            }
            names.add(layer.path("config").path("name").asText());
        }
        return names;
    }

    private static void writeWeights(WritableGroup group, KerasModel model, List<String> names) {
        group.putAttribute("layer_names", names.toArray(new String[0]));
        group.putAttribute("keras_version", KERAS_VERSION);
        group.putAttribute("backend", "tensorflow");
        for (String name : names) {
            writeLayer(group.putGroup(name), name, paramsOf(model, name));
        }
    }

    private interface Content {
        void writeInto(WritableHdfFile hdf);
    }

    private interface ReadBack {
        Object read(Path file) throws IOException;
    }

    /** Writes a temporary file beside {@code file}, reads it back, then moves it into place. */
    private static void write(Path file, Content content, ReadBack readBack) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try (WritableHdfFile hdf = HdfFile.write(tmp)) {
            content.writeInto(hdf);
        }
        try {
            readBack.read(tmp);
        } catch (Gradcam4jException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("writing " + file + " produced a file that does not read back (" + e.getMessage()
                    + "); nothing was written", e);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try {
            // a temp file is created owner-only; a saved model is an ordinary file
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default permissions
        }
    }

    private static List<Param> paramsOf(KerasModel model, String layer) {
        for (Node n : model.graph().nodes()) {
            if (n.name().equals(layer)) {
                return n.isInput() ? List.of() : n.op().params();
            }
        }
        return List.of();   // a layer the output does not depend on
    }

    private static void writeLayer(WritableGroup group, String layer, List<Param> params) {
        if (params.isEmpty()) {
            // jHDF (0.10, 0.11) writes its version marker at the position of its last sequential
            // write, which is inside the file when a layer group without datasets is written last:
            // that group's header is overwritten. A one-value dataset in every such group (not named
            // in weight_names, so Keras and TF.js ignore it) keeps datasets last. save() reads the
            // file back to be sure.
            group.putDataset(NO_WEIGHTS_MARKER, new float[] {0f});
            return;
        }
        String[] weightNames = new String[params.size()];
        WritableGroup scope = group.putGroup(layer);
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            weightNames[i] = layer + "/" + p.name() + ":0";
            scope.putDataset(p.name() + ":0", nested(p.value()));
        }
        group.putAttribute("weight_names", weightNames);
    }

    /** jhdf writes Java arrays of arrays: float[] data of shape (a, b, c) becomes float[a][b][c]. */
    static Object nested(Tensor t) {
        int[] shape = t.shape();
        if (shape.length == 0) {
            return t.data().clone();
        }
        Object array = Array.newInstance(float.class, shape);
        fill(array, shape, 0, t.data(), new int[] {0});
        return array;
    }

    private static void fill(Object array, int[] shape, int depth, float[] data, int[] cursor) {
        if (depth == shape.length - 1) {
            float[] row = (float[]) array;
            System.arraycopy(data, cursor[0], row, 0, row.length);
            cursor[0] += row.length;
            return;
        }
        for (int i = 0; i < shape[depth]; i++) {
            fill(Array.get(array, i), shape, depth + 1, data, cursor);
        }
    }
}
