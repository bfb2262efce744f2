package io.gradcam4j.keras.applications;

import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.keras.KerasLayers;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.KerasOrigin;
import io.gradcam4j.keras.LayerWeightSource;
import io.gradcam4j.keras.ModelConfigReader;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keras.applications architectures by name, each optionally with {@code _no_top} (no
 * classifier): the Keras function's name in lower case ({@link ApplicationNames}), built at its
 * default input size by {@link #byName(String)} or at another by {@link #byName(String, int, int)}.
 */
public final class Applications {
    /** The names {@link #byName} accepts, for messages. */
    public static final String NAMES = "vgg16, vgg19, xception, resnet50, resnet101, resnet152, resnet50v2, "
            + "resnet101v2, resnet152v2, inceptionv3, densenet121, densenet169, densenet201, nasnetmobile, "
            + "efficientnetb0 ... efficientnetb7, efficientnetv2b0 ... efficientnetv2b3, "
            + "mobilenet, mobilenet_<alpha>_<size> (alpha 0.25|0.50|0.75|1.0, size 128|160|192|224), "
            + "mobilenetv2, mobilenetv2_<alpha>_<size> (alpha 0.35|0.50|0.75|1.0|1.3|1.4, size 96|128|160|192|224), "
            + "mobilenetv3small, mobilenetv3large (each also _0.75 and _minimalistic); each optionally with _no_top "
            + "(Keras's module spellings, e.g. inception_v3, efficientnet_v2_b0, are accepted too)";
    private static final Pattern MOBILENET = Pattern.compile("mobilenet(?:_(0\\.25|0\\.50|0\\.5|0\\.75|1\\.00|1\\.0|1)_(128|160|192|224))?");
    private static final Pattern MOBILENET_V3 = Pattern.compile("mobilenetv3(small|large)(?:_([0-9]*\\.?[0-9]+))?(_minimalistic)?");
    private static final Pattern MOBILENET_V2 = Pattern.compile(
            "mobilenetv2(?:_(0\\.35|0\\.50|0\\.5|0\\.75|1\\.00|1\\.0|1|1\\.30|1\\.3|1\\.40|1\\.4)_(96|128|160|192|224))?");

    /** Architectures named without parameters: default input size and builder. */
    private static final Map<String, Entry> FIXED = new LinkedHashMap<>();

    static {
        FIXED.put("vgg16", new Entry(224, Vgg::vgg16));
        FIXED.put("vgg19", new Entry(224, Vgg::vgg19));
        FIXED.put("xception", new Entry(299, Xception::build));
        for (int depth : new int[] {50, 101, 152}) {
            FIXED.put("resnet" + depth, new Entry(224, (top, h, w) -> ResNet.v1(depth, top, h, w)));
            FIXED.put("resnet" + depth + "v2", new Entry(224, (top, h, w) -> ResNet.v2(depth, top, h, w)));
        }
        FIXED.put("inceptionv3", new Entry(299, InceptionV3::build));
        FIXED.put("nasnetmobile", new Entry(224, NASNetMobile::build));
        for (int depth : new int[] {121, 169, 201}) {
            FIXED.put("densenet" + depth, new Entry(224, (top, h, w) -> DenseNet.build(depth, top, h, w)));
        }
        for (int b = 0; b <= 3; b++) {
            int variant = b;
            FIXED.put("efficientnetv2b" + b, new Entry(EfficientNetV2.defaultSize(b),
                    (top, h, w) -> EfficientNetV2.build(variant, top, h, w)));
        }
        for (int b = 0; b <= 7; b++) {
            int variant = b;
            FIXED.put("efficientnetb" + b, new Entry(EfficientNet.defaultSize(b),
                    (top, h, w) -> EfficientNet.build(variant, top, h, w)));
        }
    }

    private Applications() {
    }

    /** The architecture at its default input size (224, or 299 for Xception and InceptionV3). */
    public static Application byName(String name) {
        return byName(name, -1, -1);
    }

    /**
     * The architecture at {@code height x width} (each architecture's minimum applies; VGG and
     * Xception with their classifier take their default size only). A size in the name, as
     * {@code mobilenet_0.25_128}, is replaced by this one. {@code -1, -1}: the default size.
     */
    public static Application byName(String name, int height, int width) {
        String n = ApplicationNames.canonical(name);
        boolean top = !n.endsWith("_no_top");
        String base = top ? n : n.substring(0, n.length() - "_no_top".length());
        Entry fixed = FIXED.get(base);
        if (fixed != null) {
            return fixed.builder.build(top, height < 0 ? fixed.defaultSize : height, width < 0 ? fixed.defaultSize : width);
        }
        Matcher m = MOBILENET.matcher(base);
        if (m.matches()) {
            double alpha = m.group(1) == null ? 1.0 : Double.parseDouble(m.group(1));
            int size = m.group(2) == null ? 224 : Integer.parseInt(m.group(2));
            return MobileNet.build(alpha, height < 0 ? size : height, width < 0 ? size : width, top);
        }
        Matcher v2 = MOBILENET_V2.matcher(base);
        if (v2.matches()) {
            double alpha = v2.group(1) == null ? 1.0 : Double.parseDouble(v2.group(1));
            int size = v2.group(2) == null ? 224 : Integer.parseInt(v2.group(2));
            return MobileNetV2.build(alpha, height < 0 ? size : height, width < 0 ? size : width, top);
        }
        Matcher v3 = MOBILENET_V3.matcher(base);
        if (v3.matches()) {
            double alpha = v3.group(2) == null ? 1.0 : Double.parseDouble(v3.group(2));
            return MobileNetV3.build(v3.group(1).equals("large"), alpha, v3.group(3) != null, top,
                    height < 0 ? 224 : height, width < 0 ? 224 : width);
        }
        throw new InvalidRequestException("unknown model '" + name + "'; known: " + NAMES);
    }

    /** The architecture as a model, with weights from {@code weights}. */
    public static KerasModel model(Application app, LayerWeightSource weights) {
        return new ModelConfigReader(new KerasLayers(KerasOrigin.KERAS_2), weights).readModel(app.spec().modelConfig());
    }

    /** The architecture with {@link SeededWeights}: no file needed. */
    public static KerasModel seeded(Application app) {
        return model(app, new SeededWeights(app.spec()));
    }

    /** Builds one architecture with or without its top at a given size. */
    @FunctionalInterface
    private interface Builder {
        Application build(boolean includeTop, int height, int width);
    }

    private record Entry(int defaultSize, Builder builder) {
    }
}
