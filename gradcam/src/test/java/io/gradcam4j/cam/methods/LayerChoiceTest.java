package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.Conv2D;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.Softmax;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names that are not layers a map can be made at are refused with the reason, before any work. */
class LayerChoiceTest {
    private final Random random = new Random(2);

    private Graph model() {
        Graph.Builder b = Graph.builder();
        Node in = b.input("input");
        Node conv = b.add("conv", new Conv2D(new Param("k", GradientCheck.random(random, -1f, 1f, 3, 3, 2, 4), true),
                new int[] {1, 1}, new int[] {1, 1}, Padding.SAME), in);
        Node gap = b.add("gap", new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, false), conv);
        Node dense = b.add("dense", new MatMul(new Param("w", GradientCheck.random(random, -1f, 1f, 4, 3), true)), gap);
        return b.build(b.add("probabilities", new Softmax(), dense));
    }

    private String refusal(String layer) {
        Tensor x = GradientCheck.random(random, -1f, 1f, 1, 6, 6, 2);
        return assertThrows(io.gradcam4j.engine.errors.InvalidRequestException.class,
                () -> Methods.byName("gradcam").explain(model(), x, layer, List.of(), ScoreKind.LOGIT)).getMessage();
    }

    @Test
    void theInputTheFinalSoftmaxAndTheHeadAreRefusedWithTheReason() {
        assertTrue(refusal("input").contains("the model's input"), refusal("input"));
        assertTrue(refusal("probabilities").contains("final softmax"), refusal("probabilities"));
        assertTrue(refusal("gap").contains("4-D"), refusal("gap"));
        String unknown = refusal("conv9");
        assertTrue(unknown.contains("conv9") && unknown.contains("conv") && unknown.contains("dense"), unknown);
    }
}
