package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.cam.Labels;
import io.gradcam4j.engine.kernels.KernelWarmUp;
import io.gradcam4j.keras.KerasH5File;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.WeightsOnlyFile;
import io.gradcam4j.keras.applications.Application;
import io.gradcam4j.keras.applications.Applications;
import io.gradcam4j.keras.applications.Preprocessing;
import io.gradcam4j.keras.download.CacheLocations;
import io.gradcam4j.keras.download.DownloadProgress;
import io.gradcam4j.keras.download.WeightsCache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Resolves {@code --model}: a .h5 file, an application name, or a bundled demo model: {@code demo}
 * (also when absent) or {@code demo-shortcut}, the one trained where the background gives the class away.
 */
final class ModelLoader {
    static final String DEMO_RESOURCE = "/io/gradcam4j/demo/";
    /**
     * The bundled models by name, each described by a JSON file in {@link #DEMO_RESOURCE}. These
     * names win over a file of the same name in the working directory (give {@code ./demo}).
     */
    private static final java.util.SortedMap<String, String> DEMOS = new java.util.TreeMap<>(java.util.Map.of(
            "demo", "demo.json", "demo-shortcut", "demo-shortcut.json"));

    private ModelLoader() {
    }

    /**
     * The model the options name. While its file is read (one core), the kernels are compiled on
     * the other by the {@link KernelWarmUp} that {@code main} started; it stops here, when the
     * real work needs both cores. Xception's first image then takes about a third of the time it
     * takes in a JVM that has compiled nothing.
     */
    static LoadedModel load(ModelOptions o, DownloadProgress progress) throws IOException {
        try {
            return loadModel(o, progress);
        } finally {
            KernelWarmUp.stop();
        }
    }

    private static LoadedModel loadModel(ModelOptions o, DownloadProgress progress) throws IOException {
        if (o.model == null || DEMOS.containsKey(o.model)) {
            refuseWeightsOption(o, "the bundled demo model");
            return demo(o, o.model == null ? "demo" : o.model);
        }
        Path file = Path.of(o.model);
        if (Files.exists(file) || o.model.toLowerCase(Locale.ROOT).endsWith(".h5")) {
            refuseWeightsOption(o, "a model file, which holds its own weights");
            return fromFile(file, o);
        }
        return application(o, progress);
    }

    private static void refuseWeightsOption(ModelOptions o, String what) {
        if (o.weights != null) {
            throw new IllegalArgumentException("--weights goes with an application name (" + Applications.NAMES
                    + "), not with " + what);
        }
    }

    private static LoadedModel fromFile(Path file, ModelOptions o) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("model file " + file + " does not exist");
        }
        FileDigest digest = FileDigest.of(file);
        KerasModel model = KerasH5File.loadModel(file);
        Labels labels = o.labels != null ? Labels.read(o.labels) : null;
        return new LoadedModel(model, file.toString(), digest, labels, preprocessing(o, Preprocessing.NONE),
                o.interpolationMode(), o.keepAspectRatio, o.maxPixels);
    }

    private static LoadedModel application(ModelOptions o, DownloadProgress progress) throws IOException {
        Application app;
        try {
            app = Applications.byName(o.model);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; or " + String.join(", ", DEMOS.keySet())
                    + " (bundled), or a .h5 file", e);
        }
        if (o.weights != null && !Files.isRegularFile(o.weights)) {
            throw new IOException("weights file " + o.weights + " does not exist");
        }
        Path weights = o.weights != null ? o.weights
                : new WeightsCache(CacheLocations.standard(o.cache)).resolve(o.model, progress);
        FileDigest digest = FileDigest.of(weights);
        KerasModel model = WeightsOnlyFile.load(weights, app);
        Labels labels = o.labels != null ? Labels.read(o.labels)
                : o.model.endsWith("_no_top") ? null : Labels.imagenet();
        return new LoadedModel(model, o.model, digest, labels, preprocessing(o, app.preprocessing()),
                o.interpolationMode(), o.keepAspectRatio, o.maxPixels);
    }

    /** A demo model bundled in the jar: trained by this project's engine on generated shapes. */
    private static LoadedModel demo(ModelOptions o, String name) throws IOException {
        JsonNode info;
        try (InputStream in = ModelLoader.class.getResourceAsStream(DEMO_RESOURCE + DEMOS.get(name))) {
            if (in == null) {
                throw new IOException("the " + name + " model is missing from this build (" + DEMO_RESOURCE
                        + DEMOS.get(name) + ")");
            }
            info = new ObjectMapper().readTree(in);
        }
        Path tmp = Files.createTempFile("gradcam4j-demo", ".h5");
        tmp.toFile().deleteOnExit();
        try (InputStream in = ModelLoader.class.getResourceAsStream(DEMO_RESOURCE + info.path("model").asText())) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        FileDigest digest = FileDigest.of(tmp);
        KerasModel model = KerasH5File.loadModel(tmp);
        java.util.List<String> names = new java.util.ArrayList<>();
        info.path("classes").forEach(c -> names.add(c.asText()));
        Labels labels = o.labels != null ? Labels.read(o.labels) : Labels.of(names);
        Preprocessing pre = preprocessing(o, Preprocessing.valueOf(info.path("preprocessing").asText("none")
                .toUpperCase(Locale.ROOT)));
        return new LoadedModel(model, name + " (" + info.path("model").asText() + ")", digest, labels, pre,
                o.interpolationMode(), o.keepAspectRatio, o.maxPixels);
    }

    private static Preprocessing preprocessing(ModelOptions o, Preprocessing fallback) {
        if (o.preprocess == null) {
            return fallback;
        }
        try {
            return Preprocessing.valueOf(o.preprocess.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--preprocess must be caffe, tf, torch or none, not " + o.preprocess);
        }
    }
}
