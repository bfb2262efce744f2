package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.Resize;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model whose layer would make an activation larger than the heap (a Resizing layer of
 * 100000 x 20000) is refused from its shapes before anything runs, quickly and with the layer's name.
 */
class ResourceLimitTest {

    @Test
    void anActivationLargerThanTheHeapIsRefusedBeforeRunning() {
        Graph.Builder b = Graph.builder();
        Node in = b.input("input");
        Node big = b.add("huge_resize", new Resize(100000, 20000, Resize.Interpolation.BILINEAR), in);
        Node out = b.add("pool", new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, false), big);
        Graph g = b.build(out);
        long t0 = System.nanoTime();
        io.gradcam4j.engine.errors.ResourceLimitException e = assertThrows(
                io.gradcam4j.engine.errors.ResourceLimitException.class, () -> Methods.byName("saliency")
                .explain(g, Tensor.zeros(1, 8, 8, 3), null, List.of(0), ScoreKind.LOGIT));
        assertTrue(e.getMessage().contains("huge_resize") && e.getMessage().contains("-Xmx"), e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "refused from the shapes, not after trying");
    }
}
