package io.gradcam4j.cam.metrics;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Overlay;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cam.methods.ExplanationMethod;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.ReplacedWeights;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The model-parameter randomisation test of Adebayo et al. (2018, "Sanity checks for saliency
 * maps"), cascading from the top: the layers with weights are taken from the output down; at
 * each step one more layer gets fresh random weights ({@link FreshWeights}, Keras's initial
 * values, seeded), the same image and class are explained again with the same method and layer,
 * and the new map is compared with the original one by Spearman's rank correlation
 * ({@link SpearmanCorrelation}) and SSIM ({@link StructuralSimilarity}), as Quantus's
 * {@code MPRT} does with {@code layer_order="top_down"}. Both maps are read as the metrics read
 * them ({@link Relevance}: normalised and upsampled to the input's size, in [0, 1]).
 *
 * <p>A map that explains the model must change when what the model learned is destroyed. The
 * verdict: the method <b>passes</b> when the rank correlation once every layer is random is below
 * {@link #PASS_BELOW}, and <b>fails</b> otherwise; a map that does not depend on the weights at
 * all (an edge detector of the input) keeps a correlation of 1 and fails visibly. Quantus reports
 * the correlations without a verdict; the threshold is this project's.
 *
 * <p>The weights are replaced in the model itself for the length of the test
 * ({@link ReplacedWeights}) and put back afterwards, also when an explanation fails: do not use
 * the model from another thread meanwhile. The random values of every layer randomised so far are
 * held at once (at the last step, a copy of the model's weights).
 */
public final class ModelRandomisation {
    /** The rank correlation that a map must fall below once every layer is random. */
    public static final double PASS_BELOW = 0.5;

    /** Explains the image again with the model as it now is. */
    @FunctionalInterface
    public interface Explainer {
        ClassMap explain(Graph model);
    }

    private ModelRandomisation() {
    }

    /**
     * The test for one method on one image (1, H, W, C) and class: {@code request} gives the
     * layers, score and options; the class is fixed to {@code classIndex} at every step (a random
     * model predicts other classes).
     */
    public static RandomisationReport run(Graph model, Tensor image, int classIndex, ExplanationMethod method,
                                          ExplainRequest request, long seed) {
        ExplainRequest fixed = new ExplainRequest(request.layers(), p -> List.of(classIndex), request.scoreKind(),
                request.options(), request.preprocessing(), request.progress());
        return run(model, image.dim(1), image.dim(2), classIndex,
                m -> method.explain(m, image, fixed).get(0).maps().get(0), seed);
    }

    /**
     * The test with any explainer of an image of {@code height x width} pixels. The original map
     * must rank something ({@link UndefinedMetricException} {@code no-map} or {@code flat-map}).
     */
    public static RandomisationReport run(Graph model, int height, int width, int classIndex, Explainer explainer,
                                          long seed) {
        List<Node> layers = weightedLayersTopDown(model);
        if (layers.isEmpty()) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("the model has no weights to randomise");
        }
        float[] original = Relevance.of(explainer.explain(model), height, width).values();
        SplittableRandom random = new SplittableRandom(seed);
        Set<Param> done = Collections.newSetFromMap(new IdentityHashMap<>());
        List<RandomisedLayer> rows = new ArrayList<>();
        Deque<ReplacedWeights> replaced = new ArrayDeque<>();
        try {
            for (Node layer : layers) {
                Map<Param, Tensor> fresh = new LinkedHashMap<>();
                long count = 0;
                for (Param p : layer.op().params()) {
                    if (done.add(p)) {
                        fresh.put(p, FreshWeights.of(p, random.split()));
                        count += p.value().size();
                    }
                }
                replaced.push(ReplacedWeights.replace(fresh));   // cascading: the layers above stay random
                ClassMap m = explainer.explain(model);
                float[] now = m.status().drawable() ? Overlay.upsample(m.normalized(), width, height)
                        : new float[height * width];
                rows.add(new RandomisedLayer(layer.name(), count, SpearmanCorrelation.of(original, now),
                        StructuralSimilarity.of(original, now, height, width), m.status().json()));
            }
        } finally {
            while (!replaced.isEmpty()) {
                replaced.pop().close();
            }
        }
        return report(classIndex, rows);
    }

    /** The nodes that own weights, output first; a weight shared by several nodes belongs to the topmost. */
    static List<Node> weightedLayersTopDown(Graph model) {
        List<Node> layers = new ArrayList<>();
        Set<Param> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Node> nodes = model.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.isInput()) {
                continue;
            }
            boolean owns = false;
            for (Param p : n.op().params()) {
                owns |= seen.add(p);
            }
            if (owns) {
                layers.add(n);
            }
        }
        return layers;
    }

    private static RandomisationReport report(int classIndex, List<RandomisedLayer> rows) {
        double last = rows.get(rows.size() - 1).spearman();
        boolean passed = last < PASS_BELOW;
        String verdict = passed
                ? String.format(Locale.ROOT, "passes: the map decorrelates as the model is randomised (rank correlation "
                + "%.3f once every layer is random, below %.1f)", last, PASS_BELOW)
                : String.format(Locale.ROOT, "FAILS: the map stays like the original when every layer is random (rank "
                + "correlation %.3f, not below %.1f): it does not show what the model learned", last, PASS_BELOW);
        return new RandomisationReport(classIndex, rows, PASS_BELOW, passed, verdict, rows.size() + 1);
    }
}
