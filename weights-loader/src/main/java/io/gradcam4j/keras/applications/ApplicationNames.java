package io.gradcam4j.keras.applications;

import java.util.Locale;

/**
 * How users spell keras.applications names: the Keras function's name in lower case
 * ({@code resnet50v2}, {@code inceptionv3}, {@code efficientnetv2b0}, {@code mobilenetv3large}),
 * or with the underscores of Keras's module names ({@code resnet50_v2}, {@code inception_v3},
 * {@code efficientnet_v2_b0}, {@code mobilenet_v3_large}); case and surrounding blanks ignored.
 */
public final class ApplicationNames {
    /** An underscore before a version, a size class or a variant of the family name. */
    private static final String MODULE_UNDERSCORE = "_(?=(v[23]|b[0-7]|small|large|mobile)(_|b|$))";

    private ApplicationNames() {
    }

    /** The name in its canonical spelling, e.g. {@code mobilenet_v3_large_0.75} -> {@code mobilenetv3large_0.75}. */
    public static String canonical(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replaceAll(MODULE_UNDERSCORE, "");
    }
}
