package io.gradcam4j.cam.metrics;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.engine.graph.Graph;

/**
 * One image, one class, one map: what a faithfulness metric measures.
 *
 * @param model the model as explained (its output, after any final softmax or sigmoid, is the
 *     score the metrics read)
 * @param input (1, H, W, C) exactly as the model takes it (already preprocessed); perturbations
 *     act on these values
 * @param classIndex the class whose score is read
 * @param map the method's map of that class, at the layer's or the input's resolution: the metric
 *     upsamples its normalised values to H x W itself ({@link Relevance})
 * @param batchSize how many perturbed inputs run through the model at once
 */
public record MetricInput(Graph model, Tensor input, int classIndex, ClassMap map, int batchSize) {

    public MetricInput {
        if (model == null || input == null || map == null) {
            throw new InvalidRequestException("a metric needs a model, an input and a map");
        }
        if (input.rank() != 4 || input.dim(0) != 1) {
            throw new InvalidRequestException("a metric measures one image (1, H, W, C), got " + input);
        }
        if (classIndex < 0) {
            throw new InvalidRequestException("class index must be >= 0, got " + classIndex);
        }
        if (batchSize < 1) {
            throw new InvalidRequestException("batch size must be at least 1, got " + batchSize);
        }
    }

    public int height() {
        return input.dim(1);
    }

    public int width() {
        return input.dim(2);
    }

    public int channels() {
        return input.dim(3);
    }
}
