package io.gradcam4j.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.Parallel;
import io.gradcam4j.engine.train.Adam;
import io.gradcam4j.engine.train.Examples;
import io.gradcam4j.engine.train.Trainer;
import io.gradcam4j.keras.KerasH5File;
import io.gradcam4j.keras.KerasH5Writer;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.applications.ModelSpec;

import javax.imageio.ImageIO;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a bundled demo model with this project's engine — a small CNN ({@link ShapesModel}) on
 * generated shapes ({@link ShapesDataset}) — measures it, and writes the model, its JSON record
 * and (for the clean model) one demo picture per class into the output folder. Two variants:
 * <ul>
 *   <li>{@code demo} (default): the clean model, trained on shapes on random clutter with broad
 *       variation. Writes {@code shapes_clean.h5}, {@code demo.json} and the five demo pictures.
 *   <li>{@code demo-shortcut}: trained where the background texture gives the class away
 *       ({@link ShapesDataset.Backdrop#SHORTCUT}). Writes {@code shapes_shortcut.h5} and
 *       {@code demo-shortcut.json}.
 * </ul>
 * Each epoch trains on fresh pictures (TRAIN samples {@code e * train ..}), so no picture is seen
 * twice; over the first {@code --ramp} epochs the pictures go from easy to the full variation (a
 * curriculum: {@link ShapesDataset#withDifficulty}). Without it the clean model learnt nothing in
 * its first two epochs: in heavy clutter a network that has not yet found the object has nothing to
 * follow. After training, the file as written is measured on the generator's TEST split (accuracy,
 * Grad-CAM pointing game) and, when the folders exist, on {@code testdata/shapes/heldout} and
 * {@code testdata/shapes/swapped} (accuracy and on-object share, {@link HeldOutEvaluation}); those
 * figures are only recorded, nothing in training depends on them. The committed models are made by
 * <pre>
 *   java --add-modules jdk.incubator.vector -Dgradcam4j.threads=2 -cp tools/target/gradcam.jar \
 *        io.gradcam4j.demo.TrainDemo [--variant demo|demo-shortcut]
 * </pre>
 * from the project's root (options: {@code --out --seed --size --train --epochs --batch --lr
 * --filters --test --ramp}; the defaults are the committed runs).
 */
public final class TrainDemo {
    /** Demo images are drawn larger than the model's input; the command line resizes them. */
    static final int DEMO_IMAGE_SIZE = ShapesDataset.PICTURE_SIZE;
    static final Path RESOURCES = Path.of("tools/src/main/resources/io/gradcam4j/demo");
    static final Path HELDOUT = Path.of("testdata/shapes/heldout");
    static final Path SWAPPED = Path.of("testdata/shapes/swapped");

    /** A variant and the defaults of its committed run. */
    private record Variant(String name, ShapesDataset.Backdrop backdrop, String modelFile, String jsonFile,
                           boolean demoImages, Map<String, String> defaults) {
    }

    private static final Variant CLEAN = new Variant("demo", ShapesDataset.Backdrop.CLUTTER, "shapes_clean.h5",
            "demo.json", true, Map.of("seed", "1", "size", "64", "train", "12000", "epochs", "12", "batch", "32",
            "lr", "0.004", "filters", "16,32,64,64", "test", "1000", "ramp", "4"));
    private static final Variant SHORTCUT = new Variant("demo-shortcut", ShapesDataset.Backdrop.SHORTCUT,
            "shapes_shortcut.h5", "demo-shortcut.json", false, Map.of("seed", "2", "size", "64", "train", "6000",
            "epochs", "3", "batch", "32", "lr", "0.004", "filters", "16,32,64,64", "test", "1000", "ramp", "0"));

    private TrainDemo() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String variantName = o.getOrDefault("variant", CLEAN.name());
        Variant variant = switch (variantName) {
            case "demo" -> CLEAN;
            case "demo-shortcut" -> SHORTCUT;
            default -> throw new IllegalArgumentException("--variant is demo or demo-shortcut, not " + variantName);
        };
        Map<String, String> d = variant.defaults();
        Path out = Path.of(o.getOrDefault("out", RESOURCES.toString()));
        long seed = Long.parseLong(o.getOrDefault("seed", d.get("seed")));
        int size = Integer.parseInt(o.getOrDefault("size", d.get("size")));
        int trainCount = Integer.parseInt(o.getOrDefault("train", d.get("train")));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", d.get("epochs")));
        int batch = Integer.parseInt(o.getOrDefault("batch", d.get("batch")));
        double lr = Double.parseDouble(o.getOrDefault("lr", d.get("lr")));
        int testCount = Integer.parseInt(o.getOrDefault("test", d.get("test")));
        int ramp = Integer.parseInt(o.getOrDefault("ramp", d.get("ramp")));
        String[] f = o.getOrDefault("filters", d.get("filters")).split(",");
        int[] filters = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            filters[i] = Integer.parseInt(f[i].trim());
        }
        String layer = ShapesModel.gradcamLayer(filters.length);
        Files.createDirectories(out);
        System.out.printf(Locale.ROOT, "%s: kernels %s, %d threads, %d processors%n", variant.name(),
                Kernels.active().name(), Parallel.threads(), Runtime.getRuntime().availableProcessors());

        ShapesDataset data = new ShapesDataset(seed, size, variant.backdrop());
        Examples test = data.examples(ShapesDataset.Split.TEST, 0, testCount);

        ModelSpec spec = ShapesModel.spec(size, ShapesDataset.CLASSES.size(), filters);
        KerasModel model = ShapesModel.model(spec, ShapesModel.initialWeights(spec, seed));
        System.out.print(model.summary());
        Graph logits = model.graph().withoutFinalActivation().orElseThrow();
        Adam adam = new Adam(lr);
        Trainer trainer = new Trainer(logits, adam, true);

        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        double generating = 0;
        ArrayNode history = new ObjectMapper().createArrayNode();
        for (int e = 0; e < epochs; e++) {
            long tGen = System.nanoTime();
            double difficulty = ramp == 0 ? 1 : Math.min(1, (double) e / ramp);
            Examples train = data.withDifficulty(difficulty).examples(ShapesDataset.Split.TRAIN, e * trainCount,
                    trainCount);
            double genSeconds = (System.nanoTime() - tGen) / 1e9;
            generating += genSeconds;
            // Cosine decay per epoch, from lr down to lr / 20.
            double rate = lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * e / epochs)));
            adam.learningRate(rate);
            Trainer.EpochStats s = trainer.fit(train, e, 1, batch, seed, null);
            Trainer.EpochStats v = trainer.evaluate(test, 100);
            System.out.printf(Locale.ROOT, "epoch %d/%d  difficulty %.2f  lr %.5f  loss %.4f  accuracy %.4f  |  "
                    + "test loss %.4f  test accuracy %.4f  (%.1f s, pictures drawn in %.1f s)%n", e + 1, epochs,
                    difficulty, rate, s.loss(), s.accuracy(), v.loss(), v.accuracy(), s.seconds(), genSeconds);
            history.addObject().put("epoch", e + 1).put("difficulty", round(difficulty)).put("learning_rate", rate)
                    .put("loss", round(s.loss()))
                    .put("accuracy", round(s.accuracy())).put("test_loss", round(v.loss()))
                    .put("test_accuracy", round(v.accuracy())).put("seconds", round(s.seconds()));
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        double trainCpu = (processCpuNanos() - cpu0) / 1e9;
        System.out.printf(Locale.ROOT, "training: %.1f s wall (%.1f s of it drawing pictures), %.1f s CPU "
                + "(includes the per-epoch test evaluation)%n", trainSeconds, generating, trainCpu);

        Path h5 = out.resolve(variant.modelFile());
        KerasH5Writer.save(model, h5);
        // Everything below measures the file as written, not the in-memory model.
        KerasModel loaded = KerasH5File.loadModel(h5);
        PointingGame.Result r = PointingGame.evaluate(loaded.graph(), layer, data, ShapesDataset.Split.TEST, 0,
                testCount);
        System.out.println("TEST 0.." + (testCount - 1) + " (from " + h5.getFileName() + "): " + r);

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode info = json.createObjectNode();
        info.put("model", variant.modelFile());
        info.put("variant", variant.name());
        info.put("dataset", "ShapesDataset backdrop " + variant.backdrop().name().toLowerCase(Locale.ROOT));
        ArrayNode classes = info.putArray("classes");
        ShapesDataset.CLASSES.forEach(classes::add);
        info.putArray("input_size").add(size).add(size).add(3);
        info.put("preprocessing", "none");
        info.put("preprocessing_note", "raw RGB values 0..255; the model's first layer, 'rescaling', maps them to "
                + "[-1, 1] (x / 127.5 - 1)");
        info.put("gradcam_layer", layer);
        ArrayNode images = info.putArray("images");
        if (variant.demoImages()) {
            writeDemoImages(loaded.graph(), layer, data, size, testCount, out, images);
        }
        info.put("demo_image_size", DEMO_IMAGE_SIZE);
        info.put("test_accuracy", round(r.accuracy()));
        info.put("pointing_game_accuracy", round(r.boxHits()));
        info.put("pointing_game_mask_accuracy", round(r.maskHits()));
        info.put("test_samples", r.count());
        info.put("test_split", "ShapesDataset(seed " + seed + ", " + size + ", "
                + variant.backdrop().name().toLowerCase(Locale.ROOT) + ") TEST samples 0.." + (testCount - 1));
        for (Path set : new Path[] {HELDOUT, SWAPPED}) {
            if (Files.isDirectory(set)) {
                HeldOutEvaluation.Result h = HeldOutEvaluation.evaluate(loaded.graph(), layer, HeldOutSet.load(set, size));
                System.out.println(set + ": " + h);
                System.out.println(HeldOutEvaluation.confusionTable(h.confusion()));
                info.putObject(set.getFileName().toString()).put("folder", set.toString())
                        .put("accuracy", round(h.accuracy())).put("on_object_share", round(h.onObjectShare()))
                        .put("pictures", h.count())
                        .put("note", "measured after training, the pictures loaded as the command line "
                                + "loads them; never trained on");
            }
        }
        info.put("training_samples_per_epoch", trainCount);
        info.put("training_samples", (long) trainCount * epochs);
        info.put("epochs", epochs);
        info.put("curriculum_epochs", ramp);
        info.put("batch_size", batch);
        info.putArray("filters").addAll(java.util.Arrays.stream(filters).mapToObj(json.getNodeFactory()::numberNode)
                .toList());
        info.put("optimizer", adam.describe().replaceAll("lr [0-9.E-]+", "lr " + lr + " cosine-decayed per epoch to "
                + lr * 0.05));
        info.put("parameters", ShapesModel.parameterCount(spec));
        info.put("training_seconds", round(trainSeconds));
        info.put("training_cpu_seconds", round(trainCpu));
        info.put("threads", Parallel.threads());
        info.put("kernels", Kernels.active().name());
        info.put("seed", seed);
        info.put("command", "java --add-modules jdk.incubator.vector -Dgradcam4j.threads=" + Parallel.threads()
                + " -cp tools/target/gradcam.jar io.gradcam4j.demo.TrainDemo" + (args.length > 0 ? " "
                + String.join(" ", args) : ""));
        info.put("trained_by", "io.gradcam4j.demo.TrainDemo (gradcam4j engine)");
        info.set("history", history);
        json.writeValue(out.resolve(variant.jsonFile()).toFile(), info);
        System.out.printf(Locale.ROOT, "wrote %s (%d bytes), %d images, %s%n", h5, Files.size(h5), images.size(),
                variant.jsonFile());
    }

    /**
     * One demo picture per class: the first TEST pictures after the evaluated ones that the model,
     * reading the file as the command line does, classifies right with its Grad-CAM maximum on the
     * object.
     */
    private static void writeDemoImages(Graph graph, String layer, ShapesDataset data, int size, int firstIndex,
                                        Path out, ArrayNode images) throws Exception {
        int classes = ShapesDataset.CLASSES.size();
        for (int c = 0; c < classes; c++) {
            for (int i = firstIndex + c; ; i += classes) {
                if (i > firstIndex + 1000 * classes) {
                    throw new IllegalStateException("no TEST picture of class " + c + " in a thousand that the "
                            + "model classifies right with its Grad-CAM maximum on the object");
                }
                ShapesDataset.Sample picture = data.picture(ShapesDataset.Split.TEST, i);
                String name = picture.className() + ".png";
                Path file = out.resolve(name);
                ImageIO.write(picture.image(), "png", file.toFile());
                var input = ImageLoader.load(file, new ImageLoader.Options(size, size, 3,
                        ImageLoader.Interpolation.NEAREST, false)).pixels();
                PointingGame.Outcome hit = PointingGame.judge(graph, layer, data.sample(ShapesDataset.Split.TEST, i),
                        input);
                if (hit.predicted() == c && hit.maskHit()) {
                    images.add(name);
                    System.out.println("demo image " + name + " = TEST sample " + i);
                    break;
                }
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options are --name value pairs, got " + String.join(" ", args));
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }
}
