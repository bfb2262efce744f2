package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Keras full-model {@code .h5} file ({@code model.save}): the {@code model_config} JSON and the
 * weights under {@code /model_weights}, found through each layer group's {@code weight_names}
 * (never built from the layer name: scopes differ, e.g. {@code conv2d_1/conv2d_1_1/kernel:0}).
 * See ../shared/corpus/FORMATS.md for the layouts of each Keras version.
 */
public final class KerasH5File {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasH5File() {
    }

    /** Opens {@code file} and builds its model as an engine graph. */
    public static Graph load(Path file) throws IOException {
        try (HdfFile hdf = new HdfFile(file)) {
            KerasOrigin origin = new KerasOrigin(stringAttribute(hdf, "keras_version", null),
                    stringAttribute(hdf, "backend", null));
            String config = stringAttribute(hdf, "model_config", null);
            if (config == null) {
                throw new KerasFormatException(file + ": no 'model_config' attribute: this is a weights-only file "
                        + "(save_weights); its architecture must come from code");
            }
            JsonNode modelConfig = JSON.readTree(config);
            Group weights = hdf.getChild("model_weights") instanceof Group g ? g : hdf;
            try {
                return new ModelConfigReader(new KerasLayers(origin), layer -> weightsOf(weights, layer))
                        .read(modelConfig);
            } catch (KerasFormatException e) {
                throw new KerasFormatException(file + ": " + e.getMessage(), e);
            }
        } catch (io.jhdf.exceptions.HdfException e) {
            throw new KerasFormatException(file + ": not a readable HDF5 file (" + e.getMessage() + ")", e);
        }
    }

    /** The weights of one layer, in the order of its {@code weight_names} attribute. */
    static List<Tensor> weightsOf(Group weightsGroup, String layer) {
        Node node = weightsGroup.getChild(layer);
        if (!(node instanceof Group group)) {
            return List.of();
        }
        List<Tensor> out = new ArrayList<>();
        for (String name : strings(group.getAttribute("weight_names"))) {
            Node d = group.getByPath(name);
            if (!(d instanceof Dataset ds)) {
                throw new KerasFormatException("weight '" + name + "' of layer '" + layer + "' is not a dataset");
            }
            out.add(toTensor(ds, layer + "/" + name));
        }
        return out;
    }

    private static Tensor toTensor(Dataset ds, String where) {
        int[] shape = ds.getDimensions();
        Object flat = ds.getDataFlat();
        float[] data;
        if (flat instanceof float[] f) {
            data = f;
        } else if (flat instanceof double[] d) {
            data = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                data[i] = (float) d[i];
            }
        } else {
            throw new KerasFormatException("weight " + where + " has unsupported type " + ds.getJavaType());
        }
        return shape.length == 0 ? Tensor.scalar(data[0]) : Tensor.of(data, shape);
    }

    /** A string array attribute; Keras writes an empty float64 array when a layer has no weights. */
    private static List<String> strings(Attribute a) {
        if (a == null) {
            return List.of();
        }
        Object data = a.getData();
        if (data instanceof String s) {
            return List.of(trimNul(s));
        }
        if (data instanceof String[] arr) {
            List<String> out = new ArrayList<>();
            for (String s : arr) {
                out.add(trimNul(s));
            }
            return out;
        }
        return List.of();
    }

    private static String stringAttribute(Group g, String name, String fallback) {
        Attribute a = g.getAttribute(name);
        if (a == null) {
            return fallback;
        }
        Object data = a.getData();
        if (data instanceof String s) {
            return trimNul(s);
        }
        if (data instanceof byte[] b) {
            return trimNul(new String(b, java.nio.charset.StandardCharsets.UTF_8));
        }
        throw new KerasFormatException("attribute '" + name + "' is not a string");
    }

    private static String trimNul(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\0') {
            end--;
        }
        return s.substring(0, end);
    }
}
