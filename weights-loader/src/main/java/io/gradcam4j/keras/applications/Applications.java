package io.gradcam4j.keras.applications;

import io.gradcam4j.keras.KerasLayers;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.KerasOrigin;
import io.gradcam4j.keras.LayerWeightSource;
import io.gradcam4j.keras.ModelConfigReader;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keras.applications architectures by name: {@code vgg16}, {@code vgg19}, {@code xception},
 * {@code mobilenet} (alpha 1.0 at 224) or {@code mobilenet_<alpha>_<size>} (alpha 0.25, 0.50,
 * 0.75, 1.0; size 128, 160, 192, 224), each optionally with {@code _no_top} (no classifier;
 * VGG and Xception then take any size of at least 32 / 71 pixels, given separately).
 */
public final class Applications {
    /** The names {@link #byName} accepts, for messages. */
    public static final String NAMES = "vgg16, vgg19, xception, mobilenet, mobilenet_<alpha>_<size> "
            + "(alpha 0.25|0.50|0.75|1.0, size 128|160|192|224), each optionally with _no_top";
    private static final Pattern MOBILENET = Pattern.compile("mobilenet(?:_(0\\.25|0\\.50|0\\.5|0\\.75|1\\.00|1\\.0|1)_(128|160|192|224))?");

    private Applications() {
    }

    public static Application byName(String name) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        boolean top = !n.endsWith("_no_top");
        String base = top ? n : n.substring(0, n.length() - "_no_top".length());
        switch (base) {
            case "vgg16": return Vgg.vgg16(top, 224, 224);
            case "vgg19": return Vgg.vgg19(top, 224, 224);
            case "xception": return Xception.build(top, 299, 299);
            default:
                Matcher m = MOBILENET.matcher(base);
                if (m.matches()) {
                    double alpha = m.group(1) == null ? 1.0 : Double.parseDouble(m.group(1));
                    int size = m.group(2) == null ? 224 : Integer.parseInt(m.group(2));
                    return MobileNet.build(alpha, size, size, top);
                }
                throw new IllegalArgumentException("unknown model '" + name + "'; known: " + NAMES);
        }
    }

    /** The architecture as a model, with weights from {@code weights}. */
    public static KerasModel model(Application app, LayerWeightSource weights) {
        return new ModelConfigReader(new KerasLayers(KerasOrigin.KERAS_2), weights).readModel(app.spec().modelConfig());
    }

    /** The architecture with {@link SeededWeights}: no file needed. */
    public static KerasModel seeded(Application app) {
        return model(app, new SeededWeights(app.spec()));
    }
}
