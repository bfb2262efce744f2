package io.gradcam4j.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cam.methods.MethodContext;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.cli.ClassSelection;
import io.gradcam4j.cli.LoadedModel;
import io.gradcam4j.cli.Reports;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.engine.graph.Graph;
import io.javalin.http.Context;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.Function;

/**
 * {@code POST /api/explain}: one image, one method, the chosen classes. The answer is the report
 * {@code gradcam explain --json} prints for it, with pictures added as PNG data URLs: the picture
 * ({@code picture}, top level) and, per target, the coloured raw map ({@code map}), the heatmap at
 * the picture's size ({@code heatmap}, for the page's opacity slider) and the overlay drawn at
 * {@code alpha} ({@code overlay}).
 */
final class ExplainRoute {
    private final ModelCatalog catalog;
    private final ExplainQueue queue;
    private final long maxUploadBytes;

    ExplainRoute(ModelCatalog catalog, ExplainQueue queue, long maxUploadBytes) {
        this.catalog = catalog;
        this.queue = queue;
        this.maxUploadBytes = maxUploadBytes;
    }

    void handle(Context ctx) throws Exception {
        ExplainForm form = ExplainForm.read(ctx, maxUploadBytes);
        catalog.entry(form.model());   // an unknown model is refused before it waits
        ObjectNode report = queue.run(form.job(), job -> {
            try {
                return explain(form, job);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new WorkFailed(e);
            }
        });
        ctx.contentType("application/json").result(Reports.JSON.writeValueAsString(report));
    }

    /** A checked exception of the work, carried out of the queue's function and unwrapped by {@link ApiErrors}. */
    static final class WorkFailed extends RuntimeException {
        WorkFailed(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The explanation and its report; runs on the queue's thread. */
    private ObjectNode explain(ExplainForm form, ExplainJob job) throws Exception {
        LoadedModel model = catalog.load(form.model());
        Graph explained = form.score().explained(model);
        List<String> layers = layers(form.layer(), model);
        MethodContext.checkLayers(explained, layers);
        job.checkCancelled();
        ImageLoader.LoadedImage image = UploadedImage.load(form.image(), form.imageName(), model.imageOptions());
        Tensor x = model.preprocess(image.pixels());
        Function<float[], List<Integer>> classes = form.score().onFeatures() ? p -> form.score().classes()
                : checkedClasses(ClassSelection.parse(form.classes(), model));
        ExplainRequest request = new ExplainRequest(layers, classes, form.score().kind(), form.options(),
                model::preprocess, job.progress());
        Explanation e = Methods.byName(form.method()).explain(explained, x, request).get(0);
        ObjectNode report = Reports.report(model, form.imageName(), e, x, form.score(), 0);
        if (Reports.replaceNonFinite(report)) {
            throw new ApiException(422, "damaged-input", "non-finite-output: the " + e.method()
                    + " report held NaN or infinite numbers");
        }
        BufferedImage picture = Pictures.shown(image.original());
        report.put("picture", Pictures.dataUrl(picture));
        for (int i = 0; i < e.maps().size(); i++) {
            ClassMap map = e.maps().get(i);
            ObjectNode target = (ObjectNode) report.get("targets").get(i);
            target.put("drawable", map.status().drawable());
            target.put("map", Pictures.rawMap(map, form.colormap()));
            target.put("heatmap", Pictures.heatmap(map, picture, form.colormap()));
            target.put("overlay", Pictures.overlay(map, picture, form.colormap(), form.alpha()));
        }
        return report;
    }

    /** {@code layer}: a name, several (comma-separated: their maps are fused, as {@code --layer}) or {@code auto}. */
    private static List<String> layers(String field, LoadedModel model) {
        return java.util.Arrays.stream(field.split(",")).map(String::strip).filter(n -> !n.isEmpty())
                .map(n -> n.equalsIgnoreCase("auto") ? model.suggestedGradcamLayer() : n).distinct().toList();
    }

    /** The classes chosen, each checked to be one of the model's: an index past the last is refused by name. */
    private static Function<float[], List<Integer>> checkedClasses(Function<float[], List<Integer>> chosen) {
        return probabilities -> {
            List<Integer> classes = chosen.apply(probabilities);
            for (int c : classes) {
                if (c < 0 || c >= probabilities.length) {
                    throw new InvalidRequestException("class " + c + ": the model has " + probabilities.length
                            + " classes (0.." + (probabilities.length - 1) + ")");
                }
            }
            return classes;
        };
    }
}
