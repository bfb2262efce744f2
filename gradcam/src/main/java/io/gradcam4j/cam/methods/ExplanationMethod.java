package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One explanation method, named as on the command line ({@link Methods} lists them). The base
 * runs the batch forward once, picks each image's classes and asks the method for one
 * {@link ClassMap} per class; {@link BaseCam} (maps at a layer) and {@link BaseAttribution}
 * (maps over the input) say how.
 */
public abstract class ExplanationMethod {

    /** The name used by the CLI, the JSON and the registry, e.g. {@code gradcam++}. */
    public abstract String name();

    /** Whether the method explains at a layer (the CAM family) rather than over the input. */
    public abstract boolean usesLayer();

    /** Whether the first forward pass must also keep what the gradient at the input needs. */
    protected boolean needsInputGradient() {
        return false;
    }

    /** The map of one class of one image. */
    protected abstract ClassMap explain(MethodContext ctx, Target target);

    /** The parameters this method used, defaults filled in, for reports. */
    public Map<String, Object> parameters(MethodOptions options) {
        return Map.of();
    }

    /**
     * Explains every image of {@code images} (N, H, W, C): one forward pass for the batch, then
     * each image's classes.
     */
    public List<Explanation> explain(Graph model, Tensor images, ExplainRequest request) {
        if (usesLayer() && request.layers().isEmpty()) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException(name() + " explains at a layer: name one (or several)");
        }
        MethodContext ctx = MethodContext.start(model, images, usesLayer() ? request : withoutLayers(request),
                needsInputGradient());
        List<Explanation> explanations = new ArrayList<>();
        int[] layerShape = usesLayer() ? ctx.activation(request.layers().get(0), 0).shape() : null;
        for (int i = 0; i < ctx.batchSize(); i++) {
            long t0 = System.nanoTime();
            List<ClassMap> maps = new ArrayList<>();
            List<Integer> classes = ctx.classes(i);
            for (int slot = 0; slot < classes.size(); slot++) {
                maps.add(explain(ctx, new Target(i, classes.get(slot), slot)));
            }
            explanations.add(new Explanation(usesLayer() ? request.layers() : List.of(), layerShape, name(),
                    parameters(request.options()), request.scoreKind(), ctx.probabilities(i), ctx.logits(i), maps,
                    ctx.forwardMillis(), (System.nanoTime() - t0) / 1e6,
                    new Explanation.Passes(ctx.forwardPasses(i), ctx.backwardPasses(i))));
        }
        return explanations;
    }

    /** One image (1, H, W, C) at one layer (ignored by input-space methods). */
    public Explanation explain(Graph model, Tensor image, String layer, List<Integer> classes, ScoreKind kind) {
        if (image.rank() != 4 || image.dim(0) != 1) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("expected one image (1, H, W, C), got " + image);
        }
        return explain(model, image, ExplainRequest.of(layer == null ? List.of() : List.of(layer), classes, kind)).get(0);
    }

    private static ExplainRequest withoutLayers(ExplainRequest r) {
        return new ExplainRequest(List.of(), r.classes(), r.scoreKind(), r.options(), r.preprocessing(), r.progress());
    }

    @Override
    public String toString() {
        return name();
    }
}
