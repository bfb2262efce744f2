package io.gradcam4j.keras.applications;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.engine.Padding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Keras functional model the way Keras code does ({@code x = layers.Conv2D(...)(x)}),
 * producing the same {@code model_config} JSON Keras 2 would save, and tracking each output's
 * shape so that every weight's shape is known without loading anything. Covers the layers the
 * keras.applications CNNs use. The finished model lists its layers in Keras's order
 * ({@link KerasLayerOrder}), the order of the layers in Keras's weights files.
 */
public final class FunctionalBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String modelName;
    private final Map<String, ObjectNode> layers = new LinkedHashMap<>();
    private final Map<String, List<String>> inbound = new LinkedHashMap<>();
    private final Map<String, List<WeightSpec>> weights = new LinkedHashMap<>();
    private final Map<String, Integer> autoNames = new LinkedHashMap<>();
    private LayerOutput input;

    public FunctionalBuilder(String modelName) {
        this.modelName = modelName;
    }

    public LayerOutput input(String name, int... shape) {
        ObjectNode config = JSON.createObjectNode();
        ArrayNode batchShape = config.putArray("batch_input_shape").addNull();
        for (int d : shape) {
            batchShape.add(d);
        }
        config.put("dtype", "float32").put("sparse", false).put("ragged", false).put("name", name);
        addLayer("InputLayer", name, config);
        input = new LayerOutput(name, shape.clone());
        return input;
    }

    /** Keras's automatic name for an unnamed layer: conv2d, conv2d_1, conv2d_2, ... */
    public String autoName(String base) {
        int n = autoNames.merge(base, 1, Integer::sum) - 1;
        return n == 0 ? base : base + "_" + n;
    }

    public LayerOutput conv2d(String name, LayerOutput x, int filters, int kernel, int stride, String padding,
                              boolean useBias, String activation) {
        return conv2d(name, x, filters, kernel, kernel, stride, padding, useBias, activation);
    }

    /** A convolution with a {@code kernelHeight x kernelWidth} kernel (InceptionV3's 1x7 and 7x1). */
    public LayerOutput conv2d(String name, LayerOutput x, int filters, int kernelHeight, int kernelWidth, int stride,
                              String padding, boolean useBias, String activation) {
        ObjectNode c = config(name);
        c.put("filters", filters);
        c.set("kernel_size", pair(kernelHeight, kernelWidth));
        c.set("strides", pair(stride));
        c.put("padding", padding).put("data_format", "channels_last");
        c.set("dilation_rate", pair(1));
        c.put("activation", activation).put("use_bias", useBias);
        int[] out = spatial(x, kernelHeight, kernelWidth, stride, padding, filters);
        List<WeightSpec> w = new ArrayList<>(List.of(new WeightSpec("kernel", new int[] {kernelHeight, kernelWidth,
            x.channels(), filters})));
        if (useBias) {
            w.add(new WeightSpec("bias", new int[] {filters}));
        }
        return call("Conv2D", name, c, w, out, x);
    }

    public LayerOutput depthwiseConv2d(String name, LayerOutput x, int kernel, int stride, String padding) {
        ObjectNode c = config(name);
        c.set("kernel_size", pair(kernel));
        c.set("strides", pair(stride));
        c.put("padding", padding).put("depth_multiplier", 1).put("data_format", "channels_last");
        c.set("dilation_rate", pair(1));
        c.put("activation", "linear").put("use_bias", false);
        int[] out = spatial(x, kernel, kernel, stride, padding, x.channels());
        return call("DepthwiseConv2D", name, c,
                List.of(new WeightSpec("depthwise_kernel", new int[] {kernel, kernel, x.channels(), 1})), out, x);
    }

    public LayerOutput separableConv2d(String name, LayerOutput x, int filters, int kernel) {
        return separableConv2d(name, x, filters, kernel, 1, "same");
    }

    /** A separable convolution without bias, depth multiplier 1 (Xception's, NASNet's). */
    public LayerOutput separableConv2d(String name, LayerOutput x, int filters, int kernel, int stride,
                                       String padding) {
        ObjectNode c = config(name);
        c.put("filters", filters);
        c.set("kernel_size", pair(kernel));
        c.set("strides", pair(stride));
        c.put("padding", padding).put("data_format", "channels_last");
        c.set("dilation_rate", pair(1));
        c.put("depth_multiplier", 1).put("activation", "linear").put("use_bias", false);
        int[] out = spatial(x, kernel, kernel, stride, padding, filters);
        return call("SeparableConv2D", name, c, List.of(
                new WeightSpec("depthwise_kernel", new int[] {kernel, kernel, x.channels(), 1}),
                new WeightSpec("pointwise_kernel", new int[] {1, 1, x.channels(), filters})), out, x);
    }

    /** Keras's defaults: epsilon 1e-3, momentum 0.99, with scale and center. */
    public LayerOutput batchNorm(String name, LayerOutput x) {
        return batchNorm(name, x, 1e-3, 0.99, true);
    }

    /** @param scale whether it has gamma (InceptionV3's have not: a ReLU follows) */
    public LayerOutput batchNorm(String name, LayerOutput x, double epsilon, double momentum, boolean scale) {
        ObjectNode c = config(name);
        c.putArray("axis").add(x.shape().length);   // Keras 2.4+ writes the resolved axis: [3] for NHWC
        c.put("momentum", momentum).put("epsilon", epsilon).put("center", true).put("scale", scale);
        int[] ch = {x.channels()};
        List<WeightSpec> w = new ArrayList<>();
        if (scale) {
            w.add(new WeightSpec("gamma", ch));
        }
        w.addAll(List.of(new WeightSpec("beta", ch), new WeightSpec("moving_mean", ch),
                new WeightSpec("moving_variance", ch)));
        return call("BatchNormalization", name, c, w, x.shape(), x);
    }

    public LayerOutput activation(String name, LayerOutput x, String activation) {
        ObjectNode c = config(name);
        c.put("activation", activation);
        return call("Activation", name, c, List.of(), x.shape(), x);
    }

    public LayerOutput relu6(String name, LayerOutput x) {
        ObjectNode c = config(name);
        c.put("max_value", 6.0).put("negative_slope", 0.0).put("threshold", 0.0);
        return call("ReLU", name, c, List.of(), x.shape(), x);
    }

    /** A ReLU layer without a maximum ({@code layers.ReLU()}). */
    public LayerOutput relu(String name, LayerOutput x) {
        ObjectNode c = config(name);
        c.putNull("max_value");
        c.put("negative_slope", 0.0).put("threshold", 0.0);
        return call("ReLU", name, c, List.of(), x.shape(), x);
    }

    public LayerOutput maxPool(String name, LayerOutput x, int pool, int stride, String padding) {
        ObjectNode c = config(name);
        c.set("pool_size", pair(pool));
        c.set("strides", pair(stride));
        c.put("padding", padding).put("data_format", "channels_last");
        return call("MaxPooling2D", name, c, List.of(), spatial(x, pool, pool, stride, padding, x.channels()), x);
    }

    /** Average pooling; Keras divides by the number of cells inside the image (same padding). */
    public LayerOutput averagePool(String name, LayerOutput x, int pool, int stride, String padding) {
        ObjectNode c = config(name);
        c.set("pool_size", pair(pool));
        c.set("strides", pair(stride));
        c.put("padding", padding).put("data_format", "channels_last");
        return call("AveragePooling2D", name, c, List.of(), spatial(x, pool, pool, stride, padding, x.channels()), x);
    }

    public LayerOutput zeroPadding(String name, LayerOutput x, int top, int bottom, int left, int right) {
        ObjectNode c = config(name);
        ArrayNode p = c.putArray("padding");
        p.addArray().add(top).add(bottom);
        p.addArray().add(left).add(right);
        c.put("data_format", "channels_last");
        int[] s = x.shape();
        return call("ZeroPadding2D", name, c, List.of(), new int[] {s[0] + top + bottom, s[1] + left + right, s[2]},
                x);
    }

    public LayerOutput cropping(String name, LayerOutput x, int top, int bottom, int left, int right) {
        ObjectNode c = config(name);
        ArrayNode p = c.putArray("cropping");
        p.addArray().add(top).add(bottom);
        p.addArray().add(left).add(right);
        c.put("data_format", "channels_last");
        int[] s = x.shape();
        return call("Cropping2D", name, c, List.of(), new int[] {s[0] - top - bottom, s[1] - left - right, s[2]}, x);
    }

    public LayerOutput globalAveragePooling(String name, LayerOutput x, boolean keepDims) {
        ObjectNode c = config(name);
        c.put("data_format", "channels_last").put("keepdims", keepDims);
        int[] out = keepDims ? new int[] {1, 1, x.channels()} : new int[] {x.channels()};
        return call("GlobalAveragePooling2D", name, c, List.of(), out, x);
    }

    public LayerOutput dropout(String name, LayerOutput x, double rate) {
        ObjectNode c = config(name);
        c.put("rate", rate);
        return call("Dropout", name, c, List.of(), x.shape(), x);
    }

    public LayerOutput reshape(String name, LayerOutput x, int... target) {
        ObjectNode c = config(name);
        ArrayNode t = c.putArray("target_shape");
        for (int d : target) {
            t.add(d);
        }
        return call("Reshape", name, c, List.of(), target.clone(), x);
    }

    public LayerOutput flatten(String name, LayerOutput x) {
        ObjectNode c = config(name);
        c.put("data_format", "channels_last");
        int size = 1;
        for (int d : x.shape()) {
            size *= d;
        }
        return call("Flatten", name, c, List.of(), new int[] {size}, x);
    }

    public LayerOutput dense(String name, LayerOutput x, int units, String activation) {
        ObjectNode c = config(name);
        c.put("units", units).put("activation", activation).put("use_bias", true);
        return call("Dense", name, c, List.of(new WeightSpec("kernel", new int[] {x.channels(), units}),
                new WeightSpec("bias", new int[] {units})), new int[] {units}, x);
    }

    public LayerOutput add(String name, LayerOutput a, LayerOutput b) {
        return call("Add", name, config(name), List.of(), a.shape(), a, b);
    }

    /** Joins feature maps along the channel axis (DenseNet's and InceptionV3's blocks). */
    public LayerOutput concatenate(String name, LayerOutput... inputs) {
        ObjectNode c = config(name);
        c.put("axis", inputs[0].shape().length);    // Keras's channel axis as the code passes it: 3 for NHWC
        int[] out = inputs[0].shape().clone();
        int last = out.length - 1;
        out[last] = 0;
        for (LayerOutput in : inputs) {
            out[last] += in.channels();
        }
        return call("Concatenate", name, c, List.of(), out, inputs);
    }

    /** Elementwise product, {@code gate} broadcast over {@code x} (a squeeze-and-excitation gate of 1x1xC). */
    public LayerOutput multiply(String name, LayerOutput x, LayerOutput gate) {
        return call("Multiply", name, config(name), List.of(), x.shape(), x, gate);
    }

    /** {@code x * scale + offset}, one scale for all channels or one per channel. */
    public LayerOutput rescaling(String name, LayerOutput x, double[] scale, double offset) {
        ObjectNode c = config(name);
        if (scale.length == 1) {
            c.put("scale", scale[0]);
        } else {
            ArrayNode s = c.putArray("scale");
            for (double v : scale) {
                s.add(v);
            }
        }
        c.put("offset", offset);
        return call("Rescaling", name, c, List.of(), x.shape(), x);
    }

    /** A Normalization layer over the channels with its mean and variance in the config (no weights). */
    public LayerOutput normalization(String name, LayerOutput x, double[] mean, double[] variance) {
        ObjectNode c = config(name);
        c.putArray("axis").add(x.shape().length);
        ArrayNode m = c.putArray("mean");
        ArrayNode v = c.putArray("variance");
        for (int i = 0; i < mean.length; i++) {
            m.add(mean[i]);
            v.add(variance[i]);
        }
        c.put("invert", false);
        return call("Normalization", name, c, List.of(), x.shape(), x);
    }

    /**
     * A Normalization layer over the channels whose statistics are weights (mean, variance and
     * count, as adapted or as loaded from a weights file), as EfficientNet's.
     */
    public LayerOutput normalization(String name, LayerOutput x) {
        ObjectNode c = config(name);
        c.putArray("axis").add(x.shape().length);
        c.putNull("mean");
        c.putNull("variance");
        c.put("invert", false);
        int[] ch = {x.channels()};
        return call("Normalization", name, c, List.of(new WeightSpec("mean", ch), new WeightSpec("variance", ch),
                new WeightSpec("count", new int[0])), x.shape(), x);
    }

    /** The finished model; {@code output} is its single output. */
    public ModelSpec build(LayerOutput output) {
        List<String> order = KerasLayerOrder.of(inbound, output.layer());
        ObjectNode model = JSON.createObjectNode();
        model.put("class_name", "Functional");
        ObjectNode config = model.putObject("config");
        config.put("name", modelName);
        ArrayNode list = config.putArray("layers");
        order.forEach(name -> list.add(layers.get(name)));
        config.putArray("input_layers").addArray().add(input.layer()).add(0).add(0);
        config.putArray("output_layers").addArray().add(output.layer()).add(0).add(0);
        Map<String, List<WeightSpec>> used = new LinkedHashMap<>(weights);
        used.keySet().retainAll(order);
        return new ModelSpec(model, input.shape(), List.copyOf(order), Map.copyOf(used));
    }

    private ObjectNode config(String name) {
        return JSON.createObjectNode().put("name", name).put("trainable", true).put("dtype", "float32");
    }

    private LayerOutput call(String className, String name, ObjectNode config, List<WeightSpec> w, int[] out,
                             LayerOutput... inputs) {
        ObjectNode layer = addLayer(className, name, config);
        ArrayNode node = layer.putArray("inbound_nodes").addArray();
        for (LayerOutput in : inputs) {
            node.addArray().add(in.layer()).add(0).add(0).addObject();
            inbound.get(name).add(in.layer());
        }
        if (!w.isEmpty()) {
            weights.put(name, List.copyOf(w));
        }
        return new LayerOutput(name, out);
    }

    private ObjectNode addLayer(String className, String name, ObjectNode config) {
        if (layers.containsKey(name)) {
            throw new IllegalStateException("two layers named '" + name + "'");
        }
        ObjectNode layer = JSON.createObjectNode();
        layers.put(name, layer);
        inbound.put(name, new ArrayList<>());
        layer.put("class_name", className);
        layer.set("config", config);
        layer.put("name", name);
        if (className.equals("InputLayer")) {
            layer.putArray("inbound_nodes");
        }
        return layer;
    }

    private static int[] spatial(LayerOutput x, int kernelHeight, int kernelWidth, int stride, String padding,
                                 int channels) {
        Padding p = Padding.parse(padding);
        return new int[] {p.outputSize(x.shape()[0], kernelHeight, stride, 1),
            p.outputSize(x.shape()[1], kernelWidth, stride, 1), channels};
    }

    private static JsonNode pair(int v) {
        return pair(v, v);
    }

    private static JsonNode pair(int a, int b) {
        return JSON.createArrayNode().add(a).add(b);
    }
}
