package io.gradcam4j.cli;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Colormap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cam.methods.MethodOptions;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.Overlay;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.keras.KerasModelFile;
import io.gradcam4j.keras.KerasV3Writer;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.applications.Preprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The library example of the README, as written there, runs and writes both overlays. */
class ReadmeExampleTest {

    @Test
    void readmeLibraryExampleRuns(@TempDir Path out) throws IOException {
        Path modelFile = TestData.sharedCorpus().resolve("models/tm_cat_dog.h5");
        Path image = TestData.sharedCorpus().resolve("images/demo/both.png");
        assumeTrue(Files.exists(modelFile) && Files.exists(image), "../shared/corpus is absent; skipping");

        // --- as in README.md ---
        KerasModel model = KerasModelFile.loadModel(modelFile);
        KerasV3Writer.save(model, out.resolve("tm_cat_dog.keras"));
        KerasModel same = KerasModelFile.loadModel(out.resolve("tm_cat_dog.keras"));
        ImageLoader.LoadedImage img = ImageLoader.load(image,
                new ImageLoader.Options(224, 224, 3, ImageLoader.Interpolation.BILINEAR, true));
        Tensor x = Preprocessing.TF.apply(img.pixels());
        Explanation e = Methods.byName("gradcam").explain(model.graph(), x, model.suggestedGradcamLayer(),
                List.of(0, 1), ScoreKind.LOGIT);
        for (ClassMap map : e.maps()) {
            ImageIO.write(Overlay.overlay(img.original(), map, Colormap.JET, 0.4f), "png",
                    new File(out.toFile(), "both." + map.classIndex() + ".png"));
        }
        // ---
        List<Tensor> images = List.of(x, x);
        // --- the README's batch example
        ExplainRequest request = new ExplainRequest(List.of(model.suggestedGradcamLayer()),
                probabilities -> List.of(),                                     // each image's predicted class
                ScoreKind.LOGIT, MethodOptions.builder().steps(32).baseline(MethodOptions.Baseline.BLUR).build(),
                Preprocessing.TF::apply, null);
        List<Explanation> each = Methods.byName("integrated-gradients").explain(model.graph(), Tensor.stack(images), request);
        // ---
        assertEquals(2, each.size());
        assertEquals(32, each.get(1).parameters().get("steps"));
        assertEquals(1, each.get(0).maps().get(0).classIndex(), "the predicted class of both.png");

        assertArrayEquals(model.graph().predict(x).data(), same.graph().predict(x).data(), 0f,
                "the .keras computes what the .h5 computes");
        assertEquals("sequential_1/model1/out_relu", e.layer());
        assertTrue(Files.size(out.resolve("both.0.png")) > 1000 && Files.size(out.resolve("both.1.png")) > 1000);
        assertTrue(e.probabilities()[1] > 0.99f, "both.png is class 1 for this model, as the README says");
    }
}
