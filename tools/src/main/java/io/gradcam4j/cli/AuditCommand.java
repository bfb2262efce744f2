package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.cam.audit.AuditSummary;
import io.gradcam4j.cam.audit.ImageAudit;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cam.methods.ExplanationMethod;
import io.gradcam4j.cam.methods.MethodOptions;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.cam.metrics.FaithfulnessMetric;
import io.gradcam4j.cam.metrics.Localisation;
import io.gradcam4j.cam.metrics.MetricInput;
import io.gradcam4j.cam.metrics.MetricResult;
import io.gradcam4j.cam.metrics.UndefinedMetricException;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
 * {@code gradcam audit}: a whole folder of images explained, each map measured against the
 * object (masks or boxes), and the verdict on the dataset — accuracy and where the model looks,
 * per class, with the confusion matrix and galleries of the images it looks at least — written as
 * {@code audit.json}, {@code audit.csv} and a self-contained {@code report.html}. Images go through
 * in batches; one that fails is listed and the rest go on; {@code --resume} continues an
 * interrupted audit from its journal.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Audits a model on a folder of images: accuracy, where its maps look against object masks or "
                + "boxes, faithfulness figures; audit.json, audit.csv and report.html.")
final class AuditCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    MethodArguments methodArguments;

    @Mixin
    MetricArguments metricArguments;

    @Option(names = "--images", paramLabel = "DIR", required = true,
            description = "The images: class subfolders (their names give the true class, as Keras's "
                    + "image_dataset_from_directory) or a flat folder.")
    Path images;

    @Option(names = "--masks", paramLabel = "DIR",
            description = "Object masks: a PNG per image at the same relative path (or same stem), non-zero = object.")
    Path masks;

    @Option(names = "--boxes", paramLabel = "FILE.csv", description = "Object boxes: file,x0,y0,x1,y1 per line (pixels).")
    Path boxes;

    @Mixin
    LayerArguments layerArguments;

    /** {@code --input NAME=X.npy}: the value of each input of the model that is not the image. */
    @Mixin
    NpyInputs npyInputs;

    @Option(names = "--classes", paramLabel = "predicted|true", defaultValue = "predicted",
            description = "Which class's map is measured: the predicted one (default; where the model looked to "
                    + "decide) or the true one.")
    String classes;

    @Option(names = "--score", paramLabel = "logit|probability", defaultValue = "logit",
            description = "Explain the pre-softmax logit (default) or the probability.")
    String score;

    @Option(names = "--gallery", paramLabel = "N", defaultValue = "8",
            description = "Images per gallery of the report (default: ${DEFAULT-VALUE}).")
    int gallery;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "gradcam-audit",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--resume", description = "Go on with the audit in --out where it stopped (same settings).")
    boolean resume;

    @Option(names = "--json", description = "Print the summary as JSON on standard output.")
    boolean json;

    /** When this run's first batch started, and how many images it went through. */
    private long started;
    private int doneNow;

    /** One decoded image of the batch. */
    private record Item(AuditDataset.Entry entry, int width, int height, Tensor x) {
    }

    @Override
    public Integer call() throws Exception {
        PrintStream info = json ? System.err : System.out;
        String method = oneMethod();
        ScoreKind kind = ExplainCommand.parseScore(score);
        boolean explainTrue = classesMode();
        if (masks != null && boxes != null) {
            throw new InvalidRequestException("give --masks or --boxes, not both");
        }
        if (modelOptions.keepAspectRatio) {
            throw new InvalidRequestException("audit measures maps against masks of the whole image; "
                    + "--keep-aspect-ratio crops it, so it is not supported here");
        }
        if (gallery < 0 || gallery > 1000) {
            throw new InvalidRequestException("--gallery must be in 0..1000, got " + gallery);
        }
        MethodOptions options = methodArguments.options();
        List<FaithfulnessMetric> metrics = metricArguments.chosen(List.of());   // none unless asked: each costs passes
        ObjectRegions regions = masks != null ? ObjectRegions.masks(masks, modelOptions.maxPixels)
                : boxes != null ? ObjectRegions.boxes(boxes) : ObjectRegions.none();
        Map<String, Path> held = npyInputs.otherInputsOnly("audit");
        LoadedModel model = ModelLoader.load(modelOptions, held, Progress.download(System.err));
        model.weightsDigest().beginInBackground();
        ExplanationMethod explainer = Methods.byName(method);
        List<String> targetLayers = explainer.usesLayer() ? layerArguments.chosen(model, model.graph()) : List.of();
        int classCount = classCount(model);
        AuditDataset data = AuditDataset.scan(images, classCount, model::label);
        data.unknownFolders().forEach((folder, n) -> System.err.println("folder " + folder + " (" + n + " images) "
                + "names no class of the model; its images are audited without a true class"));
        Files.createDirectories(out);

        ObjectNode settings = settings(model, method, explainer, options, targetLayers, kind, explainTrue, metrics);
        Map<String, Failure> failures = new LinkedHashMap<>();
        List<JsonNode> audited = auditAll(model, explainer, data, settings, targetLayers, kind, explainTrue, options,
                metrics, regions, failures, info);
        double seconds = (System.nanoTime() - started) / 1e9;
        List<String> classNames = labels(model, classCount);
        AuditSummary summary = AuditSummary.of(audited.stream().map(AuditJson::fromJson).toList(), failures.size(),
                classNames);
        ObjectNode report = writeOutputs(model, settings, summary, classNames, audited, failures, data, seconds,
                regions);
        printHeadline(info, summary, failures);
        info.printf(Locale.ROOT, "  %d images in %.1f s this run (%.1f images/s); %s%n", doneNow, seconds,
                doneNow / Math.max(seconds, 1e-9), out.resolve("report.html"));
        if (json) {
            System.out.println(Reports.JSON.writeValueAsString(report.get("summary")));
        }
        return failures.isEmpty() ? 0 : 1;
    }

    /**
     * Every image not yet in the journal, in batches: loaded, explained, measured and journaled as
     * it is done. Returns the records of the whole folder (earlier runs' included).
     */
    private List<JsonNode> auditAll(LoadedModel model, ExplanationMethod explainer, AuditDataset data,
                                    ObjectNode settings, List<String> targetLayers, ScoreKind kind, boolean explainTrue,
                                    MethodOptions options, List<FaithfulnessMetric> metrics, ObjectRegions regions,
                                    Map<String, Failure> failures, PrintStream info) throws IOException {
        List<JsonNode> audited = new ArrayList<>();
        try (AuditJournal journal = AuditJournal.open(out, settings, resume)) {
            List<AuditDataset.Entry> todo = new ArrayList<>();
            for (AuditDataset.Entry e : data.entries()) {
                JsonNode earlier = journal.done().get(e.name());
                if (earlier != null) {
                    audited.add(earlier);
                } else {
                    todo.add(e);
                }
            }
            if (!audited.isEmpty()) {
                info.println("resuming: " + audited.size() + " of " + data.entries().size() + " images already audited");
            }
            info.printf("audit of %s: %d images, model %s, method %s%s, score %s, %s class%n", images,
                    data.entries().size(), model.source(), explainer.name(),
                    targetLayers.isEmpty() ? "" : " at " + String.join(",", targetLayers),
                    kind.name().toLowerCase(Locale.ROOT), explainTrue ? "true" : "predicted");
            int perBatch = options.batchSize() != null ? options.batchSize() : 16;
            started = System.nanoTime();
            Progress bar = Progress.bar(System.err, data.entries().size(), audited.size());
            for (int from = 0; from < todo.size(); from += perBatch) {
                List<AuditDataset.Entry> batch = todo.subList(from, Math.min(todo.size(), from + perBatch));
                List<Item> items = load(model, batch, journal, failures);
                ExplainRequest request = new ExplainRequest(targetLayers, classChoice(items, explainTrue), kind,
                        options, model::preprocess, ExplainRequest.Progress.NONE);
                for (Map.Entry<Item, Explanation> done : explain(model, explainer, items, request, journal, failures)
                        .entrySet()) {
                    ObjectNode line = auditOne(model, done.getKey(), done.getValue(), regions, metrics, perBatch);
                    journal.write(line);
                    audited.add(line);
                }
                bar.step(batch.size());
                doneNow += batch.size();
            }
        }
        return audited;
    }

    /** audit.json, audit.csv and report.html; returns the report written as audit.json. */
    private ObjectNode writeOutputs(LoadedModel model, ObjectNode settings, AuditSummary summary,
                                    List<String> classNames, List<JsonNode> audited, Map<String, Failure> failures,
                                    AuditDataset data, double seconds, ObjectRegions regions) throws IOException {
        ObjectNode report = Reports.JSON.createObjectNode();
        report.set("provenance", provenance(settings));
        report.set("summary", AuditJson.summary(summary));
        ArrayNode imageArray = report.putArray("images");
        audited.forEach(imageArray::add);
        ArrayNode failed = report.putArray("failures");
        failures.forEach((image, f) -> failed.addObject().put("image", image).put("error", f.message()).put("kind", f.kind()));
        report.putObject("timing").put("images_this_run", doneNow).put("seconds", seconds)
                .put("images_per_second", doneNow / Math.max(seconds, 1e-9));
        ObjectNode unknown = report.putObject("unknown_class_folders");
        data.unknownFolders().forEach(unknown::put);
        Files.writeString(out.resolve("audit.json"), Reports.JSON.writeValueAsString(report));
        Files.writeString(out.resolve("audit.csv"), AuditJson.csv(audited));
        AuditReportPage.write(out.resolve("report.html"), report, summary, classNames, gallery,
                image -> galleryPicture(model, regions, image));
        return report;
    }

    private String oneMethod() {
        List<String> names = methodArguments.methodNames();
        if (names.size() != 1) {
            throw new InvalidRequestException("audit measures one method at a time; got " + String.join(",", names));
        }
        return names.get(0);
    }

    private boolean classesMode() {
        return switch (classes.strip().toLowerCase(Locale.ROOT)) {
            case "predicted" -> false;
            case "true" -> true;
            default -> throw new InvalidRequestException("--classes must be predicted or true, not " + classes);
        };
    }

    private static int classCount(LoadedModel model) {
        int classes = model.view().classCount();
        if (classes < 1) {
            throw new InvalidRequestException("audit needs a classifier with a known number of classes");
        }
        return classes;
    }

    private static List<String> labels(LoadedModel model, int classes) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(model.label(c));
        }
        return names;
    }

    /** The images of a batch decoded for the model; one that cannot be read is journaled as failed. */
    private static List<Item> load(LoadedModel model, List<AuditDataset.Entry> batch, AuditJournal journal,
                                   Map<String, Failure> failures) throws IOException {
        List<Item> items = new ArrayList<>();
        for (AuditDataset.Entry e : batch) {
            try {
                ImageLoader.LoadedImage img = ImageLoader.load(e.path(), model.imageOptions());
                items.add(new Item(e, img.original().getWidth(), img.original().getHeight(),
                        model.preprocess(img.pixels())));
            } catch (Exception | OutOfMemoryError | StackOverflowError ex) {
                fail(e.name(), Failure.of(ex), journal, failures);
            }
        }
        return items;
    }

    private static void fail(String image, Failure f, AuditJournal journal, Map<String, Failure> failures)
            throws IOException {
        failures.put(image, f);
        journal.write(Reports.JSON.createObjectNode().put("image", image).put("failure", f.message())
                .put("kind", f.kind()));
    }

    /** Each image's class: the predicted one (an empty choice), or the one its folder names. */
    private static ExplainRequest.ClassChoice classChoice(List<Item> items, boolean explainTrue) {
        return (i, probabilities) -> {
            Integer truth = items.get(i).entry().trueIndex();
            return explainTrue && truth != null ? List.of(truth) : List.of();
        };
    }

    /** The batch at once; when that fails, image by image, so that one bad image fails alone. */
    private Map<Item, Explanation> explain(LoadedModel model, ExplanationMethod explainer, List<Item> items,
                                           ExplainRequest request, AuditJournal journal,
                                           Map<String, Failure> failures) throws IOException {
        Map<Item, Explanation> result = new LinkedHashMap<>();
        if (items.isEmpty()) {
            return result;
        }
        try {
            List<Explanation> es = explainer.explain(model.graph(),
                    Tensor.stack(items.stream().map(Item::x).toList()), request);
            for (int i = 0; i < items.size(); i++) {
                result.put(items.get(i), es.get(i));
            }
            return result;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            if (items.size() == 1) {
                fail(items.get(0).entry().name(), Failure.of(e), journal, failures);
                return result;
            }
        }
        for (Item item : items) {
            List<Item> one = List.of(item);
            ExplainRequest single = new ExplainRequest(request.layers(), classChoice(one,
                    classesMode()), request.scoreKind(), request.options(), request.preprocessing(), request.progress());
            result.putAll(explain(model, explainer, one, single, journal, failures));
        }
        return result;
    }

    /** One image's record: its answer, its map (kept under maps/) measured against its object. */
    private ObjectNode auditOne(LoadedModel model, Item item, Explanation e, ObjectRegions regions,
                                List<FaithfulnessMetric> metrics, int perBatch) throws IOException {
        ClassMap map = e.maps().get(0);
        float[] p = e.probabilities();
        int predicted = 0;
        for (int c = 1; c < p.length; c++) {
            predicted = p[c] > p[predicted] ? c : predicted;
        }
        ObjectRegions.Region region = regions.find(item.entry().name(), item.width(), item.height());
        Localisation loc = region.mask() != null ? Localisation.of(map, region.mask()) : null;
        Path mapFile = out.resolve(AuditJson.mapFile(item.entry().name()));
        Files.createDirectories(mapFile.getParent());
        Npy.write(map.normalized(), mapFile);
        Map<String, Double> figures = new LinkedHashMap<>();
        Map<String, String> undefined = new LinkedHashMap<>();
        long forward = e.passes().forward();
        for (FaithfulnessMetric metric : metrics) {
            try {
                MetricResult r = metric.measure(new MetricInput(model.graph(), item.x(), map.classIndex(), map,
                        perBatch));
                r.figures().forEach((k, v) -> figures.put(metric.name() + "." + k, v));
                forward += r.forwardPasses();
            } catch (UndefinedMetricException none) {
                undefined.put(metric.name(), none.status() + ": " + none.getMessage());   // no figure, never NaN
            }
        }
        ImageAudit a = new ImageAudit(item.entry().name(), item.entry().trueIndex(), predicted, p[predicted],
                map.classIndex(), map.status(), loc, region.note(), figures, forward, e.passes().backward());
        ObjectNode line = AuditJson.image(a, model::label);
        line.put("signed", map.signed());
        if (!undefined.isEmpty()) {
            ObjectNode u = line.putObject("metrics_undefined");
            undefined.forEach(u::put);
        }
        return line;
    }

    /** The settings that make two runs the same audit (a resumed run must match them). */
    private ObjectNode settings(LoadedModel model, String method, ExplanationMethod explainer, MethodOptions options,
                                List<String> targetLayers, ScoreKind kind, boolean explainTrue,
                                List<FaithfulnessMetric> metrics) throws IOException {
        ObjectNode s = Reports.JSON.createObjectNode();
        s.put("model", model.source());
        s.put("model_sha256", model.sha256());
        s.put("images", images.toAbsolutePath().normalize().toString());
        s.put("masks", masks == null ? null : masks.toAbsolutePath().normalize().toString());
        s.put("boxes", boxes == null ? null : boxes.toAbsolutePath().normalize().toString());
        s.put("method", method);
        ObjectNode params = s.putObject("parameters");
        explainer.parameters(options).forEach((k, v) -> params.put(k, String.valueOf(v)));
        ArrayNode l = s.putArray("layers");
        targetLayers.forEach(l::add);
        s.put("score", kind.name().toLowerCase(Locale.ROOT));
        s.put("classes", explainTrue ? "true" : "predicted");
        s.put("preprocessing", model.preprocessing().name().toLowerCase(Locale.ROOT));
        s.put("interpolation", model.interpolation().name().toLowerCase(Locale.ROOT));
        s.put("iou_threshold", Localisation.IOU_THRESHOLD);
        // the other inputs' values decide every answer: a resumed audit must hold the same ones
        ObjectNode held = s.putObject("other_inputs");
        for (Map.Entry<String, Path> in : npyInputs.named().entrySet()) {
            held.putObject(in.getKey()).put("file", in.getValue().toAbsolutePath().normalize().toString())
                    .put("sha256", FileDigest.sha256(in.getValue()));
        }
        ObjectNode m = s.putObject("metrics");
        metrics.forEach(metric -> m.set(metric.name(), Reports.JSON.valueToTree(metric.parameters())));
        return s;
    }

    /** The settings and what else it takes to reproduce the run: versions, kernels, JVM, date. */
    private static ObjectNode provenance(ObjectNode settings) {
        ObjectNode p = settings.deepCopy();
        String version = GradcamCommand.class.getPackage().getImplementationVersion();
        p.put("gradcam4j", version != null ? version : "development build");
        p.put("kernels", io.gradcam4j.engine.kernels.Kernels.active().name());
        p.put("threads", io.gradcam4j.engine.kernels.Parallel.threads());
        p.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        p.put("date", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).withNano(0).toString());
        return p;
    }

    /**
     * A gallery picture: the image with its measured map over it, drawn again from the map file,
     * and the object's outline in white.
     */
    private java.awt.image.BufferedImage galleryPicture(LoadedModel model, ObjectRegions regions, JsonNode image)
            throws IOException {
        Path file = images.resolve(image.get("image").asText());
        ImageLoader.LoadedImage img = ImageLoader.load(file, model.imageOptions());
        Tensor normalized = Npy.read(out.resolve(image.get("map").asText()));
        ClassMap map = new ClassMap(image.get("explained_index").asInt(), 0f, normalized, 1f, normalized,
                io.gradcam4j.cam.CamStatus.fromJson(image.get("status").asText()), image.path("signed").asBoolean(),
                null, null, List.of(), Map.of());
        java.awt.image.BufferedImage picture = io.gradcam4j.cam.Overlay.overlay(img.original(), map,
                io.gradcam4j.cam.Colormap.JET, 0.4f);
        ObjectRegions.Region region = regions.find(image.get("image").asText(), picture.getWidth(),
                picture.getHeight());
        if (region.mask() != null) {
            outline(picture, region.mask());
        }
        return picture;
    }

    /** Paints white the object's pixels that touch a pixel outside it (a line about one pixel wide; thicker on big images). */
    private static void outline(java.awt.image.BufferedImage picture, io.gradcam4j.cam.metrics.ObjectMask mask) {
        int w = mask.width();
        int h = mask.height();
        int r = Math.max(1, Math.max(w, h) / 160);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (mask.contains(x, y) && (x < r || y < r || x >= w - r || y >= h - r || !mask.contains(x - r, y)
                        || !mask.contains(x + r, y) || !mask.contains(x, y - r) || !mask.contains(x, y + r))) {
                    picture.setRGB(x, y, 0xffffff);
                }
            }
        }
    }

    private static void printHeadline(PrintStream info, AuditSummary s, Map<String, Failure> failures) {
        info.printf(Locale.ROOT, "%d images audited, %d failed%n", s.images(), s.failed());
        if (s.accuracy() != null) {
            info.printf(Locale.ROOT, "  accuracy %.1f %% (%d with a true class)%n", 100 * s.accuracy(), s.labelled());
        }
        if (s.meanOnObject() != null) {
            info.printf(Locale.ROOT, "  mean on-object share %.3f, pointing game %.1f %%, mean IoU %.3f (%d images "
                    + "with an object)%n", s.meanOnObject(), 100 * s.pointingGame(), s.meanIou(), s.located());
        }
        for (AuditSummary.ClassRow r : s.perClass()) {
            info.printf(Locale.ROOT, "  %-16s %4d images  accuracy %5.1f %%  on-object %s%n", r.name(), r.images(),
                    100 * r.accuracy(), r.meanOnObject() == null ? "-" : String.format(Locale.ROOT, "%.3f",
                            r.meanOnObject()));
        }
        failures.forEach((image, f) -> System.err.println("  failed: " + image + ": " + f.message()));
    }
}
