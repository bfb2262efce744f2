package io.gradcam4j.spark;

import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.Labels;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.KerasModelFile;
import io.gradcam4j.keras.applications.WeightsOnlyFile;
import io.gradcam4j.keras.applications.Application;
import io.gradcam4j.keras.applications.Applications;
import io.gradcam4j.keras.applications.Preprocessing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model loaded in one JVM, ready to explain images: its graph (one image input, one output, as
 * {@code gradcam explain} runs a model without {@code --output}/{@code --input}), class names,
 * preprocessing and image size. Loaded as the command line's {@code ModelLoader} loads the same
 * file, record or application; shared by every task of an executor through {@link ExecutorModels}.
 */
final class ExplainerModel {
    private final KerasModel model;
    private final Labels labels;
    private final Preprocessing preprocessing;
    private final int classCount;
    private final String source;

    private ExplainerModel(KerasModel model, Labels labels, Preprocessing preprocessing, String source) {
        if (model.inputShapes().size() != 1 || model.outputNames().size() != 1) {
            throw new InvalidRequestException(source + " has " + model.inputShapes().size() + " inputs and "
                    + model.outputNames().size() + " outputs; the Spark transformer explains models with one image "
                    + "input and one output (use the command line's --output / --input for the others)");
        }
        this.model = model;
        this.preprocessing = preprocessing;
        this.source = source;
        this.classCount = countClasses(model);
        if (labels != null && labels.size() != classCount) {
            throw new InvalidRequestException("the labels have " + labels.size() + " names but the model has "
                    + classCount + " classes: give one name per class, in the model's order");
        }
        this.labels = labels;
    }

    /** Loads what {@code spec} names; {@code weightsFile} is where that file is on this JVM (null: seeded). */
    static ExplainerModel load(ModelSpec spec, Path weightsFile) throws IOException {
        Labels labels = spec.labels() != null ? Labels.read(ModelFiles.locate(spec.labels())) : null;
        return switch (spec.kind()) {
            case FILE -> new ExplainerModel(KerasModelFile.loadModel(weightsFile), labels,
                    preprocessing(spec, Preprocessing.NONE), spec.model());
            case RECORD -> {
                DemoRecord record = DemoRecord.read(ModelFiles.locate(spec.model()));
                yield new ExplainerModel(KerasModelFile.loadModel(weightsFile),
                        labels != null ? labels : Labels.of(record.classes()),
                        preprocessing(spec, parse(record.preprocessing())), spec.model());
            }
            case APPLICATION -> {
                Application app = Applications.byName(spec.model());
                KerasModel m = weightsFile == null ? Applications.seeded(app) : WeightsOnlyFile.load(weightsFile, app);
                boolean noTop = spec.model().toLowerCase(Locale.ROOT).endsWith("_no_top");
                yield new ExplainerModel(m, labels != null ? labels : noTop ? null : Labels.imagenet(),
                        preprocessing(spec, app.preprocessing()), spec.model());
            }
        };
    }

    Graph graph() {
        return model.graph();
    }

    String defaultLayer() {
        return model.suggestedGradcamLayer();
    }

    int classCount() {
        return classCount;
    }

    String source() {
        return source;
    }

    /** The class's name, or its index when the model has no labels. */
    String label(int index) {
        return labels != null ? labels.name(index) : Integer.toString(index);
    }

    List<String> classNames() {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classCount; c++) {
            names.add(label(c));
        }
        return names;
    }

    Tensor preprocess(Tensor pixels) {
        return preprocessing.apply(pixels);
    }

    /** How an image is loaded for this model: its input size and channels, Keras's default nearest resize. */
    ImageLoader.Options imageOptions() {
        int[] s = model.inputShape();
        if (s.length != 3) {
            throw new InvalidRequestException(source + "'s input " + java.util.Arrays.toString(s)
                    + " is not an image (H, W, C)");
        }
        int h = s[0] > 0 ? s[0] : KerasModel.DEFAULT_SPATIAL_SIZE;
        int w = s[1] > 0 ? s[1] : KerasModel.DEFAULT_SPATIAL_SIZE;
        return new ImageLoader.Options(h, w, s[2], ImageLoader.Interpolation.NEAREST, false,
                ImageLoader.DEFAULT_MAX_PIXELS);
    }

    /** The number of scores before the final softmax or sigmoid, from shape inference (as the command line counts). */
    private static int countClasses(KerasModel model) {
        Graph g = model.graph();
        Graph scores = g.withoutFinalActivation().orElse(g);
        int[] s = model.inputShape();
        int[] dims = new int[s.length + 1];
        dims[0] = 1;
        for (int i = 0; i < s.length; i++) {
            dims[i + 1] = s[i] > 0 ? s[i] : KerasModel.DEFAULT_SPATIAL_SIZE;
        }
        int[] out = scores.outputShapes(Tensor.zeros(dims)).get(scores.output().name());
        return out[out.length - 1];
    }

    private static Preprocessing preprocessing(ModelSpec spec, Preprocessing fallback) {
        return spec.preprocess() == null ? fallback : parse(spec.preprocess());
    }

    private static Preprocessing parse(String mode) {
        try {
            return Preprocessing.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("preprocess must be caffe, tf, torch or none, not " + mode);
        }
    }
}
