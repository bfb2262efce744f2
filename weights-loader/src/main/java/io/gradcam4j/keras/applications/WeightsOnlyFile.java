package io.gradcam4j.keras.applications;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.keras.KerasFormatException;
import io.gradcam4j.keras.KerasH5File;
import io.gradcam4j.keras.KerasLayers;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.KerasModelFile;
import io.gradcam4j.keras.KerasOrigin;
import io.gradcam4j.keras.ModelConfigReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a weights-only {@code .h5} (the keras.applications files, {@code model.save_weights})
 * onto an architecture written in Java. As Keras's {@code load_weights} does for h5 files, the
 * file's layers with weights are matched to the model's layers with weights in order
 * (topologically), so Keras's automatic names ({@code conv2d_1} in one Keras version,
 * {@code conv2d} in another) never need to agree; every weight's shape must.
 *
 * <p>A file saved with {@code include_top=False} holds the same layers without the classifier's,
 * the last ones in that order: when the file's layers are exactly the first (or all but the last)
 * of the architecture's, the message says the file is with or without its top and how to load it.
 */
public final class WeightsOnlyFile {
    private WeightsOnlyFile() {
    }

    /**
     * The application with the weights of {@code file}: Keras 2's layout (the keras.applications
     * files, {@code layer_names} at the root), or Keras 3's ({@code model.save_weights("m.weights.h5")},
     * or the index of sharded weights {@code m.weights.json}), told apart by the file's contents.
     */
    public static KerasModel load(Path file, Application app) throws IOException {
        if (KerasModelFile.isKeras3Weights(file)) {
            return KerasModelFile.loadWeights(file, app.spec().modelConfig());
        }
        LinkedHashMap<String, List<Tensor>> stored = KerasH5File.readWeightsOnly(file);
        ModelSpec spec = app.spec();
        List<String> ours = spec.layerOrder().stream().filter(spec.weights()::containsKey).toList();
        List<String> theirs = new ArrayList<>(stored.keySet());
        if (ours.size() != theirs.size()) {
            throw layerCountMismatch(file, app, ours, theirs, stored);
        }
        Map<String, List<Tensor>> byLayer = new HashMap<>();
        for (int i = 0; i < ours.size(); i++) {
            List<Tensor> values = stored.get(theirs.get(i));
            checkShapes(file, app, ours.get(i), theirs.get(i), spec.weights().get(ours.get(i)), values);
            byLayer.put(ours.get(i), values);
        }
        return new ModelConfigReader(new KerasLayers(KerasOrigin.KERAS_2), n -> byLayer.getOrDefault(n, List.of()))
                .readModel(spec.modelConfig());
    }

    /**
     * The error for a file with more or fewer layers than the architecture: a file for this model
     * without its top (or with it) is named as such, with the way to load it; any other file is
     * one for another model.
     */
    private static RuntimeException layerCountMismatch(Path file, Application app, List<String> ours, List<String> theirs,
                                                       Map<String, List<Tensor>> stored) {
        int common = Math.min(ours.size(), theirs.size());
        boolean samePrefix = true;
        for (int i = 0; samePrefix && i < common; i++) {
            samePrefix = sameShapes(app.spec().weights().get(ours.get(i)), stored.get(theirs.get(i)));
        }
        String counts = file + ": holds weights for " + theirs.size() + " layers but " + app.name() + " has "
                + ours.size() + " layers with weights";
        if (samePrefix && theirs.size() < ours.size()) {
            return new io.gradcam4j.engine.errors.InvalidRequestException(counts + ": they are its first " + common
                    + ", without " + ours.subList(common, ours.size()) + " — include_top=False weights (no classifier). "
                    + "Load them with " + app.name() + "_no_top (--no-top on the command line)");
        }
        if (samePrefix) {
            return new io.gradcam4j.engine.errors.InvalidRequestException(counts + ": its " + common
                    + " layers come first, followed by " + (theirs.size() - common) + " more, "
                    + theirs.subList(common, theirs.size()) + " — weights saved with the classifier top "
                    + "(include_top=True). Load them with " + app.name() + " (without --no-top)");
        }
        return new KerasFormatException(counts + ", and their shapes do not line up: it is the file of another model");
    }

    private static boolean sameShapes(List<WeightSpec> specs, List<Tensor> values) {
        boolean ok = specs.size() == values.size();
        for (int i = 0; ok && i < specs.size(); i++) {
            ok = Arrays.equals(specs.get(i).shape(), values.get(i).shape());
        }
        return ok;
    }

    private static void checkShapes(Path file, Application app, String layer, String stored, List<WeightSpec> specs,
                                    List<Tensor> values) {
        if (!sameShapes(specs, values)) {
            throw new KerasFormatException(file + ": layer '" + stored + "' of the file holds weights "
                    + values.stream().map(t -> Arrays.toString(t.shape())).toList() + " but layer '" + layer + "' of "
                    + app.name() + " needs " + specs.stream().map(w -> w.name() + Arrays.toString(w.shape())).toList());
        }
    }
}
