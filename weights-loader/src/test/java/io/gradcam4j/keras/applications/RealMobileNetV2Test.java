package io.gradcam4j.keras.applications;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.keras.KerasH5File;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.KerasModelFile;
import io.gradcam4j.keras.reference.Comparison;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Java MobileNetV2 against one Keras built: the trunk of tm_cat_dog.h5 (shared corpus; a
 * Teachable Machine export holding tf.keras 2.4's MobileNetV2 alpha 0.35 at 224, without its top,
 * with trained weights). Its layers come in the same order, and with its weights our
 * architecture computes its {@code out_relu}. Skipped when the corpus is absent.
 */
class RealMobileNetV2Test {
    private static final String TRUNK = "sequential_1/model1/";

    private static Path corpusFile() {
        Path file = TestData.sharedCorpus().resolve("models/tm_cat_dog.h5");
        assumeTrue(Files.exists(file), file + " is absent; skipping");
        return file;
    }

    @Test
    void layersComeInTheOrderKerasSavedThem() throws IOException {
        KerasModel real = KerasModelFile.loadModel(corpusFile());
        List<String> theirs = new ArrayList<>();
        trunkConfig(real.modelConfig()).get("config").get("layers").forEach(l -> theirs.add(l.get("config").get("name")
                .asText()));
        // tf.keras 2.4 padded the stem in a layer of its own; Keras 3's Conv1 pads itself ("same")
        theirs.remove("Conv1_pad");
        assertEquals(theirs, Applications.byName("mobilenetv2_0.35_224_no_top").spec().layerOrder());
    }

    @Test
    void withTheTrunksWeightsItComputesTheTrunksOutput() throws IOException {
        Graph real = KerasH5File.load(corpusFile());
        Map<String, Node> nodes = real.nodes().stream().collect(Collectors.toMap(Node::name, n -> n));
        Application app = Applications.byName("mobilenetv2_0.35_224_no_top");
        KerasModel ours = Applications.model(app, layer -> nodes.get(TRUNK + layer).op().params().stream()
                .map(Param::value).toList());
        Tensor x = GradientCheck.random(new Random(3), -1f, 1f, 1, 224, 224, 3);
        Tensor expected = real.record(new Tensor[] {x}, Mode.INFERENCE, List.of(TRUNK + "out_relu"), false)
                .value(TRUNK + "out_relu");
        Comparison c = Comparison.of("out_relu", expected, ours.graph().predict(x));
        assertTrue(c.within(1e-5), c.toString());
    }

    /** The nested Functional model inside the outer Sequential models. */
    private static JsonNode trunkConfig(JsonNode node) {
        for (JsonNode layer : node.path("config").path("layers")) {
            if (layer.get("class_name").asText().matches("Functional|Model")) {
                return layer;
            }
            JsonNode inner = trunkConfig(layer);
            if (inner != null) {
                return inner;
            }
        }
        return null;
    }
}
