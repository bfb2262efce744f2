package io.gradcam4j.cam.metrics;

import io.gradcam4j.cam.NonFiniteException;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.engine.graph.Graph;

/**
 * The score every metric reads: the model's output for one class, after the model's own final
 * softmax or sigmoid when it has one (the probability, as pytorch-grad-cam's metrics read it with
 * {@code ClassifierOutputSoftmaxTarget} and torch-cam's with a softmax), its raw output otherwise.
 * Inputs are made on demand and run {@code batchSize} at a time, as one stacked batch per forward
 * pass; every image run is counted.
 */
final class ClassScores {

    /** Writes every value of the i-th input of a series (one image, H x W x C) into {@code into}. */
    @FunctionalInterface
    interface Inputs {
        void write(int index, float[] into);
    }

    private final Graph model;
    private final int classIndex;
    private final int batchSize;
    private final int[] imageShape;
    private final int imageSize;
    private int forwardPasses;

    ClassScores(MetricInput in) {
        if (in.model().inputs().size() != 1) {
            throw new InvalidRequestException("metrics need a model with one input; this one has "
                    + in.model().inputs().size());
        }
        this.model = in.model();
        this.classIndex = in.classIndex();
        this.batchSize = in.batchSize();
        this.imageShape = in.input().shape();
        this.imageSize = in.input().size();
        NonFiniteException.requireFinite(in.input().data(), 0, in.input().size(), "non-finite-input", "the image");
    }

    /** The score of each of {@code count} inputs, in order. */
    double[] run(int count, Inputs inputs) {
        double[] scores = new double[count];
        for (int from = 0; from < count; from += batchSize) {
            int to = Math.min(count, from + batchSize);
            float[] data = new float[(to - from) * imageSize];
            float[] item = new float[imageSize];
            for (int i = from; i < to; i++) {
                inputs.write(i, item);
                System.arraycopy(item, 0, data, (i - from) * imageSize, imageSize);
            }
            int[] shape = imageShape.clone();
            shape[0] = to - from;
            Tensor batch = Tensor.of(data, shape);
            if (from == 0) {
                model.requireActivationsFit(Runtime.getRuntime().maxMemory(), batch);
            }
            Tensor out = classScores(batch);
            forwardPasses += to - from;
            int classes = out.size() / (to - from);
            if (classIndex >= classes) {
                throw new InvalidRequestException("class " + classIndex + " is out of range: the model has " + classes
                        + " outputs (0.." + (classes - 1) + ")");
            }
            NonFiniteException.requireFinite(out.data(), 0, out.size(), "non-finite-output",
                    "the model's output for a perturbed input");
            for (int i = from; i < to; i++) {
                scores[i] = out.data()[(i - from) * classes + classIndex];
            }
        }
        return scores;
    }

    /**
     * The model's output per class: its logits put through its own final softmax or sigmoid (so
     * that a one-unit sigmoid reads as two classes, 1 - p and p, as the explanations number
     * them), or its raw output when it has none.
     */
    private Tensor classScores(Tensor batch) {
        java.util.Optional<Graph> logits = model.withoutFinalActivation();
        if (logits.isEmpty()) {
            return model.predict(batch);
        }
        Tensor z = logits.get().predict(batch);
        return model.finalActivation().orElseThrow().apply(z);
    }

    /** Images run so far. */
    int forwardPasses() {
        return forwardPasses;
    }
}
