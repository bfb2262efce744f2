package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Colormap;
import io.gradcam4j.cam.ComparisonSheet;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.Overlay;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cam.methods.MethodOptions;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
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
import java.util.function.Function;

/**
 * {@code gradcam explain}: for each image and each chosen method, the top classes and a map per
 * explained class, written as overlay and heatmap PNGs, the raw map as .npy and a JSON report.
 * Images are explained in batches (one forward pass per batch); one that fails is listed and the
 * rest go on.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explains a model's predictions (Grad-CAM and 22 other methods): overlays, heatmaps, raw maps and a JSON report.")
final class ExplainCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    MethodArguments methodArguments;

    @Mixin
    LayerArguments layerArguments;

    @Option(names = "--class", paramLabel = "N|LABEL|top:K", split = ",",
            description = "Classes to explain (repeatable, comma-separated). Default: the predicted class.")
    List<String> classes = new ArrayList<>();

    @Option(names = "--score", paramLabel = "logit|probability|sum|channel:K", defaultValue = "logit",
            description = "Explain the pre-softmax logit (default) or the probability; for a feature extractor "
                    + "(--no-top), the sum of every output value or of channel K over its positions.")
    String score;

    @Option(names = "--colormap", defaultValue = "jet",
            description = "jet, turbo, viridis, inferno, gray or bwr (default: ${DEFAULT-VALUE}; signed maps always bwr).")
    String colormap;

    @Option(names = "--alpha", defaultValue = "0.4", description = "Heatmap weight in the overlay (default: ${DEFAULT-VALUE}).")
    float alpha;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "gradcam-out", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--json", description = "Print the JSON report on standard output.")
    boolean json;

    @Option(names = "--explain-math", description = "Print, for the first image, how the map was computed: "
            + "the channel weights, the weighted sum, the ReLU and the normalisation.")
    boolean explainMath;

    @Mixin
    NpyInputs npyInputs;

    /** {@code --input X.npy}: the images as one preprocessed batch, or null. */
    private Path npyInput;

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images or folders of images.")
    List<Path> images = new ArrayList<>();

    /** Methods that refused this model or layer when several were asked for, with the reason. */
    private final Map<String, String> skipped = new LinkedHashMap<>();

    /**
     * One input to explain: a decoded image (with its picture) or an item of the .npy batch;
     * {@code stem} names its outputs and may hold folders ({@code square/000}).
     */
    private record Item(Path source, String stem, BufferedImage original, Tensor x) {
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintStream info = json ? System.err : System.out;
        ClassSelection.validate(classes, spec.commandLine().getParseResult().hasMatchedOption("--class"));
        if (!(alpha >= 0f && alpha <= 1f)) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("--alpha must be in [0, 1], got " + alpha);
        }
        ScoreChoice scoreChoice = ScoreChoice.parse(score);
        if (scoreChoice.onFeatures() && !classes.isEmpty()) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("--class does not go with --score "
                    + scoreChoice.name() + ", which names what is explained");
        }
        ScoreKind kind = scoreChoice.kind();
        Colormap cmap = Colormap.parse(colormap);
        List<String> methods = methodArguments.methodNames();
        MethodOptions options = methodArguments.options();
        npyInput = npyInputs.images();
        long t0 = System.nanoTime();
        LoadedModel model = ModelLoader.load(modelOptions, npyInputs.named(), Progress.download(System.err));
        double loadMs = (System.nanoTime() - t0) / 1e6;
        Graph explained = scoreChoice.explained(model);
        List<String> targetLayers = layerArguments.chosen(model, explained);
        Files.createDirectories(out);

        List<ImageInputs.ImageInput> inputs = npyInput != null ? List.of() : ImageInputs.expand(images);
        if (npyInput == null && images.isEmpty()) {
            if (modelOptions.model != null) {
                throw new io.gradcam4j.engine.errors.InvalidRequestException("no images given (IMAGE... or --input X.npy)");
            }
            inputs = ImageInputs.expand(DemoImages.extract(out.resolve("demo-images")));
            info.println("demo: explaining the bundled images in " + out.resolve("demo-images"));
        }
        info.printf("model %s, layer %s, score %s, method %s%n", model.source(), String.join(",", targetLayers),
                scoreChoice.onFeatures() || explained.finalActivation().isPresent() ? scoreChoice.name() : "output",
                String.join(",", methods));
        if (!model.view().outputNote().isEmpty()) {
            info.println(model.view().outputNote());
        }
        ExplainRequest request = new ExplainRequest(targetLayers, scoreChoice.onFeatures()
                ? p -> scoreChoice.classes() : ClassSelection.parse(classes, model), kind, options,
                model::preprocess, Progress.passes(System.err));
        ArrayNode reports = Reports.JSON.createArrayNode();
        Map<Path, Failure> failures = new LinkedHashMap<>();
        int perBatch = options.batchSize() != null ? options.batchSize() : 16;
        boolean mathShown = !explainMath;
        Tensor npy = npyInput != null ? ImageInputs.batched(Npy.read(npyInput)) : null;
        int count = npy != null ? npy.dim(0) : inputs.size();
        Progress bar = Progress.bar(System.err, count);
        for (int from = 0, to; from < count; from = to) {
            List<Item> batch;
            if (npy != null) {
                to = Math.min(count, from + perBatch);
                batch = npyItems(npy, from, to);
            } else {
                to = lastOfBatch(inputs, from, perBatch, Runtime.getRuntime().maxMemory() / 8 / 4);
                batch = loadImages(model, inputs.subList(from, to), failures);
            }
            Map<Item, Map<String, Explanation>> done = explainBatch(explained, batch, methods, request, failures);
            for (Item item : batch) {
                Map<String, Explanation> byMethod = done.get(item);
                if (byMethod == null) {
                    continue;
                }
                model.weightsDigest().beginInBackground();   // the reports need it; meanwhile the images are written
                List<HeadOutputs> heads = model.view().outputs().size() > 1 ? HeadOutputs.all(model.view(), item.x())
                        : List.of();
                for (Explanation e : byMethod.values()) {
                    ObjectNode report = writeOne(model, item, e, scoreChoice, heads, cmap, loadMs, failures);
                    reports.add(report);
                    if (!json) {
                        printSummary(info, report);
                    }
                }
                if (methodArguments.all() && item.original() != null) {
                    writeSheet(model, item, byMethod, cmap);
                }
                if (!mathShown) {
                    ExplainMath.print(info, byMethod.values().iterator().next(), model::label);
                    mathShown = true;
                }
            }
            bar.step(to - from);
        }
        skipped.forEach((method, why) -> System.err.println("method " + method + " was not applied: " + why));
        if (json) {
            System.out.println(Reports.JSON.writeValueAsString(Reports.batch(reports, failures)));
        }
        if (!failures.isEmpty()) {
            System.err.println(failures.size() + " of " + count + " inputs failed:");
            failures.forEach((p, m) -> System.err.println("  " + p + ": " + m));
            return 1;
        }
        return 0;
    }

    /** Items {@code [from, to)} of the {@code --input} array, named stem_i when there are several. */
    private List<Item> npyItems(Tensor all, int from, int to) {
        String stem = ImageInputs.stem(npyInput);
        List<Item> items = new ArrayList<>();
        for (int i = from; i < to; i++) {
            boolean one = all.dim(0) == 1;
            items.add(new Item(one ? npyInput : Path.of(npyInput + "[" + i + "]"), one ? stem : stem + "_" + i, null,
                    all.item(i)));
        }
        return items;
    }

    /** The images decoded for the model; one that cannot be read is a failure and the rest go on. */
    /**
     * Where the batch that starts at {@code from} ends (exclusive): at most {@code perBatch} images,
     * and no more original pixels together than {@code budget} (the caller gives what an eighth of
     * the heap holds at 4 bytes a pixel: each image's original is kept until its overlay is drawn,
     * and sixteen 8000 x 8000 photos would hold 4 GB). The sizes come from the files' headers; an
     * image alone is never refused here.
     */
    static int lastOfBatch(List<ImageInputs.ImageInput> inputs, int from, int perBatch, long budget) {
        long pixels = 0;
        int to = from;
        while (to < inputs.size() && to - from < perBatch) {
            pixels += ImageLoader.declaredPixels(inputs.get(to).path());
            if (to > from && pixels > budget) {
                break;
            }
            to++;
        }
        return to;
    }

    private static List<Item> loadImages(LoadedModel model, List<ImageInputs.ImageInput> inputs,
                                         Map<Path, Failure> failures) {
        List<Item> items = new ArrayList<>();
        for (ImageInputs.ImageInput input : inputs) {
            try {
                ImageLoader.LoadedImage img = ImageLoader.load(input.path(), model.imageOptions());
                items.add(new Item(input.path(), input.name(), img.original(), model.preprocess(img.pixels())));
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                failures.put(input.path(), Failure.of(e));   // this input only: the next one goes on
            }
        }
        return items;
    }

    /** Every method on the batch at once; when that fails, image by image, so that one bad input fails alone. */
    private Map<Item, Map<String, Explanation>> explainBatch(Graph explained, List<Item> batch, List<String> methods,
                                                             ExplainRequest request, Map<Path, Failure> failures) {
        Map<Item, Map<String, Explanation>> result = new LinkedHashMap<>();
        if (batch.isEmpty()) {
            return result;
        }
        try {
            Tensor x = Tensor.stack(batch.stream().map(Item::x).toList());
            for (String method : methods) {
                List<Explanation> es;
                try {
                    es = Methods.byName(method).explain(explained, x, request);
                } catch (IllegalArgumentException | io.gradcam4j.engine.errors.InvalidRequestException refused) {
                    if (methods.size() == 1) {
                        throw refused;
                    }
                    skipped.putIfAbsent(method, refused.getMessage());   // several methods: the others go on
                    continue;
                }
                for (int i = 0; i < batch.size(); i++) {
                    result.computeIfAbsent(batch.get(i), k -> new LinkedHashMap<>()).put(method, es.get(i));
                }
            }
            return result;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            if (batch.size() == 1) {
                failures.put(batch.get(0).source(), Failure.of(e));
                return Map.of();
            }
        }
        for (Item item : batch) {
            result.putAll(explainBatch(explained, List.of(item), methods, request, failures));
        }
        return result;
    }

    /** The files and the report of one image and one method. */
    private ObjectNode writeOne(LoadedModel model, Item item, Explanation e, ScoreChoice scoreChoice,
                                List<HeadOutputs> heads, Colormap cmap, double loadMs, Map<Path, Failure> failures)
            throws IOException {
        String suffix = e.method().equals("gradcam") ? "" : "." + e.method();
        Files.createDirectories(out.resolve(item.stem()).getParent());
        ObjectNode report = Reports.report(model, item.source().toString(), e, heads, scoreChoice, loadMs);
        for (int i = 0; i < e.maps().size(); i++) {
            ClassMap map = e.maps().get(i);
            ObjectNode files = ((ObjectNode) report.get("targets").get(i)).putObject("files");
            String base = item.stem() + "." + model.fileLabel(map.classIndex()) + suffix;
            Npy.write(map.cam(), out.resolve(base + ".cam.npy"));
            files.put("cam", base + ".cam.npy");
            if (map.attribution() != null) {
                Npy.write(map.attribution(), out.resolve(base + ".attribution.npy"));
                files.put("attribution", base + ".attribution.npy");
            }
            if (item.original() != null) {
                BufferedImage original = item.original();
                ImageIO.write(Overlay.overlay(original, map, cmap, alpha), "png", out.resolve(base + ".overlay.png").toFile());
                ImageIO.write(Overlay.heatmap(map, original.getWidth(), original.getHeight(), cmap), "png",
                        out.resolve(base + ".heatmap.png").toFile());
                files.put("overlay", base + ".overlay.png");
                files.put("heatmap", base + ".heatmap.png");
            }
        }
        if (Reports.replaceNonFinite(report)) {
            failures.put(item.source(), new Failure("non-finite-output: the " + e.method() + " report held NaN or "
                    + "infinite numbers, written as null", "damaged-input"));
        }
        Files.writeString(out.resolve(item.stem() + suffix + ".json"), Reports.JSON.writeValueAsString(report));
        return report;
    }

    /** {@code --method all}: one PNG per image, rows the classes, columns the methods. */
    private void writeSheet(LoadedModel model, Item item, Map<String, Explanation> byMethod, Colormap cmap)
            throws IOException {
        Function<Integer, String> label = model::label;
        BufferedImage sheet = ComparisonSheet.draw(item.original(), List.copyOf(byMethod.values()), label, cmap, alpha);
        ImageIO.write(sheet, "png", out.resolve(item.stem() + ".methods.png").toFile());
    }

    private static void printSummary(PrintStream info, ObjectNode r) {
        info.println(r.get("image").asText() + "  (" + r.get("method").asText()
                + (r.get("layer").isNull() ? "" : ", layer output " + r.get("layer").get("shape")) + ")");
        boolean classifier = r.get("logits") != null;   // else values, not probabilities: a regression or features
        r.get("predictions").forEach(p -> info.printf(classifier ? "  %6.2f%%  %s (%d)%n" : "  %10.4g  %s (%d)%n",
                (classifier ? 100 : 1) * p.get("probability").asDouble(), p.get("label").asText(), p.get("index").asInt()));
        r.get("targets").forEach(t -> info.printf("  explained %s (%d): score %.4g, %s -> %s%n", t.get("label").asText(),
                t.get("index").asInt(), t.get("score").asDouble(), t.get("status").asText(),
                t.get("files").has("overlay") ? t.get("files").get("overlay").asText() : t.get("files").get("cam").asText()));
    }

    static ScoreKind parseScore(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "logit" -> ScoreKind.LOGIT;
            case "probability" -> ScoreKind.PROBABILITY;
            default -> throw new io.gradcam4j.engine.errors.InvalidRequestException("--score must be logit or probability, not " + s);
        };
    }
}
