package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.ops.Activation;
import io.gradcam4j.engine.ops.Add;
import io.gradcam4j.engine.ops.AvgPool2D;
import io.gradcam4j.engine.ops.BatchNorm;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.CenterCrop;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Concatenate;
import io.gradcam4j.engine.ops.Conv2D;
import io.gradcam4j.engine.ops.Cropping2D;
import io.gradcam4j.engine.ops.DepthwiseConv2D;
import io.gradcam4j.engine.ops.Dropout;
import io.gradcam4j.engine.ops.Elu;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.Identity;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.MaxPool2D;
import io.gradcam4j.engine.ops.Multiply;
import io.gradcam4j.engine.ops.PRelu;
import io.gradcam4j.engine.ops.Relu;
import io.gradcam4j.engine.ops.Resize;
import io.gradcam4j.engine.ops.Transpose;
import io.gradcam4j.engine.ops.Reshape;
import io.gradcam4j.engine.ops.Rescaling;
import io.gradcam4j.engine.ops.Softmax;
import io.gradcam4j.engine.ops.UpSampling2D;
import io.gradcam4j.engine.ops.ZeroPadding2D;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Turns one Keras layer (class name, config, weights in Keras order) into an engine op with
 * Keras's semantics. Each supported class has one small builder below; composite layers are
 * chains of primitive ops (Conv2D = convolution, bias, activation).
 */
public final class KerasLayers {
    private final KerasOrigin origin;
    private final Map<String, BiFunction<LayerConfig, LayerWeights, Op>> builders = new TreeMap<>();
    private final Map<String, Op> lambdas = new HashMap<>();

    /** @param origin which Keras (and backend) wrote the configs and weights */
    public KerasLayers(KerasOrigin origin) {
        this.origin = origin;
        builders.put("Conv2D", this::conv2d);
        builders.put("DepthwiseConv2D", this::depthwiseConv2d);
        builders.put("SeparableConv2D", this::separableConv2d);
        builders.put("BatchNormalization", this::batchNormalization);
        builders.put("MaxPooling2D", (c, w) -> new MaxPool2D(c.positivePair("pool_size", 2), strides(c), padding(c)));
        builders.put("AveragePooling2D", (c, w) -> new AvgPool2D(c.positivePair("pool_size", 2), strides(c), padding(c)));
        builders.put("GlobalAveragePooling2D", (c, w) -> globalPool(c, GlobalPool2D.Kind.AVERAGE));
        builders.put("GlobalMaxPooling2D", (c, w) -> globalPool(c, GlobalPool2D.Kind.MAX));
        builders.put("Dense", this::dense);
        builders.put("Flatten", (c, w) -> Reshape.flatten());
        builders.put("Reshape", (c, w) -> new Reshape(c.integers("target_shape")));
        builders.put("Dropout", (c, w) -> new Dropout(c.numberIn("rate", 0f, 0f, false, 1f), false));
        builders.put("SpatialDropout2D", (c, w) -> new Dropout(c.numberIn("rate", 0f, 0f, false, 1f), true));
        builders.put("ZeroPadding2D", KerasLayers::zeroPadding);
        builders.put("Cropping2D", KerasLayers::cropping);
        builders.put("UpSampling2D", KerasLayers::upSampling);
        builders.put("Add", (c, w) -> new Add());
        builders.put("Multiply", (c, w) -> new Multiply());
        builders.put("Concatenate", (c, w) -> new Concatenate(c.integer("axis", -1)));
        builders.put("Rescaling", (c, w) -> new Rescaling(c.numbers("scale", 1f), c.numbers("offset", 0f)));
        builders.put("Activation", this::activationLayer);
        builders.put("ReLU", KerasLayers::reluLayer);
        builders.put("LeakyReLU", KerasLayers::leakyRelu);
        builders.put("PReLU", KerasLayers::prelu);
        builders.put("ELU", (c, w) -> new Elu(c.number("alpha", 1f)));
        builders.put("Softmax", KerasLayers::softmaxLayer);
        builders.put("ThresholdedReLU", (c, w) -> new Relu(Float.POSITIVE_INFINITY, 0f, c.number("theta", 1f)));
        builders.put("Resizing", KerasLayers::resizing);
        builders.put("CenterCrop", KerasLayers::centerCrop);
        builders.put("Normalization", this::normalization);
        builders.put("Permute", KerasLayers::permute);
        builders.put("Merge", this::keras1Merge);
        for (String inferenceIdentity : List.of("RandomFlip", "RandomRotation", "RandomZoom", "RandomContrast",
                "RandomTranslation", "RandomHeight", "RandomWidth", "RandomBrightness", "GaussianNoise",
                "GaussianDropout", "AlphaDropout", "ActivityRegularization")) {
            // Augmentation and noise layers do nothing at inference.
            builders.put(inferenceIdentity, (c, w) -> new Identity(inferenceIdentity));
        }
    }

    /**
     * Supplies the Java implementation of a {@code Lambda} layer, or of a layer of a custom class
     * (Keras 3's {@code registered_name}), by layer name: the op then stands for that layer,
     * whatever its class, and brings its own weights. Without one, a Lambda or custom layer is
     * refused: its Python code is never executed.
     */
    public KerasLayers withLambda(String layerName, Op implementation) {
        lambdas.put(layerName, implementation);
        return this;
    }

    public KerasOrigin origin() {
        return origin;
    }

    /**
     * Which weights a layer owns, in Keras order: {@code true} for a trainable kind (kernel, bias,
     * gamma, beta, alpha), {@code false} for a statistic (moving_mean, moving_variance, the
     * Normalization state). Needed to split the flat weight list of a nested model, which Keras
     * saves as all trainable weights first, then all the others.
     */
    public List<Boolean> weightKinds(String className, JsonNode config) {
        String cls = origin.isKeras1() ? Keras1Config.className(className) : className;
        LayerConfig c = new LayerConfig(cls, origin.isKeras1() ? Keras1Config.upgrade(className, config) : config);
        List<Boolean> kinds = new ArrayList<>();
        boolean bias = c.bool("use_bias", true);
        switch (cls) {
            case "Conv2D", "DepthwiseConv2D", "Dense" -> {
                kinds.add(true);
                if (bias) {
                    kinds.add(true);
                }
            }
            case "SeparableConv2D" -> {
                kinds.add(true);
                kinds.add(true);
                if (bias) {
                    kinds.add(true);
                }
            }
            case "BatchNormalization" -> {
                if (c.bool("scale", true)) {
                    kinds.add(true);
                }
                if (c.bool("center", true)) {
                    kinds.add(true);
                }
                kinds.add(false);
                kinds.add(false);
            }
            case "PReLU" -> kinds.add(true);
            case "Normalization" -> {
                if (!(c.has("mean") && c.has("variance"))) {
                    kinds.addAll(List.of(false, false, false));
                }
            }
            default -> { }
        }
        return kinds;
    }

    /** The class names this factory builds, sorted. */
    public List<String> supportedClasses() {
        return List.copyOf(builders.keySet());
    }

    /**
     * @param className Keras class name, e.g. {@code Conv2D}
     * @param config the layer's config object from {@code model_config}
     * @param weights the layer's weights in Keras order
     */
    public Op create(String className, JsonNode config, List<Tensor> weights) {
        String cls = className;
        JsonNode cfg = config;
        if (origin.isKeras1()) {
            cls = Keras1Config.className(className);
            cfg = Keras1Config.upgrade(className, config);
        }
        LayerConfig c = new LayerConfig(cls, cfg);
        Op supplied = lambdas.get(c.layerName());
        if (supplied != null) {
            return supplied;            // the caller's Java op: a Lambda, or a layer of a custom class
        }
        if (cls.equals("Lambda")) {
            throw c.unsupported("a Lambda layer holds Python code, which gradcam4j never executes; supply a Java "
                    + "implementation with KerasLayers.withLambda(\"" + c.layerName() + "\", op)");
        }
        var builder = builders.get(cls);
        if (builder == null) {
            throw c.unsupported("unsupported layer class; supported: " + String.join(", ", builders.keySet()));
        }
        LayerWeights w = new LayerWeights(c, LegacyWeights.convert(cls, c, weights, origin));
        boolean channelsFirst = c.string("data_format", "channels_last").equals("channels_first");
        Op op;
        try {
            op = builder.apply(channelsFirst ? c.asChannelsLast() : c, w);
        } catch (IllegalArgumentException e) {
            throw c.error(e.getMessage());
        }
        w.requireAllUsed();
        return channelsFirst ? ChannelsFirst.wrap(cls, op) : op;
    }

    private static int[] strides(LayerConfig c) {
        // Pooling layers default their strides to the pool size.
        return c.has("strides") ? c.positivePair("strides", 1) : c.positivePair("pool_size", 2);
    }

    private static Padding padding(LayerConfig c) {
        return Padding.parse(c.string("padding", "valid"));
    }

    private Op activation(LayerConfig c) {
        try {
            return Activation.byName(c.activation(), origin.isKeras3());
        } catch (IllegalArgumentException e) {
            throw c.error(e.getMessage());
        }
    }

    private Op bias(LayerConfig c, LayerWeights w, int channels) {
        return c.bool("use_bias", true) ? new BiasAdd(w.take("bias", true, channels)) : null;
    }

    private Op conv2d(LayerConfig c, LayerWeights w) {
        c.requireChannelsLast();
        int filters = c.positiveInteger("filters", -1);
        int[] k = c.positivePair("kernel_size", 1);
        Param kernel = w.take("kernel", true, k[0], k[1], -1, filters);
        Op conv = new Conv2D(kernel, c.positivePair("strides", 1), c.positivePair("dilation_rate", 1), padding(c));
        return Chain.of(conv, bias(c, w, filters), activation(c));
    }

    private Op depthwiseConv2d(LayerConfig c, LayerWeights w) {
        c.requireChannelsLast();
        int[] k = c.positivePair("kernel_size", 1);
        int mult = c.positiveInteger("depth_multiplier", 1);
        Param kernel = w.take("depthwise_kernel", true, k[0], k[1], -1, mult);
        int channels = kernel.value().dim(2) * mult;
        Op conv = new DepthwiseConv2D(kernel, c.positivePair("strides", 1), c.positivePair("dilation_rate", 1), padding(c));
        return Chain.of(conv, bias(c, w, channels), activation(c));
    }

    /** SeparableConv2D = depthwise (with the layer's strides and dilation) then a 1x1 conv. */
    private Op separableConv2d(LayerConfig c, LayerWeights w) {
        c.requireChannelsLast();
        int[] k = c.positivePair("kernel_size", 1);
        // TF.js leaves depth_multiplier out of SeparableConv2D configs: then the kernel says it.
        int mult = c.positiveInteger("depth_multiplier", -1);
        int filters = c.positiveInteger("filters", -1);
        Param depthwise = w.take("depthwise_kernel", true, k[0], k[1], -1, mult);
        mult = depthwise.value().dim(3);
        int mid = depthwise.value().dim(2) * mult;
        Param pointwise = w.take("pointwise_kernel", true, 1, 1, mid, filters);
        int[] one = {1, 1};
        return Chain.of(
                new DepthwiseConv2D(depthwise, c.positivePair("strides", 1), c.positivePair("dilation_rate", 1), padding(c)),
                new Conv2D(pointwise, one, one, Padding.VALID),
                bias(c, w, filters), activation(c));
    }

    private Op batchNormalization(LayerConfig c, LayerWeights w) {
        int axis = axisOf(c);
        if (axis == 1) {
            // channels_first BatchNormalization of an NCHW tensor: normalize it as NHWC.
            return ChannelsFirst.wrap("BatchNormalization", batchNormOverLastAxis(c, w));
        }
        if (axis != -1 && axis != 3) {
            throw c.error("normalizes axis " + axis + "; only the channel axis (-1, 3, or 1 for channels_first)"
                    + " is supported");
        }
        return batchNormOverLastAxis(c, w);
    }

    private Op batchNormOverLastAxis(LayerConfig c, LayerWeights w) {
        if (c.integer("mode", 0) != 0) {
            // Keras 1 modes 1 and 2 normalize with batch statistics even at inference.
            throw c.unsupported("Keras 1 BatchNormalization mode " + c.integer("mode", 0) + " is not supported (mode 0)");
        }
        Param gamma = c.bool("scale", true) ? w.take("gamma", true, -1) : null;
        Param beta = c.bool("center", true) ? w.take("beta", true, -1) : null;
        Param mean = w.take("moving_mean", false, -1);
        Param variance = w.take("moving_variance", false, -1);
        return new BatchNorm(gamma, beta, mean, variance, c.numberIn("epsilon", 1e-3f, 0f, true, Float.POSITIVE_INFINITY), c.number("momentum", 0.99f));
    }

    private static int axisOf(LayerConfig c) {
        int[] axes = c.integers("axis");
        if (axes.length == 0) {
            return -1;
        }
        if (axes.length != 1) {
            throw c.error("normalizes several axes; only one channel axis is supported");
        }
        return axes[0];
    }

    private static Op globalPool(LayerConfig c, GlobalPool2D.Kind kind) {
        c.requireChannelsLast();
        return new GlobalPool2D(kind, c.bool("keepdims", false));
    }

    private Op dense(LayerConfig c, LayerWeights w) {
        int units = c.positiveInteger("units", -1);
        Param kernel = w.take("kernel", true, -1, units);
        return Chain.of(new MatMul(kernel), bias(c, w, units), activation(c));
    }

    private static Op zeroPadding(LayerConfig c, LayerWeights w) {
        c.requireChannelsLast();
        int[] b = c.borders("padding", 1);
        return new ZeroPadding2D(b[0], b[1], b[2], b[3]);
    }

    private static Op cropping(LayerConfig c, LayerWeights w) {
        c.requireChannelsLast();
        int[] b = c.borders("cropping", 0);
        return new Cropping2D(b[0], b[1], b[2], b[3]);
    }

    private static Op upSampling(LayerConfig c, LayerWeights w) {
        c.requireChannelsLast();
        String interpolation = c.string("interpolation", "nearest");
        if (!interpolation.equals("nearest")) {
            throw c.unsupported("interpolation '" + interpolation + "' is not supported; only nearest");
        }
        int[] size = c.positivePair("size", 2);
        return new UpSampling2D(size[0], size[1]);
    }

    private Op activationLayer(LayerConfig c, LayerWeights w) {
        Op op = activation(c);
        return op != null ? op : new Identity("linear activation");
    }

    private static Op reluLayer(LayerConfig c, LayerWeights w) {
        float max = c.has("max_value") ? c.number("max_value", 0f) : Float.POSITIVE_INFINITY;
        return new Relu(max, c.number("negative_slope", 0f), c.number("threshold", 0f));
    }

    private static Op leakyRelu(LayerConfig c, LayerWeights w) {
        // Keras 2 calls the slope alpha (default 0.3); Keras 3 negative_slope (same default).
        float slope = c.has("negative_slope") ? c.number("negative_slope", 0.3f) : c.number("alpha", 0.3f);
        return Relu.leaky(slope);
    }

    private static Op prelu(LayerConfig c, LayerWeights w) {
        // alpha's shape is the input's without the batch axis: not known from the config alone.
        Param alpha = w.take("alpha", true, -1, -1, -1);
        int[] shared = c.integers("shared_axes");
        for (int axis : shared) {
            if (axis < 1 || axis > 3 || alpha.value().dim(axis - 1) != 1) {
                throw c.error("shared axis " + axis + " does not match alpha " + alpha.value());
            }
        }
        return new PRelu(alpha);
    }

    private static Op softmaxLayer(LayerConfig c, LayerWeights w) {
        int[] axes = c.integers("axis");
        if (axes.length > 1 || (axes.length == 1 && axes[0] != -1)) {
            throw c.unsupported("softmax over axis " + java.util.Arrays.toString(axes) + " is not supported; only -1");
        }
        return new Softmax();
    }

    /** Keras Resizing: TF's resize with half-pixel centers, optionally cropping to the aspect ratio first. */
    private static Op resizing(LayerConfig c, LayerWeights w) {
        int h = c.integer("height", -1);
        int wd = c.integer("width", -1);
        String interpolation = c.string("interpolation", "bilinear");
        Resize.Interpolation mode = switch (interpolation) {
            case "bilinear" -> Resize.Interpolation.BILINEAR;
            case "nearest" -> Resize.Interpolation.NEAREST;
            default -> throw c.unsupported("interpolation '" + interpolation + "' is not supported (bilinear, nearest)");
        };
        if (c.bool("crop_to_aspect_ratio", false)) {
            return Chain.of(CenterCrop.toAspectRatio(h, wd), new Resize(h, wd, mode));
        }
        return new Resize(h, wd, mode);
    }

    private static Op centerCrop(LayerConfig c, LayerWeights w) {
        return CenterCrop.toSize(c.integer("height", -1), c.integer("width", -1));
    }

    /**
     * Keras Normalization: {@code (x - mean) / max(sqrt(variance), 1e-7)} per channel (or the
     * inverse with {@code invert}), the statistics from the config or the adapted weights
     * (mean, variance, count).
     */
    private Op normalization(LayerConfig c, LayerWeights w) {
        float[] mean;
        float[] variance;
        if (c.has("mean") && c.has("variance")) {
            mean = c.numbers("mean", 0f);
            variance = c.numbers("variance", 1f);
        } else {
            mean = w.take("mean", false, -1).value().data();
            variance = w.takeAnyShape("variance", false).value().data();
            w.takeAnyShape("count", false);
        }
        if (mean.length != variance.length) {
            throw c.error("mean has " + mean.length + " values but variance " + variance.length);
        }
        float[] scale = new float[mean.length];
        float[] offset = new float[mean.length];
        boolean invert = c.bool("invert", false);
        for (int i = 0; i < mean.length; i++) {
            float std = (float) Math.max(Math.sqrt(variance[i]), 1e-7);
            scale[i] = invert ? std : 1f / std;
            offset[i] = invert ? mean[i] : -mean[i] / std;
        }
        return new Rescaling(scale, offset);
    }

    private static Op permute(LayerConfig c, LayerWeights w) {
        int[] dims = c.integers("dims");
        int[] perm = new int[dims.length + 1];
        for (int i = 0; i < dims.length; i++) {
            perm[i + 1] = dims[i];
        }
        return new Transpose(perm);
    }

    /** Keras 1's Merge layer, by mode. */
    private Op keras1Merge(LayerConfig c, LayerWeights w) {
        String mode = c.string("mode", "sum");
        switch (mode) {
            case "sum": return new Add();
            case "mul": return new Multiply();
            case "concat": return new Concatenate(c.integer("concat_axis", -1));
            default: throw c.unsupported("Merge mode '" + mode + "' is not supported (sum, mul, concat)");
        }
    }
}
