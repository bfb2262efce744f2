package io.gradcam4j.cli;

import io.gradcam4j.cam.ImageLoader;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options every command that loads a model shares. */
public final class ModelOptions {

    @Option(names = "--model", paramLabel = "FILE.keras|FILE.h5|NAME",
            description = "A Keras .keras or .h5 file, demo-shortcut, or a keras.applications name[_no_top]: vgg16, "
                    + "vgg19, xception, resnet50/101/152[v2], inceptionv3, densenet121/169/201, nasnetmobile, "
                    + "mobilenet[v2|v3small|v3large][_<alpha>_<size>], efficientnetb0..b7, efficientnetv2b0..b3 (official "
                    + "weights, downloaded once into the cache). Default: the bundled demo model.")
    String model;

    /** The value of {@code --weights} that asks for no weights file: seeded values. */
    static final String NO_WEIGHTS = "none";

    @Option(names = "--weights", paramLabel = "FILE.h5|FILE.weights.json|none",
            description = "With an application name: its weights from this file instead of the official download "
                    + "(the keras.applications layout of Keras 2's save_weights, or Keras 3's .weights.h5, or the "
                    + ".weights.json index of sharded weights); none: seeded values, as Keras's weights=None (no file, "
                    + "no download). With --model FILE: Keras 3 weights (.weights.h5 or sharded .weights.json) put on "
                    + "that file's architecture, as model.load_weights.")
    String weights;

    @Option(names = "--no-top",
            description = "With an application name: without its classifier (Keras's include_top=False), "
                    + "as the name with _no_top. Its output is features: explain them with --score sum|channel:K.")
    boolean noTop;

    @Option(names = "--pooling", paramLabel = "none|avg|max", defaultValue = "none",
            description = "With --no-top: the features as they are, spatial (none, the default), or pooled by a "
                    + "global average (avg) or max (max) layer, as Keras's pooling argument.")
    String pooling;

    @Option(names = "--output", paramLabel = "NAME|INDEX",
            description = "For a model with several outputs (heads): the one to explain and predict, by name or "
                    + "index (0 = the first). Default: the first; predict then reports every head.")
    String output;

    @Option(names = "--image-input", paramLabel = "NAME",
            description = "For a model with several inputs: the one that takes the image. Default: the one whose "
                    + "shape is an image (H, W, C). Give the others with --input NAME=X.npy.")
    String imageInput;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "Class names: one per line, or a Keras class-index JSON. ImageNet models have theirs.")
    Path labels;

    @Option(names = "--preprocess", paramLabel = "MODE",
            description = "caffe, tf, torch or none. Default: the application's own mode; none for .h5 files "
                    + "(models that rescale inside).")
    String preprocess;

    @Option(names = "--interpolation", paramLabel = "nearest|bilinear", defaultValue = "nearest",
            description = "How images are resized, as Keras load_img (default: ${DEFAULT-VALUE}).")
    String interpolation;

    @Option(names = "--keep-aspect-ratio",
            description = "Crop the centred box of the input's aspect ratio before resizing (load_img keep_aspect_ratio).")
    boolean keepAspectRatio;

    @Option(names = "--max-pixels", paramLabel = "N",
            description = "Refuse images whose header declares more pixels (default: Pillow's 89,478,485).")
    long maxPixels = io.gradcam4j.cam.ImageLoader.DEFAULT_MAX_PIXELS;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Folder for downloaded weights (default: $GRADCAM4J_CACHE or ~/.gradcam4j/models).")
    Path cache;

    /** The options of {@code --model NAME} and nothing else (a file path, an application or demo name). */
    public static ModelOptions forModel(String model) {
        ModelOptions o = new ModelOptions();
        o.model = model;
        o.pooling = "none";
        o.interpolation = "nearest";
        return o;
    }

    /** {@code --weights none}: the application with seeded weights, no file. */
    boolean noWeights() {
        return NO_WEIGHTS.equalsIgnoreCase(weights);
    }

    /** {@code --weights FILE}, or null when absent or {@code none}. */
    Path weightsFile() {
        return weights == null || noWeights() ? null : Path.of(weights);
    }

    ImageLoader.Interpolation interpolationMode() {
        return switch (interpolation.toLowerCase(java.util.Locale.ROOT)) {
            case "nearest" -> ImageLoader.Interpolation.NEAREST;
            case "bilinear" -> ImageLoader.Interpolation.BILINEAR;
            default -> throw new IllegalArgumentException("--interpolation must be nearest or bilinear, not "
                    + interpolation);
        };
    }
}
