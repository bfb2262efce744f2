package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Tensor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output shape of every node of a graph without running it: each op's
 * {@link io.gradcam4j.engine.Op#outputShape}, in execution order. Layer summaries, the default
 * target layer and the size checks made before a run read it.
 */
final class ShapeInference {

    private ShapeInference() {
    }

    /**
     * The output shape of every node for these inputs, from each op's {@link Op#outputShape}
     * without computing anything; when an op cannot tell (a registered Lambda), by one inference
     * pass instead. Used for summaries and to find the last spatial layer.
     */
    static Map<String, int[]> outputShapes(Graph graph, Tensor... in) {
        Map<String, int[]> shapes = staticShapes(graph, in);
        if (shapes == null) {
            Map<String, int[]> ran = new LinkedHashMap<>();
            new GraphExecutor(graph).run(in, Mode.INFERENCE, List.of(), false,
                    (node, value) -> ran.put(node.name(), value.shape()));
            shapes = ran;
        }
        return shapes;
    }

    /**
     * The shapes from the ops alone, or {@code null} when one of them cannot tell or objects (a
     * malformed model: the inference pass then reports it with the layer's name).
     */
    static Map<String, int[]> staticShapes(Graph graph, Tensor[] in) {
        if (in.length != graph.inputs().size()) {
            return null;
        }
        try {
            return shapesFromOps(graph, in);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Map<String, int[]> shapesFromOps(Graph graph, Tensor[] in) {
        Map<Node, int[]> byNode = new HashMap<>();
        for (int i = 0; i < in.length; i++) {
            byNode.put(graph.inputs().get(i), in[i].shape());
        }
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            int[] s = byNode.get(n);
            if (!n.isInput()) {
                int[][] args = new int[n.inputs().size()][];
                for (int i = 0; i < args.length; i++) {
                    args[i] = byNode.get(n.inputs().get(i));
                }
                s = n.op().outputShape(args);
            }
            if (s == null) {
                return null;
            }
            byNode.put(n, s);
            shapes.put(n.name(), s);
        }
        return shapes;
    }
}
