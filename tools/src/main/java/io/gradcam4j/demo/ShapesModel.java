package io.gradcam4j.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.keras.KerasLayers;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.KerasOrigin;
import io.gradcam4j.keras.LayerWeightSource;
import io.gradcam4j.keras.ModelConfigReader;
import io.gradcam4j.keras.applications.FunctionalBuilder;
import io.gradcam4j.keras.applications.LayerOutput;
import io.gradcam4j.keras.applications.ModelSpec;
import io.gradcam4j.keras.applications.SeededWeights;
import io.gradcam4j.keras.applications.WeightSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The demo CNN, written with {@link FunctionalBuilder} so that it has a real Keras
 * {@code model_config}. For {@code filters = f1..fk}:
 * <pre>
 *   input_1 (size, size, 3), raw RGB 0..255
 *   rescaling                 Rescaling(1/127.5, offset -1): pixels to [-1, 1]
 *   conv1 3x3 same, no bias -> conv1_bn -> relu1 -> pool1 (2x2)
 *   ...                          (a 2x2 max pool after every block but the last two)
 *   convk 3x3 same, no bias -> convk_bn -> reluk          <- the Grad-CAM layer
 *   avg_pool (GlobalAveragePooling2D) -> predictions (Dense, softmax)
 * </pre>
 * With four blocks on a 64x64 input the Grad-CAM layer {@code relu4} is 16x16, and each of its
 * cells sees 26x26 input pixels (a good part of a shape, not just an edge).
 *
 * <p>Why {@code relu1} and not Keras's usual {@code conv1_relu}: jHDF 0.10.0 writes its
 * "jHDF - version" marker at the file channel's current position, which is the end of the last
 * dataset written, not the end of the file. When the last child of {@code /model_weights} in
 * jHDF's (hash) order is a layer without weights, its group header sits there and is
 * overwritten, and the file cannot be read back. With {@code conv1_relu ... conv3_relu} that
 * last child is {@code conv1_relu}; with these names it is {@code conv1_bn}. TrainDemo reads the
 * file back after saving, so a name change that hits the bug fails loudly.
 */
public final class ShapesModel {
    /** The layer Grad-CAM explains for a model of {@code blocks} conv blocks: the last spatial output. */
    public static String gradcamLayer(int blocks) {
        return "relu" + blocks;
    }

    private ShapesModel() {
    }

    /** The architecture for {@code size x size} RGB inputs and {@code classes} classes. */
    public static ModelSpec spec(int size, int classes, int[] filters) {
        FunctionalBuilder m = new FunctionalBuilder("shapes_cnn");
        LayerOutput x = m.input("input_1", size, size, 3);
        // FunctionalBuilder has no Rescaling layer (and is final): write a weightless placeholder
        // here and turn it into Rescaling in the JSON below. Pixels go to [-1, 1] rather than
        // [0, 1] so that the convolutions' zero padding is mid-grey, not black: a black frame
        // looks like a square's edges and pulled Grad-CAM maxima onto the image border.
        x = m.activation("rescaling", x, "linear");
        for (int block = 1; block <= filters.length; block++) {
            String name = "conv" + block;
            x = m.conv2d(name, x, filters[block - 1], 3, 1, "same", false, "linear");
            x = m.batchNorm(name + "_bn", x);
            x = m.activation("relu" + block, x, "relu");
            // No pooling between the last two blocks: the Grad-CAM layer stays fine enough (16x16
            // for a 64x64 input with four blocks) for its maximum to land on the object.
            if (block < filters.length - 1) {
                x = m.maxPool("pool" + block, x, 2, 2, "valid");
            }
        }
        x = m.globalAveragePooling("avg_pool", x, false);
        x = m.dense("predictions", x, classes, "softmax");
        ModelSpec spec = m.build(x);
        for (JsonNode layer : spec.modelConfig().path("config").path("layers")) {
            if (layer.path("name").asText().equals("rescaling")) {
                ObjectNode l = (ObjectNode) layer;
                l.put("class_name", "Rescaling");
                ObjectNode c = (ObjectNode) l.get("config");
                c.remove("activation");
                c.put("scale", 1.0 / 127.5).put("offset", -1.0);
            }
        }
        return spec;
    }

    /** The model built from {@code spec}, with weights from {@code weights}. */
    public static KerasModel model(ModelSpec spec, LayerWeightSource weights) {
        return new ModelConfigReader(new KerasLayers(KerasOrigin.KERAS_2), weights).readModel(spec.modelConfig());
    }

    /**
     * Keras's default initial weights, drawn from a seed: conv kernels He-uniform
     * ({@code sqrt(6 / fan_in)}), the Dense kernel Glorot-uniform ({@code sqrt(6 / (fan_in + fan_out))}),
     * biases and beta 0, gamma 1, moving mean 0, moving variance 1. Each weight has its own stream
     * (the seed mixed with the FNV-1a hash of {@code layer/weight}), so adding a layer leaves the
     * others' initial values unchanged.
     */
    public static LayerWeightSource initialWeights(ModelSpec spec, long seed) {
        Map<String, List<WeightSpec>> specs = spec.weights();
        return layer -> {
            List<Tensor> out = new ArrayList<>();
            for (WeightSpec w : specs.getOrDefault(layer, List.of())) {
                Tensor t = Tensor.zeros(w.shape());
                float[] d = t.data();
                int[] s = w.shape();
                switch (w.name()) {
                    case "kernel" -> {
                        int fanOut = s[s.length - 1];
                        int fanIn = d.length / fanOut;
                        double limit = s.length == 2 ? Math.sqrt(6.0 / (fanIn + fanOut)) : Math.sqrt(6.0 / fanIn);
                        SplittableRandom r = new SplittableRandom(seed ^ SeededWeights.fnv1a(layer + "/" + w.name()));
                        for (int i = 0; i < d.length; i++) {
                            d[i] = (float) ((2 * r.nextDouble() - 1) * limit);
                        }
                    }
                    case "gamma", "moving_variance" -> java.util.Arrays.fill(d, 1f);
                    default -> { }   // bias, beta, moving_mean: zeros
                }
                out.add(t);
            }
            return out;
        };
    }

    /** Number of weights (trainable and not). */
    public static long parameterCount(ModelSpec spec) {
        long n = 0;
        for (List<WeightSpec> ws : spec.weights().values()) {
            for (WeightSpec w : ws) {
                long k = 1;
                for (int d : w.shape()) {
                    k *= d;
                }
                n += k;
            }
        }
        return n;
    }
}
