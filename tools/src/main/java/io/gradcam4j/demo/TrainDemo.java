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
 * Trains the bundled demo model with this project's engine: a small CNN ({@link ShapesModel}) on
 * generated shapes ({@link ShapesDataset}), then measures it on held-out images — accuracy and
 * the Grad-CAM pointing game — and writes {@code shapes_cnn.h5}, one demo PNG per class and
 * {@code demo.json} into the output folder.
 *
 * <pre>
 *   java -Dgradcam4j.threads=2 -cp tools/target/gradcam.jar io.gradcam4j.demo.TrainDemo \
 *        [--out tools/src/main/resources/io/gradcam4j/demo] [--seed 1] [--size 32] [--train 10000]
 *        [--epochs 12] [--batch 16] [--lr 0.005] [--filters 16,24,48] [--test 1000]
 * </pre>
 */
public final class TrainDemo {
    /** Demo images are drawn larger than the model's input; the command line resizes them. */
    static final int DEMO_IMAGE_SIZE = 128;

    private TrainDemo() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        Path out = Path.of(o.getOrDefault("out", "tools/src/main/resources/io/gradcam4j/demo"));
        long seed = Long.parseLong(o.getOrDefault("seed", "1"));
        int size = Integer.parseInt(o.getOrDefault("size", "32"));
        int trainCount = Integer.parseInt(o.getOrDefault("train", "10000"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "12"));
        int batch = Integer.parseInt(o.getOrDefault("batch", "16"));
        double lr = Double.parseDouble(o.getOrDefault("lr", "0.005"));
        int testCount = Integer.parseInt(o.getOrDefault("test", "1000"));
        String[] f = o.getOrDefault("filters", "16,24,48").split(",");
        int[] filters = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            filters[i] = Integer.parseInt(f[i].trim());
        }
        Files.createDirectories(out);
        System.out.printf(Locale.ROOT, "kernels %s, %d threads, %d processors%n", Kernels.active().name(),
                Parallel.threads(), Runtime.getRuntime().availableProcessors());

        ShapesDataset data = new ShapesDataset(seed, size);
        long tGen = System.nanoTime();
        Examples train = data.examples(ShapesDataset.Split.TRAIN, 0, trainCount);
        Examples test = data.examples(ShapesDataset.Split.TEST, 0, testCount);
        System.out.printf(Locale.ROOT, "generated %d training and %d test images of %dx%d in %.1f s%n", trainCount,
                testCount, size, size, (System.nanoTime() - tGen) / 1e9);

        ModelSpec spec = ShapesModel.spec(size, ShapesDataset.CLASSES.size(), filters);
        KerasModel model = ShapesModel.model(spec, ShapesModel.initialWeights(spec, seed));
        System.out.print(model.summary());
        Graph logits = model.graph().withoutFinalActivation().orElseThrow();
        Adam adam = new Adam(lr);
        Trainer trainer = new Trainer(logits, adam, true);

        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        ArrayNode history = new ObjectMapper().createArrayNode();
        for (int e = 0; e < epochs; e++) {
            // Cosine decay per epoch, from lr down to lr / 20.
            double rate = lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * e / epochs)));
            adam.learningRate(rate);
            Trainer.EpochStats s = trainer.fit(train, e, 1, batch, seed, null);
            Trainer.EpochStats v = trainer.evaluate(test, 100);
            System.out.printf(Locale.ROOT, "epoch %d/%d  lr %.5f  loss %.4f  accuracy %.4f  |  test loss %.4f  "
                    + "test accuracy %.4f  (%.1f s)%n", e + 1, epochs, rate, s.loss(), s.accuracy(), v.loss(),
                    v.accuracy(), s.seconds());
            history.addObject().put("epoch", e + 1).put("learning_rate", rate).put("loss", round(s.loss()))
                    .put("accuracy", round(s.accuracy())).put("test_loss", round(v.loss()))
                    .put("test_accuracy", round(v.accuracy())).put("seconds", round(s.seconds()));
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        double trainCpu = (processCpuNanos() - cpu0) / 1e9;
        System.out.printf(Locale.ROOT, "training: %.1f s wall, %.1f s CPU (includes the per-epoch test evaluation)%n",
                trainSeconds, trainCpu);

        Path h5 = out.resolve("shapes_cnn.h5");
        KerasH5Writer.save(model, h5);
        // Everything below measures the file as written, not the in-memory model.
        Graph loaded = KerasH5File.load(h5);
        PointingGame.Result r = PointingGame.evaluate(loaded, ShapesModel.GRADCAM_LAYER, data,
                ShapesDataset.Split.TEST, 0, testCount);
        System.out.println("held-out (TEST 0.." + (testCount - 1) + ", from " + h5.getFileName() + "): " + r);

        ArrayNode images = new ObjectMapper().createArrayNode();
        int index = testCount;   // demo pictures: held-out samples after the evaluated ones
        for (int c = 0; c < ShapesDataset.CLASSES.size(); c++) {
            for (int i = index + c; ; i += ShapesDataset.CLASSES.size()) {
                ShapesDataset.Sample picture = data.sample(ShapesDataset.Split.TEST, i, DEMO_IMAGE_SIZE);
                String name = picture.className() + ".png";
                Path file = out.resolve(name);
                ImageIO.write(picture.image(), "png", file.toFile());
                // Read it back as the command line does (Keras load_img: nearest resize to the input).
                var input = ImageLoader.load(file, new ImageLoader.Options(size, size, 3,
                        ImageLoader.Interpolation.NEAREST, false)).pixels();
                PointingGame.Outcome hit = PointingGame.judge(loaded, ShapesModel.GRADCAM_LAYER,
                        data.sample(ShapesDataset.Split.TEST, i), input);
                if (hit.predicted() == c && hit.maskHit()) {
                    images.add(name);
                    System.out.println("demo image " + name + " = TEST sample " + i);
                    break;
                }
            }
        }

        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode info = json.createObjectNode();
        info.put("model", "shapes_cnn.h5");
        ArrayNode classes = info.putArray("classes");
        ShapesDataset.CLASSES.forEach(classes::add);
        info.putArray("input_size").add(size).add(size).add(3);
        info.put("preprocessing", "none");
        info.put("preprocessing_note", "raw RGB values 0..255; the model's first layer, 'rescaling', maps them to [-1, 1] (x / 127.5 - 1)");
        info.put("gradcam_layer", ShapesModel.GRADCAM_LAYER);
        info.set("images", images);
        info.put("demo_image_size", DEMO_IMAGE_SIZE);
        info.put("test_accuracy", round(r.accuracy()));
        info.put("pointing_game_accuracy", round(r.boxHits()));
        info.put("pointing_game_mask_accuracy", round(r.maskHits()));
        info.put("test_samples", r.count());
        info.put("test_split", "ShapesDataset(seed " + seed + ", " + size + ") TEST samples 0.." + (testCount - 1));
        info.put("training_samples", trainCount);
        info.put("epochs", epochs);
        info.put("batch_size", batch);
        info.put("optimizer", adam.describe().replaceAll("lr [0-9.E-]+", "lr " + lr + " cosine-decayed per epoch to "
                + lr * 0.05));
        info.put("parameters", ShapesModel.parameterCount(spec));
        info.put("training_seconds", round(trainSeconds));
        info.put("training_cpu_seconds", round(trainCpu));
        info.put("threads", Parallel.threads());
        info.put("kernels", Kernels.active().name());
        info.put("seed", seed);
        info.put("trained_by", "io.gradcam4j.demo.TrainDemo (gradcam4j engine)");
        info.set("history", history);
        json.writeValue(out.resolve("demo.json").toFile(), info);
        System.out.printf(Locale.ROOT, "wrote %s (%d bytes), %d images, demo.json%n", h5, Files.size(h5), images.size());
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
