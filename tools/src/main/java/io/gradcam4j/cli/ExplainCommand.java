package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Colormap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.GradCam;
import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.Overlay;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code gradcam explain}: for each image, the top classes and a Grad-CAM heatmap per explained
 * class, written as overlay and heatmap PNGs, the raw map as .npy and a JSON report.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explains a model's predictions with Grad-CAM: overlays, heatmaps, raw maps and a JSON report.")
final class ExplainCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--layer", paramLabel = "NAME",
            description = "Layer to explain (nested: outer/inner). Default: the last layer with a spatial output.")
    String layer;

    @Option(names = "--class", paramLabel = "N|LABEL|top:K", split = ",",
            description = "Classes to explain (repeatable, comma-separated). Default: the predicted class.")
    List<String> classes = new ArrayList<>();

    @Option(names = "--score", paramLabel = "logit|probability", defaultValue = "logit",
            description = "Explain the pre-softmax logit (default) or the probability.")
    String score;

    @Option(names = "--colormap", defaultValue = "jet", description = "jet, turbo, viridis, inferno or gray (default: ${DEFAULT-VALUE}).")
    String colormap;

    @Option(names = "--alpha", defaultValue = "0.4", description = "Heatmap weight in the overlay (default: ${DEFAULT-VALUE}).")
    float alpha;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "gradcam-out", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--json", description = "Print the JSON report on standard output.")
    boolean json;

    @Option(names = "--input", paramLabel = "X.npy", description = "A preprocessed input (NHWC float32) instead of images.")
    Path npyInput;

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images or folders of images.")
    List<Path> images = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintStream info = json ? System.err : System.out;
        long t0 = System.nanoTime();
        LoadedModel model = ModelLoader.load(modelOptions, Progress.download(System.err));
        double loadMs = (System.nanoTime() - t0) / 1e6;
        String target = layer != null ? layer : model.model().suggestedGradcamLayer();
        model.model().graph().node(target);    // an unknown name fails here with the list of layers
        ScoreKind kind = parseScore(score);
        Colormap cmap = Colormap.parse(colormap);
        Files.createDirectories(out);

        List<Path> inputs = npyInput != null ? List.of(npyInput) : ImageInputs.expand(images);
        if (inputs.isEmpty() && modelOptions.model == null) {
            inputs = DemoImages.extract(out.resolve("demo-images"));
            info.println("demo: explaining the bundled images " + inputs);
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no images given (IMAGE... or --input X.npy)");
        }
        // The layer's shape comes with the first explanation: no extra forward pass just to print it.
        info.printf("model %s, layer %s, score %s%n", model.source(), target, kind.name().toLowerCase(Locale.ROOT));
        ArrayNode reports = Reports.JSON.createArrayNode();
        Map<Path, String> failures = new LinkedHashMap<>();
        Progress bar = Progress.bar(System.err, inputs.size());
        for (Path input : inputs) {
            try {
                ObjectNode report = explainOne(model, input, target, kind, cmap, loadMs);
                reports.add(report);
                if (!json) {
                    printSummary(info, report);
                }
            } catch (Exception e) {
                failures.put(input, e.getMessage() != null ? e.getMessage() : e.toString());
            }
            bar.step();
        }
        if (json) {
            System.out.println(Reports.JSON.writeValueAsString(Reports.batch(reports, failures)));
        }
        if (!failures.isEmpty()) {
            System.err.println(failures.size() + " of " + inputs.size() + " inputs failed:");
            failures.forEach((p, m) -> System.err.println("  " + p + ": " + m));
            return 1;
        }
        return 0;
    }

    private ObjectNode explainOne(LoadedModel model, Path input, String target, ScoreKind kind, Colormap cmap,
                                  double loadMs) throws IOException {
        BufferedImage original = null;
        Tensor x;
        if (npyInput != null) {
            x = ImageInputs.batched(Npy.read(input));
        } else {
            ImageLoader.LoadedImage img = ImageLoader.load(input, model.imageOptions());
            original = img.original();
            x = model.preprocess(img.pixels());
        }
        Explanation e = new GradCam().explain(model.model().graph(), x, target,
                ClassSelection.parse(classes, model), kind);
        model.weightsDigest().beginInBackground();   // the report needs it; meanwhile the images are written
        String stem = ImageInputs.stem(input);
        ObjectNode report = Reports.JSON.createObjectNode();
        report.putNull("model");   // filled in last: it waits for the weights' digest
        report.put("image", input.toString());
        ObjectNode layerNode = report.putObject("layer");
        layerNode.put("name", e.layer());
        ArrayNode shape = layerNode.putArray("shape");
        for (int i = 1; i < e.layerShape().length; i++) {
            shape.add(e.layerShape()[i]);
        }
        report.put("method", e.method());
        report.put("score", Reports.scoreName(e));
        Reports.predictions(report, model, e.probabilities(), e.logits(), 5);
        ArrayNode targets = report.putArray("targets");
        for (ClassMap map : e.maps()) {
            ObjectNode t = Reports.target(model, e, map);
            ObjectNode files = t.putObject("files");
            String base = stem + "." + model.fileLabel(map.classIndex());
            Npy.write(map.cam(), out.resolve(base + ".cam.npy"));
            files.put("cam", base + ".cam.npy");
            if (original != null) {
                ImageIO.write(Overlay.overlay(original, map, cmap, alpha), "png", out.resolve(base + ".overlay.png").toFile());
                ImageIO.write(Overlay.heatmap(map, original.getWidth(), original.getHeight(), cmap), "png",
                        out.resolve(base + ".heatmap.png").toFile());
                files.put("overlay", base + ".overlay.png");
                files.put("heatmap", base + ".heatmap.png");
            }
            targets.add(t);
        }
        ObjectNode timings = report.putObject("timings_ms");
        timings.put("load", loadMs);
        timings.put("forward", e.forwardMillis());
        timings.put("backward", e.backwardMillis());
        report.set("model", Reports.model(model));   // keeps its place, first in the report
        Files.writeString(out.resolve(stem + ".json"), Reports.JSON.writeValueAsString(report));
        return report;
    }

    private static void printSummary(PrintStream info, ObjectNode r) {
        info.println(r.get("image").asText() + "  (layer output " + r.get("layer").get("shape") + ")");
        r.get("predictions").forEach(p -> info.printf("  %6.2f%%  %s (%d)%n", 100 * p.get("probability").asDouble(),
                p.get("label").asText(), p.get("index").asInt()));
        r.get("targets").forEach(t -> info.printf("  explained %s (%d): score %.4g, %s -> %s%n", t.get("label").asText(),
                t.get("index").asInt(), t.get("score").asDouble(), t.get("status").asText(),
                t.get("files").has("overlay") ? t.get("files").get("overlay").asText() : t.get("files").get("cam").asText()));
    }

    static ScoreKind parseScore(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "logit" -> ScoreKind.LOGIT;
            case "probability" -> ScoreKind.PROBABILITY;
            default -> throw new IllegalArgumentException("--score must be logit or probability, not " + s);
        };
    }
}
