package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cam.methods.ExplanationMethod;
import io.gradcam4j.cam.methods.MethodContext;
import io.gradcam4j.cam.methods.MethodOptions;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.cam.metrics.FaithfulnessMetric;
import io.gradcam4j.cam.metrics.MetricInput;
import io.gradcam4j.cam.metrics.MetricResult;
import io.gradcam4j.cam.metrics.Metrics;
import io.gradcam4j.cam.metrics.ModelRandomisation;
import io.gradcam4j.cam.metrics.RandomisationReport;
import io.gradcam4j.cam.metrics.RandomisedLayer;
import io.gradcam4j.cam.metrics.UndefinedMetricException;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.engine.graph.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
 * {@code gradcam evaluate}: how faithful each method's map is, per image and explained class —
 * the faithfulness metrics' figures and forward passes ({@link Metrics}; docs/METHODS.md,
 * "Faithfulness metrics") and, with {@code --sanity}, the model-parameter randomisation test
 * with its verdict ({@link ModelRandomisation}). A metric that has no value for a map (no
 * evidence, a flat map, a score of 0) is reported with its status; an image that fails is listed
 * and the rest go on. The report is printed (JSON with {@code --json}) and written to
 * {@code evaluation.json} in {@code --out}.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Measures how faithful the methods' maps are (deletion, insertion, average drop, ROAD, "
                + "removals) and, with --sanity, whether they pass the model-randomisation sanity check.")
final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    MethodArguments methodArguments;

    @Mixin
    LayerArguments layerArguments;

    @Option(names = "--class", paramLabel = "N|LABEL|top:K", split = ",",
            description = "Classes to explain and evaluate. Default: the predicted class.")
    List<String> classes = new ArrayList<>();

    @Option(names = "--score", paramLabel = "logit|probability", defaultValue = "logit",
            description = "The score the methods explain (default: ${DEFAULT-VALUE}). The metrics always read the "
                    + "model's output: the probability when it ends in softmax or sigmoid.")
    String score;

    @Mixin
    MetricArguments metricArguments;

    @Option(names = "--sanity", description = "Also run the cascading model-parameter randomisation test "
            + "(Adebayo et al. 2018) for each method: one explanation per layer with weights.")
    boolean sanity;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "gradcam-out",
            description = "Folder for evaluation.json (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--json", description = "Print the JSON report on standard output.")
    boolean json;

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images or folders of images.")
    List<Path> images = new ArrayList<>();

    /** {@code --input NAME=X.npy}: the value of each input of the model that is not the image. */
    @Mixin
    NpyInputs npyInputs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Methods that refused this model or layer when several were asked for, with the reason. */
    private final Map<String, String> skipped = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintStream info = json ? System.err : System.out;
        ClassSelection.validate(classes, spec.commandLine().getParseResult().hasMatchedOption("--class"));
        ScoreKind kind = ExplainCommand.parseScore(score);
        List<String> methods = methodArguments.methodNames();
        List<FaithfulnessMetric> chosen = metricArguments.chosen(List.of("all"));   // refused before the model loads
        MethodOptions methodOptions = methodArguments.options();
        LoadedModel model = ModelLoader.load(modelOptions, npyInputs.otherInputsOnly("evaluate"),
                Progress.download(System.err));
        model.weightsDigest().beginInBackground();
        List<String> targetLayers = layerArguments.chosen(model, model.graph());
        Files.createDirectories(out);
        List<Path> inputs = inputs(info);
        ExplainRequest request = new ExplainRequest(targetLayers, ClassSelection.parse(classes, model), kind,
                methodOptions, model::preprocess, Progress.passes(System.err));
        int batchSize = methodOptions.batchSize() != null ? methodOptions.batchSize() : 16;
        info.printf("model %s, layer %s, methods %s, metrics %s; the metrics read the model's %s%n", model.source(),
                String.join(",", targetLayers), String.join(",", methods),
                String.join(",", chosen.stream().map(FaithfulnessMetric::name).toList()), metricScore(model));
        ArrayNode reports = Reports.JSON.createArrayNode();
        Map<Path, Failure> failures = new LinkedHashMap<>();
        for (Path input : inputs) {
            try {
                Tensor x = model.preprocess(ImageLoader.load(input, model.imageOptions()).pixels());
                for (ObjectNode report : evaluateImage(model, input, x, methods, chosen, request, batchSize)) {
                    reports.add(report);
                    if (!json) {
                        print(info, report);
                    }
                }
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                failures.put(input, Failure.of(e));   // this image only: the next one goes on
            }
        }
        skipped.forEach((method, why) -> System.err.println("method " + method + " was not applied: " + why));
        return finish(reports, failures, inputs.size());
    }

    /** The images named, folders expanded; none with the demo model: its bundled images. */
    private List<Path> inputs(PrintStream info) throws java.io.IOException {
        if (images.isEmpty()) {
            if (modelOptions.model != null) {
                throw new InvalidRequestException("no images given");
            }
            List<Path> demo = DemoImages.extract(out.resolve("demo-images"));
            info.println("demo: evaluating on the bundled images " + demo);
            return demo;
        }
        return ImageInputs.expand(images).stream().map(ImageInputs.ImageInput::path).toList();
    }

    /** Writes evaluation.json (and prints it under --json), lists the failures; the exit code. */
    private int finish(ArrayNode reports, Map<Path, Failure> failures, int images) throws java.io.IOException {
        var document = Reports.batch(reports, failures);
        if (Reports.replaceNonFinite(document)) {
            System.err.println("the report held non-finite numbers, written as null");
        }
        Files.writeString(out.resolve("evaluation.json"), Reports.JSON.writeValueAsString(document));
        if (json) {
            System.out.println(Reports.JSON.writeValueAsString(document));
        }
        if (failures.isEmpty()) {
            return 0;
        }
        System.err.println(failures.size() + " of " + images + " images failed:");
        failures.forEach((p, f) -> System.err.println("  " + p + ": " + f));
        return 1;
    }

    /** Which number the metrics read: the model's output, a probability when it ends in softmax or sigmoid. */
    private static String metricScore(LoadedModel model) {
        return model.graph().finalActivation().isPresent() ? "probability" : "output";
    }

    /** One report per method and explained class of one image. */
    private List<ObjectNode> evaluateImage(LoadedModel model, Path input, Tensor x, List<String> methods,
                                           List<FaithfulnessMetric> chosen, ExplainRequest request, int batchSize) {
        Graph graph = model.graph();
        List<ObjectNode> reports = new ArrayList<>();
        for (String name : methods) {
            ExplanationMethod method = Methods.byName(name);
            Explanation e;
            try {
                e = method.explain(graph, x, request).get(0);
            } catch (IllegalArgumentException | io.gradcam4j.engine.errors.InvalidRequestException refused) {
                if (methods.size() == 1) {
                    throw refused;
                }
                skipped.putIfAbsent(name, refused.getMessage());   // several methods: the others go on
                continue;
            }
            for (ClassMap map : e.maps()) {
                ObjectNode r = header(model, input, e, map);
                ObjectNode results = r.putObject("metrics");
                for (FaithfulnessMetric metric : chosen) {
                    results.set(metric.name(), measure(metric, new MetricInput(graph, x, map.classIndex(), map, batchSize)));
                }
                if (sanity) {
                    r.set("sanity", sanityCheck(graph, x, map.classIndex(), method, request));
                }
                reports.add(r);
            }
        }
        return reports;
    }

    private static ObjectNode header(LoadedModel model, Path input, Explanation e, ClassMap map) {
        ObjectNode r = Reports.JSON.createObjectNode();
        r.set("model", Reports.model(model));
        r.put("image", input.toString());
        r.put("method", e.method());
        if (e.layers().isEmpty()) {
            r.putNull("layer");
        } else {
            r.put("layer", String.join(",", e.layers()));
        }
        r.set("parameters", Reports.JSON.valueToTree(e.parameters()));
        r.put("class", map.classIndex());
        r.put("label", model.label(map.classIndex()));
        r.put("map_status", map.status().json());
        r.put("metric_score", metricScore(model));
        r.put("model_output", e.probabilities()[map.classIndex()]);   // what the metrics read on the image itself
        return r;
    }

    /** One metric's result, or its status when it has no value for this map. */
    static ObjectNode measure(FaithfulnessMetric metric, MetricInput in) {
        ObjectNode n = Reports.JSON.createObjectNode();
        n.set("parameters", Reports.JSON.valueToTree(metric.parameters()));
        try {
            MetricResult r = metric.measure(in);
            n.put("status", "ok");
            ObjectNode figures = n.putObject("figures");
            r.figures().forEach(figures::put);
            if (r.curve() != null) {
                ArrayNode curve = n.putArray("curve");
                for (double v : r.curve()) {
                    curve.add(v);
                }
            }
            n.put("forward_passes", r.forwardPasses());
        } catch (UndefinedMetricException undefined) {
            n.put("status", undefined.status());
            n.put("message", undefined.getMessage());
        }
        return n;
    }

    private ObjectNode sanityCheck(Graph graph, Tensor x, int classIndex, ExplanationMethod method,
                                   ExplainRequest request) {
        ObjectNode n = Reports.JSON.createObjectNode();
        n.put("test", "cascading model-parameter randomisation (Adebayo et al. 2018), top layer first");
        n.put("seed", metricArguments.seed);
        try {
            RandomisationReport report = ModelRandomisation.run(graph, x, classIndex, method, request, metricArguments.seed);
            n.put("status", "ok");
            n.put("passed", report.passed());
            n.put("threshold", report.threshold());
            n.put("final_spearman", report.finalSpearman());
            n.put("verdict", report.verdict());
            n.put("explanations", report.explanations());
            ArrayNode rows = n.putArray("layers");
            for (RandomisedLayer l : report.layers()) {
                rows.addObject().put("layer", l.layer()).put("weights", l.weights()).put("spearman", l.spearman())
                        .put("ssim", l.ssim()).put("map_status", l.mapStatus());
            }
        } catch (UndefinedMetricException undefined) {
            n.put("status", undefined.status());
            n.put("message", undefined.getMessage());
        }
        return n;
    }

    /** The text form of one report: a line per metric, then the sanity table. */
    private static void print(PrintStream info, ObjectNode r) {
        info.printf("%s  %s%s, class %s (%d), %s %.4f%n", r.get("image").asText(), r.get("method").asText(),
                r.get("layer").isNull() ? "" : " at " + r.get("layer").asText(), r.get("label").asText(),
                r.get("class").asInt(), r.get("metric_score").asText(), r.get("model_output").asDouble());
        r.get("metrics").fields().forEachRemaining(m -> info.printf("  %-13s %s%n", m.getKey(), metricLine(m.getValue())));
        if (r.has("sanity")) {
            var s = r.get("sanity");
            info.println("  sanity check, " + s.get("test").asText() + ", seed " + s.get("seed").asLong() + ":");
            if (!s.get("status").asText().equals("ok")) {
                info.println("    " + s.get("message").asText());
                return;
            }
            info.printf("    %-24s %10s %9s %9s  %s%n", "randomised down to", "weights", "spearman", "ssim", "map");
            for (var l : s.get("layers")) {
                info.printf("    %-24s %10d %9.3f %9.3f  %s%n", l.get("layer").asText(), l.get("weights").asLong(),
                        l.get("spearman").asDouble(), l.get("ssim").asDouble(), l.get("map_status").asText());
            }
            info.println("    " + s.get("verdict").asText());
        }
    }

    /** One metric's figures (or its status) and forward passes, on one line. */
    private static String metricLine(com.fasterxml.jackson.databind.JsonNode m) {
        if (!m.get("status").asText().equals("ok")) {
            return m.get("message").asText();
        }
        StringBuilder b = new StringBuilder();
        m.get("figures").fields().forEachRemaining(f -> b.append(f.getKey()).append(' ')
                .append(String.format(Locale.ROOT, "%.4f", f.getValue().asDouble())).append("  "));
        return b.append("(").append(m.get("forward_passes").asInt()).append(" forward passes)").toString();
    }
}
