package io.gradcam4j.keras;

import io.gradcam4j.engine.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one Keras 3 weights file (a {@code model.weights.h5}, a {@code .weights.h5}, or one
 * shard): for each place its {@code <place>/vars} group, with the layer's name as the group's
 * {@code name} attribute and the variables as datasets {@code 0, 1, ...}.
 *
 * <p>Only groups holding variables are written. Keras 3.10 and later also write an empty, named
 * {@code vars} group for each layer without variables (and the model's own at the root); Keras
 * 3.0-3.9 did not (their {@code H5IOStore.make} deferred a group until a variable was stored),
 * and Keras's reader takes a missing group for "no variables". They are left out because jHDF
 * (0.11) cannot write a group without datasets safely: it keeps a group's members in a hash map
 * and a group without datasets written among them damages a neighbour's header. The writers read
 * every file back to be sure.
 */
final class Keras3WeightsFile {
    /** A group to write: its named {@code vars} attribute (or null) and its datasets by index. */
    private static final class Group {
        final Map<String, Group> children = new LinkedHashMap<>();
        final Map<Integer, Tensor> datasets = new LinkedHashMap<>();
        String name;

        boolean holdsData() {
            return !datasets.isEmpty() || children.values().stream().anyMatch(Group::holdsData);
        }
    }

    private final Group root = new Group();

    /** Adds the {@code vars} group of {@code place} ("" for the root), named {@code layerName} when not null. */
    Keras3WeightsFile vars(String place, String layerName) {
        Group g = varsGroup(place);
        if (layerName != null) {
            g.name = layerName;
        }
        return this;
    }

    /** Adds variable {@code index} of {@code place} to its {@code vars} group. */
    Keras3WeightsFile variable(String place, int index, Tensor value) {
        varsGroup(place).datasets.put(index, value);
        return this;
    }

    private Group varsGroup(String place) {
        Group g = root;
        List<String> parts = new ArrayList<>(place.isEmpty() ? List.of() : List.of(place.split("/")));
        parts.add("vars");
        for (String part : parts) {
            g = g.children.computeIfAbsent(part, p -> new Group());
        }
        return g;
    }

    void write(Path file) {
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            writeChildren(hdf, root);
        }
    }

    private static void writeChildren(WritableGroup into, Group group) {
        for (Map.Entry<String, Group> child : group.children.entrySet()) {
            Group g = child.getValue();
            if (!g.holdsData()) {
                continue;
            }
            WritableGroup w = into.putGroup(child.getKey());
            if (g.name != null) {
                w.putAttribute("name", g.name);
            }
            writeChildren(w, g);
            for (Map.Entry<Integer, Tensor> d : g.datasets.entrySet()) {
                w.putDataset(Integer.toString(d.getKey()), KerasH5Writer.nested(d.getValue()));
            }
        }
    }
}
