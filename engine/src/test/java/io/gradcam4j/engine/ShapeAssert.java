package io.gradcam4j.engine;

import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.graph.Recording;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Shapes found without running ({@link Graph#outputShapes}) must be the shapes a run produces. */
public final class ShapeAssert {
    private ShapeAssert() {
    }

    public static void assertStaticShapesMatchARun(Graph graph, Tensor... inputs) {
        List<String> names = graph.nodes().stream().map(Node::name).toList();
        Recording run = graph.withoutFusion().record(inputs, Mode.INFERENCE, names, false);
        Map<String, int[]> shapes = graph.outputShapes(inputs);
        assertEquals(names, List.copyOf(shapes.keySet()));
        for (String name : names) {
            assertArrayEquals(run.value(name).shape(), shapes.get(name), () -> "shape of '" + name + "': ran "
                    + Arrays.toString(run.value(name).shape()) + ", found " + Arrays.toString(shapes.get(name)));
        }
    }
}
