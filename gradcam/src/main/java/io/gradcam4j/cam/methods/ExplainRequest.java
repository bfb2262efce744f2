package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.Tensor;

import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What to explain, beside the model and the images.
 *
 * @param layers the layers of a CAM method (several are fused); ignored by input-space methods
 * @param classes picks the classes of each image from its index in the batch and its
 *     probabilities (e.g. the top k, or the image's true class); the empty list means the
 *     predicted class
 * @param scoreKind logit or probability
 * @param options the methods' parameters
 * @param preprocessing from pixel values (0..255, NHWC) to the model's input: the black baseline
 *     of Integrated Gradients is the preprocessed image of pixel 0
 * @param progress hears long runs (perturbed inputs); never {@code null}
 */
public record ExplainRequest(List<String> layers, ClassChoice classes, ScoreKind scoreKind,
                             MethodOptions options, UnaryOperator<Tensor> preprocessing, Progress progress) {

    /** The classes to explain for image {@code image} of the batch. */
    @FunctionalInterface
    public interface ClassChoice {
        List<Integer> classes(int image, float[] probabilities);
    }

    /** The same choice for every image, from its probabilities only. */
    public ExplainRequest(List<String> layers, Function<float[], List<Integer>> classes, ScoreKind scoreKind,
                          MethodOptions options, UnaryOperator<Tensor> preprocessing, Progress progress) {
        this(layers, (ClassChoice) (image, probabilities) -> classes.apply(probabilities), scoreKind, options,
                preprocessing, progress);
    }

    /** Hears how far a long computation got. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (what, done, total) -> { };

        void advanced(String what, long done, long total);
    }

    public ExplainRequest {
        layers = List.copyOf(layers);
        if (options == null) {
            options = MethodOptions.defaults();
        }
        if (preprocessing == null) {
            preprocessing = UnaryOperator.identity();
        }
        if (progress == null) {
            progress = Progress.NONE;
        }
    }

    /** Fixed classes (empty: the predicted class), default options, no preprocessing. */
    public static ExplainRequest of(List<String> layers, List<Integer> classes, ScoreKind kind) {
        return new ExplainRequest(layers, (Function<float[], List<Integer>>) p -> classes, kind, MethodOptions.defaults(), null, null);
    }
}
