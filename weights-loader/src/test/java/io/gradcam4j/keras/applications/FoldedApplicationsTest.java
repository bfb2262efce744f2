package io.gradcam4j.keras.applications;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.keras.KerasModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
