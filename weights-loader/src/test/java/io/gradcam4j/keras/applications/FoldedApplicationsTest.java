package io.gradcam4j.keras.applications;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.keras.KerasModel;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The keras.applications models run with BatchNormalization and activations folded into their
 * convolutions: the folded plan has the layer count the architecture implies, and its logits
 * equal the layer-by-layer logits within 1e-5 of the largest one (ApplicationsReferenceTest
 * checks the folded path against TensorFlow.js as well).
 */
class FoldedApplicationsTest {

    private static Tensor image(int size) {
        Tensor x = Tensor.zeros(1, size, size, 3);
        Random r = new Random(2);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    private static void assertFoldedLogitsMatch(Graph logits, Tensor x) {
        float[] layers = logits.withoutFusion().predict(x).data();
        float[] folded = logits.predict(x).data();
        double largest = 0;
        double worst = 0;
        for (int i = 0; i < layers.length; i++) {
            largest = Math.max(largest, Math.abs(layers[i]));
            worst = Math.max(worst, Math.abs((double) layers[i] - folded[i]));
        }
        assertTrue(worst <= 1e-5 * largest, "max |difference| " + worst + " > 1e-5 x " + largest);
    }

    @Test
    void mobilenetFoldsEveryNormalizationAndRelu() {
        KerasModel m = Applications.seeded(Applications.byName("mobilenet_0.25_128"));
        Graph plan = m.graph().inferencePlan(List.of());
        // 14 conv layers and 13 depthwise layers, each with its BN and ReLU6 absorbed (81 layers
        // become 27), and the 1x1 classifier conv_preds with its bias; padding, pooling, dropout,
        // reshapes and softmax stay.
        long folded = plan.nodes().stream().filter(n -> !n.isInput() && n.op().describe().startsWith("folded")).count();
        assertEquals(28, folded);
        assertEquals(m.graph().nodes().size() - 2 * 27, plan.nodes().size());
        assertFoldedLogitsMatch(m.graph().withoutFinalActivation().orElseThrow(), image(128));
        io.gradcam4j.engine.ShapeAssert.assertStaticShapesMatchARun(m.graph(), image(128));
    }

    @Test
    void xceptionLogitsMatchTheLayersOneByOne() {
        KerasModel m = Applications.seeded(Applications.byName("xception"));
        assertFoldedLogitsMatch(m.graph().withoutFinalActivation().orElseThrow(), image(71));
        io.gradcam4j.engine.ShapeAssert.assertStaticShapesMatchARun(m.graph(), image(71));
    }

    /**
     * The architectures of issue 16 at small sizes: folded logits equal the layer-by-layer ones,
     * and every layer's shape found without running equals the shape a run gives.
     */
    @TestFactory
    List<DynamicTest> newArchitecturesFoldAndKnowTheirShapesWithoutRunning() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String name : List.of("resnet50", "resnet50v2", "mobilenetv2_0.35_224", "efficientnetb0", "efficientnetv2b0",
                "densenet121", "mobilenetv3small", "mobilenetv3large_minimalistic")) {
            sizes.put(name, 64);
        }
        sizes.put("inceptionv3", 75);
        return sizes.entrySet().stream().map(e -> dynamicTest(e.getKey(), () -> {
            KerasModel m = Applications.seeded(Applications.byName(e.getKey(), e.getValue(), e.getValue()));
            assertFoldedLogitsMatch(m.graph().withoutFinalActivation().orElseThrow(), image(e.getValue()));
            io.gradcam4j.engine.ShapeAssert.assertStaticShapesMatchARun(m.graph(), image(e.getValue()));
        })).toList();
    }
}
