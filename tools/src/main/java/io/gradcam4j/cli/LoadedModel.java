package io.gradcam4j.cli;

import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.Labels;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.applications.Preprocessing;

/**
 * A model ready to explain: the graph, where it came from, its class names and how images are
 * prepared for it.
 *
 * @param view what the commands run of it: the chosen output, the image's input, the other inputs held
 * @param source a file path, an application name, or {@code demo}
 * @param weightsDigest the SHA-256 of the file the weights came from, computed when first needed
 * @param labels class names of the chosen output; {@code null} shows classes by index
 */
public record LoadedModel(KerasModel model, ModelView view, String source, FileDigest weightsDigest, Labels labels,
                   Preprocessing preprocessing, ImageLoader.Interpolation interpolation, boolean keepAspectRatio,
                   long maxPixels) {

    public LoadedModel {
        if (labels != null) {
            int classes = view.classCount();
            if (classes > 0 && labels.size() != classes) {
                String where = view.outputs().size() > 1 ? " at its output " + view.output() : "";
                throw new io.gradcam4j.engine.errors.InvalidRequestException("the labels have " + labels.size()
                        + " names but the model has " + classes + " classes" + where
                        + ": give one name per class, in the model's order");
            }
        }
    }

    /** The graph the commands explain: the chosen output, the image as its only input ({@link ModelView}). */
    public io.gradcam4j.engine.graph.Graph graph() {
        return view.graph();
    }

    /** The default Grad-CAM layer on the way to the chosen output. */
    public String suggestedGradcamLayer() {
        return view.suggestedGradcamLayer();
    }

    /** The SHA-256 of the weights file, as hex; waits for the hash if it is still being computed. */
    String sha256() {
        return weightsDigest.hex();
    }

    /** Load options for this model's input: its size and channels, this model's resize rules. */
    public ImageLoader.Options imageOptions() {
        int[] s = view.imageShape();
        if (s.length != 3) {
            throw new IllegalArgumentException("model input " + java.util.Arrays.toString(s)
                    + " is not an image (H, W, C); pass a preprocessed --input X.npy instead");
        }
        int h = s[0] > 0 ? s[0] : KerasModel.DEFAULT_SPATIAL_SIZE;
        int w = s[1] > 0 ? s[1] : KerasModel.DEFAULT_SPATIAL_SIZE;
        if ((long) h * w > maxPixels) {
            throw new io.gradcam4j.engine.errors.ResourceLimitException("the model's input is " + h + "x" + w + " = " + (long) h * w
                    + " pixels, more than the limit of " + maxPixels + " (--max-pixels)");
        }
        return new ImageLoader.Options(h, w, s[2], interpolation, keepAspectRatio, maxPixels);
    }

    public Tensor preprocess(Tensor pixels) {
        return preprocessing.apply(pixels);
    }

    public String label(int index) {
        return labels != null ? labels.name(index) : Integer.toString(index);
    }

    String fileLabel(int index) {
        return labels != null ? index + "_" + labels.fileSafe(index) : Integer.toString(index);
    }
}
