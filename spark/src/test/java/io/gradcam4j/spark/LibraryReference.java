package io.gradcam4j.spark;

import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cam.methods.MethodOptions;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.keras.KerasH5File;
import io.gradcam4j.keras.KerasModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The answers to compare Spark's rows with, computed in the test's own JVM the way
 * {@code gradcam explain --model demo IMAGE} computes them (tools' ModelLoader and ExplainCommand):
 * the demo's .h5 read by {@link KerasH5File}, the image by {@link ImageLoader} at the model's
 * 64x64 with nearest resampling, no preprocessing (the demo rescales inside), the method from
 * {@link Methods} at the model's suggested layer, one image per call, the predicted class.
 */
final class LibraryReference {
    static final Path ROOT = Path.of(System.getProperty("gradcam4j.root", "..")).toAbsolutePath().normalize();
    static final Path DEMO_DIR = ROOT.resolve("tools/src/main/resources/io/gradcam4j/demo");
    static final Path DEMO_RECORD = DEMO_DIR.resolve("demo.json");
    static final Path HELDOUT = ROOT.resolve("testdata/shapes/heldout");
    static final Path HELDOUT_MASKS = ROOT.resolve("testdata/shapes/heldout-masks");
    /** The demo's classes as its record lists them (demo.json). */
    static final List<String> CLASSES = List.of("circle", "square", "triangle", "star", "cross");

    private final KerasModel model;

    LibraryReference() throws IOException {
        model = KerasH5File.loadModel(DEMO_DIR.resolve("shapes_clean.h5"));
    }

    String layer() {
        return model.suggestedGradcamLayer();
    }

    ImageLoader.LoadedImage load(Path image) throws IOException {
        return ImageLoader.load(image, new ImageLoader.Options(64, 64, 3, ImageLoader.Interpolation.NEAREST, false,
                ImageLoader.DEFAULT_MAX_PIXELS));
    }

    /** @param classes the classes to explain; empty for the predicted one */
    Explanation explain(Path image, String method, List<Integer> classes, ScoreKind kind) throws IOException {
        ExplainRequest request = new ExplainRequest(Methods.byName(method).usesLayer() ? List.of(layer()) : List.of(),
                (java.util.function.Function<float[], List<Integer>>) p -> classes, kind, MethodOptions.defaults(),
                null, null);
        return Methods.byName(method).explain(model.graph(), load(image).pixels(), request).get(0);
    }
}
