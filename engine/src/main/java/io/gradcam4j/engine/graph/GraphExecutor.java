package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.Workspace;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link Graph} node by node: each activation is freed (given back to the graph's
 * {@link Workspace}) once its last reader has run, and the backward closures of the nodes a
 * gradient must pass through are kept in a {@link Recording}. Nothing else survives a run.
 */
final class GraphExecutor {
    private final Graph graph;

    GraphExecutor(Graph graph) {
        this.graph = graph;
    }

    /** Sees each node's output as soon as it is computed. */
    interface Observer {
        void computed(Node node, Tensor value);
    }

    Recording run(Tensor[] in, Mode mode, Collection<String> taps, boolean weightGradients, Observer observer) {
        List<Node> inputs = graph.inputs();
        Set<Node> outputs = new HashSet<>(graph.outputs());
        if (in.length != inputs.size()) {
            throw new IllegalArgumentException("the graph has " + inputs.size() + " inputs " + inputs
                    + " but got " + in.length + " tensors");
        }
        Set<Node> tapped = new LinkedHashSet<>();
        for (String t : taps) {
            tapped.add(graph.node(t));
        }
        Set<Node> recorded = nodesToRecord(tapped, weightGradients);
        Set<Node> kept = keptAlive(tapped, recorded);
        Map<Node, Integer> pendingConsumers = consumerCounts();
        Map<Node, Tensor> values = new HashMap<>();
        for (int i = 0; i < in.length; i++) {
            values.put(inputs.get(i), in[i]);
        }
        // arrays of kept nodes: a view of one (a Reshape of a tapped layer) must not be recycled either
        Set<float[]> pinned = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Recording recording = new Recording(graph.output(), tapped, recorded);
        try (Workspace.Scope scope = graph.shared().workspace.enter()) {
            for (Node n : graph.nodes()) {
                if (n.isInput()) {
                    pinned.add(values.get(n).data());
                    recording.keepIfTapped(n, values.get(n));
                    observer.computed(n, values.get(n));
                    continue;
                }
                Tensor[] args = new Tensor[n.inputs().size()];
                for (int i = 0; i < args.length; i++) {
                    args[i] = values.get(n.inputs().get(i));
                }
                var step = runStep(n, args, mode);
                values.put(n, step.output());
                if (kept.contains(n)) {
                    pinned.add(step.output().data());
                }
                recording.keepIfTapped(n, step.output());
                observer.computed(n, step.output());
                if (recorded.contains(n)) {
                    recording.keepBackward(n, step.backward());
                } else {
                    recycleTemporaries(step.temporaries(), pinned, values.values());
                }
                for (Node arg : n.inputs()) {
                    // Free an activation as soon as its last consumer has run; closures keep their own.
                    if (pendingConsumers.merge(arg, -1, Integer::sum) == 0 && !outputs.contains(arg)) {
                        Tensor dead = values.remove(arg);
                        if (!kept.contains(arg) && !pinned.contains(dead.data()) && !isViewed(dead, values.values())) {
                            Workspace.recycle(dead.data());
                        }
                    }
                }
            }
        }
        Map<String, Tensor> outputValues = new java.util.LinkedHashMap<>();
        for (Node o : graph.outputs()) {
            outputValues.put(o.name(), values.get(o));
        }
        recording.setOutputs(outputValues);
        return recording;
    }

    /**
     * Nodes whose outputs outlive their last consumer: graph inputs (the caller's), tapped values,
     * and what a backward closure may read (the outputs and inputs of recorded nodes).
     */
    private Set<Node> keptAlive(Set<Node> tapped, Set<Node> recorded) {
        Set<Node> kept = new HashSet<>(tapped);
        kept.addAll(graph.inputs());
        for (Node n : recorded) {
            kept.add(n);
            kept.addAll(n.inputs());
        }
        return kept;
    }

    /** A dropped step's intermediate results, unless one is a view of a kept or live tensor. */
    private static void recycleTemporaries(List<Tensor> temporaries, Set<float[]> pinned, Collection<Tensor> live) {
        Set<float[]> given = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Tensor t : temporaries) {
            // two temporaries may share an array (a Reshape inside a chain): give it back once
            if (!pinned.contains(t.data()) && !isViewed(t, live) && given.add(t.data())) {
                Workspace.recycle(t.data());
            }
        }
    }

    /** Whether a live tensor views the same array (Reshape, Identity, Dropout at inference). */
    private static boolean isViewed(Tensor dead, Collection<Tensor> live) {
        for (Tensor t : live) {
            if (t.data() == dead.data()) {
                return true;
            }
        }
        return false;
    }

    private static Step runStep(Node n, Tensor[] args, Mode mode) {
        try {
            return n.op().forward(args, mode);
        } catch (IllegalArgumentException e) {
            // An op refuses its input (a shape that does not fit): the caller's input or model
            // does not fit this layer. Typed, with the layer, so that callers need not parse it.
            throw new io.gradcam4j.engine.errors.InvalidRequestException("layer '" + n.name() + "' ("
                    + n.op().describe() + "): " + e.getMessage(), e);
        }
    }

    /**
     * The nodes whose backward rule a gradient must pass through: strictly downstream of a tap,
     * or (for weight gradients) at or downstream of a node with trainable weights.
     */
    private Set<Node> nodesToRecord(Set<Node> tapped, boolean weightGradients) {
        Set<Node> recorded = new HashSet<>();
        for (Node n : graph.nodes()) {
            if (n.isInput()) {
                continue;
            }
            boolean ownWeights = weightGradients && n.op().params().stream().anyMatch(Param::trainable);
            boolean fed = n.inputs().stream().anyMatch(i -> tapped.contains(i) || recorded.contains(i));
            if (ownWeights || fed) {
                recorded.add(n);
            }
        }
        return recorded;
    }

    private Map<Node, Integer> consumerCounts() {
        Map<Node, Integer> counts = new HashMap<>();
        for (Node n : graph.nodes()) {
            for (Node arg : n.inputs()) {
                counts.merge(arg, 1, Integer::sum);
            }
        }
        return counts;
    }

}
