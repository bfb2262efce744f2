package io.gradcam4j.keras;

import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;

import java.util.Map;
import java.util.Optional;

/**
 * The layer a class activation map explains when none is named ({@code --layer auto}): the last
 * node, in execution order, whose output is still an image, 4-D with H x W > 1. That is the last
 * convolutional block before global pooling or flattening, searched into nested models (their
 * nodes are inlined as {@code outer/inner}).
 */
final class DefaultTargetLayer {

    private DefaultTargetLayer() {
    }

    /** Empty when no node has a spatial output; {@code shapes} as {@link Graph#outputShapes}. */
    static Optional<String> of(Graph graph, Map<String, int[]> shapes) {
        String best = null;
        for (Node n : graph.nodes()) {
            int[] s = shapes.get(n.name());
            if (!n.isInput() && s != null && s.length == 4 && s[1] * s[2] > 1) {
                best = n.name();
            }
        }
        return Optional.ofNullable(best);
    }
}
