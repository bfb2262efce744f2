package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Keras model turned into an engine graph, with what Keras knew about it: each node's class,
 * the model's name and its input shape. Gives a Keras-style {@link #summary()} and the default
 * Grad-CAM layer.
 */
public final class KerasModel {
    /** Size used for unknown (None) spatial input dimensions when shapes must be computed. */
    public static final int DEFAULT_SPATIAL_SIZE = 224;

    private final String name;
    private final Graph graph;
    private final List<LayerInfo> layers;
    private final int[] inputShape;
    private final JsonNode modelConfig;
    private Map<String, int[]> outputShapes;

    KerasModel(String name, Graph graph, List<LayerInfo> layers, int[] inputShape, JsonNode modelConfig) {
        this.name = name;
        this.modelConfig = modelConfig;
        this.graph = graph;
        this.layers = List.copyOf(layers);
        this.inputShape = inputShape.clone();
    }

    public String name() {
        return name;
    }

    public Graph graph() {
        return graph;
    }

    /** The Keras {@code model_config} this model was built from. */
    public JsonNode modelConfig() {
        return modelConfig;
    }

    public List<LayerInfo> layers() {
        return layers;
    }

    /** The input shape without the batch axis; -1 where Keras has None. */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** Every node's output shape (batch 1), computed once by an inference pass on zeros. */
    public synchronized Map<String, int[]> outputShapes() {
        if (outputShapes == null) {
            int[] shape = new int[inputShape.length + 1];
            shape[0] = 1;
            for (int i = 0; i < inputShape.length; i++) {
                shape[i + 1] = inputShape[i] > 0 ? inputShape[i] : DEFAULT_SPATIAL_SIZE;
            }
            outputShapes = graph.outputShapes(Tensor.zeros(shape));
        }
        return outputShapes;
    }

    /**
     * The default Grad-CAM target: the last layer whose output is still an image (4-D with
     * H x W > 1) — the last convolutional block before global pooling or flattening, nested models
     * included.
     */
    public String suggestedGradcamLayer() {
        return DefaultTargetLayer.of(graph, outputShapes()).orElseThrow(() -> new KerasFormatException("model '" + name
                + "' has no layer with a spatial (H x W > 1) output to explain"));
    }

    /** Keras's model.summary(), plus the suggested Grad-CAM layer marked. */
    public String summary() {
        Map<String, int[]> shapes = outputShapes();
        String gradcam = suggestedGradcamLayer();
        StringBuilder sb = new StringBuilder();
        String rule = "_".repeat(118) + "\n";
        sb.append("Model: \"").append(name).append("\"\n").append(rule);
        sb.append(String.format("%-44s %-24s %12s   %s%n", " Layer (type)", "Output Shape", "Param #", "Connected to"));
        sb.append("=".repeat(118)).append('\n');
        long trainable = 0;
        long frozen = 0;
        for (LayerInfo layer : layers) {
            Node node = graph.node(layer.name());
            long params = 0;
            if (!node.isInput()) {
                for (Param p : node.op().params()) {
                    params += p.value().size();
                    if (p.trainable()) {
                        trainable += p.value().size();
                    } else {
                        frozen += p.value().size();
                    }
                }
            }
            String mark = layer.name().equals(gradcam) ? "   <- Grad-CAM layer (default)" : "";
            sb.append(String.format("%-44s %-24s %12d   %s%s%n", " " + layer.name() + " (" + layer.className() + ")",
                    shapeText(shapes.get(layer.name())), params, layer.inputs(), mark));
        }
        sb.append("=".repeat(118)).append('\n');
        sb.append("Total params: ").append(trainable + frozen).append('\n');
        sb.append("Trainable params: ").append(trainable).append('\n');
        sb.append("Non-trainable params: ").append(frozen).append('\n');
        sb.append("Grad-CAM layer (default): ").append(gradcam).append('\n');
        return sb.toString();
    }

    private static String shapeText(int[] shape) {
        if (shape == null) {
            return "?";
        }
        return "(None, " + Arrays.stream(shape).skip(1).mapToObj(Integer::toString)
                .collect(Collectors.joining(", ")) + ")";
    }
}
