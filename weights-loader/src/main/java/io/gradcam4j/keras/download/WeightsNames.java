package io.gradcam4j.keras.download;

import io.gradcam4j.keras.applications.ApplicationNames;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Names of official weights, as users type them: the model name as in
 * {@link io.gradcam4j.keras.applications.Applications#byName} ({@code vgg16}, {@code resnet50v2},
 * {@code mobilenet} = alpha 1.0 at 224, {@code mobilenet_<alpha>_<size>}, spelt as
 * {@link ApplicationNames} accepts),
 * optionally followed by {@code _no_top} (or {@code _notop}, Keras's own file suffix for VGG and
 * Xception). Case and surrounding blanks are ignored.
 */
final class WeightsNames {
    /** The accepted names, for error messages and help text. */
    static final String VALID = "vgg16, vgg19, xception, resnet50, resnet101, resnet152, resnet50v2, resnet101v2, "
            + "resnet152v2, inceptionv3, densenet121, densenet169, densenet201, nasnetmobile, "
            + "efficientnetb0 ... efficientnetb7, efficientnetv2b0 ... efficientnetv2b3, "
            + "mobilenetv3large, mobilenetv3small (each also _0.75 and _minimalistic), mobilenet (= mobilenet_1.0_224), "
            + "mobilenet_<alpha>_<size> with alpha " + String.join("|", OfficialWeights.MOBILENET_ALPHAS)
            + " and size " + OfficialWeights.MOBILENET_SIZES.stream().map(String::valueOf).collect(Collectors.joining("|"))
            + ", mobilenetv2 (= mobilenetv2_1.0_224), mobilenetv2_<alpha>_<size> with alpha "
            + String.join("|", OfficialWeights.MOBILENET_V2_ALPHAS) + " and size "
            + OfficialWeights.MOBILENET_V2_SIZES.stream().map(String::valueOf).collect(Collectors.joining("|"))
            + "; each optionally followed by _no_top (e.g. vgg19_no_top, mobilenet_0.25_128_no_top)";

    private static final Pattern NO_TOP = Pattern.compile("(.*?)_no_?top");
    /** MobileNet v1 or V2 with its width multiplier and input size. */
    private static final Pattern MOBILENET = Pattern.compile("mobilenet(v2)?_([0-9.]+)_([0-9]+)");

    private WeightsNames() {
    }

    static WeightsFile parse(String name) {
        String n = ApplicationNames.canonical(name);
        Matcher noTop = NO_TOP.matcher(n);
        boolean top = !noTop.matches();
        String base = top ? n : noTop.group(1);
        try {
            return byBaseName(base, top);
        } catch (UnknownWeightsException e) {
            throw new UnknownWeightsException("no official weights named '" + name + "' (" + e.getMessage()
                    + "); valid names: " + VALID);
        }
    }

    private static WeightsFile byBaseName(String base, boolean top) {
        return OfficialWeights.byBaseName(base).map(w -> w.withTop(top)).orElseGet(() -> mobilenet(base, top));
    }

    private static WeightsFile mobilenet(String base, boolean top) {
        Matcher m = MOBILENET.matcher(base);
        if (!m.matches()) {
            throw new UnknownWeightsException("unknown model '" + base + "'");
        }
        try {
            double alpha = Double.parseDouble(m.group(2));
            int size = Integer.parseInt(m.group(3));
            return m.group(1) == null ? OfficialWeights.mobilenet(alpha, size, top)
                    : OfficialWeights.mobilenetV2(alpha, size, top);
        } catch (NumberFormatException e) {
            throw new UnknownWeightsException("'" + m.group(2) + "' is not a number");
        }
    }
}
