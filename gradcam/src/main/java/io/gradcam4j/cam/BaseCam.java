package io.gradcam4j.cam;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Recording;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every class-activation-map method shares, in the style of pytorch-grad-cam's BaseCAM: one
 * forward pass with the target layer tapped, one backward pass per class from its score to that
 * layer only, ReLU of the weighted activations, normalization that never divides by zero.
 * Subclasses decide how the activations are weighed.
 */
public abstract class BaseCam {

    /** A short name for reports, e.g. {@code gradcam}. */
    public abstract String name();

    /**
     * The map before ReLU, shape (H, W): how the layer's activations {@code a} (1, H, W, C) are
     * weighed using their gradient {@code g} (same shape).
     */
    protected abstract float[] weighedActivations(Tensor a, Tensor g);

    /**
     * Explains {@code classes} of one image at {@code layer}.
     *
     * @param classes class indices; the empty list means the predicted class
     */
    public Explanation explain(Graph model, Tensor image, String layer, List<Integer> classes, ScoreKind kind) {
        return explain(model, image, layer, probabilities -> classes, kind);
    }

    /**
     * Explains the classes that {@code targets} picks from the model's output (e.g. the top k),
     * all from one forward pass.
     */
    public Explanation explain(Graph model, Tensor image, String layer,
                               java.util.function.Function<float[], List<Integer>> targets, ScoreKind kind) {
        if (image.rank() < 1 || image.dim(0) != 1) {
            throw new IllegalArgumentException("explain one image at a time (batch 1), got " + image);
        }
        model.node(layer);   // an unknown name fails here, listing the valid ones
        // Run the graph up to the logits; the final softmax/sigmoid is applied here, so either
        // score can be explained from the same forward pass.
        Optional<Graph> logitsGraph = model.withoutFinalActivation();
        Graph run = logitsGraph.orElse(model);

        long t0 = System.nanoTime();
        Recording rec = run.record(new Tensor[] {image}, Mode.INFERENCE, List.of(layer), false);
        Tensor activation = rec.value(layer);
        if (activation.rank() != 4) {
            throw new IllegalArgumentException("layer '" + layer + "' outputs " + activation
                    + "; a class activation map needs a 4-D (1, H, W, C) output");
        }
        Tensor out = rec.output();
        Step finalActivation = logitsGraph.isPresent() ? model.finalActivation().orElseThrow()
                .forward(new Tensor[] {out}, Mode.INFERENCE)
                : null;
        float[] probabilities = (finalActivation != null ? finalActivation.output() : out).data().clone();
        float[] logits = finalActivation != null ? out.data().clone() : null;
        boolean throughFinal = kind == ScoreKind.PROBABILITY && finalActivation != null;
        long t1 = System.nanoTime();

        List<Integer> chosen = targets.apply(probabilities.clone());
        List<ClassMap> maps = new ArrayList<>();
        for (int c : chosen.isEmpty() ? List.of(argmax(probabilities)) : chosen) {
            if (c < 0 || c >= probabilities.length) {
                throw new IllegalArgumentException("class " + c + " is out of range: the model has "
                        + probabilities.length + " classes (0.." + (probabilities.length - 1) + ")");
            }
            Tensor seed = Tensor.zerosLike(out);
            seed.data()[c] = 1f;
            if (throughFinal) {
                seed = finalActivation.backward().apply(seed, null)[0];
            }
            Map<String, Tensor> grads = rec.backward(seed);
            float score = throughFinal || logits == null ? probabilities[c] : logits[c];
            maps.add(classMap(c, score, activation, grads.get(layer)));
        }
        long t2 = System.nanoTime();
        return new Explanation(layer, activation.shape(), name(), kind, probabilities, logits, maps,
                (t1 - t0) / 1e6, (t2 - t1) / 1e6);
    }

    private ClassMap classMap(int c, float score, Tensor a, Tensor g) {
        int h = a.dim(1);
        int w = a.dim(2);
        boolean zeroGradient = true;
        for (float v : g.data()) {
            if (v != 0f) {
                zeroGradient = false;
                break;
            }
        }
        float[] cam = weighedActivations(a, g);
        float max = 0f;
        for (int i = 0; i < cam.length; i++) {
            cam[i] = Float.isNaN(cam[i]) ? 0f : Math.max(cam[i], 0f);   // ReLU; NaN never survives
            max = Math.max(max, cam[i]);
        }
        float[] normalized = new float[cam.length];
        CamStatus status = zeroGradient ? CamStatus.ZERO_GRADIENT
                : max > 0f && Float.isFinite(max) ? CamStatus.OK : CamStatus.NO_POSITIVE_EVIDENCE;
        if (status == CamStatus.OK) {
            for (int i = 0; i < cam.length; i++) {
                normalized[i] = cam[i] / max;
            }
        }
        return new ClassMap(c, score, Tensor.of(cam, h, w), max, Tensor.of(normalized, h, w), status);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
