package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes of a graph that run after one of its layers, as a graph of their own whose first
 * input stands for that layer: Ablation-CAM replaces the layer's output and runs only the rest
 * of the network. A node after the layer may also read a node that is not after it (a skip
 * connection that bypasses the layer); such nodes become further inputs, the "frontier", whose
 * values the caller keeps from the first run and which {@link #run} repeats for every replaced
 * value.
 */
public final class Downstream {
    private final Graph graph;
    private final List<String> frontier;

    private Downstream(Graph graph, List<String> frontier) {
        this.graph = graph;
        this.frontier = List.copyOf(frontier);
    }

    static Downstream of(Graph whole, Node layer) {
        if (layer == whole.output()) {
            throw new IllegalArgumentException("layer '" + layer.name() + "' is the model's output: nothing runs after it");
        }
        Map<Node, Node> copies = new HashMap<>();
        Map<Node, Node> frontierInputs = new LinkedHashMap<>();
        Node replaced = new Node(layer.name(), null, List.of());
        copies.put(layer, replaced);
        for (Node n : whole.nodes()) {
            if (n.isInput() || copies.containsKey(n) || n.inputs().stream().noneMatch(copies::containsKey)) {
                continue;   // not after the layer
            }
            List<Node> ins = new ArrayList<>();
            for (Node in : n.inputs()) {
                ins.add(copies.containsKey(in) ? copies.get(in)
                        : frontierInputs.computeIfAbsent(in, k -> new Node(k.name(), null, List.of())));
            }
            copies.put(n, new Node(n.name(), n.op(), ins));
        }
        Node output = copies.get(whole.output());
        if (output == null) {
            throw new IllegalArgumentException("the model's output does not depend on layer '" + layer.name() + "'");
        }
        List<Node> inputs = new ArrayList<>();
        inputs.add(replaced);
        inputs.addAll(frontierInputs.values());
        List<String> frontier = frontierInputs.keySet().stream().map(Node::name).toList();
        return new Downstream(new Graph(inputs, output, whole.fusing(), whole.shared()), frontier);
    }

    /** The nodes the downstream part reads besides the layer: tap them in the first run. */
    public List<String> frontier() {
        return frontier;
    }

    /**
     * The output for a batch of replaced layer values; each frontier value (batch 1, from the run
     * that produced the layer's own value) is repeated for every item of the batch.
     */
    public Tensor run(Tensor layerValues, Map<String, Tensor> frontierValues) {
        int n = layerValues.dim(0);
        Tensor[] in = new Tensor[1 + frontier.size()];
        in[0] = layerValues;
        for (int i = 0; i < frontier.size(); i++) {
            Tensor v = frontierValues.get(frontier.get(i));
            if (v == null) {
                throw new IllegalArgumentException("no value for '" + frontier.get(i) + "', which the layers after "
                        + graph.inputs().get(0).name() + " read");
            }
            in[1 + i] = Tensor.repeat(v, n);
        }
        return graph.predict(in);
    }
}
