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
 * the model's name and its input shapes. Gives a Keras-style {@link #summary()} and the default
 * Grad-CAM layer. A model may have several inputs and several outputs (heads): see
 * {@link Graph#withOutput} and {@link Graph#withFixedInputs}.
 */
public final class KerasModel {
    /** Size used for unknown (None) spatial input dimensions when shapes must be computed. */
    public static final int DEFAULT_SPATIAL_SIZE = 224;

    private final String name;
    private final Graph graph;
    private final List<LayerInfo> layers;
    private final Map<String, int[]> inputShapes;
    private final JsonNode modelConfig;
    private Map<String, int[]> outputShapes;

    KerasModel(String name, Graph graph, List<LayerInfo> layers, Map<String, int[]> inputShapes, JsonNode modelConfig) {
        this.name = name;
        this.modelConfig = modelConfig;
        this.graph = graph;
        this.layers = List.copyOf(layers);
        this.inputShapes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputShapes));
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

    /** The (first) input's shape without the batch axis; -1 where Keras has None. */
    public int[] inputShape() {
        return inputShapes.values().iterator().next().clone();
    }

    /** Every input's shape without the batch axis (-1 where Keras has None), by input name, in order. */
    public Map<String, int[]> inputShapes() {
        return inputShapes;
    }

    /** The names of the model's outputs (heads), in Keras order; the first is the one explained by default. */
    public List<String> outputNames() {
        return graph.outputs().stream().map(Node::name).toList();
    }

    /** Every node's output shape (batch 1), found once from zeros of every input's shape. */
    public synchronized Map<String, int[]> outputShapes() {
        if (outputShapes == null) {
            outputShapes = graph.outputShapes(inputShapes.values().stream().map(KerasModel::zerosFor)
                    .toArray(Tensor[]::new));
        }
        return outputShapes;
    }

    /** A batch of one of zeros in this shape, None dimensions at {@link #DEFAULT_SPATIAL_SIZE}. */
    private static Tensor zerosFor(int[] shapeWithoutBatch) {
        int[] shape = new int[shapeWithoutBatch.length + 1];
        shape[0] = 1;
        for (int i = 0; i < shapeWithoutBatch.length; i++) {
            shape[i + 1] = shapeWithoutBatch[i] > 0 ? shapeWithoutBatch[i] : DEFAULT_SPATIAL_SIZE;
        }
        return Tensor.zeros(shape);
    }

    /**
     * The default Grad-CAM target: the last layer whose output is still an image (4-D with
     * H x W > 1) — the last convolutional block before global pooling or flattening, nested models
     * included — on the way to the first output.
     */
    public String suggestedGradcamLayer() {
        return suggestedGradcamLayer(graph.output().name());
    }

    /** {@link #suggestedGradcamLayer()} on the way to the output (head) called {@code output}. */
    public String suggestedGradcamLayer(String output) {
        return DefaultTargetLayer.of(graph.withOutput(output), outputShapes()).orElseThrow(() -> new KerasFormatException(
                "model '" + name + "' has no layer with a spatial (H x W > 1) output to explain"));
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
        if (inputShapes.size() > 1) {
            sb.append("Inputs: ").append(inputShapes.entrySet().stream()
                    .map(e -> e.getKey() + " " + shapeText(withBatch(e.getValue()))).collect(Collectors.joining(", ")))
                    .append('\n');
        }
        if (graph.outputs().size() > 1) {
            sb.append("Outputs (heads; the first is explained by default): ").append(outputNames().stream()
                    .map(o -> o + " " + shapeText(shapes.get(o))).collect(Collectors.joining(", "))).append('\n');
        }
        return sb.toString();
    }

    private static int[] withBatch(int[] shape) {
        int[] s = new int[shape.length + 1];
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    private static String shapeText(int[] shape) {
        if (shape == null) {
            return "?";
        }
        return "(None, " + Arrays.stream(shape).skip(1).mapToObj(d -> d > 0 ? Integer.toString(d) : "None")
                .collect(Collectors.joining(", ")) + ")";
    }
}
