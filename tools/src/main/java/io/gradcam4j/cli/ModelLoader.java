package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.cam.Labels;
import io.gradcam4j.engine.kernels.KernelWarmUp;
import io.gradcam4j.keras.KerasH5File;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.KerasModelFile;
import io.gradcam4j.keras.applications.Application;
import io.gradcam4j.keras.applications.Applications;
import io.gradcam4j.keras.applications.Pooling;
import io.gradcam4j.keras.applications.Preprocessing;
import io.gradcam4j.keras.applications.WeightsOnlyFile;
import io.gradcam4j.keras.download.CacheLocations;
import io.gradcam4j.keras.download.DownloadProgress;
import io.gradcam4j.keras.download.WeightsCache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves {@code --model}: a .h5 file, an application name, or a bundled demo model: {@code demo}
 * (also when absent) or {@code demo-shortcut}, the one trained where the background gives the class away.
 */
public final class ModelLoader {
    static final String DEMO_RESOURCE = "/io/gradcam4j/demo/";
    /**
     * The bundled models by name, each described by a JSON file in {@link #DEMO_RESOURCE}. These
     * names win over a file of the same name in the working directory (give {@code ./demo}).
     */
    private static final java.util.SortedMap<String, String> DEMOS = new java.util.TreeMap<>(java.util.Map.of(
            "demo", "demo.json", "demo-shortcut", "demo-shortcut.json"));

    private ModelLoader() {
    }

    /** The names of the bundled demo models ({@code demo}, {@code demo-shortcut}). */
    public static java.util.Set<String> demoNames() {
        return DEMOS.keySet();
    }

    /**
     * The model the options name. While its file is read (one core), the kernels are compiled on
     * the other by the {@link KernelWarmUp} that {@code main} started; it stops here, when the
     * real work needs both cores. Xception's first image then takes about a third of the time it
     * takes in a JVM that has compiled nothing.
     */
    public static LoadedModel load(ModelOptions o, DownloadProgress progress) throws IOException {
        return load(o, Map.of(), progress);
    }

    /** @param heldInputs the values of the model's other inputs ({@code --input NAME=X.npy}), by input name */
    static LoadedModel load(ModelOptions o, Map<String, Path> heldInputs, DownloadProgress progress) throws IOException {
        try {
            return loadModel(o, heldInputs, progress);
        } finally {
            KernelWarmUp.stop();
        }
    }

    private static LoadedModel loadModel(ModelOptions o, Map<String, Path> held, DownloadProgress progress)
            throws IOException {
        if (o.model == null || DEMOS.containsKey(o.model)) {
            refuseApplicationOptions(o, "the bundled demo model");
            return demo(o, o.model == null ? "demo" : o.model, held);
        }
        Path file = Path.of(o.model);
        if (Files.exists(file) || o.model.toLowerCase(Locale.ROOT).matches(".*\\.(h5|hdf5|keras)")) {
            if (o.weightsFile() != null && !o.noTop && Pooling.parse(o.pooling).equals(Pooling.NONE)) {
                return fromFile(file, o.weightsFile(), o, held);   // its architecture, other weights
            }
            refuseApplicationOptions(o, "a model file, which holds its own weights (--weights FILE may replace "
                    + "them with Keras 3 weights: .weights.h5 or sharded .weights.json)");
            return fromFile(file, null, o, held);
        }
        return application(o, held, progress);
    }

    /** --weights, --no-top and --pooling choose how an application is built; a file or the demo has no choice. */
    private static void refuseApplicationOptions(ModelOptions o, String what) {
        String given = o.weights != null ? "--weights" : o.noTop ? "--no-top"
                : !Pooling.parse(o.pooling).equals(Pooling.NONE) ? "--pooling" : null;
        if (given != null) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException(given + " goes with an application name ("
                    + Applications.NAMES + "), not with " + what);
        }
    }

    /**
     * A model file (.h5 or .keras, told by its first bytes) with its own weights, or with those of
     * {@code weights}: Keras 3 weights ({@code model.save_weights("m.weights.h5")}, or sharded
     * {@code m.weights.json}) put on its architecture, as Keras's {@code model.load_weights} does.
     */
    private static LoadedModel fromFile(Path file, Path weights, ModelOptions o, Map<String, Path> held)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("model file " + file + " does not exist");
        }
        KerasModel model = KerasModelFile.loadModel(file);     // .h5 or .keras, told by the first bytes
        FileDigest digest = FileDigest.of(file);
        String source = file.toString();
        if (weights != null) {
            model = withWeights(model, weights);
            digest = FileDigest.of(weights);
            source = file + " with the weights of " + weights;
        }
        Labels labels = o.labels != null ? Labels.read(o.labels) : null;
        return new LoadedModel(model, view(model, o, held), source, digest, labels,
                preprocessing(o, Preprocessing.NONE), o.interpolationMode(), o.keepAspectRatio, o.maxPixels);
    }

    private static KerasModel withWeights(KerasModel architecture, Path weights) throws IOException {
        if (!Files.isRegularFile(weights)) {
            throw new IOException("weights file " + weights + " does not exist");
        }
        if (!KerasModelFile.isKeras3Weights(weights)) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("--weights " + weights + " with a model file "
                    + "takes Keras 3 weights (model.save_weights(\"m.weights.h5\"), or sharded m.weights.json); this "
                    + "file is in Keras 2's layout (layer_names or model_config at its root): its weights pair layers by "
                    + "position and go with an application name");
        }
        return KerasModelFile.loadWeights(weights, architecture.modelConfig());
    }

    /**
     * An application by name: its official weights, a weights file ({@code --weights FILE}) or
     * seeded values ({@code --weights none}, no file), with or without its top.
     */
    private static LoadedModel application(ModelOptions o, Map<String, Path> held, DownloadProgress progress)
            throws IOException {
        String name = applicationName(o);
        Application named;
        try {
            named = Applications.byName(name);
        } catch (io.gradcam4j.engine.errors.InvalidRequestException e) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException(e.getMessage() + "; or "
                    + String.join(", ", DEMOS.keySet()) + " (bundled), or a .h5 file", e);
        }
        Application app = pooled(named, name, o);
        KerasModel model;
        FileDigest digest;
        String source = name;
        if (o.noWeights()) {
            model = Applications.seeded(app);
            digest = FileDigest.none();
            source = name + " (--weights none: seeded values)";
        } else {
            Path weights = o.weightsFile() != null ? o.weightsFile()
                    : new WeightsCache(CacheLocations.standard(o.cache)).resolve(name, progress);
            if (!Files.isRegularFile(weights)) {
                throw new IOException("weights file " + weights + " does not exist");
            }
            digest = FileDigest.of(weights);
            model = WeightsOnlyFile.load(weights, app);
        }
        Labels labels = o.labels != null ? Labels.read(o.labels) : isNoTop(name) ? null : Labels.imagenet();
        return new LoadedModel(model, view(model, o, held), source, digest, labels,
                preprocessing(o, app.preprocessing()), o.interpolationMode(), o.keepAspectRatio, o.maxPixels);
    }

    /** {@code --model NAME}, with {@code _no_top} when {@code --no-top} asks for it. */
    private static String applicationName(ModelOptions o) {
        return o.noTop && !isNoTop(o.model) ? o.model + "_no_top" : o.model;
    }

    private static boolean isNoTop(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith("_no_top");
    }

    /** {@code --pooling}: only for an application without its top, as Keras ignores it otherwise. */
    private static Application pooled(Application app, String name, ModelOptions o) {
        Pooling pooling = Pooling.parse(o.pooling);
        if (pooling != Pooling.NONE && !isNoTop(name)) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("--pooling " + o.pooling
                    + " goes with --no-top: with its classifier, " + name + " ends in its predictions");
        }
        return pooling.applyTo(app);
    }

    private static ModelView view(KerasModel model, ModelOptions o, Map<String, Path> held) {
        return ModelView.of(model, o.output, o.imageInput, held);
    }

    /** A demo model bundled in the jar: trained by this project's engine on generated shapes. */
    private static LoadedModel demo(ModelOptions o, String name, Map<String, Path> held) throws IOException {
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
        return new LoadedModel(model, view(model, o, held), name + " (" + info.path("model").asText() + ")", digest, labels, pre,
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
