package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gradcam convert} writes Keras 3 files (KerasV3Writer) that the command line opens again
 * with the same answers, and {@code --weights} takes Keras 3 weights ({@code .weights.h5}, sharded
 * {@code .weights.json}) for an application and for a model file. Each comparison is with the
 * model as it was before conversion, to the last bit: the files hold the same float32 values.
 * That TF.js reads the archives is SavedFileReferenceTest's (testdata/saved/*_keras).
 */
class ConvertCommandTest {
    private static final Path IMAGE = TestData.projectRoot().resolve("testdata/shapes/swapped/square/001.png");

    @TempDir
    Path tmp;

    /** The bundled demo as a .keras: predictions and the Grad-CAM map identical to the .h5's. */
    @Test
    void theDemoAsKerasExplainsExactlyAsTheH5() throws IOException {
        Path keras = tmp.resolve("shapes_clean.keras");
        CliRun convert = CliRun.run("convert", "--model", "demo", "--out", keras.toString());
        assertEquals(0, convert.code(), convert.err());
        Path image = TestData.testdata("images", "rgb.png");
        CliRun h5 = CliRun.run("explain", "--json", "--out", tmp.resolve("a").toString(), image.toString());
        CliRun archive = CliRun.run("explain", "--json", "--model", keras.toString(), "--out", tmp.resolve("b").toString(),
                image.toString());
        assertEquals(0, h5.code(), h5.err());
        assertEquals(0, archive.code(), archive.err());
        JsonNode a = h5.json();
        JsonNode b = archive.json();
        assertEquals(a.get("probabilities"), b.get("probabilities"));
        assertEquals(a.get("layer"), b.get("layer"));
        assertEquals(a.get("targets").get(0).get("cam"), b.get("targets").get(0).get("cam"));
        assertEquals(a.get("targets").get(0).get("index"), b.get("targets").get(0).get("index"));
    }

    @Test
    void anApplicationTakesKerasThreeWeightsWholeOrSharded() throws IOException {
        Path weights = tmp.resolve("mobilenet.weights.h5");
        Path index = tmp.resolve("mobilenet.weights.json");
        assertEquals(0, CliRun.run("convert", "--model", "mobilenet_0.25_128", "--weights", "none", "--out",
                weights.toString()).code());
        CliRun sharded = CliRun.run("convert", "--model", "mobilenet_0.25_128", "--weights", "none", "--out",
                index.toString(), "--max-shard-size", "1.05");
        assertEquals(0, sharded.code(), sharded.err());
        assertTrue(sharded.out().contains("mobilenet_00001.weights.h5"), sharded.out());

        Path image = TestData.testdata("images", "rgb.png");
        JsonNode seeded = predict("--model", "mobilenet_0.25_128", "--weights", "none", image.toString());
        JsonNode whole = predict("--model", "mobilenet_0.25_128", "--weights", weights.toString(), image.toString());
        JsonNode shards = predict("--model", "mobilenet_0.25_128", "--weights", index.toString(), image.toString());
        assertEquals(seeded.get("probabilities"), whole.get("probabilities"));
        assertEquals(seeded.get("probabilities"), shards.get("probabilities"));
    }

    /** --model FILE --weights W: the file's architecture with other weights, as model.load_weights. */
    @Test
    void aModelFileTakesKerasThreeWeights() throws IOException {
        assertTrue(Files.exists(IMAGE), IMAGE + " is part of the project's testdata");
        Path clean = tmp.resolve("clean.keras");
        Path shortcutWeights = tmp.resolve("shortcut.weights.h5");
        assertEquals(0, CliRun.run("convert", "--model", "demo", "--out", clean.toString()).code());
        assertEquals(0, CliRun.run("convert", "--model", "demo-shortcut", "--out", shortcutWeights.toString()).code());
        JsonNode shortcut = predict("--model", "demo-shortcut", IMAGE.toString());
        JsonNode swapped = predict("--model", clean.toString(), "--weights", shortcutWeights.toString(), IMAGE.toString());
        JsonNode own = predict("--model", clean.toString(), IMAGE.toString());
        assertEquals(shortcut.get("probabilities"), swapped.get("probabilities"));
        assertNotEquals(own.get("probabilities"), swapped.get("probabilities"), "the two demo models differ");
        assertTrue(swapped.get("model").get("source").asText().contains("with the weights of"),
                swapped.get("model").toString());

        // Keras 2 weights (layer_names) pair layers by position: they go with an application name
        Path keras2 = tmp.resolve("keras2.h5");
        assertEquals(0, CliRun.run("convert", "--model", "demo", "--out", keras2.toString()).code());
        CliRun refused = CliRun.run("predict", "--json", "--model", clean.toString(), "--weights", keras2.toString(),
                IMAGE.toString());
        assertNotEquals(0, refused.code());
        assertTrue(refused.out().contains("takes Keras 3 weights"), refused.out());
    }

    @Test
    void anOutputNameThatChoosesNoFormatIsRefused() throws IOException {
        CliRun r = CliRun.run("convert", "--model", "demo", "--out", tmp.resolve("m.zip").toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains(".keras, .weights.h5, .weights.json or .h5"), r.err());
    }

    private static JsonNode predict(String... args) throws IOException {
        String[] all = new String[args.length + 2];
        all[0] = "predict";
        all[1] = "--json";
        System.arraycopy(args, 0, all, 2, args.length);
        CliRun r = CliRun.run(all);
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode j = r.json();
        return j.has("results") ? j.get("results").get(0) : j;
    }
}
